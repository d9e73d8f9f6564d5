"""The words a breach record and the breach screen share: its reference and the regulator
clock. No reportlab here, so the screen can show them without loading the PDF code."""

from __future__ import annotations

from datetime import datetime

from keyworker_app.domain.breach import (
    Breach,
    ReportingState,
    breach_reference,
    hours_left,
    regulator_deadline,
    reporting_state,
)
from keyworker_app.domain.dates import format_datetime
from keyworker_app.domain.policy import Policy

__all__ = ["breach_reference", "clock_text"]


def clock_text(breach: Breach, policy: Policy, now: datetime) -> str:
    """The regulator clock in words, e.g. "31 hours left (until 17/03/2025 08:00)"."""
    state = reporting_state(breach, policy, now)
    deadline = format_datetime(regulator_deadline(breach, policy))
    hours = policy.breach.regulator_deadline_hours
    if state is ReportingState.CLOCK_RUNNING:
        left = hours_left(breach, policy, now)
        return f"{int(left)} hours {int(left * 60) % 60} minutes left to tell the regulator " \
               f"(deadline {deadline}, {hours} hours from being found)"
    if state is ReportingState.OVERDUE:
        late = -hours_left(breach, policy, now)
        return f"Overdue by {int(late)} hours: the deadline was {deadline}"
    if state is ReportingState.REPORTED:
        assert breach.regulator_told_at is not None
        taken = (breach.regulator_told_at - breach.found_at).total_seconds() / 3600
        return (f"Regulator told {format_datetime(breach.regulator_told_at)}, "
                f"{taken:.0f} hours after being found (deadline {deadline})")
    if state is ReportingState.DECIDED_NOT_TO_REPORT:
        return "A decision not to report was recorded (below)"
    return "Not serious: no duty to tell the regulator; recorded and investigated"
