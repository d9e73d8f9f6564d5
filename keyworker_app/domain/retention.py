"""Retention review (ISA §10): when each family is reviewed, and what deletion keeps.

"Within 12 months information relating to individuals/families will be assessed and if
there is no indication of further risk information will be deleted. Partners may retain a
marker to indicate that the individual is a member of a family included on this Programme."

* A family's **review date** is its allocation date, or its last review's date, plus the
  policy's ``retention.review_months`` (calendar months, clamped to the month's end). A
  "retain until" decision moves the next review to that date instead.
* The **queue** lists families by review date, overdue first, then by reference.
* **Deletion** keeps, per member, only the marker the agreement allows: name, date of birth,
  the words "member of a programme family" and the date the rest was deleted. A marker still
  identifies a person, so it is minimal and exists only to stop the family being re-matched
  as new (ISA §10).

Pure domain code: no I/O.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from keyworker_app.domain.family import Family
from keyworker_app.domain.periods import add_months
from keyworker_app.errors import ValidationError

MARKER_NOTE = "member of a programme family"


class RetentionDecision(enum.StrEnum):
    RETAIN = "retain"
    DELETE = "delete"

    @property
    def label(self) -> str:
        return {"retain": "Retain", "delete": "Delete"}[self.value]


@dataclass(frozen=True, slots=True)
class RetentionReview:
    family_id: int
    reviewed_on: date
    decision: RetentionDecision
    reason: str
    reviewer: str
    retain_until: date | None = None
    id: int | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class DeletionMarker:
    """All that remains of a member after deletion (ISA §10)."""

    name: str
    date_of_birth: date
    note: str
    marked_on: date
    id: int | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class DeletionScope:
    """What a retention deletion would remove, as its confirmation says it."""

    family_name: str
    members: int
    open_actions: int
    upcoming_meetings: int
    active: bool  # the case is not closed


@dataclass(frozen=True, slots=True)
class QueueEntry:
    family_id: int
    reference: str
    review_on: date
    last_review: date | None

    def overdue(self, today: date) -> bool:
        return self.review_on < today

    def days_until(self, today: date) -> int:
        return (self.review_on - today).days


def review_date(allocated_on: date, last_review: RetentionReview | None,
                review_months: int) -> date:
    """When the family is next due for a retention review."""
    if last_review is None:
        return add_months(allocated_on, review_months)
    if last_review.decision is RetentionDecision.RETAIN and last_review.retain_until:
        return last_review.retain_until
    return add_months(last_review.reviewed_on, review_months)


def queue(entries: Iterable[QueueEntry], today: date, due_within_days: int | None = None) -> list[
    QueueEntry
]:
    """Entries in review order: earliest review date first (so overdue first), then reference.

    ``due_within_days`` keeps only families due by ``today`` plus that many days.
    """
    chosen = [e for e in entries
              if due_within_days is None or e.days_until(today) <= due_within_days]
    return sorted(chosen, key=lambda e: (e.review_on, e.reference))


def markers_for(family: Family, today: date) -> tuple[DeletionMarker, ...]:
    """The markers deletion keeps: one per member, nothing else."""
    return tuple(DeletionMarker(p.display_name, p.date_of_birth, MARKER_NOTE, today)
                 for p in family.members)


def check_review(review: RetentionReview, today: date) -> None:
    """Raise ValidationError for a decision that cannot be recorded as given."""
    if not review.reason.strip():
        raise ValidationError("Reason", "say why (the audit trail records who and why)")
    if not review.reviewer.strip():
        raise ValidationError("Reviewer", "say who reviewed the family's records")
    if review.reviewed_on > today:
        raise ValidationError("Reviewed on", "the review date cannot be in the future")
    if review.decision is RetentionDecision.RETAIN:
        if review.retain_until is None:
            raise ValidationError("Retain until", "give the date to keep the records until")
        if review.retain_until <= review.reviewed_on:
            raise ValidationError("Retain until", "must be after the review date")
    elif review.retain_until is not None:
        raise ValidationError("Retain until", "a deletion has no retain-until date")
