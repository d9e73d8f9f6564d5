"""AES-256 (revision 6) protection, checked with qpdf, pypdf and poppler."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from keyworker_app.reports import case_summary
from keyworker_app.reports.meta import ReportMeta
from keyworker_app.reports.protect import is_protected, protect_pdf
from tests.gui.samples import sample_family
from tests.unit.reports.conftest import MARKING, TODAY
from tests.unit.reports.pdf_checks import assert_marked_every_page, pdftotext_pages

PASSWORD = "Tr4m-Lantern-91"


@pytest.fixture
def protected(meta: ReportMeta, tmp_path: Path) -> Path:
    plain = case_summary.build(sample_family("KW-0042", "Ashworth"), meta, TODAY, "Support",
                               "E-mail")
    path = tmp_path / "p.pdf"
    path.write_bytes(protect_pdf(plain, PASSWORD))
    return path


def test_qpdf_reports_aes256_revision_6(protected: Path) -> None:
    out = subprocess.run(["qpdf", f"--password={PASSWORD}", "--show-encryption",
                          str(protected)], check=True, capture_output=True, text=True).stdout
    assert "R = 6" in out
    for what in ("stream", "string", "file"):
        assert f"{what} encryption method: AESv3" in out  # AESv3 is qpdf's name for AES-256
    assert "Supplied password is user password" in out
    needs = subprocess.run(["qpdf", "--requires-password", str(protected)], check=False)
    assert needs.returncode == 0  # 0: a password is required


def test_wrong_or_no_password_fails_right_password_reads(protected: Path) -> None:
    data = protected.read_bytes()
    assert is_protected(data)
    reader = PdfReader(io.BytesIO(data))
    assert reader.is_encrypted
    assert not reader.decrypt("wrong password 123")
    assert not PdfReader(io.BytesIO(data)).decrypt("")
    for args in ([], ["-upw", "wrong password 123"]):
        failed = subprocess.run(["pdftotext", *args, str(protected), "-"],
                                capture_output=True, check=False)
        assert failed.returncode != 0
    assert assert_marked_every_page(data, MARKING, PASSWORD) >= 1
    assert "Ashworth" in "".join(pdftotext_pages(protected, PASSWORD))


def test_the_file_holds_no_plaintext(protected: Path) -> None:
    data = protected.read_bytes()
    assert b"Ashworth" not in data and MARKING.encode() not in data


def test_empty_password_is_refused() -> None:
    with pytest.raises(ValueError):
        protect_pdf(b"%PDF-1.4", "")
