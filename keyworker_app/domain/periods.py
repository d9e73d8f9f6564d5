"""Calendar periods the programme's rules are measured over: months and school terms.

Pure functions, no I/O.

**Months.** "N months before" a day is the same day N months earlier, or that month's last
day when it has no such day (31 May minus 3 months is 28 or 29 February). A window of
"the last N months" up to a reference date runs from that day *inclusive* to the reference
date inclusive: the last 12 months to 15/03/2025 are 15/03/2024 to 15/03/2025.

**School terms.** English schools set their own term dates and Easter moves, so the rules
use a fixed calendar that every real term fits inside:

========  ===============  ===============
term      first day        last day
========  ===============  ===============
autumn    1 September      31 December
spring    1 January        30 April        (Easter Sunday is never after 25 April)
summer    1 May            31 July
========  ===============  ===============

A term is *complete* from the day after its last day. "The last 3 consecutive terms" are
the three most recent complete terms before the reference date: on 15/01/2025 they are
spring 2024, summer 2024 and autumn 2024 (academic years 2023/24 and 2024/25). August
belongs to no term. Choosing the latest possible end date means a term never counts as
complete while a school could still be teaching it.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from keyworker_app.domain.indicators import Term

_TERM_BOUNDS: dict[Term, tuple[tuple[int, int], tuple[int, int]]] = {
    # (month, day) of the first and last day; autumn is in the academic year's first
    # calendar year, spring and summer in its second.
    Term.AUTUMN: ((9, 1), (12, 31)),
    Term.SPRING: ((1, 1), (4, 30)),
    Term.SUMMER: ((5, 1), (7, 31)),
}
_ORDER = (Term.AUTUMN, Term.SPRING, Term.SUMMER)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (negative: earlier), clamped to the month's last day."""
    index = day.year * 12 + (day.month - 1) + months
    year, month0 = divmod(index, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(day.day, last))


def window_start(reference: date, months: int) -> date:
    """First day (inclusive) of "the last ``months`` months" up to ``reference``."""
    return add_months(reference, -months)


def in_window(day: date, reference: date, months: int) -> bool:
    return window_start(reference, months) <= day <= reference


@dataclass(frozen=True, slots=True, order=True)
class SchoolTerm:
    """One term of one academic year (2024 means the 2024/25 school year)."""

    academic_year: int
    term: Term

    @property
    def key(self) -> tuple[int, int]:
        return (self.academic_year, self.term.order)

    @property
    def first_day(self) -> date:
        (month, day), _ = _TERM_BOUNDS[self.term]
        year = self.academic_year + (0 if self.term is Term.AUTUMN else 1)
        return date(year, month, day)

    @property
    def last_day(self) -> date:
        _, (month, day) = _TERM_BOUNDS[self.term]
        year = self.academic_year + (0 if self.term is Term.AUTUMN else 1)
        return date(year, month, day)

    @property
    def label(self) -> str:
        """E.g. "Autumn 2024/25"."""
        following = (self.academic_year + 1) % 100
        return f"{self.term.value.capitalize()} {self.academic_year}/{following:02d}"

    def previous(self) -> SchoolTerm:
        index = _ORDER.index(self.term)
        if index == 0:
            return SchoolTerm(self.academic_year - 1, Term.SUMMER)
        return SchoolTerm(self.academic_year, _ORDER[index - 1])

    def next(self) -> SchoolTerm:
        index = _ORDER.index(self.term)
        if index == 2:
            return SchoolTerm(self.academic_year + 1, Term.AUTUMN)
        return SchoolTerm(self.academic_year, _ORDER[index + 1])


def latest_complete_term(reference: date) -> SchoolTerm:
    """The most recent term whose last day is before ``reference``."""
    year = reference.year
    if reference.month >= 8:  # August to December: last summer is the latest complete
        return SchoolTerm(year - 1, Term.SUMMER)
    if reference.month <= 4:  # January to April: the autumn just gone
        return SchoolTerm(year - 1, Term.AUTUMN)
    return SchoolTerm(year - 1, Term.SPRING)  # May to July


def last_complete_terms(reference: date, count: int) -> tuple[SchoolTerm, ...]:
    """The ``count`` most recent complete terms before ``reference``, oldest first."""
    if count < 1:
        raise ValueError("count must be at least 1")
    terms = [latest_complete_term(reference)]
    while len(terms) < count:
        terms.append(terms[-1].previous())
    return tuple(reversed(terms))


def term_containing(day: date) -> SchoolTerm | None:
    """The term a day falls in; None in August."""
    if day.month == 8:
        return None
    if day.month >= 9:
        return SchoolTerm(day.year, Term.AUTUMN)
    if day.month <= 4:
        return SchoolTerm(day.year - 1, Term.SPRING)
    return SchoolTerm(day.year - 1, Term.SUMMER)


def months_between(first: date, last: date) -> list[tuple[int, int]]:
    """(year, month) pairs from ``first``'s month to ``last``'s month inclusive."""
    out: list[tuple[int, int]] = []
    index, end = first.year * 12 + first.month - 1, last.year * 12 + last.month - 1
    while index <= end:
        out.append(divmod(index, 12))
        index += 1
    return [(y, m + 1) for y, m in out]
