"""One invalid family, refused the same way by every path that writes families.

It breaks three rules key workers meet: two addresses both current, the same relationship
recorded twice, and a case note dated in the future. The problems expected are whatever
``domain.family_rules.family_problems`` says, so the form, import and store tests each show
that they apply that one function.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta

from keyworker_app.domain.family import (
    Address,
    CaseNote,
    ContactKind,
    Family,
    Relationship,
    RelationshipKind,
)
from tests.gui.samples import sample_family

# Where each broken rule is, in the records' own terms.
BROKEN = (("addresses", 0, "to_date"), ("relationships", 1), ("notes", 1, "occurred_at"))


def invalid_family(today: date) -> Family:
    base = sample_family("KW-0099", "Fairweather")
    parent_of = Relationship("p1", RelationshipKind.PARENT_OF, "c1")
    future = datetime.combine(today + timedelta(days=30), time(10, 0))
    return replace(
        base,
        addresses=(Address("9 Old Road", "Leeds", "LS2 7AB", from_date=date(2018, 1, 1)),
                   *base.addresses),  # both without a leaving date
        relationships=(parent_of, parent_of),
        notes=(*base.notes, CaseNote(ContactKind.PHONE_CALL, future, "Sam Worker",
                                     "Call booked for next month.")),
    )
