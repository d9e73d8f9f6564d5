"""``keyworker criteria``, ``pbr-claim`` and ``retention-queue`` end to end on a real store."""

from __future__ import annotations

import csv
import json
from pathlib import Path

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
