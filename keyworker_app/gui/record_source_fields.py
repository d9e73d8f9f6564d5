"""The source of an indicator record in its form (ISA §9): where it came from and, where it
differs, the data controller, chosen from the agreement's partners (or "other (named)" with a
name), never typed. Editing a record keeps its source unless the form changes it."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from keyworker_app.domain.family import Family
from keyworker_app.domain.policy import Policy
from keyworker_app.domain.provenance import (
    OTHER_NAMED,
    THE_FAMILY,
    THIS_ORGANISATION,
    UNKNOWN,
    Source,
)
from keyworker_app.errors import ValidationError
from keyworker_app.gui.form_dialog import FieldSpec

KEYS = ("source", "controller", "controller_name")
# Where each kind of record is kept: (attribute, on a member (True) or the family (False)).
PLACES: dict[str, tuple[str, bool]] = {
    "offence": ("offences", True), "education": ("education", True),
    "benefit": ("benefits", True), "asb": ("asb_interventions", False),
    "concern": ("concerns", False),
}


def source_fields(policy: Policy) -> list[FieldSpec]:
    partners = tuple((p.id, p.name) for p in policy.partners)
    return [
        FieldSpec("source", "Sou&rce", choices=(
            (UNKNOWN, "Unknown (to complete)"), *partners, (THE_FAMILY, "The family"),
            (THIS_ORGANISATION, "This organisation")),
            hint="Where the record came from (ISA §9)."),
        FieldSpec("controller", "Data contro&ller", choices=(
            ("", "The source itself"), *partners, (OTHER_NAMED, "Other (named below)"))),
        FieldSpec("controller_name", "&Controller's name",
                  hint="Only for 'Other (named below)': the organisation's full name."),
    ]


def source_values(source: Source) -> dict[str, str]:
    return {"source": source.partner, "controller": source.controller,
            "controller_name": source.controller_name}


def chosen_source(values: dict[str, str]) -> Source:
    controller = values.get("controller", "")
    name = values.get("controller_name", "").strip()
    if controller == OTHER_NAMED and not name:
        raise ValidationError("controller_name", "Name the organisation that is the data "
                                                 "controller.")
    return Source(values.get("source", UNKNOWN) or UNKNOWN, controller,
                  name if controller == OTHER_NAMED else "")


def _records(family: Family, key: str) -> list[Any]:
    attr, personal = PLACES[key]
    if personal:
        return [r for p in family.members for r in getattr(p, attr)]
    return list(getattr(family, attr))


def record_source(family: Family, key: str, record_id: int | None) -> Source:
    """The stored record's source (unknown for a new one)."""
    for record in _records(family, key) if record_id is not None else []:
        if record.id == record_id:
            source: Source = record.source
            return source
    return Source()


def with_record_source(family: Family, key: str, record_id: int | None,
                       source: Source) -> Family:
    """``family`` with the source set on the record ``record_id`` (None: the unsaved one)."""
    attr, personal = PLACES[key]

    def fix(records: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(replace(r, source=source) if r.id == record_id else r for r in records)

    if personal:
        def person(p: Any) -> Any:
            updated: dict[str, Any] = {attr: fix(getattr(p, attr))}
            return replace(p, **updated)
        return replace(family, members=tuple(person(p) for p in family.members))
    changed: dict[str, Any] = {attr: fix(getattr(family, attr))}
    return replace(family, **changed)
