"""Subject access (find, gather, log) and breach records through the service."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from keyworker_app.domain.audit import AuditAction
from keyworker_app.domain.breach import Breach
from keyworker_app.domain.subject_access import SubjectAccessRequest
from keyworker_app.errors import ValidationError
from tests.unit.services.programme_fixtures import POLICY, Programme
from tests.unit.services.test_retention_deletion import NAME, canary_family, plant_taf


def test_find_and_gather_everything_about_a_person(programme: Programme) -> None:
    p = programme
    fam = p.session.add_family(canary_family("TF-1", "Marker"))
    assert fam.id is not None
    plant_taf(p, fam.id, "Marker")
    hits = p.service.rights.find_people(f"Ada {NAME}")
    assert [(h.name, h.family_reference, h.date_of_birth) for h in hits] == [
        (f"Ada {NAME}", "TF-1", "17/05/1990")]
    pack = p.service.rights.gather(hits[0].person_id, request_id=7)
    assert pack.person.ref == "m1"
    assert [c.detail for c in pack.concerns] == ["Marker concern"]
    assert len(pack.notes) == 1 and len(pack.consents) == 1
    assert [s.from_partner for s in pack.shared] == [POLICY.partners[0].id]  # who shared it
    assert len(pack.meetings) == 1
    event = p.session.audit().events(limit=1)[0]
    assert (event.action, event.object_type, event.detail) == (
        AuditAction.VIEW, "person", "subject-access request=7")
    child = next(h for h in p.service.rights.find_people(NAME) if h.name.startswith("Bea"))
    assert p.service.rights.gather(child.person_id).concerns == ()


def test_request_log_with_due_dates(programme: Programme) -> None:
    rights = programme.service.rights
    first = rights.log_request(SubjectAccessRequest(date(2025, 1, 31), "SAR-2025-001"))
    second = rights.log_request(SubjectAccessRequest(date(2025, 3, 15), "SAR-2025-002"))
    assert first.due_on == date(2025, 2, 28) and second.due_on == date(2025, 4, 15)
    done = rights.log_request(SubjectAccessRequest(date(2025, 1, 31), "SAR-2025-001",
                                                   completed_on=date(2025, 2, 20), id=first.id))
    assert done.completed_on == date(2025, 2, 20)
    assert [r.subject_label for r in rights.requests()] == ["SAR-2025-002", "SAR-2025-001"]
    with pytest.raises(ValidationError):
        rights.log_request(SubjectAccessRequest(date(2025, 3, 16), "future"))


def test_breach_record_round_trip(programme: Programme) -> None:
    rights = programme.service.rights
    found = datetime(2025, 3, 14, 8, 0, tzinfo=UTC)
    partner = POLICY.partners[1].id
    saved = rights.record_breach(Breach(POLICY.breach.categories[1].id, found,
                                        "E-mail sent to the wrong address", (partner,), True))
    assert saved.id is not None and saved.partners == (partner,) and saved.serious
    told = rights.record_breach(Breach(saved.category, found, saved.summary, (partner,), True,
                                       regulator_told_at=found + timedelta(hours=30),
                                       actions="Recall requested", id=saved.id))
    assert rights.breaches() == [told]
    assert told.regulator_told_at == found + timedelta(hours=30)
    event = programme.session.audit().events(limit=1)[0]
    assert event.action is AuditAction.UPDATE and "serious=1" in event.detail
    assert "wrong address" not in event.detail


def test_breach_follow_up_is_kept_through_the_store(programme: Programme) -> None:
    rights = programme.service.rights
    found = datetime(2025, 3, 14, 8, 0, tzinfo=UTC)
    partner = POLICY.partners[1].id
    saved = rights.record_breach(Breach(POLICY.breach.categories[1].id, found,
                                        "E-mail sent to the wrong address", (partner,), True))
    assert saved.partners_told_at is None and not saved.police_consulted
    followed = rights.record_breach(Breach(
        saved.category, found, saved.summary, (partner,), True, outcome="Recalled",
        partners_told_at=found + timedelta(hours=5),
        partners_told_whom="Information Governance Manager", police_consulted=True,
        police_decision="No further action", learning="Check the address twice",
        circulated_at=found + timedelta(hours=20), id=saved.id))
    again = rights.breach(saved.id)
    assert again == followed
    assert again.partners_told_at == found + timedelta(hours=5)
    assert again.partners_told_whom == "Information Governance Manager"
    assert again.police_consulted and again.police_decision == "No further action"
    assert again.learning == "Check the address twice"
    assert again.circulated_at == found + timedelta(hours=20)
    with pytest.raises(ValidationError):  # told in the future
        rights.record_breach(Breach(saved.category, found, saved.summary, (partner,), True,
                                    partners_told_at=datetime(2999, 1, 1, tzinfo=UTC),
                                    partners_told_whom="IG", id=saved.id))
    assert rights.breach(saved.id) == followed
