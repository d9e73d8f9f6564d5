"""A family that arrives in a bundle while the store already has that reference: merged by
reference, never silently overwritten. The receiving user sees every difference before import.

The rules: the bundle's family details win (the sender was the holder and is handing over what
they know now); records (members, addresses, notes, indicators, relationships) are put
together — what the store has is kept, what only the bundle has is added, and a member whose
details differ takes the bundle's. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from keyworker_app.domain.dates import format_date
from keyworker_app.domain.family import Family, Person

T = TypeVar("T")

_DETAILS = (("family_name", "Family name"), ("status", "Status"),
            ("allocated_on", "Allocated on"), ("key_worker", "Key worker"),
            ("review_due", "Review due"), ("closed_on", "Closed on"),
            ("closure_reason", "Reason for closing"))


@dataclass(frozen=True, slots=True)
class MergePreview:
    reference: str
    merged: Family
    differences: tuple[str, ...]  # shown to the receiving user, never logged

    @property
    def changes_anything(self) -> bool:
        return bool(self.differences)


def _shown(value: object) -> str:
    if value is None or value == "":
        return "(none)"
    if hasattr(value, "label"):
        return str(value.label)
    if hasattr(value, "isoformat"):
        return format_date(value)  # type: ignore[arg-type]
    return str(value)


def _missing(ours: Sequence[T], theirs: Sequence[T]) -> list[T]:
    """Records in ``theirs`` that ``ours`` does not have (records compare without ids)."""
    return [r for r in theirs if r not in ours]


def merge_family(existing: Family, incoming: Family) -> MergePreview:
    lines: list[str] = []
    details: dict[str, Any] = {}
    for name, label in _DETAILS:
        here, there = getattr(existing, name), getattr(incoming, name)
        if here != there:
            details[name] = there
            lines.append(f"{label}: {_shown(here)} here, {_shown(there)} in the bundle "
                         "(the bundle's is kept)")
    members: list[Person] = []
    by_ref = {p.ref: p for p in incoming.members}
    for person in existing.members:
        theirs = by_ref.pop(person.ref, None)
        if theirs is not None and theirs != person:
            lines.append(f"Member {person.ref}: details differ (the bundle's are kept)")
            members.append(replace(theirs, id=person.id))
        else:
            members.append(person)
    for person in by_ref.values():
        lines.append(f"Member {person.ref}: new, added")
        members.append(person)
    added: dict[str, Any] = {}
    for name, label in (("addresses", "address"), ("relationships", "relationship"),
                        ("asb_interventions", "ASB intervention"), ("concerns", "concern"),
                        ("notes", "case note")):
        more = _missing(getattr(existing, name), getattr(incoming, name))
        if more:
            added[name] = (*getattr(existing, name), *more)
            lines.append(f"{len(more)} {label}{'s' if len(more) != 1 else ''} added")
    changed: dict[str, Any] = {**details, **added, "members": tuple(members)}
    merged = replace(existing, **changed)
    return MergePreview(existing.reference, merged, tuple(lines))
