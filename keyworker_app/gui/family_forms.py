"""Field lists and value conversions for the family record's editing dialogs.

Each form turns the dialog's strings into a new domain record. Checks on what is typed live in
``keyworker_app.domain.input_checks``; the rules the record must keep are the domain's
(``domain.family_rules``, the same the importer and the store apply), raised as
``InvalidRecordError`` with each problem by its field. All are tested without Qt.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date

from keyworker_app.domain.dates import format_date, parse_date, parse_datetime
from keyworker_app.domain.family import (
    Address,
    CaseNote,
    ContactKind,
    Family,
    FamilyStatus,
    HouseholdRole,
    Person,
)
from keyworker_app.domain.family_rules import (
    LONG_TEXT_MAX,
    REF_MAX,
    closure_problems,
    require_valid_family,
    text_problem,
)
from keyworker_app.domain.input_checks import (
    date_of_birth_problem,
    date_problem,
    datetime_problem,
    postcode_problem,
    required_problem,
)
from keyworker_app.domain.member_labels import member_choices
from keyworker_app.domain.problems import InvalidRecordError
from keyworker_app.domain.provenance import THIS_ORGANISATION, Source
from keyworker_app.domain.validation import canonical_postcode
from keyworker_app.gui.form_dialog import FieldSpec

PERSON_FORM = "person"
ADDRESS_FORM = "address"
NOTE_FORM = "case-note"
CLOSE_FORM = "close-family"
DETAILS_FORM = "family-details"
# A closed case is closed (and reopened) by its own steps, not by choosing a status.
OPEN_STATUSES = tuple(s for s in FamilyStatus if s is not FamilyStatus.CLOSED)


def details_fields() -> list[FieldSpec]:
    return [
        FieldSpec("reference", "&Reference",
                  lambda t: text_problem(t, "the family's reference", max_length=REF_MAX)),
        FieldSpec("family_name", "&Family name", lambda t: text_problem(t, "a family name")),
        FieldSpec("status", "S&tatus", choices=tuple((s.value, s.label) for s in OPEN_STATUSES)),
        FieldSpec("allocated_on", "&Allocated on", date_problem, placeholder="DD/MM/YYYY"),
        FieldSpec("key_worker", "&Key worker",
                  lambda t: text_problem(t, "the key worker's name")),
        FieldSpec("review_due", "Re&view due", lambda t: date_problem(t, required=False),
                  placeholder="DD/MM/YYYY (optional)"),
    ]


def details_values(family: Family) -> dict[str, str]:
    return {"reference": family.reference, "family_name": family.family_name,
            "status": family.status.value, "allocated_on": format_date(family.allocated_on),
            "key_worker": family.key_worker, "review_due": format_date(family.review_due)}


def apply_details(family: Family, values: dict[str, str], today: date) -> Family:
    """The family's own details as edited; a closed case keeps its status."""
    status = (family.status if family.status is FamilyStatus.CLOSED
              else FamilyStatus(values["status"]))
    review = values["review_due"].strip()
    edited = dataclasses.replace(
        family, reference=values["reference"].strip(),
        family_name=values["family_name"].strip(), status=status,
        allocated_on=parse_date(values["allocated_on"]),
        key_worker=values["key_worker"].strip(),
        review_due=parse_date(review) if review else None)
    return require_valid_family(edited, today, focus=())


def person_fields(today: Callable[[], date]) -> list[FieldSpec]:
    return [
        FieldSpec("given_names", "&Given names", lambda t: text_problem(t, "given names")),
        FieldSpec("family_name", "&Family name", lambda t: text_problem(t, "a family name")),
        FieldSpec("date_of_birth", "&Date of birth",
                  lambda t: date_of_birth_problem(t, today()), placeholder="DD/MM/YYYY"),
        FieldSpec("household_role", "&Role in household",
                  choices=tuple((r.value, r.label) for r in HouseholdRole)),
        FieldSpec("sex_gender", "&Sex or gender (as recorded)"),
        FieldSpec("upn", "&Unique Pupil Number"),
    ]


def person_values(person: Person) -> dict[str, str]:
    return {"given_names": person.given_names, "family_name": person.family_name,
            "date_of_birth": format_date(person.date_of_birth),
            "household_role": person.household_role.value,
            "sex_gender": person.sex_gender, "upn": person.upn}


def apply_person(family: Family, ref: str | None, values: dict[str, str],
                 today: date) -> Family:
    def edited(person: Person) -> Person:
        return dataclasses.replace(
            person,
            given_names=values["given_names"].strip(),
            family_name=values["family_name"].strip(),
            date_of_birth=parse_date(values["date_of_birth"]),
            household_role=HouseholdRole(values["household_role"]),
            sex_gender=values["sex_gender"].strip(),
            upn=values["upn"].strip(),
        )

    if ref is None:
        taken = {p.ref for p in family.members}
        new_ref = next(f"p{n}" for n in range(1, len(taken) + 2) if f"p{n}" not in taken)
        blank = Person(new_ref, "", "", date.min, HouseholdRole.OTHER_ADULT)
        members = (*family.members, edited(blank))
        position = len(members) - 1
    else:
        members = tuple(edited(p) if p.ref == ref else p for p in family.members)
        position = next((i for i, p in enumerate(members) if p.ref == ref), len(members))
    return require_valid_family(dataclasses.replace(family, members=members), today,
                                before=family, focus=("members", position))


def address_fields() -> list[FieldSpec]:
    return [
        FieldSpec("line1", "Address line &1",
                  lambda t: text_problem(t, "the first line of the address")),
        FieldSpec("line2", "Address line &2"),
        FieldSpec("town", "&Town", lambda t: text_problem(t, "the town")),
        FieldSpec("postcode", "&Postcode", postcode_problem, placeholder="e.g. LS1 4AP"),
        FieldSpec("from_date", "Lived here &from", lambda t: date_problem(t, required=False),
                  placeholder="DD/MM/YYYY"),
    ]


def apply_address(family: Family, values: dict[str, str], today: date) -> Family:
    start = parse_date(values["from_date"]) if values["from_date"].strip() else None
    # The new address becomes current: the previous current one ends the day it starts.
    end = start or today
    old = tuple(dataclasses.replace(a, to_date=end) if a.is_current else a
                for a in family.addresses)
    new = Address(line1=values["line1"].strip(), line2=values["line2"].strip(),
                  town=values["town"].strip(), postcode=canonical_postcode(values["postcode"]),
                  from_date=start)
    return require_valid_family(dataclasses.replace(family, addresses=(*old, new)), today,
                                before=family, focus=("addresses", len(old)))


def note_fields(family: Family) -> list[FieldSpec]:
    about = (("", "The whole family"), *member_choices(family.members))
    return [
        FieldSpec("kind", "&Kind of contact",
                  choices=tuple((k.value, k.label) for k in ContactKind)),
        FieldSpec("occurred_at", "&When", datetime_problem, placeholder="DD/MM/YYYY HH:MM"),
        FieldSpec("person_ref", "&About", choices=about),
        FieldSpec("summary", "&Summary",
                  lambda t: text_problem(t, "a summary", max_length=LONG_TEXT_MAX),
                  multiline=True),
    ]


def apply_note(family: Family, author: str, values: dict[str, str], today: date) -> Family:
    # The worker's own record of a contact: this organisation is its source (ISA §9).
    note = CaseNote(kind=ContactKind(values["kind"]),
                    occurred_at=parse_datetime(values["occurred_at"]), author=author,
                    summary=values["summary"].strip(), person_ref=values["person_ref"],
                    source=Source(THIS_ORGANISATION))
    return require_valid_family(dataclasses.replace(family, notes=(*family.notes, note)),
                                today, before=family, focus=("notes", len(family.notes)))


def close_fields() -> list[FieldSpec]:
    return [
        FieldSpec("closed_on", "&Closed on", date_problem, placeholder="DD/MM/YYYY"),
        FieldSpec("reason", "&Reason", lambda t: required_problem(t, "a reason"),
                  multiline=True),
    ]


def check_close(family: Family, values: dict[str, str], today: date) -> None:
    """The domain's rules for closing the case, shown by the dialog's fields."""
    problems = closure_problems(family, parse_date(values["closed_on"]), values["reason"],
                                today)
    if problems:
        raise InvalidRecordError.for_form(problems, (), {"closure_reason": "reason"})
