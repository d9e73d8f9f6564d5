"""Subject access requests (ISA §17; UK GDPR Art. 12(3), DPA 2018): the statutory clock.

**Due date.** One calendar month from the day the request is received: the same date next
month, or that month's last day when it has none (31 January → 28 or 29 February; 15 March
→ 15 April). This is the ICO's rule.

**Weekends and bank holidays.** The ICO lets an organisation answer on the next working day
when the due date falls on a weekend or bank holiday. We record and warn against the
*calendar* date and do not move it: bank holidays differ between England, Wales, Scotland
and Northern Ireland and change by proclamation, so a weekend-only shift would be wrong for
some deadlines, and answering a day early is never a breach. ``next_working_day`` is offered
for display ("you may answer by …"), weekends only, and says so.

**Extension.** A complex request may be extended by two further months, if the person is
told within the first month: the extended due date is three calendar months from receipt
(clamped the same way).

Pure domain code: no I/O.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, timedelta

from keyworker_app.domain.periods import add_months
from keyworker_app.errors import ValidationError

RESPONSE_MONTHS = 1
EXTENSION_MONTHS = 2


def due_date(received: date) -> date:
    """The statutory due date: one calendar month from receipt."""
    return add_months(received, RESPONSE_MONTHS)


def extended_due_date(received: date) -> date:
    """The due date after the two-month extension for a complex request."""
    return add_months(received, RESPONSE_MONTHS + EXTENSION_MONTHS)


def next_working_day(day: date) -> date:
    """``day``, or the Monday after it when it falls on a weekend (bank holidays not known)."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


class RequestStatus(enum.StrEnum):
    OPEN = "open"
    OVERDUE = "overdue"
    COMPLETED = "completed"

    @property
    def label(self) -> str:
        return self.value.capitalize()


@dataclass(frozen=True, slots=True)
class SubjectAccessRequest:
    """One request, logged. ``person_id`` is the store's person id while the person's
    records exist; ``subject_label`` is a non-identifying label (e.g. "SAR-2025-004")."""

    received_on: date
    subject_label: str
    person_id: int | None = None
    extended_on: date | None = None  # when the person was told of the extension
    extension_reason: str = ""
    completed_on: date | None = None
    notes: str = ""
    id: int | None = field(default=None, compare=False)

    @property
    def due_on(self) -> date:
        if self.extended_on is not None:
            return extended_due_date(self.received_on)
        return due_date(self.received_on)

    def status(self, today: date) -> RequestStatus:
        if self.completed_on is not None:
            return RequestStatus.COMPLETED
        return RequestStatus.OVERDUE if today > self.due_on else RequestStatus.OPEN

    def days_left(self, today: date) -> int:
        return (self.due_on - today).days


def check_request(request: SubjectAccessRequest, today: date) -> None:
    """Raise ValidationError for a request that cannot be logged as given."""
    if request.received_on > today:
        raise ValidationError("Received", "the date received cannot be in the future")
    if not request.subject_label.strip():
        raise ValidationError("Reference", "give the request a reference")
    if request.extended_on is not None:
        if request.extended_on < request.received_on:
            raise ValidationError("Extended", "the extension cannot come before the request")
        if request.extended_on > due_date(request.received_on):
            raise ValidationError("Extended", "an extension must be made, and the person told, "
                                  "within the first month")
        if not request.extension_reason.strip():
            raise ValidationError("Extension reason", "say why the request is complex")
    if request.completed_on is not None and request.completed_on < request.received_on:
        raise ValidationError("Completed", "completion cannot come before the request")
