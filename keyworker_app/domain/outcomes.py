"""Results against the baseline at entry (ISA §4.3.3; the 2012 financial framework).

Every threshold comes from ``Policy.results`` (and the term window from
``Policy.criteria``). The baseline is the family's allocation date (entry to the programme).

* **Education** — every child with school records in the last ``terms_window`` complete
  terms has fewer than ``exclusions_below`` exclusions (fixed plus permanent) across them and
  a mean unauthorised absence under ``absence_pct_below``. Applies when the family met the
  education criterion at entry.
* **Crime/ASB** — proven offences by under-18s down at least ``youth_offending_reduction_pct``
  *and* ASB interventions across the household down at least ``asb_reduction_pct``, comparing
  the ``measured_over_months`` before entry with the same length of time up to the reference
  date (measurable once that long has passed since entry). A measure that was zero at entry
  must still be zero. Applies when the family met the crime/ASB criterion at entry. The store
  holds ASB *interventions*, not every incident: partners' monthly incident counts would be
  the better measure when an import brings them.
* **Progress to work** — an adult joined the Work Programme or ESF provision after entry.
  The case record has no field for this yet: pass the events in (``WorkProgress``).
* **Continuous employment** — an adult on an out-of-work benefit at entry has been off every
  such benefit for at least ``continuous_employment_weeks`` up to the reference date. Off
  benefit is the proxy the records allow; DWP confirms the employment itself.

Pure domain code: no I/O.
"""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass
from datetime import date

from keyworker_app.domain.criteria import Criterion, evaluate
from keyworker_app.domain.dates import format_date
from keyworker_app.domain.family import Family, Person
from keyworker_app.domain.periods import (
    SchoolTerm,
    add_months,
    last_complete_terms,
    months_between,
)
from keyworker_app.domain.policy import Criteria, Results


class Outcome(enum.StrEnum):
    EDUCATION = "education"
    CRIME_ASB = "crime-asb"
    PROGRESS_TO_WORK = "progress-to-work"
    CONTINUOUS_EMPLOYMENT = "continuous-employment"

    @property
    def label(self) -> str:
        return {"education": "Education", "crime-asb": "Crime and anti-social behaviour",
                "progress-to-work": "Progress to work",
                "continuous-employment": "Continuous employment"}[self.value]


@dataclass(frozen=True, slots=True)
class WorkProgress:
    person_ref: str
    started_on: date
    kind: str  # "work-programme" or "esf"


@dataclass(frozen=True, slots=True)
class OutcomeResult:
    outcome: Outcome
    applicable: bool  # the family had this problem at entry (or: could achieve it)
    achieved: bool
    detail: str  # plain English, no names
    # Per member the result is about (their ref, what falls short): the screen names them.
    by_person: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class TermPoint:
    term: SchoolTerm
    person_ref: str
    unauthorised_absence_pct: float
    exclusions: int


@dataclass(frozen=True, slots=True)
class MonthPoint:
    year: int
    month: int
    offences: int
    asb: int

    @property
    def label(self) -> str:
        return f"{self.month:02d}/{self.year}"


@dataclass(frozen=True, slots=True)
class FamilyResults:
    reference: str
    entry: date
    as_of: date
    results: tuple[OutcomeResult, ...]
    absence_by_term: tuple[TermPoint, ...]  # chart: each child's term records
    incidents_by_month: tuple[MonthPoint, ...]  # chart: from before entry to as_of

    def result(self, outcome: Outcome) -> OutcomeResult:
        return next(r for r in self.results if r.outcome is outcome)

    @property
    def claimable(self) -> bool:
        """A results payment: every applicable education and crime/ASB result achieved (and
        at least one applicable), or continuous employment achieved."""
        main = [self.result(o) for o in (Outcome.EDUCATION, Outcome.CRIME_ASB)]
        applicable = [r for r in main if r.applicable]
        both = bool(applicable) and all(r.achieved for r in applicable)
        return both or self.result(Outcome.CONTINUOUS_EMPLOYMENT).achieved


@dataclass(frozen=True, slots=True)
class ClaimRow:
    """One family in a payment-by-results claim: by reference only, never a name."""

    reference: str
    as_of: date
    criteria: tuple[str, ...]  # criterion codes met at entry
    basis: str
    results: tuple[str, ...]  # outcome codes achieved
    claimable: bool


def _reduction(before: int, after: int) -> float | None:
    """Percentage fall; None when there was nothing to fall from."""
    return None if before == 0 else (before - after) * 100.0 / before


def _youth_offences(family: Family, first: date, last: date, criteria: Criteria) -> int:
    return sum(1 for p in family.members for o in p.offences
               if first < o.offence_date <= last and o.disposal in criteria.proven_disposals
               and p.age_on(o.offence_date) < criteria.youth_age_below)


def _asb(family: Family, first: date, last: date) -> int:
    return sum(1 for a in family.asb_interventions if first < a.start_date <= last)


def _education(family: Family, as_of: date, criteria: Criteria, results: Results,
               applicable: bool) -> OutcomeResult:
    window = {t.key for t in last_complete_terms(as_of, criteria.terms_window)}
    failing: list[tuple[str, str]] = []
    children = 0
    for person in family.members:
        records = [r for r in person.education if r.sort_key in window]
        if not records:
            continue
        children += 1
        exclusions = sum(r.fixed_exclusions + int(r.permanent_exclusion) for r in records)
        absence = round(sum(r.unauthorised_absence_pct for r in records) / len(records), 2)
        if exclusions >= results.exclusions_below or absence >= results.absence_pct_below:
            failing.append((person.ref, f"{exclusions} exclusions, {absence:g}% unauthorised "
                                        "absence"))
    achieved = children > 0 and not failing
    if not children:
        detail = "No school records for the last terms"
    elif failing:
        detail = "Not yet: " + ("1 child" if len(failing) == 1
                                else f"{len(failing)} children") + " above the thresholds"
    else:
        detail = (f"Every child under {results.exclusions_below} exclusions and "
                  f"{results.absence_pct_below:g}% unauthorised absence")
    return OutcomeResult(Outcome.EDUCATION, applicable, achieved, detail, tuple(failing))


def _crime(family: Family, as_of: date, criteria: Criteria, results: Results,
           applicable: bool) -> OutcomeResult:
    months = results.measured_over_months
    entry = family.allocated_on
    if as_of < add_months(entry, months):
        return OutcomeResult(Outcome.CRIME_ASB, applicable, False,
                             f"Measurable {months} months after entry")
    before_first = add_months(entry, -months)
    since_first = add_months(as_of, -months)
    youth = (_youth_offences(family, before_first, entry, criteria),
             _youth_offences(family, since_first, as_of, criteria))
    asb = (_asb(family, before_first, entry), _asb(family, since_first, as_of))

    def ok(pair: tuple[int, int], target: float) -> bool:
        fall = _reduction(*pair)
        return pair[1] == 0 if fall is None else fall >= target

    achieved = (ok(youth, results.youth_offending_reduction_pct)
                and ok(asb, results.asb_reduction_pct))
    detail = (f"Youth offences {youth[0]} → {youth[1]}, ASB {asb[0]} → {asb[1]} "
              f"({months} months before entry and to date; needs falls of "
              f"{results.youth_offending_reduction_pct:g}% and {results.asb_reduction_pct:g}%)")
    return OutcomeResult(Outcome.CRIME_ASB, applicable, achieved, detail)


def _out_of_work_on(person: Person, day: date, criteria: Criteria) -> bool:
    return any(s.benefit in criteria.out_of_work_benefits and s.active_on(day)
               for s in person.benefits)


def _employment(family: Family, as_of: date, criteria: Criteria,
                results: Results) -> OutcomeResult:
    entry = family.allocated_on
    needed = results.continuous_employment_weeks
    best = 0
    applicable = False
    for person in family.members:
        if person.age_on(entry) < criteria.youth_age_below or not _out_of_work_on(
                person, entry, criteria):
            continue
        applicable = True
        if _out_of_work_on(person, as_of, criteria):
            continue
        ends = [s.to_date for s in person.benefits
                if s.benefit in criteria.out_of_work_benefits and s.to_date is not None
                and s.from_date <= as_of]
        if ends:
            best = max(best, (as_of - max(ends)).days // 7)
    achieved = applicable and best >= needed
    detail = (f"Off out-of-work benefits for {best} weeks ({needed} needed)" if applicable
              else "No adult was on an out-of-work benefit at entry")
    return OutcomeResult(Outcome.CONTINUOUS_EMPLOYMENT, applicable, achieved, detail)


def _progress(family: Family, as_of: date, progress: tuple[WorkProgress, ...]) -> OutcomeResult:
    found = [p for p in progress if family.allocated_on <= p.started_on <= as_of]
    detail = (f"{found[0].kind.replace('-', ' ').capitalize()} from "
              f"{format_date(found[0].started_on)}"
              if found else "No Work Programme or ESF start recorded since entry")
    return OutcomeResult(Outcome.PROGRESS_TO_WORK, True, bool(found), detail)


def _charts(family: Family, as_of: date, criteria: Criteria,
            results: Results) -> tuple[tuple[TermPoint, ...], tuple[MonthPoint, ...]]:
    entry = family.allocated_on
    first_term = last_complete_terms(entry, criteria.terms_window)[0].key
    last_term = last_complete_terms(as_of, 1)[0].key
    terms = sorted(
        (TermPoint(SchoolTerm(r.academic_year, r.term), p.ref, r.unauthorised_absence_pct,
                   r.fixed_exclusions + int(r.permanent_exclusion))
         for p in family.members for r in p.education
         if first_term <= r.sort_key <= last_term),
        key=lambda t: (t.term.key, t.person_ref))
    start = add_months(entry, -results.measured_over_months)
    offences: Counter[tuple[int, int]] = Counter(
        (o.offence_date.year, o.offence_date.month) for p in family.members for o in p.offences
        if o.disposal in criteria.proven_disposals and start <= o.offence_date <= as_of)
    asb: Counter[tuple[int, int]] = Counter(
        (a.start_date.year, a.start_date.month) for a in family.asb_interventions
        if start <= a.start_date <= as_of)
    months = tuple(MonthPoint(y, m, offences[(y, m)], asb[(y, m)])
                   for y, m in months_between(start, max(start, as_of)))
    return tuple(terms), months


def family_results(family: Family, as_of: date, criteria: Criteria, results: Results,
                   progress: tuple[WorkProgress, ...] = ()) -> FamilyResults:
    """Results for one family on ``as_of``, with the data for its chart."""
    baseline = evaluate(family, family.allocated_on, criteria)
    outcomes = (
        _education(family, as_of, criteria, results,
                   baseline.result(Criterion.EDUCATION).met),
        _crime(family, as_of, criteria, results, baseline.result(Criterion.CRIME_ASB).met),
        _progress(family, as_of, progress),
        _employment(family, as_of, criteria, results),
    )
    terms, months = _charts(family, as_of, criteria, results)
    return FamilyResults(family.reference, family.allocated_on, as_of, outcomes, terms, months)
