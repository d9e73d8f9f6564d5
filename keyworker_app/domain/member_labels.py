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


def _name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def shared_names(families: Iterable[tuple[str, str]]) -> frozenset[str]:
    """Of (reference, family name) pairs, the names (folded) that two references share."""
    seen: dict[str, set[str]] = {}
    for reference, name in families:
        seen.setdefault(_name_key(name), set()).add(reference)
    return frozenset(name for name, references in seen.items() if len(references) > 1)


def with_postcode(name: str, postcode: str, shared: frozenset[str]) -> str:
    """'Smith', or 'Smith (LE4 6AB)' when another listed family is a Smith."""
    if postcode and _name_key(name) in shared:
        return f"{name} ({postcode})"
    return name


def family_label(reference: str, name: str, postcode: str, shared: frozenset[str]) -> str:
    """'KW-0007 Smith', or 'KW-0007 Smith (LE4 6AB)' when another listed family is a Smith."""
    return f"{reference} {with_postcode(name, postcode, shared)}"
