"""An invented family with programme indicators (for the criteria panel and chart), and a
store populated with reviews due, subject-access requests and breaches, for GUI tests and
screenshots."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from keyworker_app.domain.breach import Breach
from keyworker_app.domain.family import Family, HouseholdRole, Person
from keyworker_app.domain.indicators import (
    AsbIntervention,
    AsbKind,
    Benefit,
    BenefitSpell,
    Concern,
    ConcernKind,
    Disposal,
    EducationTerm,
    Offence,
    Term,
)
from keyworker_app.domain.subject_access import SubjectAccessRequest
from tests.gui.samples import LEAD, sample_family
from tests.taf_session import SettableClock, TafStore, open_taf_store

TODAY = date(2025, 3, 19)
NOW = datetime(2025, 3, 19, 9, 30, tzinfo=UTC)


def programme_family(reference: str = "KW-0301", name: str = "Fairbairn") -> Family:
    base = sample_family(reference, name)
    parent = replace(base.members[0], benefits=(
        BenefitSpell(Benefit.JSA, date(2023, 1, 9)),))
    teen = Person("y1", "Jordan", name, date(2008, 3, 1), HouseholdRole.CHILD, offences=(
        Offence(date(2024, 2, 10), Disposal.YOUTH_CAUTION, "Criminal damage"),
        Offence(date(2024, 4, 5), Disposal.CONDITIONAL_YOUTH_CAUTION, "Theft"),
        Offence(date(2024, 12, 1), Disposal.YOUTH_CAUTION, "Public order")))
    pupil = Person("s1", "Casey", name, date(2013, 9, 14), HouseholdRole.CHILD, education=(
        EducationTerm(2022, Term.AUTUMN, 0, False, 18.5),
        EducationTerm(2023, Term.SPRING, 2, False, 22.0),
        EducationTerm(2023, Term.SUMMER, 1, False, 16.0),
        EducationTerm(2024, Term.AUTUMN, 0, False, 9.0)))
    return replace(base, allocated_on=date(2024, 6, 3), members=(parent, teen, pupil),
                   asb_interventions=(AsbIntervention(AsbKind.ASB_INJUNCTION, date(2024, 3, 1),
                                                      date(2024, 9, 1), "y1"),),
                   concerns=(Concern(ConcernKind.CHILD_PROTECTION_PLAN, date(2024, 5, 2),
                                     detail="Plan agreed at conference", person_ref="s1"),))


def populate(root: Path) -> tuple[TafStore, int]:
    """The store (locked on return) and the programme family's id."""
    clock = SettableClock(NOW - timedelta(minutes=10))
    taf = open_taf_store(root, clock, owner=LEAD)
    session, policy = taf.session, taf.policy
    family = session.add_family(programme_family())
    assert family.id is not None
    for i, allocated in enumerate((date(2023, 11, 14), date(2024, 2, 29), date(2024, 4, 2))):
        session.add_family(replace(sample_family(f"KW-04{i:02d}", f"Holloway{i}"),
                                   allocated_on=allocated))
    rights = session.programme(policy).rights
    hit = rights.find_people("Jordan Fairbairn")[0]
    rights.log_request(SubjectAccessRequest(date(2025, 1, 31), "SAR-2025-001", hit.person_id))
    rights.log_request(SubjectAccessRequest(date(2025, 3, 3), "SAR-2025-002"))
    done = rights.log_request(SubjectAccessRequest(date(2024, 11, 30), "SAR-2024-017"))
    rights.log_request(replace(done, completed_on=date(2024, 12, 20)))
    partners = tuple(p.id for p in policy.partners if p.contacts)[:2]
    rights.record_breach(Breach(policy.breach.categories[1].id, NOW - timedelta(hours=60),
                                "TAF minutes e-mailed to the wrong school office.", partners,
                                True, actions="Recall requested; school asked to delete."))
    rights.record_breach(Breach(policy.breach.categories[0].id, NOW - timedelta(days=20),
                                "Unencrypted USB stick lost; held no case records.", (),
                                False, outcome="Stick held no personal data.",
                                closed_at=NOW - timedelta(days=18)))
    session.lock()
    return taf, family.id
