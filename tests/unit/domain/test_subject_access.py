"""Subject access: the one-calendar-month clock and its extension."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keyworker_app.domain.subject_access import (
    RequestStatus,
    SubjectAccessRequest,
    check_request,
    due_date,
    extended_due_date,
    next_working_day,
)
from keyworker_app.errors import ValidationError


@pytest.mark.parametrize(("received", "due"), [
    (date(2025, 1, 31), date(2025, 2, 28)),
    (date(2024, 1, 31), date(2024, 2, 29)),
    (date(2025, 3, 15), date(2025, 4, 15)),
    (date(2025, 3, 31), date(2025, 4, 30)),
    (date(2025, 12, 31), date(2026, 1, 31)),
    (date(2024, 2, 29), date(2024, 3, 29)),
    (date(2025, 8, 30), date(2025, 9, 30)),
])
def test_due_date(received: date, due: date) -> None:
    assert due_date(received) == due


def test_extension_is_three_months_from_receipt() -> None:
    assert extended_due_date(date(2025, 1, 31)) == date(2025, 4, 30)
    assert extended_due_date(date(2024, 11, 30)) == date(2025, 2, 28)


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 1, 1)))
def test_due_is_within_one_month(received: date) -> None:
    due = due_date(received)
    assert 28 <= (due - received).days <= 31
    assert due.day == received.day or due.day < received.day
    assert next_working_day(due) >= due
    assert next_working_day(due).weekday() < 5
    assert (next_working_day(due) - due).days <= 2


def test_status_and_days_left() -> None:
    request = SubjectAccessRequest(date(2025, 3, 15), "SAR-1")
    assert request.due_on == date(2025, 4, 15)
    assert request.status(date(2025, 4, 15)) is RequestStatus.OPEN
    assert request.status(date(2025, 4, 16)) is RequestStatus.OVERDUE
    assert request.days_left(date(2025, 4, 10)) == 5
    extended = SubjectAccessRequest(date(2025, 3, 15), "SAR-1", extended_on=date(2025, 4, 1),
                                    extension_reason="complex")
    assert extended.due_on == date(2025, 6, 15)
    done = SubjectAccessRequest(date(2025, 3, 15), "SAR-1", completed_on=date(2025, 5, 1))
    assert done.status(date(2026, 1, 1)) is RequestStatus.COMPLETED


@pytest.mark.parametrize(("request_", "field"), [
    (SubjectAccessRequest(date(2025, 5, 1), "SAR-1"), "Received"),
    (SubjectAccessRequest(date(2025, 3, 1), " "), "Reference"),
    (SubjectAccessRequest(date(2025, 1, 31), "S", extended_on=date(2025, 3, 1),
                          extension_reason="x"), "Extended"),
    (SubjectAccessRequest(date(2025, 3, 1), "S", extended_on=date(2025, 3, 2)),
     "Extension reason"),
    (SubjectAccessRequest(date(2025, 3, 1), "S", completed_on=date(2025, 2, 1)), "Completed"),
])
def test_bad_requests_are_refused(request_: SubjectAccessRequest, field: str) -> None:
    with pytest.raises(ValidationError) as info:
        check_request(request_, date(2025, 4, 1))
    assert info.value.field == field


def test_extension_on_the_due_date_is_allowed_and_moves_it() -> None:
    received = date(2025, 1, 31)
    assert due_date(received) == date(2025, 2, 28)
    on_the_day = SubjectAccessRequest(received, "S", extended_on=date(2025, 2, 28),
                                      extension_reason="complex")
    check_request(on_the_day, date(2025, 3, 1))
    assert on_the_day.due_on == date(2025, 4, 30)
    assert on_the_day.status(date(2025, 3, 1)) is RequestStatus.OPEN
    a_day_late = SubjectAccessRequest(received, "S", extended_on=date(2025, 3, 1),
                                      extension_reason="complex")
    with pytest.raises(ValidationError) as info:
        check_request(a_day_late, date(2025, 3, 1))
    assert info.value.field == "Extended"
