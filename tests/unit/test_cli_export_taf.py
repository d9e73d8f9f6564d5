"""``keyworker export`` of the TAF meeting record and preparation pack, end to end."""

from __future__ import annotations

from keyworker_app.paths import StorePaths
from keyworker_app.reports.protect import is_protected
from keyworker_app.services.case_store import CaseSession, CaseStore
from keyworker_app.services.policy_loader import find_policy
from tests.cli_harness import CliHarness
from tests.unit.reports.pdf_checks import assert_marked_every_page
from tests.unit.reports.taf_fixtures import save_three_meetings
from tests.unit.services.export_env import STRONG
from tests.unit.test_cli import PASS
from tests.unit.test_cli_export import setup_store


def add_meetings(h: CliHarness) -> list[int]:
    session = CaseStore(StorePaths(h.store)).unlock(PASS)
    assert isinstance(session, CaseSession)
    try:
        family_id = session.families().find_id_by_reference("CANARY-0001")
        assert family_id is not None
        return save_three_meetings(session, find_policy()[0], family_id)
    finally:
        session.lock()


def test_meeting_record_and_taf_pack_from_the_terminal(harness: CliHarness) -> None:
    out = setup_store(harness)
    ids = add_meetings(harness)
    result = harness.run("export", "--family", "CANARY-0001", "--report", "meeting-record",
                         "--meeting", str(ids[0]), "--purpose", "support", "--out",
                         str(out / "m.pdf"), "--recipient", "early.help@leicester.gcsx.gov.uk",
                         KEYWORKER_PASSPHRASE=PASS)
    assert result.code == 0, result.err
    assert "TAF meeting record for CANARY-0001 written to" in result.out
    assert assert_marked_every_page((out / "m.pdf").read_bytes(), "RESTRICTED") >= 4

    secret = harness.root / "pw.txt"
    secret.write_text(STRONG + "\n", encoding="utf-8")
    pack = ("export", "--family", "CANARY-0001", "--report", "taf-pack",
            "--purpose", "support", "--out", str(out / "p.pdf"), "--recipient",
            "lead@example.com", "--password-file", str(secret))
    # Partners' information to an organisation outside the agreement (ISA section 5).
    refused = harness.run(*pack, KEYWORKER_PASSPHRASE=PASS)
    assert refused.code == 2 and "Leicestershire Police" in refused.err
    result = harness.run(*pack, "--consent-ref", "LP-77", "--consent-date", "01/03/2025",
                         KEYWORKER_PASSPHRASE=PASS)
    assert result.code == 0, result.err
    data = (out / "p.pdf").read_bytes()
    assert is_protected(data)
    assert assert_marked_every_page(data, "RESTRICTED", STRONG) >= 4
    audit = harness.run("audit", KEYWORKER_PASSPHRASE=PASS).out
    assert f"report=meeting-record ref=CANARY-0001 recipient=secure protected=no " \
           f"purpose=support meeting={ids[0]}" in audit
    assert "report=taf-pack ref=CANARY-0001 recipient=not-secure protected=yes" in audit
    assert "consent-ref=LP-77 consent-on=2025-03-01" in audit
    assert STRONG not in audit and "example.com" not in audit


def test_meeting_record_needs_a_meeting_of_that_family(harness: CliHarness) -> None:
    out = setup_store(harness)
    add_meetings(harness)
    base = ("export", "--family", "CANARY-0001", "--report", "meeting-record", "--purpose",
            "support", "--print", "--out", str(out / "m.pdf"))
    result = harness.run(*base, KEYWORKER_PASSPHRASE=PASS)
    assert result.code == 2 and "choose the meeting" in result.err
    result = harness.run(*base, "--meeting", "9999", KEYWORKER_PASSPHRASE=PASS)
    assert result.code == 2 and "No meeting with id 9999" in result.err
    assert list(out.iterdir()) == []
