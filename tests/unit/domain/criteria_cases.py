"""Builders for criteria and outcome tests: small families around one reference date."""

from __future__ import annotations

from datetime import date

from keyworker_app.domain.family import Family, FamilyStatus, HouseholdRole, Person
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
from keyworker_app.domain.policy import Criteria, Results
from keyworker_app.services.policy_loader import load_policy, shipped_policy_path

POLICY = load_policy(shipped_policy_path())
RULES: Criteria = POLICY.criteria
RESULTS: Results = POLICY.results

# 15/03/2025: the offence/ASB window starts 15/03/2024; the last 3 complete terms are
# spring 2023/24, summer 2023/24 and autumn 2024/25.
AS_OF = date(2025, 3, 15)
SPRING_24 = (2023, Term.SPRING)
SUMMER_24 = (2023, Term.SUMMER)
AUTUMN_24 = (2024, Term.AUTUMN)
AUTUMN_23 = (2023, Term.AUTUMN)  # the term before the window
SPRING_25 = (2024, Term.SPRING)  # in progress on AS_OF


def term(key: tuple[int, Term], fixed: int = 0, absence: float = 0.0, permanent: bool = False,
         provision: Provision = Provision.MAINSTREAM) -> EducationTerm:
    return EducationTerm(key[0], key[1], fixed, permanent, absence, provision)


def offence(on: date, disposal: Disposal = Disposal.YOUTH_CAUTION) -> Offence:
    return Offence(on, disposal)


def child(ref: str = "c1", dob: date = date(2012, 6, 1), education: tuple[EducationTerm, ...] = (),
          offences: tuple[Offence, ...] = (), benefits: tuple[BenefitSpell, ...] = ()) -> Person:
    return Person(ref, "Test", "Child", dob, HouseholdRole.CHILD, education=education,
                  offences=offences, benefits=benefits)


def adult(ref: str = "a1", dob: date = date(1985, 2, 10), benefits: tuple[BenefitSpell, ...] = (),
          offences: tuple[Offence, ...] = ()) -> Person:
    return Person(ref, "Test", "Adult", dob, HouseholdRole.PARENT_CARER, benefits=benefits,
                  offences=offences)


def jsa(start: date = date(2024, 1, 1), end: date | None = None,
        benefit: Benefit = Benefit.JSA) -> BenefitSpell:
    return BenefitSpell(benefit, start, end)


def asb(kind: AsbKind = AsbKind.ASB_ORDER, start: date = date(2024, 6, 1),
        end: date | None = None) -> AsbIntervention:
    return AsbIntervention(kind, start, end)


def concern(kind: ConcernKind = ConcernKind.CHILD_PROTECTION_PLAN, noted: date = date(2024, 9, 1),
            ended: date | None = None) -> Concern:
    return Concern(kind, noted, ended)


def family(*members: Person, asb_items: tuple[AsbIntervention, ...] = (),
           concerns: tuple[Concern, ...] = (), allocated: date = date(2024, 4, 1)) -> Family:
    return Family("TF-0001", "Test", FamilyStatus.ACTIVE, allocated, "KW", members=members,
                  asb_interventions=asb_items, concerns=concerns)


# Building blocks that meet exactly one criterion each.
CRIME = child("y1", date(2008, 1, 1), offences=(offence(date(2024, 10, 1)),))
EDUCATION = child("s1", education=(term(AUTUMN_24, fixed=3),))
WORK = adult(benefits=(jsa(),))
