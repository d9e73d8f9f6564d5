"""Hypothesis strategies for domain records, shared by store, service and report tests.

``families()`` builds internally consistent families: member refs are unique,
relationships and person_refs name real members, each member has at most one record
per school term. Ids are all None (unsaved).
"""

from __future__ import annotations

from datetime import date, datetime

from hypothesis import strategies as st

from keyworker_app.domain.family import (
    Address,
    CaseNote,
    ContactKind,
    Family,
    FamilyStatus,
    HouseholdRole,
    Person,
    Relationship,
    RelationshipKind,
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

# Any text a person could type, accents and other scripts included (no surrogates).
text = st.text(st.characters(exclude_categories=["Cs"]), max_size=24)
names = st.text(st.characters(exclude_categories=["Cs", "Cc"]), min_size=1, max_size=20)
days = st.dates(min_value=date(1920, 1, 1), max_value=date(2060, 12, 31))
optional_days = st.none() | days
moments = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2060, 1, 1))

postcodes = st.sampled_from(["LE1 7RH", "le3 9ab", "LE12 3CD", "SW1A 1AA", "GIR 0AA",
                             "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT", "not a postcode", ""])

offences = st.builds(Offence, offence_date=days, disposal=st.sampled_from(Disposal),
                     description=text, disposal_date=optional_days)
benefit_spells = st.builds(BenefitSpell, benefit=st.sampled_from(Benefit), from_date=days,
                           to_date=optional_days)
addresses = st.builds(Address, line1=text, town=text, postcode=postcodes, line2=text,
                      from_date=optional_days, to_date=optional_days)


@st.composite
def education_terms(draw: st.DrawFn) -> tuple[EducationTerm, ...]:
    keys = draw(st.lists(st.tuples(st.integers(2000, 2040), st.sampled_from(Term)),
                         max_size=4, unique=True))
    return tuple(
        EducationTerm(
            academic_year=year,
            term=term,
            fixed_exclusions=draw(st.integers(0, 30)),
            permanent_exclusion=draw(st.booleans()),
            unauthorised_absence_pct=draw(st.floats(0, 100, allow_nan=False)),
            provision=draw(st.sampled_from(Provision)),
        )
        for year, term in keys
    )


@st.composite
def people(draw: st.DrawFn, ref: str) -> Person:
    return Person(
        ref=ref,
        given_names=draw(names),
        family_name=draw(names),
        date_of_birth=draw(days),
        household_role=draw(st.sampled_from(HouseholdRole)),
        sex_gender=draw(text),
        upn=draw(text),
        nhs_number=draw(text),
        ni_number=draw(text),
        offences=tuple(draw(st.lists(offences, max_size=3))),
        education=draw(education_terms()),
        benefits=tuple(draw(st.lists(benefit_spells, max_size=3))),
    )


@st.composite
def families(draw: st.DrawFn, reference: str | None = None, max_members: int = 5) -> Family:
    refs = draw(st.lists(st.from_regex(r"[a-z][a-z0-9]{0,5}", fullmatch=True),
                         max_size=max_members, unique=True))
    members = tuple(draw(people(ref)) for ref in refs)
    person_refs = st.sampled_from(["", *refs])
    relationships: tuple[Relationship, ...] = ()
    if refs:
        relationships = tuple(draw(st.lists(
            st.builds(Relationship, subject_ref=st.sampled_from(refs),
                      kind=st.sampled_from(RelationshipKind), object_ref=st.sampled_from(refs)),
            max_size=4)))
    return Family(
        reference=reference or draw(st.from_regex(r"[A-Z]{2}-[0-9]{4}-[0-9]{1,5}",
                                                   fullmatch=True)),
        family_name=draw(names),
        status=draw(st.sampled_from(FamilyStatus)),
        allocated_on=draw(days),
        key_worker=draw(text),
        members=members,
        relationships=relationships,
        addresses=tuple(draw(st.lists(addresses, max_size=3))),
        asb_interventions=tuple(draw(st.lists(
            st.builds(AsbIntervention, kind=st.sampled_from(AsbKind), start_date=days,
                      end_date=optional_days, person_ref=person_refs),
            max_size=3))),
        concerns=tuple(draw(st.lists(
            st.builds(Concern, kind=st.sampled_from(ConcernKind), noted_on=days,
                      ended_on=optional_days, detail=text, person_ref=person_refs),
            max_size=3))),
        notes=tuple(draw(st.lists(
            st.builds(CaseNote, kind=st.sampled_from(ContactKind), occurred_at=moments,
                      author=text, summary=text, person_ref=person_refs),
            max_size=3))),
        closed_on=draw(optional_days),
        closure_reason=draw(text),
        review_due=draw(optional_days),
    )
