"""Breach records (ISA §12; UK GDPR Art. 33): categories, the regulator clock, contacts.

Every breach is recorded. A *serious* one (a risk to people) is reported to the regulator
without undue delay and within the policy's ``breach.regulator_deadline_hours`` (72) of
being found; a decision not to report is itself recorded, with its reason. The partners
whose information is involved are told through the governance contacts in the policy
(ISA Appendix E).

Pure domain code: no I/O.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from keyworker_app.domain.dates import format_date
from keyworker_app.domain.policy import GovernanceContact, Partner, Policy
from keyworker_app.errors import ValidationError


class ReportingState(enum.StrEnum):
    NOT_SERIOUS = "not-serious"  # recorded and investigated, no regulator clock
    CLOCK_RUNNING = "clock-running"
    OVERDUE = "overdue"  # serious, not reported, no decision, past the deadline
    REPORTED = "reported"
    DECIDED_NOT_TO_REPORT = "decided-not-to-report"

    @property
    def label(self) -> str:
        return {"not-serious": "Not serious", "clock-running": "Report due",
                "overdue": "Report overdue", "reported": "Reported to the regulator",
                "decided-not-to-report": "Decided not to report"}[self.value]


@dataclass(frozen=True, slots=True)
class Breach:
    category: str  # a policy breach category id
    found_at: datetime  # timezone-aware
    summary: str  # what happened; no personal data beyond what the IG officer needs
    partners: tuple[str, ...] = ()  # ids of partners whose information is involved
    serious: bool = False
    regulator_told_at: datetime | None = None
    not_reported_reason: str = ""  # a recorded decision not to tell the regulator
    actions: str = ""
    outcome: str = ""
    closed_at: datetime | None = None
    # ISA §12 follow-up: the providing partners told through their Appendix E posts
    partners_told_at: datetime | None = None
    partners_told_whom: str = ""  # the posts told, e.g. "Information Governance, County Council"
    police_consulted: bool = False
    police_decision: str = ""
    learning: str = ""
    circulated_at: datetime | None = None  # outcome and learning circulated to partners
    id: int | None = field(default=None, compare=False)


def regulator_deadline(breach: Breach, policy: Policy) -> datetime:
    return breach.found_at + timedelta(hours=policy.breach.regulator_deadline_hours)


def reporting_state(breach: Breach, policy: Policy, now: datetime) -> ReportingState:
    if breach.regulator_told_at is not None:
        return ReportingState.REPORTED
    if breach.not_reported_reason.strip():
        return ReportingState.DECIDED_NOT_TO_REPORT
    if not breach.serious:
        return ReportingState.NOT_SERIOUS
    return (ReportingState.OVERDUE if now > regulator_deadline(breach, policy)
            else ReportingState.CLOCK_RUNNING)


def hours_left(breach: Breach, policy: Policy, now: datetime) -> float:
    """Hours until the regulator deadline (negative once past it)."""
    return (regulator_deadline(breach, policy) - now).total_seconds() / 3600


def partner_notice_deadline(breach: Breach, policy: Policy) -> datetime:
    return breach.found_at + timedelta(hours=policy.breach.partner_notice_hours)


def partners_notice_overdue(breach: Breach, policy: Policy, now: datetime) -> bool:
    """A serious breach whose providing partners have not been told by the policy's deadline."""
    return (breach.serious and bool(breach.partners) and breach.partners_told_at is None
            and breach.closed_at is None and now > partner_notice_deadline(breach, policy))


class FollowUpStep(enum.StrEnum):
    """A step of the ISA §12 procedure that is late for a breach."""

    PARTNERS = "partners"  # the providing partners not told within partner_notice_hours
    REGULATOR = "regulator"  # a serious breach neither reported nor decided within 72 hours
    POLICE = "police"  # no police decision within follow_up_days
    LEARNING = "learning"  # no learning recorded within follow_up_days, or closed without it
    CIRCULATION = "circulation"  # closed, but the outcome and learning not circulated

    @property
    def label(self) -> str:
        return {"partners": "the partners whose information it was have not been told",
                "regulator": "not reported to the regulator (ICO) within the deadline, and "
                             "no decision not to report recorded",
                "police": "no decision from the police on a criminal investigation",
                "learning": "no learning from the investigation recorded",
                "circulation": "the outcome and learning have not been circulated to "
                               "partners"}[self.value]


def follow_up_deadline(breach: Breach, policy: Policy) -> datetime:
    return breach.found_at + timedelta(days=policy.breach.follow_up_days)


def overdue_steps(breach: Breach, policy: Policy, now: datetime) -> list[FollowUpStep]:
    """The §12 steps that are late for this breach, in the order the procedure takes them."""
    steps: list[FollowUpStep] = []
    if partners_notice_overdue(breach, policy, now):
        steps.append(FollowUpStep.PARTNERS)
    if breach.closed_at is None and reporting_state(breach, policy, now) is ReportingState.OVERDUE:
        steps.append(FollowUpStep.REGULATOR)
    closed = breach.closed_at is not None
    late = now > follow_up_deadline(breach, policy)
    if breach.serious and not closed and late and not breach.police_decision.strip():
        steps.append(FollowUpStep.POLICE)
    if not breach.learning.strip() and ((breach.serious and late) or closed):
        steps.append(FollowUpStep.LEARNING)
    if closed and breach.circulated_at is None:
        steps.append(FollowUpStep.CIRCULATION)
    return steps


def overdue_follow_ups(breaches: list[Breach], policy: Policy, now: datetime) -> list[Breach]:
    """Breaches with a §12 step late (partners not told, regulator, police, learning,
    circulation), oldest first."""
    return sorted((b for b in breaches if overdue_steps(b, policy, now)),
                  key=lambda b: b.found_at)


def follow_up_notices(breaches: list[Breach], policy: Policy, now: datetime) -> list[str]:
    """One line per breach with late steps, for Today: ids and categories, no personal data."""
    lines = []
    for b in overdue_follow_ups(breaches, policy, now):
        steps = "; ".join(step.label for step in overdue_steps(b, policy, now))
        lines.append(f"Breach {breach_reference(b)} ({category_text(b.category, policy)}, found "
                     f"{format_date(b.found_at)}): {steps}.")
    return lines


def breach_reference(breach: Breach) -> str:
    return f"BR-{breach.id or 0:04d}"


def category_text(category: str, policy: Policy) -> str:
    try:
        return category_label(category, policy)
    except KeyError:
        return category


def contacts(breach: Breach, policy: Policy) -> list[tuple[Partner, tuple[GovernanceContact, ...]]]:
    """Each involved partner with the governance contacts the policy gives for it."""
    return [(p, p.contacts) for p in (policy.partner(pid) for pid in breach.partners)]


def category_label(category: str, policy: Policy) -> str:
    for c in policy.breach.categories:
        if c.id == category:
            return c.label
    raise KeyError(category)


def check_breach(breach: Breach, policy: Policy, now: datetime) -> None:
    """Raise ValidationError for a breach record that cannot be saved as given."""
    if breach.category not in {c.id for c in policy.breach.categories}:
        raise ValidationError("Category", "choose one of the agreement's breach categories")
    if breach.found_at.tzinfo is None:
        raise ValueError("found_at must be timezone-aware")
    if breach.found_at > now:
        raise ValidationError("Found", "the time found cannot be in the future")
    if not breach.summary.strip():
        raise ValidationError("What happened", "describe the breach")
    known = {p.id for p in policy.partners}
    if any(p not in known for p in breach.partners):
        raise ValidationError("Partners", "a partner is not in the agreement")
    if len(set(breach.partners)) != len(breach.partners):
        raise ValidationError("Partners", "a partner is listed twice")
    told = breach.regulator_told_at
    if told is not None:
        if told.tzinfo is None:
            raise ValueError("regulator_told_at must be timezone-aware")
        if told < breach.found_at:
            raise ValidationError("Regulator told", "cannot be before the breach was found")
        if breach.not_reported_reason.strip():
            raise ValidationError("Decision not to report",
                                  "the regulator was told, so there is no decision not to")
    _check_follow_up(breach, now)
    if breach.closed_at is not None and not breach.outcome.strip():
        raise ValidationError("Outcome", "record the outcome before closing the breach")


def _check_moment(moment: datetime | None, label: str, breach: Breach, now: datetime) -> None:
    if moment is None:
        return
    if moment.tzinfo is None:
        raise ValueError(f"{label} must be timezone-aware")
    if moment > now:
        raise ValidationError(label, "cannot be in the future")
    if moment < breach.found_at:
        raise ValidationError(label, "cannot be before the breach was found")


def _check_follow_up(breach: Breach, now: datetime) -> None:
    _check_moment(breach.partners_told_at, "Partners told", breach, now)
    _check_moment(breach.circulated_at, "Circulated to partners", breach, now)
    if breach.partners_told_at is not None:
        if not breach.partners:
            raise ValidationError("Partners told", "choose the partners whose information it was")
        if not breach.partners_told_whom.strip():
            raise ValidationError("Whom told", "say which governance posts were told")
    if breach.police_decision.strip() and not breach.police_consulted:
        raise ValidationError("Police decision", "record that the police were consulted first")
    if breach.circulated_at is not None and not (breach.outcome.strip()
                                                 or breach.learning.strip()):
        raise ValidationError("Circulated to partners",
                              "record the outcome or learning that was circulated")
