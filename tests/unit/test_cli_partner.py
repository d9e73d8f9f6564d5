"""``keyworker partner-import | partner-match | partner-finish`` end to end on a real store."""

from __future__ import annotations

import json

from tests.cli_harness import CliHarness
from tests.partner_generator import CANARY, DWP, POLICE, SCHOOL, YOS, generate

PASS = "orbit lantern gravel 4711"


def init(h: CliHarness, role: str) -> None:
    assert h.run("init", "--name", "Sam Lead", "--role", role, "--organisation",
                 "leicester-city", KEYWORKER_PASSPHRASE=PASS).code == 0


def test_import_match_and_finish_from_a_script(harness: CliHarness) -> None:
    init(harness, "team-lead")
    files = generate(12, seed=4)
    for exchange in (POLICE, YOS, SCHOOL, DWP):
        path = harness.root / f"{exchange}.csv"
        path.write_bytes(files.csv_bytes(exchange))
        done = harness.run("partner-import", "--exchange", exchange, str(path),
                           KEYWORKER_PASSPHRASE=PASS)
        assert done.code == 0, done.err
        assert f"{len(files.rows[exchange])} rows" in done.out
    report = harness.root / "report.json"
    matched = harness.run("partner-match", "--report", str(report), KEYWORKER_PASSPHRASE=PASS)
    assert matched.code == 0, matched.err
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["rows"] == files.row_count
    # Households with one kind of data set only cannot meet the criteria: counted, not listed.
    assert data["households"] + data["single_source_households"] >= 12
    text = report.read_text(encoding="utf-8")
    assert CANARY not in text and "Fosse" not in text  # no names, no addresses
    finished = harness.run("partner-finish", "--undecided-as-different",
                           KEYWORKER_PASSPHRASE=PASS)
    assert finished.code == 0, finished.err
    assert f"{POLICE} file 1: received {len(files.rows[POLICE])}" in finished.out
    assert CANARY not in finished.out


def test_bad_input_exits_2_with_a_plain_message(harness: CliHarness) -> None:
    init(harness, "team-lead")
    bad = harness.root / "bad.csv"
    bad.write_bytes(b"Forename,Surname,DOB,Address,Offence date,Disposal\r\n"
                    b"Ann,Lee,40/01/2001,1 Mere Road,01/12/2024,Caution\r\n")
    run = harness.run("partner-import", "--exchange", POLICE, str(bad),
                      KEYWORKER_PASSPHRASE=PASS)
    assert run.code == 2 and "row 2, column 'DOB': not a date" in run.err
    assert "Ann" not in run.err
    unknown = harness.run("partner-import", "--exchange", "no-such", str(bad),
                          KEYWORKER_PASSPHRASE=PASS)
    assert unknown.code == 2 and "no exchange 'no-such'" in unknown.err
    mapping = harness.root / "m.json"
    mapping.write_text('{"shoe_size": "Size"}', encoding="utf-8")
    wrong = harness.run("partner-import", "--exchange", POLICE, str(bad), "--mapping",
                        str(mapping), KEYWORKER_PASSPHRASE=PASS)
    assert wrong.code == 2 and "unknown field 'shoe_size'" in wrong.err
    missing = harness.run("partner-import", "--exchange", POLICE, str(harness.root / "x.csv"),
                          KEYWORKER_PASSPHRASE=PASS)
    assert missing.code == 2 and "no such file" in missing.err


def test_a_key_worker_cannot_import(harness: CliHarness) -> None:
    init(harness, "key-worker")
    path = harness.root / "p.csv"
    path.write_bytes(generate(3, seed=1).csv_bytes(POLICE))
    run = harness.run("partner-import", "--exchange", POLICE, str(path),
                      KEYWORKER_PASSPHRASE=PASS)
    assert run.code == 2 and "Only a team lead can import" in run.err
