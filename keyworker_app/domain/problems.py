"""What is wrong with a record, said once: where (a field path) and what (a plain message).

The rule functions in ``domain.family_rules`` and ``domain.taf`` return ``Problem``s rather
than raising, so each caller can say where in its own terms: a form shows the message next to
its field, the importer adds the file, the line and the JSON path, and the repositories refuse
to write while any remain (``require_valid``). Messages are sentences a key worker understands;
they name the field and never repeat its value, which may be personal data.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from keyworker_app.errors import ValidationError

FieldPath = tuple[str | int, ...]

# How each list of records reads in a message ("Address 2", "Member 1, offence 3").
_RECORD_NAMES = {
    "members": "Member", "addresses": "Address", "relationships": "Relationship",
    "asb_interventions": "Anti-social behaviour intervention", "concerns": "Concern",
    "notes": "Case note", "offences": "offence", "education": "education term",
    "benefits": "benefit", "attendees": "Attendee", "decisions": "Decision",
    "actions": "Action", "shared": "Shared information",
}


@dataclass(frozen=True, slots=True)
class Problem:
    """One broken rule. ``path`` uses the records' attribute names and list positions, e.g.
    ``("addresses", 1, "to_date")``; an empty path is about the record as a whole."""

    path: FieldPath
    message: str

    def under(self, *prefix: str | int) -> Problem:
        """The same problem seen from an enclosing record."""
        return Problem((*prefix, *self.path), self.message)

    @property
    def leaf(self) -> str:
        """The field named last in the path ("" when the path ends at a record)."""
        return self.path[-1] if self.path and isinstance(self.path[-1], str) else ""


def prefixed(prefix: FieldPath, problems: Iterable[Problem]) -> list[Problem]:
    return [p.under(*prefix) for p in problems]


def within(problems: Iterable[Problem], prefix: FieldPath) -> list[Problem]:
    """The problems about the record at ``prefix`` (or one of its fields), paths made
    relative to it."""
    size = len(prefix)
    return [Problem(p.path[size:], p.message) for p in problems if p.path[:size] == prefix]


def record_label(path: FieldPath) -> str:
    """Where a problem is, for a person: "Member 2, offence 1"; "" for the top record."""
    parts: list[str] = []
    for name, position in zip(path, path[1:], strict=False):
        if isinstance(name, str) and isinstance(position, int):
            parts.append(f"{_RECORD_NAMES.get(name, name)} {position + 1}")
    text = ", ".join(parts)
    return text[:1].upper() + text[1:]


class InvalidRecordError(ValidationError):
    """A record broke one or more rules; ``problems`` holds every one of them.

    ``field`` and ``problem`` say where and what the first one is: by default the record it
    is about ("Address 2") and its message; ``for_form`` names a form's field key instead, and
    ``by_field`` then lists every problem as (field key, message), "" for no particular field.
    """

    def __init__(self, problems: Sequence[Problem],
                 by_field: Sequence[tuple[str, str]] = ()) -> None:
        if not problems:
            raise ValueError("InvalidRecordError needs at least one problem")
        self.problems = tuple(problems)
        first = self.problems[0]
        self.by_field = tuple(by_field) or ((record_label(first.path), first.message),)
        field, problem = self.by_field[0]
        super().__init__(field, problem)
        if not field:
            self.message = problem
        more = len(self.problems) - 1
        if more:
            self.advice = (f"There {'is' if more == 1 else 'are'} {more} more "
                           f"problem{'' if more == 1 else 's'} to correct as well.")

    def lines(self) -> list[str]:
        """Every problem as a line a person reads: "Action 2: An action cannot be due…"."""
        return [f"{label}: {p.message}" if (label := record_label(p.path)) else p.message
                for p in self.problems]

    @classmethod
    def for_form(cls, problems: Sequence[Problem], prefix: FieldPath,
                 keys: dict[str, str] | None = None, whole_record: str = "") -> InvalidRecordError:
        """Problems as a form shows them: those about the record being edited (at ``prefix``)
        go next to their field (attribute names mapped through ``keys``; a problem about the
        record as a whole goes to ``whole_record``); any others are named by their record."""
        keys = keys or {}
        size = len(prefix)
        pairs: list[tuple[str, str]] = []
        for p in problems:
            inner = p.path[size:] if p.path[:size] == prefix else None
            if inner == ():
                pairs.append((whole_record, p.message))
            elif inner is not None and len(inner) == 1 and p.leaf:
                pairs.append((keys.get(p.leaf, p.leaf), p.message))
            else:
                label = record_label(p.path)
                pairs.append(("", f"{label}: {p.message}" if label else p.message))
        pairs.sort(key=lambda pair: pair[0] == "")  # the form's own fields first
        return cls(problems, pairs)


def require_valid(problems: Sequence[Problem]) -> None:
    """Raise ``InvalidRecordError`` if there is any problem."""
    if problems:
        raise InvalidRecordError(problems)
