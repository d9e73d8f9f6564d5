"""Generated families for demonstrations, training and benchmarks.

Everything is plainly fictitious: references start ``DEMO-``, postcodes use the NHS
pseudo-postcode area ZZ99 (valid in form, never a real address), NHS numbers are in the 999
test range, National Insurance numbers use the never-issued QQ prefix, and names come from
invented lists. The same seed and ``today`` always give the same families, so a benchmark or
a bug report can be reproduced exactly.

Indicator records are mixed so that some families meet the programme's criteria and others do
not, including near misses (old offences, informal disposals, low absence).
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

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

_SURNAMES = (
    "Ambleworth", "Brackenshaw", "Calloway-Finch", "Dunmoreley", "Eastfold", "Farrowmere",
    "Glenbrook", "Hollinsgate", "Ivesbury", "Juniperly", "Kestwick", "Larkholme", "Marrowby",
    "Nettlecombe", "Orchardine", "Pebblethorpe", "Quillane", "Rookhaven", "Saltmarsh-Vey",
    "Thistlewood", "Umberleigh", "Vantridge", "Wrenfield", "Yarrowdale", "Zephyrington",
)
_GIVEN = (
    "Aria", "Bailey", "Cass", "Dara", "Eden", "Finley", "Gale", "Harper", "Indy", "Jules",
    "Kai", "Lark", "Morgan", "Nico", "Oakley", "Perry", "Quinn", "Reese", "Sage", "Tate",
    "Umi", "Vale", "Wren", "Yael", "Zion", "Ari", "Blair", "Corin", "Drew", "Ellis",
)
_STREETS = ("Demo", "Sample", "Example", "Pretend", "Imaginary", "Fable", "Makebelieve")
_STREET_KINDS = ("Road", "Street", "Close", "Way", "Crescent", "Lane")
_TOWNS = ("Demoton", "Sampleford", "Exampleby", "Fictionham")
_KEY_WORKERS = ("Demo Key Worker A", "Demo Key Worker B", "Demo Key Worker C")
# Inward-code letters a postcode may use (no C, I, K, M, O or V).
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

_FORMAL = tuple(d for d in Disposal if d.is_formal)
_INFORMAL = (Disposal.RESTORATIVE_JUSTICE, Disposal.NO_FURTHER_ACTION)
_OUT_OF_WORK = tuple(b for b in Benefit if b.is_out_of_work)
_NOTE_SUMMARIES = (
    "Home visit (demo). Talked through the family plan.",
    "Phone call (demo). Arranged the next team-around-the-family meeting.",
    "School visit (demo). Reviewed attendance with the school.",
    "Office visit (demo). Helped with a benefits appointment.",
    "Message (demo). Reminder of tomorrow's appointment.",
)


def _days_ago(rng: random.Random, today: date, low: int, high: int) -> date:
    return today - timedelta(days=rng.randint(low, high))


def _born(rng: random.Random, today: date, min_age: int, max_age: int) -> date:
    # Born between max_age+1 years ago (exclusive) and min_age years ago.
    latest = today - timedelta(days=365 * min_age + 1)
    earliest = today - timedelta(days=365 * (max_age + 1) - 2)
    return earliest + timedelta(days=rng.randint(0, (latest - earliest).days))


def _nhs_number(rng: random.Random) -> str:
    # 999 numbers are reserved for testing; draw until the check digit is not 10.
    while True:
        digits = "999" + "".join(str(rng.randint(0, 9)) for _ in range(6))
        check = 11 - sum(int(d) * (10 - i) for i, d in enumerate(digits)) % 11
        check = 0 if check == 11 else check
        if check != 10:
            return f"{digits[:3]} {digits[3:6]} {digits[6:]}{check}"


def _last_complete_year(today: date) -> int:
    """The academic year whose three terms are all complete (starts in September)."""
    return (today.year if today.month >= 9 else today.year - 1) - 1


class _Builder:
    def __init__(self, rng: random.Random, today: date) -> None:
        self.rng = rng
        self.today = today

    def adult(self, ref: str, surname: str, role: HouseholdRole, *, ages: tuple[int, int],
              out_of_work: bool, offender: bool) -> Person:
        rng, today = self.rng, self.today
        benefits: list[BenefitSpell] = []
        if out_of_work:
            benefits.append(BenefitSpell(rng.choice(_OUT_OF_WORK),
                                         _days_ago(rng, today, 60, 1500)))
        elif rng.random() < 0.4:
            start = _days_ago(rng, today, 400, 2000)
            benefits.append(BenefitSpell(rng.choice(_OUT_OF_WORK), start,
                                         start + timedelta(days=rng.randint(30, 300))))
            benefits.append(BenefitSpell(Benefit.UNIVERSAL_CREDIT, _days_ago(rng, today, 1, 60)))
        offences: tuple[Offence, ...] = ()
        if offender:
            offences = (Offence(_days_ago(rng, today, 10, 330), rng.choice(_FORMAL),
                                "Demo offence"),)
        return Person(
            ref=ref, given_names=rng.choice(_GIVEN), family_name=surname,
            date_of_birth=_born(rng, today, *ages), household_role=role,
            sex_gender=rng.choice(("Female", "Male", "")),
            nhs_number=_nhs_number(rng) if rng.random() < 0.6 else "",
            ni_number=(f"QQ{rng.randint(0, 999999):06d}{rng.choice('ABCD')}"
                       if rng.random() < 0.5 else ""),
            offences=offences, benefits=tuple(benefits),
        )

    def child(self, ref: str, surname: str, crime: bool, education: bool) -> Person:
        rng, today = self.rng, self.today
        age_low, age_high = (10, 17) if crime or education else (0, 17)
        born = _born(rng, today, age_low, age_high)
        offences: list[Offence] = []
        if crime:
            when = _days_ago(rng, today, 15, 330)
            offences.append(Offence(when, rng.choice(_FORMAL), "Demo offence",
                                    when + timedelta(days=rng.randint(1, 14))))
        elif rng.random() < 0.15:  # a near miss: informal, or too long ago
            if rng.random() < 0.5:
                offences.append(Offence(_days_ago(rng, today, 30, 300), rng.choice(_INFORMAL)))
            else:
                offences.append(Offence(_days_ago(rng, today, 400, 700), rng.choice(_FORMAL)))
        terms: list[EducationTerm] = []
        school_age = (today - born).days >= 365 * 5
        if school_age:
            year = _last_complete_year(today)
            for term in (Term.AUTUMN, Term.SPRING, Term.SUMMER):
                if education:
                    terms.append(EducationTerm(
                        year, term, fixed_exclusions=rng.randint(1, 2),
                        unauthorised_absence_pct=round(rng.uniform(15, 45), 1),
                        provision=rng.choice((Provision.MAINSTREAM,
                                              Provision.PRU_AFTER_EXCLUSION))))
                else:
                    terms.append(EducationTerm(
                        year, term, fixed_exclusions=rng.choice((0, 0, 0, 1)),
                        unauthorised_absence_pct=round(rng.uniform(0, 12), 1)))
        return Person(
            ref=ref, given_names=rng.choice(_GIVEN), family_name=surname,
            date_of_birth=born,
            household_role=HouseholdRole.CHILD,
            sex_gender=rng.choice(("Female", "Male", "")),
            upn=(f"Z{rng.randint(0, 99_999_999_999):011d}{rng.randint(0, 9)}"
                 if school_age and rng.random() < 0.7 else ""),
            nhs_number=_nhs_number(rng) if rng.random() < 0.6 else "",
            offences=tuple(offences), education=tuple(terms),
        )

    def family(self, index: int) -> Family:
        rng, today = self.rng, self.today
        surname = rng.choice(_SURNAMES)
        # Each criterion is drawn separately so the mix includes families meeting none, one,
        # two or all three.
        crime, education, work = (rng.random() < 0.4 for _ in range(3))
        asb_only = not crime and rng.random() < 0.25

        parent_count = rng.choice((1, 1, 2))
        size = rng.randint(max(3, parent_count + 1), 7)
        extra_adult = size - parent_count >= 3 and rng.random() < 0.15
        members = [self.adult(f"p{i + 1}", surname, HouseholdRole.PARENT_CARER, ages=(20, 55),
                              out_of_work=work and i == 0, offender=rng.random() < 0.08)
                   for i in range(parent_count)]
        if extra_adult:
            members.append(self.adult("a1", surname, HouseholdRole.OTHER_ADULT, ages=(56, 85),
                                      out_of_work=False, offender=False))
        child_count = size - len(members)
        children = [self.child(f"c{i + 1}", surname, crime and i == 0, education and i == 0)
                    for i in range(child_count)]
        members.extend(children)

        relationships = [Relationship(p.ref, RelationshipKind.PARENT_OF, c.ref)
                         for p in members[:parent_count] for c in children]
        if parent_count == 2:
            relationships.append(Relationship("p1", RelationshipKind.PARTNER_OF, "p2"))
        if extra_adult:
            relationships += [Relationship("a1", RelationshipKind.GRANDPARENT_OF, c.ref)
                              for c in children]
        relationships += [Relationship(a.ref, RelationshipKind.SIBLING_OF, b.ref)
                          for a, b in zip(children, children[1:], strict=False)]

        asb: list[AsbIntervention] = []
        if asb_only or (crime and rng.random() < 0.3):
            kind = rng.choice(tuple(AsbKind))
            asb.append(AsbIntervention(
                kind, _days_ago(rng, today, 20, 330),
                person_ref="" if kind.is_housing_related else rng.choice(members).ref))

        concerns = [Concern(rng.choice(tuple(ConcernKind)[:-1]), _days_ago(rng, today, 10, 500),
                            person_ref=rng.choice(("", rng.choice(members).ref)))
                    for _ in range(rng.choice((0, 0, 1, 1, 2)))]

        allocated = _days_ago(rng, today, 14, 730)
        status = rng.choices(tuple(FamilyStatus), weights=(2, 6, 1, 1))[0]
        closed_on = (allocated + timedelta(days=rng.randint(1, (today - allocated).days))
                     if status is FamilyStatus.CLOSED else None)
        key_worker = rng.choice(_KEY_WORKERS)
        notes = []
        for _ in range(rng.randint(1, 6)):
            day = allocated + timedelta(days=rng.randint(0, (today - allocated).days))
            notes.append(CaseNote(
                kind=rng.choice(tuple(ContactKind)),
                occurred_at=datetime.combine(day, time(rng.randint(8, 17), rng.choice((0, 30)))),
                author=key_worker, summary=rng.choice(_NOTE_SUMMARIES),
                person_ref=rng.choice(("", rng.choice(members).ref))))
        notes.sort(key=lambda n: n.occurred_at)

        postcode = (f"ZZ99 {rng.randint(1, 9)}"
                    f"{rng.choice(_INWARD_LETTERS)}{rng.choice(_INWARD_LETTERS)}")
        address = Address(line1=f"{rng.randint(1, 199)} {rng.choice(_STREETS)} "
                                f"{rng.choice(_STREET_KINDS)}",
                          town=rng.choice(_TOWNS), postcode=postcode,
                          from_date=_days_ago(rng, today, 800, 4000))
        return Family(
            reference=f"DEMO-{index:05d}", family_name=surname, status=status,
            allocated_on=allocated, key_worker=key_worker, members=tuple(members),
            relationships=tuple(relationships), addresses=(address,),
            asb_interventions=tuple(asb), concerns=tuple(concerns), notes=tuple(notes),
            closed_on=closed_on,
            closure_reason="Plan completed (demo)." if closed_on else "",
            review_due=None if closed_on else today + timedelta(days=rng.randint(-14, 90)),
        )


def generate_families(count: int, seed: int, today: date) -> list[Family]:
    """``count`` fictitious families, the same ones for the same seed and ``today``."""
    if count < 0:
        raise ValueError("count must not be negative")
    builder = _Builder(random.Random(seed), today)
    return [builder.family(i + 1) for i in range(count)]
