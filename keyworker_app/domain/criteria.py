"""The programme's criteria (ISA Appendix D): does a family qualify on a reference date?

Pure domain code: every threshold comes from ``Policy.criteria``; periods from
``domain.periods`` (months are inclusive windows, terms a fixed calendar: read its
docstring). For each criterion the evaluation lists the records that meet it and the
records that *nearly* do, so a team lead can see why a family is in or out.

Rules, as Appendix D states them:

* **Crime/ASB** — a member under ``youth_age_below`` (18) *on the offence date* with a
  proven offence (a formal disposal listed in the policy) dated in the last
  ``offence_window_months``; or an ASB order, injunction, contract or housing-related ASB
  intervention in force at any time in the last ``asb_window_months``.
* **Education** — for any child: a permanent exclusion in the last ``terms_window``
  complete terms; or ``fixed_exclusions_threshold`` or more fixed exclusions summed across
  those terms; or, in their latest recorded term (those terms or the current one), a PRU or
  alternative provision because of exclusion, or not on a school roll; or unauthorised
  absence averaging ``unauthorised_absence_pct`` or more across the recorded terms of the
  window (the mean of the termly percentages, rounded to 2 decimal places; terms are of
  similar length and the partners send termly percentages, not session counts).
* **Work** — a member aged 18 or over on the reference date on an out-of-work benefit the
  policy lists, on the reference date.
* **Local discretion** — a cause for concern of a kind the policy lists, current on the
  reference date, or an adult (18 or over on the offence date) with a proven offence in the
  offence window.

A family qualifies when it meets all three of crime/ASB, education and work, or at least
``local_discretion_min_criteria`` of them plus local discretion.

Explanations name members by their ref, never by name: evaluations go into logs, CLI
output and claims.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from keyworker_app.domain.dates import format_date, iso_text
from keyworker_app.domain.family import Family, Person
from keyworker_app.domain.indicators import EducationTerm, Provision
from keyworker_app.domain.periods import (
    SchoolTerm,
    last_complete_terms,
    term_containing,
    window_start,
)
from keyworker_app.domain.policy import Criteria

# How close a record outside a window must be to show as a near miss. Presentation only:
# whether a criterion is met never depends on these.
NEAR_MISS_DAYS = 92
NEAR_MISS_ABSENCE_POINTS = 1.0


class Criterion(enum.StrEnum):
    CRIME_ASB = "crime-asb"
    EDUCATION = "education"
    WORK = "work"
    LOCAL_DISCRETION = "local-discretion"

    @property
    def label(self) -> str:
        return {"crime-asb": "Crime and anti-social behaviour", "education": "Education",
                "work": "Adult out of work", "local-discretion": "Local discretion"}[self.value]


CORE_CRITERIA = (Criterion.CRIME_ASB, Criterion.EDUCATION, Criterion.WORK)


@dataclass(frozen=True, slots=True)
class Evidence:
    """One record (or a sum over records) that meets, or nearly meets, a criterion."""

    rule: str  # e.g. "youth-proven-offence", "fixed-exclusions", "out-of-work-benefit"
    record_kind: str  # "offence", "asb-intervention", "education-term", "benefit-spell", ...
    record_ids: tuple[int, ...]  # store ids; empty for unsaved records
    person_ref: str  # '' for the household
    on: date | None
    explanation: str  # plain English, no names

    def to_json(self) -> dict[str, Any]:
        return {"rule": self.rule, "record_kind": self.record_kind,
                "record_ids": list(self.record_ids), "person_ref": self.person_ref,
                "on": None if self.on is None else iso_text(self.on),
                "explanation": self.explanation}


@dataclass(frozen=True, slots=True)
class CriterionResult:
    criterion: Criterion
    evidence: tuple[Evidence, ...]
    near_misses: tuple[Evidence, ...]

    @property
    def met(self) -> bool:
        return bool(self.evidence)

    def to_json(self) -> dict[str, Any]:
        return {"met": self.met, "evidence": [e.to_json() for e in self.evidence],
                "near_misses": [e.to_json() for e in self.near_misses]}


@dataclass(frozen=True, slots=True)
class Evaluation:
    reference: str
    as_of: date
    results: tuple[CriterionResult, ...]  # in Criterion order
    qualifies: bool
    basis: str  # why it qualifies, or why not

    def result(self, criterion: Criterion) -> CriterionResult:
        return next(r for r in self.results if r.criterion is criterion)

    @property
    def met(self) -> frozenset[Criterion]:
        return frozenset(r.criterion for r in self.results if r.met)

    @property
    def core_met(self) -> int:
        return sum(1 for c in CORE_CRITERIA if self.result(c).met)

    def to_json(self) -> dict[str, Any]:
        return {"family": self.reference, "as_of": iso_text(self.as_of),
                "qualifies": self.qualifies, "basis": self.basis,
                "criteria": {r.criterion.value: r.to_json() for r in self.results}}


def _ids(records: Iterable[Any]) -> tuple[int, ...]:
    return tuple(r.id for r in records if r.id is not None)


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


# -- crime and anti-social behaviour ------------------------------------------------------

def _offences(family: Family, as_of: date, rules: Criteria, *, youth: bool) -> tuple[
    list[Evidence], list[Evidence]
]:
    """Proven offences by youths (``youth``) or adults in the offence window, and near misses."""
    start = window_start(as_of, rules.offence_window_months)
    met: list[Evidence] = []
    near: list[Evidence] = []
    rule = "youth-proven-offence" if youth else "adult-proven-offence"
    for person in family.members:
        for offence in person.offences:
            when = offence.offence_date
            if when > as_of:
                continue  # after the reference date: not known then
            age = person.age_on(when)
            is_youth = age < rules.youth_age_below
            proven = offence.disposal in rules.proven_disposals
            what = f"{offence.disposal.label} for an offence on {format_date(when)}, aged {age}"

            def ev(text: str, off: Any = offence, r: Person = person, d: date = when) -> Evidence:
                return Evidence(rule, "offence", _ids([off]), r.ref, d, text)

            if is_youth != youth:
                # An 18th birthday on or before the offence date: the other side's evidence,
                # but the nearest of misses for this one.
                if youth and proven and age == rules.youth_age_below and when >= start:
                    near.append(ev(f"{what}: {age} on the offence date, not under "
                                   f"{rules.youth_age_below}"))
                continue
            if when < start:
                gap = (start - when).days
                if proven and gap <= NEAR_MISS_DAYS:
                    near.append(ev(f"{what}: {_days(gap)} before the "
                                   f"{rules.offence_window_months}-month window"))
                continue
            if proven:
                met.append(ev(f"Proven offence: {what}"))
            else:
                near.append(ev(f"{what}: not a formal disposal, so not proven"))
    return met, near


def _asb(family: Family, as_of: date, rules: Criteria) -> tuple[list[Evidence], list[Evidence]]:
    start = window_start(as_of, rules.asb_window_months)
    met: list[Evidence] = []
    near: list[Evidence] = []
    for item in family.asb_interventions:
        if item.start_date > as_of:
            continue
        what = f"{item.kind.label} from {format_date(item.start_date)}"
        if item.end_date is not None:
            what += f" to {format_date(item.end_date)}"
        ev = Evidence("asb-intervention", "asb-intervention", _ids([item]), item.person_ref,
                      item.start_date, what)
        if item.end_date is not None and item.end_date < start:
            gap = (start - item.end_date).days
            if gap <= NEAR_MISS_DAYS:
                near.append(Evidence(ev.rule, ev.record_kind, ev.record_ids, ev.person_ref,
                                     ev.on, f"{what}: ended {_days(gap)} before the "
                                     f"{rules.asb_window_months}-month window"))
            continue
        met.append(ev)
    return met, near


def crime_asb(family: Family, as_of: date, rules: Criteria) -> CriterionResult:
    offences, offence_near = _offences(family, as_of, rules, youth=True)
    asb, asb_near = _asb(family, as_of, rules)
    return CriterionResult(Criterion.CRIME_ASB, tuple(offences + asb),
                           tuple(offence_near + asb_near))


# -- education ----------------------------------------------------------------------------

_EXCLUSION_PROVISIONS = (Provision.PRU_AFTER_EXCLUSION, Provision.ALTERNATIVE_AFTER_EXCLUSION)


def _term(record: EducationTerm) -> SchoolTerm:
    return SchoolTerm(record.academic_year, record.term)


def _child_education(person: Person, window: tuple[SchoolTerm, ...], as_of: date,
                     rules: Criteria) -> tuple[list[Evidence], list[Evidence]]:
    met: list[Evidence] = []
    near: list[Evidence] = []
    keys = {t.key for t in window}
    in_window = sorted((r for r in person.education if _term(r).key in keys),
                       key=lambda r: r.sort_key)
    span = f"{window[0].label} to {window[-1].label}"
    ref = person.ref

    def ev(rule: str, records: list[EducationTerm], text: str) -> Evidence:
        on = _term(records[-1]).last_day if records else None
        return Evidence(rule, "education-term", _ids(records), ref, on, text)

    for record in in_window:
        if record.permanent_exclusion:
            met.append(ev("permanent-exclusion", [record],
                          f"Permanent exclusion in {_term(record).label}"))
    before = window[0].previous()
    for record in person.education:
        if _term(record) == before and (record.permanent_exclusion or record.fixed_exclusions):
            near.append(ev("exclusion-outside-window", [record],
                           f"Exclusion in {before.label}, the term before the last "
                           f"{rules.terms_window} complete terms"))

    fixed = sum(r.fixed_exclusions for r in in_window)
    excluded = [r for r in in_window if r.fixed_exclusions]
    if fixed >= rules.fixed_exclusions_threshold:
        met.append(ev("fixed-exclusions", excluded,
                      f"{fixed} fixed exclusions across {span}"))
    elif fixed and fixed == rules.fixed_exclusions_threshold - 1:
        near.append(ev("fixed-exclusions", excluded,
                       f"{fixed} fixed exclusions across {span} "
                       f"({rules.fixed_exclusions_threshold} needed)"))

    # Current provision: the latest record for a window term or the term in progress.
    current = term_containing(as_of)
    candidates = [r for r in person.education
                  if _term(r).key in keys or (current is not None and _term(r) == current)]
    if candidates:
        latest = max(candidates, key=lambda r: r.sort_key)
        label = _term(latest).label
        if latest.provision in _EXCLUSION_PROVISIONS:
            met.append(ev("provision-after-exclusion", [latest],
                          f"In a pupil referral unit or alternative provision because of "
                          f"exclusion ({label})"))
        elif latest.provision is Provision.NOT_ON_ROLL:
            met.append(ev("not-on-roll", [latest], f"Not on a school roll ({label})"))
        elif latest.provision is Provision.ALTERNATIVE_OTHER:
            near.append(ev("provision-after-exclusion", [latest],
                           f"In alternative provision, but not because of exclusion ({label})"))

    if in_window:
        mean = round(sum(r.unauthorised_absence_pct for r in in_window) / len(in_window), 2)
        threshold = rules.unauthorised_absence_pct
        terms = f"{len(in_window)} of the last {rules.terms_window} terms recorded"
        if mean >= threshold:
            met.append(ev("unauthorised-absence", in_window,
                          f"Unauthorised absence {mean:g}% across {span} ({terms})"))
        elif mean >= threshold - NEAR_MISS_ABSENCE_POINTS:
            near.append(ev("unauthorised-absence", in_window,
                           f"Unauthorised absence {mean:g}% across {span}, under "
                           f"{threshold:g}% ({terms})"))
    return met, near


def education(family: Family, as_of: date, rules: Criteria) -> CriterionResult:
    window = last_complete_terms(as_of, rules.terms_window)
    met: list[Evidence] = []
    near: list[Evidence] = []
    for person in family.members:
        if person.education:
            m, n = _child_education(person, window, as_of, rules)
            met += m
            near += n
    return CriterionResult(Criterion.EDUCATION, tuple(met), tuple(near))


# -- work ---------------------------------------------------------------------------------

def work(family: Family, as_of: date, rules: Criteria) -> CriterionResult:
    met: list[Evidence] = []
    near: list[Evidence] = []
    for person in family.members:
        adult = person.age_on(as_of) >= rules.youth_age_below
        for spell in person.benefits:
            listed = spell.benefit in rules.out_of_work_benefits
            name = spell.benefit.label
            ev_args = ("out-of-work-benefit", "benefit-spell", _ids([spell]), person.ref)
            if spell.active_on(as_of):
                if listed and adult:
                    met.append(Evidence(*ev_args, spell.from_date,
                                        f"On {name} since {format_date(spell.from_date)}"))
                elif listed:
                    near.append(Evidence(*ev_args, spell.from_date,
                                         f"On {name}, but under {rules.youth_age_below}"))
                elif adult:
                    near.append(Evidence(*ev_args, spell.from_date,
                                         f"On {name}, not an out-of-work benefit in the "
                                         "criteria"))
            elif (listed and adult and spell.to_date is not None and spell.to_date < as_of
                  and (as_of - spell.to_date).days <= NEAR_MISS_DAYS):
                gap = (as_of - spell.to_date).days
                near.append(Evidence(*ev_args, spell.to_date,
                                     f"{name.capitalize()} ended {format_date(spell.to_date)}, "
                                     f"{_days(gap)} before the reference date"))
    return CriterionResult(Criterion.WORK, tuple(met), tuple(near))


# -- local discretion ---------------------------------------------------------------------

def local_discretion(family: Family, as_of: date, rules: Criteria) -> CriterionResult:
    met: list[Evidence] = []
    near: list[Evidence] = []
    for concern in family.concerns:
        if concern.noted_on > as_of:
            continue
        current = concern.ended_on is None or concern.ended_on >= as_of
        listed = concern.kind in rules.local_discretion_concerns
        text = f"{concern.kind.label} noted {format_date(concern.noted_on)}"
        ev_args = ("cause-for-concern", "concern", _ids([concern]), concern.person_ref,
                   concern.noted_on)
        if current and listed:
            met.append(Evidence(*ev_args, text))
        elif listed and concern.ended_on is not None:
            near.append(Evidence(*ev_args, f"{text}, ended {format_date(concern.ended_on)}"))
        elif current:
            near.append(Evidence(*ev_args, f"{text}: not a kind the policy lists"))
    adult_met, adult_near = _offences(family, as_of, rules, youth=False)
    return CriterionResult(Criterion.LOCAL_DISCRETION, tuple(met + adult_met),
                           tuple(near + adult_near))


# -- the family ---------------------------------------------------------------------------

def evaluate(family: Family, as_of: date, rules: Criteria) -> Evaluation:
    """Evaluate every criterion for ``family`` as things stood on ``as_of``."""
    results = (crime_asb(family, as_of, rules), education(family, as_of, rules),
               work(family, as_of, rules), local_discretion(family, as_of, rules))
    core = sum(1 for r in results[:3] if r.met)
    discretion = results[3].met
    if core == len(CORE_CRITERIA):
        qualifies, basis = True, "Meets all three criteria"
    elif core >= rules.local_discretion_min_criteria and discretion:
        qualifies, basis = True, (f"Meets {core} of the three criteria and is a cause for "
                                  "concern (local discretion)")
    elif core >= rules.local_discretion_min_criteria:
        qualifies, basis = False, (f"Meets {core} of the three criteria but no cause for "
                                   "concern is recorded")
    else:
        qualifies, basis = False, f"Meets {core} of the three criteria"
    return Evaluation(family.reference, as_of, results, qualifies, basis)
