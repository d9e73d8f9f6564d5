"""``keyworker criteria``, ``pbr-claim`` (PDF and CSV), ``retention-queue``, ``sar-export`` and
``breach-export`` end to end on a real store."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from tests.cli_harness import CliHarness

PASS = "orbit lantern gravel 4711"
EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "families.json"


def store_with_example(h: CliHarness) -> str:
    assert h.run("init", "--name", "Sam Lead", "--role", "team-lead", "--organisation",
                 "leicester-city", KEYWORKER_PASSPHRASE=PASS).code == 0
    result = h.run("import-families", str(EXAMPLE), KEYWORKER_PASSPHRASE=PASS)
    assert result.code == 0, result.err
    return str(json.loads(EXAMPLE.read_text(encoding="utf-8"))["families"][0]["reference"])


def test_criteria_json(harness: CliHarness) -> None:
    reference = store_with_example(harness)
    result = harness.run("criteria", "--family", reference, "--as-of", "15/03/2025", "--json",
                         KEYWORKER_PASSPHRASE=PASS)
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["family"] == reference and data["as_of"] == "2025-03-15"
    assert set(data["criteria"]) == {"crime-asb", "education", "work", "local-discretion"}
    assert isinstance(data["qualifies"], bool)
    iso = harness.run("criteria", "--family", reference, "--as-of", "2025-03-15", "--json",
                      KEYWORKER_PASSPHRASE=PASS)
    assert json.loads(iso.out) == data
    text = harness.run("criteria", "--family", reference, "--as-of", "15/03/2025",
                       KEYWORKER_PASSPHRASE=PASS)
    assert "qualif" in text.out.lower()


def test_criteria_unknown_family_and_bad_date(harness: CliHarness) -> None:
    store_with_example(harness)
    missing = harness.run("criteria", "--family", "NOPE", KEYWORKER_PASSPHRASE=PASS)
    assert missing.code == 2
    bad = harness.run("criteria", "--family", "NOPE", "--as-of", "31/02/2025",
                      KEYWORKER_PASSPHRASE=PASS)
    assert bad.code == 2 and "--as-of" in bad.err


def test_claim_csv_has_references_only(harness: CliHarness, tmp_path: Path) -> None:
    store_with_example(harness)
    dest = tmp_path / "claim.csv"
    result = harness.run("pbr-claim", "--csv", str(dest), "--as-of", "15/03/2025",
                         KEYWORKER_PASSPHRASE=PASS)
    assert result.code == 0, result.err
    rows = list(csv.reader(dest.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0] == ["RESTRICTED"] and rows[-1] == ["RESTRICTED"]
    assert rows[1][0] == "Family reference"
    doc = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    names = {m["family_name"] for f in doc["families"] for m in f["members"]}
    body = dest.read_text(encoding="utf-8-sig")
    assert not any(name in body for name in names)
    again = harness.run("pbr-claim", "--csv", str(dest), KEYWORKER_PASSPHRASE=PASS)
    assert again.code == 2 and "already exists" in again.err
    audit = harness.run("audit", "--limit", "5", KEYWORKER_PASSPHRASE=PASS)
    assert "export pbr-claim" in audit.out


def test_retention_queue(harness: CliHarness) -> None:
    reference = store_with_example(harness)
    result = harness.run("retention-queue", KEYWORKER_PASSPHRASE=PASS)
    assert result.code == 0 and reference in result.out


def test_claim_as_marked_pdf_and_csv(harness: CliHarness, tmp_path: Path) -> None:
    from tests.unit.reports.pdf_checks import assert_marked_every_page, pdftotext_pages

    store_with_example(harness)
    pdf, table = tmp_path / "claim.pdf", tmp_path / "claim2.csv"
    result = harness.run("pbr-claim", "--out", str(pdf), "--csv", str(table), "--as-of",
                         "15/03/2025", "--print", KEYWORKER_PASSPHRASE=PASS)
    assert result.code == 0, result.err
    assert assert_marked_every_page(pdf.read_bytes(), "RESTRICTED") >= 1
    doc = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    names = {m["family_name"] for f in doc["families"] for m in f["members"]}
    text = " ".join(pdftotext_pages(pdf))
    assert "Payment-by-results claim" in text
    assert not any(name in text for name in names)
    assert table.read_text(encoding="utf-8-sig").startswith("RESTRICTED")
    audit = harness.run("audit", "--limit", "8", KEYWORKER_PASSPHRASE=PASS)
    assert "report=pbr-claim format=pdf" in audit.out and "format=csv" in audit.out
    none = harness.run("pbr-claim", KEYWORKER_PASSPHRASE=PASS)
    assert none.code == 2 and "--out" in none.err


def test_sar_and_breach_export_refusals(harness: CliHarness, tmp_path: Path) -> None:
    store_with_example(harness)
    out = tmp_path / "sar.pdf"
    unprotected = harness.run("sar-export", "--request", "1", "--out", str(out), "--print",
                              KEYWORKER_PASSPHRASE=PASS)
    assert unprotected.code == 2 and "must be password-protected" in unprotected.err
    secret = tmp_path / "pw.txt"
    secret.write_text("Tr4m-Lantern-91\n", encoding="utf-8")
    missing = harness.run("sar-export", "--request", "99", "--out", str(out),
                          "--password-file", str(secret), KEYWORKER_PASSPHRASE=PASS)
    assert missing.code == 2
    breach = harness.run("breach-export", "--breach", "99", "--out", str(tmp_path / "b.pdf"),
                         "--print", KEYWORKER_PASSPHRASE=PASS)
    assert breach.code == 2
    assert not out.exists() and not (tmp_path / "b.pdf").exists()


@pytest.mark.parametrize("csv_where, message", [
    ("missing/claim.csv", "does not exist"),
    ("existing.csv", "already exists"),
    ("claim.pdf", "must be different files"),
])
def test_claim_checks_both_outputs_before_writing_either(
        harness: CliHarness, tmp_path: Path, csv_where: str, message: str) -> None:
    store_with_example(harness)
    (tmp_path / "existing.csv").write_text("kept")
    pdf = tmp_path / "claim.pdf"
    result = harness.run("pbr-claim", "--out", str(pdf), "--csv", str(tmp_path / csv_where),
                         "--print", KEYWORKER_PASSPHRASE=PASS)
    assert result.code == 2 and message in result.err and "Traceback" not in result.err
    assert not pdf.exists()  # the PDF was not written ahead of the refused CSV
    assert (tmp_path / "existing.csv").read_text() == "kept"
    audit = harness.run("audit", "--limit", "8", KEYWORKER_PASSPHRASE=PASS)
    assert "report=pbr-claim" not in audit.out
