"""Field lists and value conversions for the indicator, relationship and address-edit dialogs.

Each ``*_fields`` function lists a dialog's fields (checks on what is typed, from
``keyworker_app.domain.input_checks``); each ``apply_*`` turns the dialog's strings into a new
``Family`` and checks it with the domain's rules (``domain.family_rules``, the same the importer
and the store apply), raising ``InvalidRecordError`` with each problem by its field (an end
before its start, a term recorded twice, a second current address), which the dialog shows
there. ``record_id`` is the stored id of the record being edited, ``None`` for a new one. No Qt
here beyond the ``FieldSpec`` description.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, Literal, TypeVar

from keyworker_app.domain.dates import format_date, parse_date
from keyworker_app.domain.family import (
    Address,
    Family,
    HouseholdRole,
    Person,
    Relationship,
    RelationshipKind,
)
from keyworker_app.domain.family_rules import (
    ADULT_ROLES,
    CHILD_ROLES,
    LONG_TEXT_MAX,
    require_valid_family,
    text_problem,
)
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
    Provision,
    Term,
)
from keyworker_app.domain.input_checks import (
    academic_year_problem,
    count_problem,
    date_problem,
    parse_academic_year,
    parse_percentage,
    percentage_problem,
    postcode_problem,
)
from keyworker_app.domain.member_labels import member_choices
from keyworker_app.domain.problems import FieldPath
from keyworker_app.domain.validation import canonical_postcode
from keyworker_app.errors import ValidationError
from keyworker_app.gui.form_dialog import FieldSpec

OFFENCE_FORM = "offence"
ASB_FORM = "asb"
EDUCATION_FORM = "education-term"
BENEFIT_FORM = "benefit-spell"
CONCERN_FORM = "concern"
RELATIONSHIP_FORM = "relationship"
ADDRESS_EDIT_FORM = "address-edit"

HOUSEHOLD = ""  # person_ref for a record about the whole household
# Each disposal's label says formal or informal; formal ones are court sentences, orders,
# cautions, youth cautions and penalty notices; restorative justice and no further action are not.
DISPOSAL_HINT = "Only formal disposals count as proven offences."
YES, NO = "yes", "no"

Today = Callable[[], date]
PersonalList = Literal["offences", "education", "benefits"]
R = TypeVar("R", Offence, EducationTerm, BenefitSpell, AsbIntervention, Concern, Relationship,
            Address)


# -- shared pieces -------------------------------------------------------------------------
def _past_date(what: str, today: Today, *, required: bool = True) -> Callable[[str], str | None]:
    """A date checked as it is typed, with the domain's "not in the future" for ``what``."""
    return lambda t: date_problem(t, required=required, not_after=today(),
                                  what=f"The {what}")


def _optional_date(text: str) -> date | None:
    return parse_date(text) if text.strip() else None


def _long_text(what: str) -> Callable[[str], str | None]:
    return lambda t: text_problem(t, what, required=False, max_length=LONG_TEXT_MAX)


def _member_choices(family: Family, roles: frozenset[HouseholdRole] | None = None,
                    household: str = "") -> tuple[tuple[str, str], ...]:
    people = member_choices(p for p in family.members
                            if roles is None or p.household_role in roles)
    if household:
        return ((HOUSEHOLD, household), *people)
    return people or ((HOUSEHOLD, "No one suitable in this family"),)


def _member(family: Family, ref: str, *, missing: str = "Choose a member of this family."
            ) -> str:
    """The ref if it names a member (somewhere to put a personal record); raises
    ValidationError otherwise. Which members may hold which records is a domain rule."""
    if not any(p.ref == ref for p in family.members):
        raise ValidationError("person_ref", missing)
    return ref


def _replace_or_append(records: Sequence[R], record: R) -> tuple[tuple[R, ...], int]:
    """The records with ``record`` in place of its stored self, or added; and its position."""
    out = list(records)
    for i, r in enumerate(out):
        if record.id is not None and r.id == record.id:
            out[i] = record
            return tuple(out), i
    out.append(dataclasses.replace(record, id=None))
    return tuple(out), len(out) - 1


def _checked(family: Family, focus: FieldPath, *, today: date, before: Family,
             whole_record: str = "person_ref", keys: dict[str, str] | None = None) -> Family:
    """The domain's rules on the family as it would be saved (those ``before`` already
    broke aside); problems with the record being edited (at ``focus``) go by its fields."""
    return require_valid_family(family, today, before=before, focus=focus, keys=keys,
                                whole_record=whole_record)


def _put(family: Family, name: str, records: Sequence[R], record: R, *, today: date,
         whole_record: str = "person_ref") -> Family:
    """``record`` into the family's list ``name`` (in place or added), checked."""
    updated, position = _replace_or_append(records, record)
    changes: dict[str, Any] = {name: updated}
    return _checked(dataclasses.replace(family, **changes), (name, position),
                    today=today, before=family, whole_record=whole_record)


def _personal_records(person: Person, attr: PersonalList) -> Sequence[Any]:
    records: Sequence[Any] = getattr(person, attr)
    return records


def _with_records(person: Person, attr: PersonalList, records: tuple[Any, ...]) -> Person:
    if attr == "offences":
        return dataclasses.replace(person, offences=records)
    if attr == "education":
        return dataclasses.replace(person, education=records)
    return dataclasses.replace(person, benefits=records)


def _put_personal(family: Family, attr: PersonalList, ref: str, record: Any
                  ) -> tuple[Family, FieldPath]:
    """Store ``record`` on member ``ref``: in place if it is already theirs, else as new
    (moved from another member, or a draft whose record has since been removed). Returns the
    family and the record's path in it."""
    members = []
    path: FieldPath = ()
    for m, person in enumerate(family.members):
        records = tuple(r for r in _personal_records(person, attr)
                        if record.id is None or r.id != record.id or person.ref == ref)
        if person.ref == ref:
            records, position = _replace_or_append(records, record)
            path = ("members", m, attr, position)
        members.append(_with_records(person, attr, records))
    return dataclasses.replace(family, members=tuple(members)), path


def personal_record(family: Family, attr: PersonalList, record_id: int) -> tuple[str, Any] | None:
    for person in family.members:
        for record in _personal_records(person, attr):
            if record.id == record_id:
                return person.ref, record
    return None


def remove_personal(family: Family, attr: PersonalList, record_id: int) -> Family:
    members = tuple(_with_records(p, attr, tuple(
        r for r in _personal_records(p, attr) if r.id != record_id)) for p in family.members)
    return dataclasses.replace(family, members=members)


def without(records: Sequence[R], record_id: int | None) -> tuple[R, ...]:
    return tuple(r for r in records if r.id != record_id)


def find(records: Sequence[R], record_id: int | None) -> R | None:
    return next((r for r in records if record_id is not None and r.id == record_id), None)


# -- offences ------------------------------------------------------------------------------
def _disposal_label(disposal: Disposal) -> str:
    kind = "formal, counts as proven" if disposal.is_formal else "informal, not proven"
    return f"{disposal.label} ({kind})"


def offence_fields(family: Family, today: Today) -> list[FieldSpec]:
    return [
        FieldSpec("person_ref", "&Member", choices=_member_choices(family)),
        FieldSpec("offence_date", "&Offence date", _past_date("offence date", today),
                  placeholder="DD/MM/YYYY"),
        FieldSpec("disposal", "&Disposal", choices=tuple((d.value, _disposal_label(d))
                                                         for d in Disposal), hint=DISPOSAL_HINT),
        FieldSpec("description", "Descri&ption", _long_text("the description"),
                  placeholder="For example: theft from a shop"),
        FieldSpec("disposal_date", "Disposal da&te",
                  _past_date("disposal date", today, required=False),
                  placeholder="DD/MM/YYYY", hint="Leave blank if not yet dealt with."),
    ]


def offence_values(ref: str, offence: Offence) -> dict[str, str]:
    return {"person_ref": ref, "offence_date": format_date(offence.offence_date),
            "disposal": offence.disposal.value, "description": offence.description,
            "disposal_date": format_date(offence.disposal_date)}


def apply_offence(family: Family, record_id: int | None, values: dict[str, str],
                  today: date) -> Family:
    ref = _member(family, values["person_ref"])
    offence = Offence(parse_date(values["offence_date"]), Disposal(values["disposal"]),
                      values["description"].strip(), _optional_date(values["disposal_date"]),
                      id=record_id)
    return _checked(*_put_personal(family, "offences", ref, offence), today=today,
                    before=family)


# -- anti-social behaviour -----------------------------------------------------------------
def asb_fields(family: Family, today: Today) -> list[FieldSpec]:
    return [
        FieldSpec("kind", "&Intervention", choices=tuple((k.value, k.label) for k in AsbKind)),
        FieldSpec("start_date", "Start &date", _past_date("start date", today),
                  placeholder="DD/MM/YYYY"),
        FieldSpec("end_date", "&Ended on", _past_date("end date", today, required=False),
                  placeholder="DD/MM/YYYY", hint="Leave blank while it is still in force."),
        FieldSpec("person_ref", "&About",
                  choices=_member_choices(family, household="The whole household")),
    ]


def asb_values(record: AsbIntervention) -> dict[str, str]:
    return {"kind": record.kind.value, "start_date": format_date(record.start_date),
            "end_date": format_date(record.end_date), "person_ref": record.person_ref}


def apply_asb(family: Family, record_id: int | None, values: dict[str, str],
              today: date) -> Family:
    record = AsbIntervention(AsbKind(values["kind"]), parse_date(values["start_date"]),
                             _optional_date(values["end_date"]), values["person_ref"],
                             id=record_id)
    return _put(family, "asb_interventions", family.asb_interventions, record, today=today)


# -- education -----------------------------------------------------------------------------
def academic_year_text(start: int) -> str:
    return f"{start}/{(start + 1) % 100:02d}"


def education_fields(family: Family, today: Today) -> list[FieldSpec]:
    return [
        FieldSpec("person_ref", "C&hild", choices=_member_choices(family, CHILD_ROLES)),
        FieldSpec("academic_year", "Academic &year", lambda t: academic_year_problem(t, today()),
                  placeholder="For example 2025/26"),
        FieldSpec("term", "&Term", choices=tuple((t.value, t.label) for t in Term)),
        FieldSpec("fixed_exclusions", "&Fixed-period exclusions", count_problem,
                  hint="Suspensions in this term; 0 if none."),
        FieldSpec("permanent_exclusion", "&Permanently excluded", choices=((NO, "No"),
                                                                           (YES, "Yes"))),
        FieldSpec("unauthorised_absence", "&Unauthorised absence (%)", percentage_problem,
                  placeholder="0 to 100", hint="Unauthorised absence as a percentage of "
                  "possible sessions this term."),
        FieldSpec("provision", "Pro&vision", choices=tuple((p.value, p.label)
                                                           for p in Provision)),
    ]


def education_values(ref: str, term: EducationTerm) -> dict[str, str]:
    return {"person_ref": ref, "academic_year": academic_year_text(term.academic_year),
            "term": term.term.value, "fixed_exclusions": str(term.fixed_exclusions),
            "permanent_exclusion": YES if term.permanent_exclusion else NO,
            "unauthorised_absence": f"{term.unauthorised_absence_pct:g}",
            "provision": term.provision.value}


def apply_education(family: Family, record_id: int | None, values: dict[str, str],
                    today: date) -> Family:
    ref = _member(family, values["person_ref"],
                  missing="Choose a child in this family (add the child first if needed).")
    record = EducationTerm(parse_academic_year(values["academic_year"]), Term(values["term"]),
                           int(values["fixed_exclusions"]), values["permanent_exclusion"] == YES,
                           parse_percentage(values["unauthorised_absence"]),
                           Provision(values["provision"]), id=record_id)
    return _checked(*_put_personal(family, "education", ref, record), today=today,
                    before=family, keys={"unauthorised_absence_pct": "unauthorised_absence"})


# -- benefits ------------------------------------------------------------------------------
def benefit_fields(family: Family, today: Today) -> list[FieldSpec]:
    return [
        FieldSpec("person_ref", "&Adult", choices=_member_choices(family, ADULT_ROLES)),
        FieldSpec("benefit", "&Benefit", choices=tuple((b.value, b.label) for b in Benefit)),
        FieldSpec("from_date", "&From", _past_date("start date", today),
                  placeholder="DD/MM/YYYY"),
        FieldSpec("to_date", "&To", _past_date("end date", today, required=False),
                  placeholder="DD/MM/YYYY", hint="Leave blank while it is still being paid."),
    ]


def benefit_values(ref: str, spell: BenefitSpell) -> dict[str, str]:
    return {"person_ref": ref, "benefit": spell.benefit.value,
            "from_date": format_date(spell.from_date), "to_date": format_date(spell.to_date)}


def apply_benefit(family: Family, record_id: int | None, values: dict[str, str],
                  today: date) -> Family:
    ref = _member(family, values["person_ref"], missing="Choose an adult in this family.")
    spell = BenefitSpell(Benefit(values["benefit"]), parse_date(values["from_date"]),
                         _optional_date(values["to_date"]), id=record_id)
    return _checked(*_put_personal(family, "benefits", ref, spell), today=today,
                    before=family)


# -- concerns ------------------------------------------------------------------------------
def concern_fields(family: Family, today: Today) -> list[FieldSpec]:
    return [
        FieldSpec("kind", "&Kind of concern",
                  choices=tuple((k.value, k.label) for k in ConcernKind)),
        FieldSpec("noted_on", "&Noted on", _past_date("date noted", today),
                  placeholder="DD/MM/YYYY"),
        FieldSpec("ended_on", "&Ended on", _past_date("end date", today, required=False),
                  placeholder="DD/MM/YYYY", hint="Leave blank while the concern continues."),
        FieldSpec("person_ref", "&About",
                  choices=_member_choices(family, household="The whole family")),
        FieldSpec("detail", "&Detail", _long_text("the detail"), multiline=True),
    ]


def concern_values(concern: Concern) -> dict[str, str]:
    return {"kind": concern.kind.value, "noted_on": format_date(concern.noted_on),
            "ended_on": format_date(concern.ended_on), "person_ref": concern.person_ref,
            "detail": concern.detail}


def apply_concern(family: Family, record_id: int | None, values: dict[str, str],
                  today: date) -> Family:
    concern = Concern(ConcernKind(values["kind"]), parse_date(values["noted_on"]),
                      _optional_date(values["ended_on"]), values["detail"].strip(),
                      values["person_ref"], id=record_id)
    return _put(family, "concerns", family.concerns, concern, today=today)


# -- relationships -------------------------------------------------------------------------
def relationship_fields(family: Family) -> list[FieldSpec]:
    people = _member_choices(family)
    return [
        FieldSpec("subject_ref", "&Person", choices=people),
        FieldSpec("kind", "&Relationship",
                  choices=tuple((k.value, k.label) for k in RelationshipKind)),
        FieldSpec("object_ref", "&To", choices=people),
    ]


def apply_relationship(family: Family, values: dict[str, str], today: date) -> Family:
    relationship = Relationship(values["subject_ref"], RelationshipKind(values["kind"]),
                                values["object_ref"])
    return _put(family, "relationships", family.relationships, relationship, today=today,
                whole_record="kind")


# -- editing an address --------------------------------------------------------------------
def address_edit_fields(today: Today) -> list[FieldSpec]:
    return [
        FieldSpec("line1", "Address line &1",
                  lambda t: text_problem(t, "the first line of the address")),
        FieldSpec("line2", "Address line &2"),
        FieldSpec("town", "&Town", lambda t: text_problem(t, "the town")),
        FieldSpec("postcode", "&Postcode", postcode_problem, placeholder="e.g. LS1 4AP"),
        FieldSpec("from_date", "Lived here &from",
                  _past_date("moving-in date", today, required=False),
                  placeholder="DD/MM/YYYY"),
        FieldSpec("to_date", "Lived here &until",
                  _past_date("leaving date", today, required=False),
                  placeholder="DD/MM/YYYY", hint="Leave blank for the current address."),
    ]


def address_values(address: Address) -> dict[str, str]:
    return {"line1": address.line1, "line2": address.line2, "town": address.town,
            "postcode": address.postcode, "from_date": format_date(address.from_date),
            "to_date": format_date(address.to_date)}


def apply_address_edit(family: Family, record_id: int | None, values: dict[str, str],
                       today: date) -> Family:
    address = Address(line1=values["line1"].strip(), line2=values["line2"].strip(),
                      town=values["town"].strip(), postcode=canonical_postcode(values["postcode"]),
                      from_date=_optional_date(values["from_date"]),
                      to_date=_optional_date(values["to_date"]), id=record_id)
    return _put(family, "addresses", family.addresses, address, today=today,
                whole_record="to_date")
