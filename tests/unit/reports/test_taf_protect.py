"""Acceptance 2 for the TAF reports: AES-256 R6 (qpdf), no or a wrong password fails."""

from __future__ import annotations

import io
import subprocess
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from keyworker_app.reports import meeting_record, taf_pack
from keyworker_app.reports.meta import ReportMeta
from keyworker_app.reports.protect import is_protected, protect_pdf
from tests.taf_session import shipped_policy
from tests.unit.reports.conftest import HANDLING, MARKING, TODAY, long_notes_family
from tests.unit.reports.pdf_checks import assert_marked_every_page, pdftotext_pages
from tests.unit.reports.taf_fixtures import pack_records, three_meetings

PASSWORD = "Tr4m-Lantern-91"
NOW = datetime(2025, 3, 7, 14, 30)


def plain(kind: str) -> bytes:
    policy = shipped_policy()
    family = replace(long_notes_family(), id=7)
    meta = ReportMeta("TAF report", "KW-0042", MARKING, HANDLING, "Sam Worker", NOW)
    if kind == "meeting-record":
        return meeting_record.build(three_meetings(7)[0], family, policy, meta, TODAY,
                                    purpose_label="Support", destination_label="E-mail")
    return taf_pack.build(pack_records(family), policy, meta, NOW, purpose_label="Support",
                          destination_label="E-mail")


@pytest.mark.parametrize("kind", ["meeting-record", "taf-pack"])
def test_protected_report_is_r6_and_needs_the_password(kind: str, tmp_path: Path) -> None:
    path = tmp_path / f"{kind}.pdf"
    path.write_bytes(protect_pdf(plain(kind), PASSWORD))
    data = path.read_bytes()
    shown = subprocess.run(["qpdf", f"--password={PASSWORD}", "--show-encryption", str(path)],
                           check=True, capture_output=True, text=True).stdout
    assert "R = 6" in shown and "stream encryption method: AESv3" in shown
    assert subprocess.run(["qpdf", "--requires-password", str(path)],
                          check=False).returncode == 0
    assert is_protected(data)
    assert not PdfReader(io.BytesIO(data)).decrypt("wrong password 123")
    assert not PdfReader(io.BytesIO(data)).decrypt("")
    for args in ([], ["-upw", "wrong password 123"]):
        assert subprocess.run(["pdftotext", *args, str(path), "-"], capture_output=True,
                              check=False).returncode != 0
    assert b"Ashworth" not in data
    assert assert_marked_every_page(data, MARKING, PASSWORD) >= 4
    assert "Alex Ashworth" in "".join(pdftotext_pages(path, PASSWORD))
