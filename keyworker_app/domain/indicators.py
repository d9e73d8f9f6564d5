"""The indicator records the programme's criteria (ISA Appendix D) are judged on."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date

from keyworker_app.domain.provenance import Source


class Disposal(enum.StrEnum):
    """How an offence was dealt with. Only formal disposals make an offence 'proven'."""

    CUSTODY = "custody"
    COMMUNITY_SENTENCE = "community-sentence"
    FINE = "fine"
    CONDITIONAL_DISCHARGE = "conditional-discharge"
    YOUTH_CAUTION = "youth-caution"
    CONDITIONAL_YOUTH_CAUTION = "conditional-youth-caution"
    CAUTION = "caution"
    CONDITIONAL_CAUTION = "conditional-caution"
    REPRIMAND = "reprimand"
    FINAL_WARNING = "final-warning"
    PENALTY_NOTICE_FOR_DISORDER = "penalty-notice-for-disorder"
    REFERRAL_ORDER = "referral-order"
    YOUTH_REHABILITATION_ORDER = "youth-rehabilitation-order"
    RESTORATIVE_JUSTICE = "restorative-justice"  # informal: not proven
    NO_FURTHER_ACTION = "no-further-action"  # not proven

    @property
    def is_formal(self) -> bool:
        return self not in (Disposal.RESTORATIVE_JUSTICE, Disposal.NO_FURTHER_ACTION)

    @property
    def label(self) -> str:
        return self.value.replace("-", " ").capitalize()


class AsbKind(enum.StrEnum):
    ASB_ORDER = "asb-order"
    ASB_INJUNCTION = "asb-injunction"
    ASB_CONTRACT = "asb-contract"
    NOTICE_SEEKING_POSSESSION = "notice-seeking-possession"
    HOUSING_INJUNCTION = "housing-injunction"
    DEMOTION_ORDER = "demotion-order"
    EVICTION = "eviction"

    @property
    def is_housing_related(self) -> bool:
        return self in (
            AsbKind.NOTICE_SEEKING_POSSESSION,
            AsbKind.HOUSING_INJUNCTION,
            AsbKind.DEMOTION_ORDER,
            AsbKind.EVICTION,
        )

    @property
    def label(self) -> str:
        return {
            "asb-order": "Anti-social behaviour order",
            "asb-injunction": "Anti-social behaviour injunction",
            "asb-contract": "Acceptable behaviour contract",
            "notice-seeking-possession": "Notice of seeking possession (ASB grounds)",
            "housing-injunction": "Housing-related injunction",
            "demotion-order": "Demotion order",
            "eviction": "Eviction (ASB grounds)",
        }[self.value]


class Term(enum.StrEnum):
    AUTUMN = "autumn"
    SPRING = "spring"
    SUMMER = "summer"

    @property
    def order(self) -> int:
        return {"autumn": 0, "spring": 1, "summer": 2}[self.value]

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Provision(enum.StrEnum):
    MAINSTREAM = "mainstream"
    PRU_AFTER_EXCLUSION = "pru-after-exclusion"
    ALTERNATIVE_AFTER_EXCLUSION = "alternative-after-exclusion"
    ALTERNATIVE_OTHER = "alternative-other"
    NOT_ON_ROLL = "not-on-roll"

    @property
    def label(self) -> str:
        return {
            "mainstream": "Mainstream school",
            "pru-after-exclusion": "Pupil referral unit (after exclusion)",
            "alternative-after-exclusion": "Alternative provision (after exclusion)",
            "alternative-other": "Alternative provision (other reason)",
            "not-on-roll": "Not on a school roll",
        }[self.value]


class Benefit(enum.StrEnum):
    ESA = "esa"
    INCAPACITY_BENEFIT = "incapacity-benefit"
    CARERS_ALLOWANCE = "carers-allowance"
    INCOME_SUPPORT = "income-support"
    JSA = "jsa"
    SEVERE_DISABLEMENT_ALLOWANCE = "severe-disablement-allowance"
    UNIVERSAL_CREDIT = "universal-credit"
    OTHER = "other"

    @property
    def is_out_of_work(self) -> bool:
        """The out-of-work benefits named in Appendix D."""
        return self not in (Benefit.UNIVERSAL_CREDIT, Benefit.OTHER)

    @property
    def label(self) -> str:
        return {
            "esa": "Employment and Support Allowance",
            "incapacity-benefit": "Incapacity Benefit",
            "carers-allowance": "Carer's Allowance",
            "income-support": "Income Support",
            "jsa": "Jobseeker's Allowance",
            "severe-disablement-allowance": "Severe Disablement Allowance",
            "universal-credit": "Universal Credit",
            "other": "Other benefit",
        }[self.value]


class ConcernKind(enum.StrEnum):
    CHILD_PROTECTION_PLAN = "child-protection-plan"
    CONSIDERED_FOR_ACCOMMODATION = "considered-for-accommodation"
    POLICE_CALL_OUTS = "police-call-outs"
    ARRESTS = "arrests"
    DOMESTIC_ABUSE = "domestic-abuse"
    MENTAL_HEALTH = "mental-health"
    SUBSTANCE_MISUSE = "substance-misuse"
    LONG_TERM_CONDITION = "long-term-condition"
    DOMESTIC_ABUSE_HEALTH = "domestic-abuse-health"
    UNDER_18_CONCEPTION = "under-18-conception"
    OTHER = "other"

    @property
    def label(self) -> str:
        return self.value.replace("-", " ").capitalize()


@dataclass(frozen=True, slots=True)
class Offence:
    offence_date: date
    disposal: Disposal
    description: str = ""
    disposal_date: date | None = None
    source: Source = Source()  # where it came from (ISA §9)
    id: int | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class AsbIntervention:
    kind: AsbKind
    start_date: date
    end_date: date | None = None
    person_ref: str = ""  # empty: the household (e.g. housing interventions)
    source: Source = Source()  # where it came from (ISA §9)
    id: int | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class EducationTerm:
    academic_year: int  # the year the academic year starts: 2025 means 2025/26
    term: Term
    fixed_exclusions: int = 0
    permanent_exclusion: bool = False
    unauthorised_absence_pct: float = 0.0
    provision: Provision = Provision.MAINSTREAM
    source: Source = Source()  # where it came from (ISA §9)
    id: int | None = field(default=None, compare=False)

    @property
    def sort_key(self) -> tuple[int, int]:
        return (self.academic_year, self.term.order)


@dataclass(frozen=True, slots=True)
class BenefitSpell:
    benefit: Benefit
    from_date: date
    to_date: date | None = None
    source: Source = Source()  # where it came from (ISA §9)
    id: int | None = field(default=None, compare=False)

    def active_on(self, day: date) -> bool:
        return self.from_date <= day and (self.to_date is None or day <= self.to_date)


@dataclass(frozen=True, slots=True)
class Concern:
    kind: ConcernKind
    noted_on: date
    ended_on: date | None = None
    detail: str = ""
    person_ref: str = ""
    source: Source = Source()  # where it came from (ISA §9)
    id: int | None = field(default=None, compare=False)


def term_start(academic_year: int, term: Term) -> date:
    """When a term starts, near enough for "not in the future" (summer after Easter)."""
    return {Term.AUTUMN: date(academic_year, 9, 1), Term.SPRING: date(academic_year + 1, 1, 1),
            Term.SUMMER: date(academic_year + 1, 4, 1)}[term]


def current_academic_year(today: date) -> int:
    """English schools' academic year starts on 1 September."""
    return today.year if today.month >= 9 else today.year - 1
