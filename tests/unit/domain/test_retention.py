"""Retention review dates, the queue and the deletion marker."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keyworker_app.domain.retention import (
    MARKER_NOTE,
    QueueEntry,
    RetentionDecision,
    RetentionReview,
    check_review,
    markers_for,
    queue,
    review_date,
)
from keyworker_app.errors import ValidationError
from tests.unit.domain.criteria_cases import adult, child, family

RETAIN, DELETE = RetentionDecision.RETAIN, RetentionDecision.DELETE


def review(on: date, decision: RetentionDecision = RETAIN, until: date | None = None,
           reason: str = "risk remains", reviewer: str = "Team Lead") -> RetentionReview:
    return RetentionReview(1, on, decision, reason, reviewer, until)


def test_review_date_from_allocation_and_last_review() -> None:
    assert review_date(date(2024, 2, 29), None, 12) == date(2025, 2, 28)
    assert review_date(date(2024, 1, 31), None, 1) == date(2024, 2, 29)
    last = review(date(2025, 3, 31), RETAIN, None)
    assert review_date(date(2020, 1, 1), last, 12) == date(2026, 3, 31)
    retain = review(date(2025, 3, 31), RETAIN, date(2025, 9, 30))
    assert review_date(date(2020, 1, 1), retain, 12) == date(2025, 9, 30)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2080, 1, 1)), st.integers(1, 36))
def test_review_is_never_early(allocated: date, months: int) -> None:
    due = review_date(allocated, None, months)
    assert due > allocated
    assert (due - allocated).days >= 28 * months


def test_queue_orders_overdue_first_then_reference() -> None:
    today = date(2025, 6, 1)
    entries = [QueueEntry(1, "B", date(2025, 7, 1), None),
               QueueEntry(2, "A", date(2025, 7, 1), None),
               QueueEntry(3, "C", date(2025, 5, 1), None),
               QueueEntry(4, "D", date(2026, 1, 1), None)]
    assert [e.reference for e in queue(entries, today)] == ["C", "A", "B", "D"]
    assert [e.reference for e in queue(entries, today, 30)] == ["C", "A", "B"]
    assert entries[2].overdue(today) and not entries[0].overdue(today)


def test_marker_keeps_name_dob_note_and_date_only() -> None:
    fam = family(adult(), child())
    markers = markers_for(fam, date(2025, 6, 1))
    assert [(m.name, m.date_of_birth, m.note, m.marked_on) for m in markers] == [
        ("Test Adult", date(1985, 2, 10), MARKER_NOTE, date(2025, 6, 1)),
        ("Test Child", date(2012, 6, 1), MARKER_NOTE, date(2025, 6, 1)),
    ]
    assert MARKER_NOTE == "member of a programme family"


@pytest.mark.parametrize(("bad", "field"), [
    (review(date(2025, 6, 1), RETAIN, date(2025, 12, 1), reason=" "), "Reason"),
    (review(date(2025, 6, 1), RETAIN, date(2025, 12, 1), reviewer=""), "Reviewer"),
    (review(date(2025, 6, 2), RETAIN, date(2025, 12, 1)), "Reviewed on"),
    (review(date(2025, 6, 1), RETAIN, None), "Retain until"),
    (review(date(2025, 6, 1), RETAIN, date(2025, 6, 1)), "Retain until"),
    (review(date(2025, 6, 1), DELETE, date(2025, 12, 1)), "Retain until"),
])
def test_bad_reviews_are_refused(bad: RetentionReview, field: str) -> None:
    with pytest.raises(ValidationError) as info:
        check_review(bad, date(2025, 6, 1))
    assert info.value.field == field


def test_good_reviews_pass_at_their_limits() -> None:
    today = date(2025, 6, 1)
    # Retained until tomorrow: the shortest retention there is, and the next review then.
    retain = review(today, RETAIN, date(2025, 6, 2))
    check_review(retain, today)
    assert review_date(date(2020, 1, 1), retain, 12) == date(2025, 6, 2)
    with pytest.raises(ValidationError) as info:
        check_review(review(today, RETAIN, today), today)
    assert info.value.field == "Retain until"
    # A deletion decided today is fine; one dated tomorrow is not.
    check_review(review(today, DELETE, None, "no further risk"), today)
    with pytest.raises(ValidationError) as info:
        check_review(review(today, DELETE, None, "no further risk"), date(2025, 5, 31))
    assert info.value.field == "Reviewed on"
