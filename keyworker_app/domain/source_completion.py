"""Completing the sources of records that say "unknown" (ISA §9): a version 1 import, or
records kept before sources were, list here for the key worker to say where each came from.

Pure functions: which records still need a source, described so the worker can tell them
apart, and the family with the chosen sources set. No Qt, no SQL, no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from keyworker_app.domain.dates import format_date, format_datetime
from keyworker_app.domain.family import Family, Person
from keyworker_app.domain.policy import Policy
from keyworker_app.domain.problems import FieldPath, Problem
from keyworker_app.domain.provenance import Source
from keyworker_app.domain.sources import source_problems


@dataclass(frozen=True, slots=True)
class ToComplete:
    """One record whose source is unknown."""

    key: str  # its path as text, e.g. "members.0.offences.1" or "notes.2"
    path: FieldPath
    kind: str  # "Offence", "Case note", …
    what: str  # when and whom it is about, e.g. "01/10/2024, Alex Ashworth"


def path_key(path: FieldPath) -> str:
    return ".".join(str(part) for part in path)


def _person_name(family: Family, ref: str) -> str:
    if not ref:
        return "the household"
    return next((p.display_name for p in family.members if p.ref == ref), "a member")


def _benefit(value: str) -> str:
    text = value.replace("-", " ")
    return text.upper() if len(text) <= 3 else text.capitalize()


def _member_records(person: Person, m: int) -> list[tuple[FieldPath, str, str, Source]]:
    name = person.display_name
    found: list[tuple[FieldPath, str, str, Source]] = []
    for i, o in enumerate(person.offences):
        found.append((("members", m, "offences", i), "Offence",
                      f"{format_date(o.offence_date)}, {o.disposal.label}, {name}", o.source))
    for i, e in enumerate(person.education):
        found.append((("members", m, "education", i), "Education term",
                      f"{e.term.value.capitalize()} {e.academic_year}/"
                      f"{(e.academic_year + 1) % 100:02d}, {name}", e.source))
    for i, b in enumerate(person.benefits):
        found.append((("members", m, "benefits", i), "Benefit spell",
                      f"{_benefit(b.benefit.value)} from {format_date(b.from_date)}, {name}",
                      b.source))
    return found


def records_to_complete(family: Family) -> list[ToComplete]:
    """The family's records with an unknown source, people's records first, then the
    household's (anti-social behaviour, concerns, case notes)."""
    found: list[tuple[FieldPath, str, str, Source]] = []
    for m, person in enumerate(family.members):
        found += _member_records(person, m)
    for i, a in enumerate(family.asb_interventions):
        found.append((("asb_interventions", i), "Anti-social behaviour",
                      f"{a.kind.label} from {format_date(a.start_date)}, "
                      f"{_person_name(family, a.person_ref)}", a.source))
    for i, c in enumerate(family.concerns):
        found.append((("concerns", i), "Concern",
                      f"{c.kind.label} noted {format_date(c.noted_on)}, "
                      f"{_person_name(family, c.person_ref)}", c.source))
    for i, n in enumerate(family.notes):
        found.append((("notes", i), "Case note",
                      f"{n.kind.label} {format_datetime(n.occurred_at)} by {n.author}",
                      n.source))
    return [ToComplete(path_key(path), path, kind, what)
            for path, kind, what, source in found if source.is_unknown]


def _with_source(records: tuple[Any, ...], index: int, source: Source) -> tuple[Any, ...]:
    listed = list(records)
    listed[index] = replace(listed[index], source=source)
    return tuple(listed)


def with_sources(family: Family, chosen: Mapping[str, Source]) -> Family:
    """``family`` with each chosen record's source set; keys from ``records_to_complete``.
    A key naming no record with an unknown source raises KeyError."""
    open_paths = {r.key: r.path for r in records_to_complete(family)}
    members = list(family.members)
    changes: dict[str, Any] = {}
    for key, source in chosen.items():
        path = open_paths[key]
        if path[0] == "members":
            m, field, i = int(path[1]), str(path[2]), int(path[3])
            person = members[m]
            updated: dict[str, Any] = {field: _with_source(getattr(person, field), i, source)}
            members[m] = replace(person, **updated)
        else:
            field, i = str(path[0]), int(path[1])
            current = changes.get(field, getattr(family, field))
            changes[field] = _with_source(current, i, source)
    return replace(family, members=tuple(members), **changes)


def completion_problems(chosen: Mapping[str, Source], policy: Policy) -> list[Problem]:
    """Each chosen source names a partner of the agreement, the family or this organisation."""
    problems: list[Problem] = []
    for key, source in chosen.items():
        if source.is_unknown:
            problems.append(Problem((key,), "Choose where this record came from."))
        else:
            problems += [Problem((key,), p.message) for p in source_problems(source, policy)]
    return problems
