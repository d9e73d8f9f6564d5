"""Suspension of the agreement (ISA §15): while partner X is suspended nothing new is recorded
from it and nothing is exported to it; after 45 days (the test clock) both work again."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from keyworker_app.domain.audit import Actor, Role
from keyworker_app.domain.family import CaseNote, ContactKind
from keyworker_app.domain.policy import Policy
from keyworker_app.domain.problems import InvalidRecordError
from keyworker_app.domain.provenance import THE_FAMILY, Source
from keyworker_app.domain.suspension import WHOLE_AGREEMENT
from keyworker_app.domain.taf import SharedInformation
from keyworker_app.errors import UserFacingError
from keyworker_app.services.export import ExportRequest, ExportService, ReportKind
from keyworker_app.services.suspensions import SuspensionService
from tests.taf_session import TafStore, open_taf_store
from tests.unit.services.test_meetings import police_item

POLICE = "leicestershire-police"
POLICE_ADDRESS = "referrals@leics.pnn.police.uk"
CITY_ADDRESS = "families@leicester.gcsx.gov.uk"


def with_domains(policy: Policy) -> Policy:
    """The shipped policy with e-mail domains for two partners, so addresses resolve."""
    domains = {POLICE: ("leics.pnn.police.uk",), "leicester-city": ("leicester.gcsx.gov.uk",)}
    return replace(policy, partners=tuple(
        replace(p, email_domains=domains.get(p.id, p.email_domains)) for p in policy.partners))


@pytest.fixture
def taf(tmp_path: Path) -> TafStore:
    store = open_taf_store(tmp_path)
    store.policy = with_domains(store.policy)
    yield store
    store.session.lock()


def team_lead(taf: TafStore) -> SuspensionService:
    return SuspensionService(taf.session.connection, taf.session.audit, taf.clock,
                             Actor("Lee Lead", Role.TEAM_LEAD, "Leicester City Council"),
                             taf.policy)


def export_to(taf: TafStore, address: str, destination: Path) -> Path:
    service = ExportService(taf.session, taf.policy)
    result = service.export(ExportRequest(taf.family_id, ReportKind.CASE_SUMMARY,
                                          destination, service.recipient_for(address),
                                          "support"))
    return result.destination


def basis_item() -> SharedInformation:
    return police_item(lawful_basis="cda-1998-s115", basis_reason="Risk of harm.")


def test_suspended_partner_refuses_recording_and_export_until_45_days(
        taf: TafStore, tmp_path: Path) -> None:
    start = date(2025, 3, 10)
    team_lead(taf).record(POLICE, start, "IG-2025-014")
    meetings = taf.session.meetings(taf.policy)

    taf.clock.set_day(start + timedelta(days=44))
    with pytest.raises(UserFacingError, match="Leicestershire Police cannot be recorded"):
        meetings.record_shared_item(taf.family_id, basis_item())
    assert meetings.shared_items(taf.family_id) == []
    with pytest.raises(UserFacingError, match="Nothing can be exported to Leicestershire"):
        export_to(taf, POLICE_ADDRESS, tmp_path / "police.pdf")
    assert not (tmp_path / "police.pdf").exists()
    # Another partner is not affected.
    assert export_to(taf, CITY_ADDRESS, tmp_path / "city.pdf").exists()

    taf.clock.set_day(start + timedelta(days=45))
    saved = meetings.record_shared_item(taf.family_id, basis_item())
    assert saved.id is not None
    assert export_to(taf, POLICE_ADDRESS, tmp_path / "police.pdf").exists()


def test_lifted_suspension_ends_at_once_and_is_audited(taf: TafStore, tmp_path: Path) -> None:
    service = team_lead(taf)
    suspension = service.record(POLICE, date(2025, 3, 10), "IG-2025-015")
    assert [s.id for s in service.in_force()] == [suspension.id]
    assert service.in_force()[0].meeting_due_on == date(2025, 3, 24)
    assert suspension.id is not None
    service.lift(suspension.id)
    assert service.in_force() == []
    assert export_to(taf, POLICE_ADDRESS, tmp_path / "police.pdf").exists()
    details = [e.detail for e in taf.session.audit().events() if e.object_type == "suspension"]
    assert any("partner=leicestershire-police" in d for d in details)
    assert any(d.startswith("lifted") for d in details)


def test_whole_agreement_suspension_covers_every_partner(taf: TafStore, tmp_path: Path) -> None:
    team_lead(taf).record(WHOLE_AGREEMENT, date(2025, 3, 10), "IG-2025-016")
    with pytest.raises(UserFacingError, match="suspended"):
        export_to(taf, CITY_ADDRESS, tmp_path / "city.pdf")
    with pytest.raises(UserFacingError, match="cannot be recorded"):
        taf.session.meetings(taf.policy).record_shared_item(
            taf.family_id, basis_item())


def test_key_worker_cannot_record_and_evidence_is_needed(taf: TafStore, tmp_path: Path) -> None:
    key_worker = SuspensionService(taf.session.connection, taf.session.audit, taf.clock,
                                   Actor("Sam", Role.KEY_WORKER, "Leicester City Council"),
                                   taf.policy)
    with pytest.raises(InvalidRecordError, match="only a team lead"):
        key_worker.record(POLICE, date(2025, 3, 10), "IG-1")
    with pytest.raises(InvalidRecordError, match="evidence"):
        team_lead(taf).record(POLICE, date(2025, 3, 10), "  ")
    with pytest.raises(InvalidRecordError, match="partners"):
        team_lead(taf).record("zzz", date(2025, 3, 10), "IG-2")
    assert team_lead(taf).all() == []


def test_notes_from_a_suspended_partner_wait_until_it_ends(taf: TafStore) -> None:
    start = date(2025, 3, 10)
    team_lead(taf).record(POLICE, start, "IG-2025-017")
    note = CaseNote(ContactKind.PHONE_CALL, datetime(2025, 3, 11, 10, 0, tzinfo=UTC), "Sam Worker",
                    "Police called about a call-out.", source=Source(POLICE))
    family_note = replace(note, source=Source(THE_FAMILY), summary="Mum rang.")
    taf.clock.set_day(start + timedelta(days=1))
    with pytest.raises(UserFacingError, match="leicestershire-police cannot be recorded"):
        taf.session.add_note(taf.family_id, note)
    saved = taf.session.add_note(taf.family_id, family_note)  # the family's own word is fine
    summaries = [n.summary for n in saved.notes]
    assert "Mum rang." in summaries and "Police called about a call-out." not in summaries
    taf.clock.set_day(start + timedelta(days=45))
    after = taf.session.add_note(taf.family_id, note)
    assert "Police called about a call-out." in [n.summary for n in after.notes]


def test_nothing_is_shared_under_a_suspended_partners_exchanges(taf: TafStore) -> None:
    """Rutland receives the police's allocated-families exchange: while it is suspended,
    nothing is recorded under that exchange, though the police themselves are not suspended."""
    start = date(2025, 3, 10)
    team_lead(taf).record("rutland", start, "IG-2025-015")
    meetings = taf.session.meetings(taf.policy)
    taf.clock.set_day(start + timedelta(days=1))
    with pytest.raises(UserFacingError, match="suspended for Rutland"):
        meetings.record_shared_item(taf.family_id, basis_item())
    assert meetings.shared_items(taf.family_id) == []
    assert meetings.suspended_partners() == frozenset({"rutland"})
    taf.clock.set_day(start + timedelta(days=45))
    assert meetings.record_shared_item(taf.family_id, basis_item()).id is not None
    assert meetings.suspended_partners() == frozenset()
