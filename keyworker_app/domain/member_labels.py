"""How a family member is named wherever one is picked from a list: the name with the date
of birth, so two people with one name (a father and son, cousins) are told apart."""

from __future__ import annotations

from collections.abc import Iterable

from keyworker_app.domain.dates import format_date
from keyworker_app.domain.family import Family, Person


def member_label(person: Person) -> str:
    """'Kyle Smith (born 03/04/2010)'."""
    return f"{person.display_name} (born {format_date(person.date_of_birth)})"


def member_choices(members: Iterable[Person]) -> tuple[tuple[str, str], ...]:
    """(ref, label) pairs for a picker, in the family's order."""
    return tuple((p.ref, member_label(p)) for p in members)


def member_labels(family: Family) -> dict[str, str]:
    return {p.ref: member_label(p) for p in family.members}
