"""Month arithmetic and the school-term calendar."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keyworker_app.domain.indicators import Term
from keyworker_app.domain.periods import (
    SchoolTerm,
    add_months,
    in_window,
    last_complete_terms,
    latest_complete_term,
    months_between,
    term_containing,
    window_start,
)

days = st.dates(min_value=date(1950, 1, 1), max_value=date(2090, 12, 31))


@pytest.mark.parametrize(("day", "months", "expected"), [
    (date(2025, 1, 31), 1, date(2025, 2, 28)),
    (date(2024, 1, 31), 1, date(2024, 2, 29)),
    (date(2025, 3, 15), 1, date(2025, 4, 15)),
    (date(2025, 3, 31), -1, date(2025, 2, 28)),
    (date(2024, 2, 29), 12, date(2025, 2, 28)),
    (date(2024, 2, 29), 48, date(2028, 2, 29)),
    (date(2025, 12, 31), 2, date(2026, 2, 28)),
    (date(2025, 5, 31), -3, date(2025, 2, 28)),
])
def test_add_months(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


@given(days, st.integers(-600, 600))
def test_add_months_lands_in_the_right_month(day: date, months: int) -> None:
    moved = add_months(day, months)
    assert moved.year * 12 + moved.month == day.year * 12 + day.month + months
    assert moved.day == day.day or (moved.day < day.day and
                                    (moved + timedelta(days=1)).month != moved.month)


def test_window_is_inclusive_at_both_ends() -> None:
    assert window_start(date(2025, 3, 15), 12) == date(2024, 3, 15)
    assert in_window(date(2024, 3, 15), date(2025, 3, 15), 12)
    assert not in_window(date(2024, 3, 14), date(2025, 3, 15), 12)
    assert in_window(date(2025, 3, 15), date(2025, 3, 15), 12)
    assert not in_window(date(2025, 3, 16), date(2025, 3, 15), 12)


@pytest.mark.parametrize(("day", "expected"), [
    (date(2025, 1, 1), SchoolTerm(2024, Term.AUTUMN)),
    (date(2024, 12, 31), SchoolTerm(2023, Term.SUMMER)),
    (date(2025, 4, 30), SchoolTerm(2024, Term.AUTUMN)),
    (date(2025, 5, 1), SchoolTerm(2024, Term.SPRING)),
    (date(2025, 7, 31), SchoolTerm(2024, Term.SPRING)),
    (date(2025, 8, 1), SchoolTerm(2024, Term.SUMMER)),
    (date(2025, 9, 1), SchoolTerm(2024, Term.SUMMER)),
])
def test_latest_complete_term(day: date, expected: SchoolTerm) -> None:
    assert latest_complete_term(day) == expected


def test_last_three_terms_cross_the_academic_year() -> None:
    assert last_complete_terms(date(2025, 3, 15), 3) == (
        SchoolTerm(2023, Term.SPRING), SchoolTerm(2023, Term.SUMMER),
        SchoolTerm(2024, Term.AUTUMN))
    assert SchoolTerm(2024, Term.AUTUMN).label == "Autumn 2024/25"
    assert SchoolTerm(1999, Term.SUMMER).label == "Summer 1999/00"


@given(days, st.integers(1, 9))
def test_complete_terms_are_consecutive_and_finished(day: date, count: int) -> None:
    terms = last_complete_terms(day, count)
    assert len(terms) == count
    assert all(t.last_day < day for t in terms)
    assert all(a.next() == b for a, b in zip(terms, terms[1:], strict=False))
    after = terms[-1].next()
    assert after.last_day >= day  # the next term is not yet complete


@given(days)
def test_term_containing_matches_the_bounds(day: date) -> None:
    term = term_containing(day)
    if term is None:
        assert day.month == 8
    else:
        assert term.first_day <= day <= term.last_day
        assert term.previous().next() == term


def test_months_between() -> None:
    assert months_between(date(2024, 11, 30), date(2025, 2, 1)) == [
        (2024, 11), (2024, 12), (2025, 1), (2025, 2)]
