"""Hypothesis strategies for domain records, shared by store, service and report tests.

``families()`` builds families that keep every rule in ``domain.family_rules`` on any day
after PAST: member refs are unique, relationships and person_refs name real members, at most
one address is current, each child has at most one record per school term. Ids are all None
(unsaved).
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
names = st.text(st.characters(exclude_categories=["Cs", "Cc"]), min_size=1,
                max_size=20).filter(lambda t: bool(t.strip()))
# Records keep the domain's rules (``domain.family_rules``): what has happened is dated on or
# before PAST (safely before any day the tests run); reviews may fall due at any time.
PAST = date(2025, 1, 1)
days = st.dates(min_value=date(1920, 1, 1), max_value=PAST)
optional_days = st.none() | days
any_days = st.dates(min_value=date(1920, 1, 1), max_value=date(2060, 12, 31))
moments = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2024, 12, 31))

postcodes = st.sampled_from(["LE1 7RH", "le3 9ab", "LE12 3AB", "SW1A 1AA", "GIR 0AA",
                             "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT", "ZZ99 3WZ"])


@st.composite
def spans(draw: st.DrawFn, open_ended: bool = True) -> tuple[date, date | None]:
    """A start on or before PAST and an end not before it (or none, while it continues)."""
    start = draw(days)
    end = draw(st.dates(min_value=start, max_value=PAST))
    return start, (draw(st.none() | st.just(end)) if open_ended else end)


@st.composite
def offences(draw: st.DrawFn) -> Offence:
    when, disposed = draw(spans())
    return Offence(when, draw(st.sampled_from(Disposal)), draw(text), disposed)


@st.composite
def benefit_spells(draw: st.DrawFn) -> BenefitSpell:
    start, end = draw(spans())
    return BenefitSpell(draw(st.sampled_from(Benefit)), start, end)


@st.composite
def address_lists(draw: st.DrawFn) -> tuple[Address, ...]:
    """At most one current address (the last may be; every earlier one has ended)."""
    out = []
    count = draw(st.integers(0, 3))
    for i in range(count):
        start, end = draw(spans(open_ended=i == count - 1))
        out.append(Address(line1=draw(names), town=draw(names), postcode=draw(postcodes),
                           line2=draw(text), from_date=draw(st.none() | st.just(start)),
                           to_date=end))
    return tuple(out)


@st.composite
def education_terms(draw: st.DrawFn) -> tuple[EducationTerm, ...]:
    keys = draw(st.lists(st.tuples(st.integers(2000, 2023), st.sampled_from(Term)),
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
    role = draw(st.sampled_from(HouseholdRole))
    child = role in (HouseholdRole.CHILD, HouseholdRole.OTHER_CHILD)
    return Person(
        ref=ref,
        given_names=draw(names),
        family_name=draw(names),
        date_of_birth=draw(st.dates(min_value=date(1910, 1, 1), max_value=PAST)),
        household_role=role,
        sex_gender=draw(text),
        upn=draw(st.sampled_from(["", "A12345678901B", "a123456789012"])),
        nhs_number=draw(st.sampled_from(["", "999 000 0018", "9990000026"])),
        ni_number=draw(st.sampled_from(["", "QQ 12 34 56 C", "AB123456D"])),
        offences=tuple(draw(st.lists(offences(), max_size=3))),
        education=draw(education_terms()) if child else (),
        benefits=() if child else tuple(draw(st.lists(benefit_spells(), max_size=3))),
    )


@st.composite
def families(draw: st.DrawFn, reference: str | None = None, max_members: int = 5) -> Family:
    refs = draw(st.lists(st.from_regex(r"[a-z][a-z0-9]{0,5}", fullmatch=True),
                         max_size=max_members, unique=True))
    members = tuple(draw(people(ref)) for ref in refs)
    person_refs = st.sampled_from(["", *refs])
    relationships: tuple[Relationship, ...] = ()
    if len(refs) > 1:
        pairs = st.lists(st.sampled_from(refs), min_size=2, max_size=2, unique=True)
        relationships = tuple(draw(st.lists(
            st.builds(lambda pair, kind: Relationship(pair[0], kind, pair[1]), pairs,
                      st.sampled_from(RelationshipKind)),
            max_size=4, unique=True)))
    allocated, closed = draw(spans())

    asb = []
    for _ in range(draw(st.integers(0, 3))):
        start, end = draw(spans())
        asb.append(AsbIntervention(draw(st.sampled_from(AsbKind)), start, end,
                                   draw(person_refs)))
    concerns = []
    for _ in range(draw(st.integers(0, 3))):
        start, end = draw(spans())
        kind = draw(st.sampled_from(ConcernKind))
        concerns.append(Concern(kind, start, end,
                                draw(names if kind is ConcernKind.OTHER else text),
                                draw(person_refs)))
    return Family(
        reference=reference or draw(st.from_regex(r"[A-Z]{2}-[0-9]{4}-[0-9]{1,5}",
                                                   fullmatch=True)),
        family_name=draw(names),
        status=draw(st.sampled_from(FamilyStatus)),
        allocated_on=allocated,
        key_worker=draw(names),
        members=members,
        relationships=relationships,
        addresses=draw(address_lists()),
        asb_interventions=tuple(asb),
        concerns=tuple(concerns),
        notes=tuple(draw(st.lists(
            st.builds(CaseNote, kind=st.sampled_from(ContactKind), occurred_at=moments,
                      author=names, summary=names, person_ref=person_refs),
            max_size=3))),
        closed_on=closed,
        closure_reason=draw(text),
        review_due=draw(st.none() | any_days),
    )
