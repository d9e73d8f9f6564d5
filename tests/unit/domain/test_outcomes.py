"""Results against the baseline at entry, and the chart data."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from keyworker_app.domain.indicators import AsbKind, Benefit, Disposal
from keyworker_app.domain.outcomes import Outcome, WorkProgress, family_results
from tests.unit.domain.criteria_cases import (
    AUTUMN_24,
    RESULTS,
    RULES,
    SPRING_24,
    SUMMER_24,
    adult,
    asb,
    child,
    family,
    jsa,
    offence,
    term,
)

ENTRY = date(2024, 4, 1)
AS_OF = date(2025, 3, 15)
YOUTH = date(2008, 1, 1)


def test_education_result_needs_every_child_under_the_thresholds() -> None:
    good = child("c1", education=(term(SPRING_24, fixed=3), term(AUTUMN_24, absence=14.9)))
    bad = child("c2", education=(term(SUMMER_24), term(AUTUMN_24, absence=15.0)))
    # At entry on 15/05/2024 the last complete terms are autumn 2023 to spring 2024.
    entry = date(2024, 5, 15)
    both = family(good, bad, allocated=entry)
    outcome = family_results(both, date(2025, 9, 1), RULES, RESULTS).result(Outcome.EDUCATION)
    assert outcome.applicable  # c1's 3 exclusions in spring 2024 met the criterion at entry
    assert not outcome.achieved
    assert [ref for ref, _what in outcome.by_person] == ["c2"]  # the screen names them
    assert outcome.detail == "Not yet: 1 child above the thresholds"  # no names, no refs
    later = family_results(family(good, allocated=entry), date(2025, 9, 1), RULES, RESULTS)
    assert later.result(Outcome.EDUCATION).achieved


def _crime_family(before: int, after: int, asb_before: int, asb_after: int):  # type: ignore[no-untyped-def]
    offences = tuple(offence(date(2024, 1, 10 + i)) for i in range(before)) + tuple(
        offence(date(2025, 1, 10 + i)) for i in range(after))
    items = tuple(asb(AsbKind.ASB_INJUNCTION, date(2024, 2, 1 + i), date(2024, 3, 1))
                  for i in range(asb_before)) + tuple(
        asb(AsbKind.ASB_INJUNCTION, date(2025, 2, 1 + i)) for i in range(asb_after))
    return family(child("y", YOUTH, offences=offences), asb_items=items, allocated=ENTRY)


def test_crime_result_needs_both_reductions() -> None:
    def achieved(*counts: int) -> bool:
        res = family_results(_crime_family(*counts), AS_OF, RULES, RESULTS)
        return res.result(Outcome.CRIME_ASB).achieved

    assert achieved(3, 2, 5, 2)  # 33.3% and 60%
    assert not achieved(3, 2, 5, 3)  # ASB down only 40%
    assert not achieved(1, 1, 5, 0)  # offending not down
    assert achieved(0, 0, 5, 2)  # nothing to reduce, and still nothing
    assert not achieved(0, 1, 5, 0)


def test_crime_result_is_not_measurable_before_six_months() -> None:
    res = family_results(_crime_family(3, 0, 5, 0), date(2024, 9, 30), RULES, RESULTS)
    outcome = res.result(Outcome.CRIME_ASB)
    assert not outcome.achieved and "Measurable" in outcome.detail


def test_continuous_employment_uses_the_policy_weeks() -> None:
    assert RESULTS.continuous_employment_weeks == 13
    ended = date(2024, 12, 13)  # 13 weeks before 14/03/2025
    fam = family(adult(benefits=(jsa(date(2023, 1, 1), ended),)), allocated=ENTRY)
    assert family_results(fam, date(2025, 3, 14), RULES, RESULTS).result(
        Outcome.CONTINUOUS_EMPLOYMENT).achieved
    assert not family_results(fam, date(2025, 3, 13), RULES, RESULTS).result(
        Outcome.CONTINUOUS_EMPLOYMENT).achieved
    longer = replace(RESULTS, continuous_employment_weeks=26)
    assert not family_results(fam, date(2025, 3, 14), RULES, longer).result(
        Outcome.CONTINUOUS_EMPLOYMENT).achieved
    back_on = family(adult(benefits=(jsa(date(2023, 1, 1), ended),
                                     jsa(date(2025, 2, 1), None, Benefit.ESA))),
                     allocated=ENTRY)
    assert not family_results(back_on, date(2025, 3, 14), RULES, RESULTS).result(
        Outcome.CONTINUOUS_EMPLOYMENT).achieved


def test_progress_to_work_from_events_after_entry() -> None:
    fam = family(adult(), allocated=ENTRY)
    before = WorkProgress("a1", date(2024, 3, 1), "esf")
    after = WorkProgress("a1", date(2024, 6, 1), "work-programme")
    assert not family_results(fam, AS_OF, RULES, RESULTS, (before,)).result(
        Outcome.PROGRESS_TO_WORK).achieved
    assert family_results(fam, AS_OF, RULES, RESULTS, (after,)).result(
        Outcome.PROGRESS_TO_WORK).achieved


def test_claimable_needs_applicable_results_achieved() -> None:
    res = family_results(_crime_family(3, 0, 5, 0), AS_OF, RULES, RESULTS)
    assert res.result(Outcome.CRIME_ASB).applicable
    assert res.claimable


def test_chart_data() -> None:
    fam = _crime_family(3, 1, 0, 0)
    fam = replace(fam, members=(*fam.members, child("c", education=(
        term(SPRING_24, absence=20.0), term(AUTUMN_24, fixed=1, absence=5.0)))))
    res = family_results(fam, AS_OF, RULES, RESULTS)
    assert [(p.term.label, p.unauthorised_absence_pct) for p in res.absence_by_term] == [
        ("Spring 2023/24", 20.0), ("Autumn 2024/25", 5.0)]
    months = res.incidents_by_month
    assert months[0].label == "10/2023" and months[-1].label == "03/2025"
    assert sum(m.offences for m in months) == 4
    assert next(m for m in months if m.label == "01/2024").offences == 3
    assert all(m.asb == 0 for m in months)
    assert Disposal.YOUTH_CAUTION in RULES.proven_disposals
