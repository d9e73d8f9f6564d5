"""``keyworker suspension add|lift|list`` end to end on a real store."""

from __future__ import annotations

from tests.cli_harness import CliHarness

PASS = "orbit lantern gravel 4711"


def init(h: CliHarness, role: str) -> None:
    assert h.run("init", "--name", "Sam Lead", "--role", role, "--organisation",
                 "leicester-city", KEYWORKER_PASSPHRASE=PASS).code == 0


def test_team_lead_adds_lists_and_lifts_a_suspension(harness: CliHarness) -> None:
    init(harness, "team-lead")
    added = harness.run("suspension", "add", "--partner", "leicestershire-police",
                        "--evidence", "IG-2025-014", "--start", "10/03/2025",
                        KEYWORKER_PASSPHRASE=PASS)
    assert added.code == 0, added.err
    assert "Leicestershire Police from 10/03/2025 until 24/04/2025" in added.out
    assert "meeting due by 24/03/2025" in added.out
    listed = harness.run("suspension", "list", KEYWORKER_PASSPHRASE=PASS)
    assert "Leicestershire Police" in listed.out and "IG-2025-014" in listed.out
    ended = harness.run("suspension", "lift", "--id", "1", KEYWORKER_PASSPHRASE=PASS)
    assert ended.code == 2 and "already ended" in ended.err  # its 45 days are long over
    current = harness.run("suspension", "add", "--partner", "all", "--evidence", "IG-2",
                          KEYWORKER_PASSPHRASE=PASS)
    assert current.code == 0 and "the whole agreement from" in current.out
    assert "IN FORCE" in harness.run("suspension", "list", KEYWORKER_PASSPHRASE=PASS).out
    lifted = harness.run("suspension", "lift", "--id", "2", KEYWORKER_PASSPHRASE=PASS)
    assert lifted.code == 0, lifted.err
    assert "lifted" in lifted.out
    again = harness.run("suspension", "lift", "--id", "2", KEYWORKER_PASSPHRASE=PASS)
    assert again.code == 2 and "already been lifted" in again.err


def test_key_worker_and_bad_input_are_refused(harness: CliHarness) -> None:
    init(harness, "key-worker")
    refused = harness.run("suspension", "add", "--partner", "leicestershire-police",
                          "--evidence", "IG-1", KEYWORKER_PASSPHRASE=PASS)
    assert refused.code == 2 and "only a team lead" in refused.err
    missing = harness.run("suspension", "add", "--partner", "leicestershire-police",
                          KEYWORKER_PASSPHRASE=PASS)
    assert missing.code == 2 and "--evidence" in missing.err
    listed = harness.run("suspension", "list", KEYWORKER_PASSPHRASE=PASS)
    assert listed.code == 0 and "No suspensions recorded." in listed.out
