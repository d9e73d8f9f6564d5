"""Writing families in the import format, so what Keyworker writes it can read back.

Used for round-trip tests, for checking generated demo data against the import rules, and by
any export that hands a family's records to another Keyworker. Empty optional fields are left
out to keep files readable.
"""

from __future__ import annotations

import json
from datetime import date

from keyworker_app.domain.dates import iso_text
from keyworker_app.domain.family import Address, CaseNote, Family, Person
from keyworker_app.domain.indicators import (
    AsbIntervention,
    BenefitSpell,
    Concern,
    EducationTerm,
    Offence,
)
from keyworker_app.domain.provenance import Source
from keyworker_app.services.family_import import FORMAT_NAME, FORMAT_VERSION

Obj = dict[str, object]


def _day(value: date | None) -> str | None:
    return iso_text(value) if value is not None else None


def _compact(obj: Obj) -> Obj:
    return {k: v for k, v in obj.items() if v not in (None, "", [], False)}


def _sourced(obj: Obj, source: Source) -> Obj:
    """A record with its "source" (format version 2); "unknown" is left out, as on import."""
    if source.is_unknown:
        return obj
    if source.controller:
        obj["source"] = _compact({"partner": source.partner, "controller": source.controller,
                                  "controller_name": source.controller_name})
    else:
        obj["source"] = source.partner
    return obj


def _address(a: Address) -> Obj:
    return _compact({"line1": a.line1, "line2": a.line2, "town": a.town, "postcode": a.postcode,
                     "from_date": _day(a.from_date), "to_date": _day(a.to_date)})


def _offence(o: Offence) -> Obj:
    return _sourced(_compact({
        "offence_date": _day(o.offence_date), "disposal": o.disposal.value,
        "description": o.description, "disposal_date": _day(o.disposal_date)}), o.source)


def _education(e: EducationTerm) -> Obj:
    out = _compact({"academic_year": e.academic_year, "term": e.term.value,
                    "permanent_exclusion": e.permanent_exclusion,
                    "provision": e.provision.value})
    # Zero counts and percentages are real values, so they are kept.
    out["fixed_exclusions"] = e.fixed_exclusions
    out["unauthorised_absence_pct"] = e.unauthorised_absence_pct
    return _sourced(out, e.source)


def _benefit(b: BenefitSpell) -> Obj:
    return _sourced(_compact({"benefit": b.benefit.value, "from_date": _day(b.from_date),
                     "to_date": _day(b.to_date)}), b.source)


def _person(p: Person) -> Obj:
    return _compact({
        "ref": p.ref, "given_names": p.given_names, "family_name": p.family_name,
        "date_of_birth": _day(p.date_of_birth), "household_role": p.household_role.value,
        "sex_gender": p.sex_gender, "upn": p.upn, "nhs_number": p.nhs_number,
        "ni_number": p.ni_number,
        "offences": [_offence(o) for o in p.offences],
        "education": [_education(e) for e in p.education],
        "benefits": [_benefit(b) for b in p.benefits],
    })


def _asb(a: AsbIntervention) -> Obj:
    return _sourced(_compact({"kind": a.kind.value, "start_date": _day(a.start_date),
                     "end_date": _day(a.end_date), "person_ref": a.person_ref}), a.source)


def _concern(c: Concern) -> Obj:
    return _sourced(_compact({"kind": c.kind.value, "noted_on": _day(c.noted_on),
                     "ended_on": _day(c.ended_on), "detail": c.detail,
                     "person_ref": c.person_ref}), c.source)


def _note(n: CaseNote) -> Obj:
    return _sourced(_compact({
        "kind": n.kind.value, "occurred_at": iso_text(n.occurred_at), "author": n.author,
        "summary": n.summary, "person_ref": n.person_ref}), n.source)


def family_to_dict(f: Family) -> Obj:
    return _compact({
        "reference": f.reference, "family_name": f.family_name, "status": f.status.value,
        "allocated_on": _day(f.allocated_on), "key_worker": f.key_worker,
        "review_due": _day(f.review_due), "closed_on": _day(f.closed_on),
        "closure_reason": f.closure_reason,
        "addresses": [_address(a) for a in f.addresses],
        "members": [_person(p) for p in f.members],
        "relationships": [{"subject": r.subject_ref, "kind": r.kind.value,
                           "object": r.object_ref} for r in f.relationships],
        "asb_interventions": [_asb(a) for a in f.asb_interventions],
        "concerns": [_concern(c) for c in f.concerns],
        "notes": [_note(n) for n in f.notes],
    })


def families_to_json(families: list[Family] | tuple[Family, ...], indent: int | None = 2) -> str:
    document = {"format": FORMAT_NAME, "version": FORMAT_VERSION,
                "families": [family_to_dict(f) for f in families]}
    return json.dumps(document, indent=indent, ensure_ascii=False)
