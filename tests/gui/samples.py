"""Invented families for GUI tests and screenshots."""

from __future__ import annotations

from datetime import date, datetime

from keyworker_app.domain.audit import Actor, Role
from keyworker_app.domain.family import (
    Address,
    CaseNote,
    ContactKind,
    Family,
    FamilyStatus,
    HouseholdRole,
    Person,
)


def sample_family(reference: str, family_name: str, *, postcode: str = "LS1 4AP",
                  children: int = 2) -> Family:
    """A family with a parent, children, an address and a case note (all invented)."""
    members = [Person("p1", "Alex", family_name, date(1985, 4, 12), HouseholdRole.PARENT_CARER)]
    members += [
        Person(f"c{i}", f"Child{i}", family_name, date(2012 + i, 1 + i, 3), HouseholdRole.CHILD)
        for i in range(1, children + 1)
    ]
    return Family(
        reference=reference, family_name=family_name, status=FamilyStatus.ACTIVE,
        allocated_on=date(2025, 1, 6), key_worker="Sam Worker", members=tuple(members),
        addresses=(Address("1 High Street", "Leeds", postcode, from_date=date(2020, 1, 1)),),
        notes=(CaseNote(ContactKind.HOME_VISIT, datetime(2025, 2, 3, 10, 30), "Sam Worker",
                        "First home visit."),),
        review_due=date(2025, 7, 1),
    )


# A partner of the shipped policy: the receiving end of its exchanges.
OWNER = Actor("Sam Worker", Role.KEY_WORKER, "Leicester City Council (Troubled Families team)")
# A team lead's store: retention deletion, claims and breach closure are theirs (section 7).
LEAD = Actor("Jo Lead", Role.TEAM_LEAD, "Leicester City Council (Troubled Families team)")
