"""Pure checks for the indicator forms: academic year, percentage, counts (no Qt)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keyworker_app.domain.indicators import current_academic_year
from keyworker_app.domain.input_checks import (
    academic_year_problem,
    count_problem,
    parse_academic_year,
    parse_percentage,
    percentage_problem,
)

TODAY = date(2026, 3, 15)


@pytest.mark.parametrize(("text", "year"), [("2025/26", 2025), (" 2024 / 25 ", 2024),
                                            ("2025/2026", 2025), ("1999/00", 1999),
                                            ("2023-24", 2023)])
def test_parse_academic_year(text: str, year: int) -> None:
    assert parse_academic_year(text) == year


@pytest.mark.parametrize("text", ["2025", "2025/25", "2025/27", "25/26", "2025/2027", "abc"])
def test_bad_academic_years(text: str) -> None:
    assert academic_year_problem(text, TODAY)


def test_academic_year_not_in_future() -> None:
    assert current_academic_year(date(2025, 8, 31)) == 2024
    assert current_academic_year(date(2025, 9, 1)) == 2025
    assert academic_year_problem("2025/26", TODAY) is None
    assert "future" in (academic_year_problem("2026/27", TODAY) or "")
    assert academic_year_problem("", TODAY)


@pytest.mark.parametrize(("text", "value"), [("0", 0.0), ("100", 100.0), ("12.5%", 12.5),
                                             (" 7 % ", 7.0)])
def test_percentages(text: str, value: float) -> None:
    assert parse_percentage(text) == value
    assert percentage_problem(text) is None


@pytest.mark.parametrize("text", ["", "-1", "100.1", "nan", "inf", "lots"])
def test_bad_percentages(text: str) -> None:
    assert percentage_problem(text)


@given(st.text(max_size=12))
def test_percentage_check_agrees_with_parser(text: str) -> None:
    try:
        parse_percentage(text)
        ok = True
    except ValueError:
        ok = False
    assert (percentage_problem(text) is None) == ok


@pytest.mark.parametrize(("text", "ok"), [("0", True), ("99", True), ("100", False),
                                          ("-1", False), ("1.5", False), ("", False)])
def test_counts(text: str, ok: bool) -> None:
    assert (count_problem(text) is None) == ok
