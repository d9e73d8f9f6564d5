"""Blocks the TAF reports share: partner and exchange labels, the plan table and the table of
information shared with the key worker (source, route, originating controller and basis).

Labels come from the policy in force (the agreement's partners, Appendix B rows and statutory
gateways), so a report says who and by what right in the agreement's own words.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import CondPageBreak, Flowable, Paragraph

from keyworker_app.domain.dates import format_date
from keyworker_app.domain.family import Family
from keyworker_app.domain.policy import Policy
from keyworker_app.domain.sources import controller_label
from keyworker_app.domain.taf import (
    CURRENCY_PROMPT,
    OUTSIDE_EXCHANGES,
    Action,
    SharedInformation,
    agency_text,
    is_overdue,
    needs_currency_check,
)
from keyworker_app.reports.blocks import name_of
from keyworker_app.reports.styles import HEADING, NOTE, data_table, para, text

EXCHANGE_TEXT_LIMIT = 110  # the start of the row's "information" column identifies it


def agency_label(policy: Policy, agency: str, agency_name: str = "") -> str:
    return agency_text(policy, agency, agency_name)


def _shorten(value: str, limit: int) -> str:
    if len(value) <= limit:
        return value
    cut = value.rfind(" ", 0, limit)
    return value[: cut if cut > limit // 2 else limit].rstrip(" ,;") + "…"


def exchange_label(policy: Policy, item: SharedInformation) -> str:
    """The Appendix B row the share came under, or why it came outside the agreed ones."""
    if item.exchange == OUTSIDE_EXCHANGES:
        return f"Outside the agreed exchanges: {item.outside_reason}"
    for number, exchange in enumerate(policy.exchanges, 1):
        if exchange.id == item.exchange:
            return (f"Appendix B row {number}: "
                    f"{_shorten(exchange.information, EXCHANGE_TEXT_LIMIT)}")
    return "An exchange no longer in the agreement"


def basis_label(policy: Policy, item: SharedInformation) -> str:
    """Consent, or the statutory gateway relied on where consent did not cover the share."""
    if not item.lawful_basis:
        return "Consent"
    gateway = next((g for g in policy.gateways if g.id == item.lawful_basis), None)
    named = f"{gateway.citation} ({gateway.label})" if gateway else "A gateway no longer in " \
        "the agreement"
    return f"{named}. Reason: {item.basis_reason}" if item.basis_reason else named


def _about(family: Family, refs: Sequence[str]) -> str:
    return ", ".join(name_of(family, ref) for ref in refs) if refs else "Household"


def shared_table(items: Sequence[SharedInformation], family: Family, policy: Policy, *,
                 currency_on: date | None = None,
                 empty: str = "No information recorded.") -> Flowable:
    """One row per item: received (and how), source and originating controller, the agreed
    exchange, the basis, and what was shared about whom. With ``currency_on``, items older
    than the policy's freshness window carry the ISA Appendix A prompt to check at source."""
    fresh = policy.retention.information_freshness_days
    rows = []
    for item in items:
        summary = f"About: {_about(family, item.about)}\n{item.summary}"
        if currency_on is not None and needs_currency_check(item, currency_on, fresh):
            summary = f"{CURRENCY_PROMPT.upper()} (over {fresh} days old).\n{summary}"
        rows.append([
            f"{format_date(item.received_on)}\n{item.method.label}",
            f"{agency_label(policy, item.from_partner)}\nData controller: "
            f"{controller_label(policy, item)}",
            exchange_label(policy, item),
            basis_label(policy, item),
            summary,
        ])
    return data_table(["Received", "Source", "Agreed exchange", "Lawful basis", "What was shared"],
                      rows, [1.9, 2.5, 2.8, 2.6, 4.6], empty)


def action_status(action: Action, today: date) -> str:
    if is_overdue(action, today):
        days = (today - action.due).days
        return f"OVERDUE by {days} day{'s' if days != 1 else ''}"
    return action.status.label


def actions_table(actions: Sequence[Action], policy: Policy, today: date, *,
                  set_at: Mapping[int | None, date] | None = None,
                  empty: str = "No actions recorded.") -> Flowable:
    """The plan: need or action, who, agency, by when, status (overdue in words) and outcome;
    with ``set_at`` (open actions only), the day of the meeting that set each one instead
    of the outcome."""
    last = "Set at" if set_at is not None else "Outcome"
    rows = []
    for action in actions:
        end = (format_date(set_at.get(action.meeting_id)) if set_at is not None
               else action.outcome)
        rows.append([action.what, action.owner, agency_label(policy, action.agency),
                     format_date(action.due), action_status(action, today), end])
    return data_table(["Need and action", "Who", "Agency", "By when", "Status", last], rows,
                      [4.2, 2.0, 2.4, 2.0, 1.9, 2.0 if set_at is not None else 2.8], empty)


_FLOWING_HEADING = ParagraphStyle("kwFlowingHeading", parent=HEADING, keepWithNext=0)


def flowing_heading(title: str) -> list[Flowable]:
    """A heading whose section flows on to the next page rather than jumping to it whole (a
    heading kept with a long paragraph or table leaves half a page blank); the heading itself
    never sits alone at the foot of a page."""
    return [CondPageBreak(7 * HEADING.leading), Paragraph(text(title), _FLOWING_HEADING)]


def text_section(title: str, value: str, empty: str = "Nothing recorded.") -> list[Flowable]:
    return [*flowing_heading(title), para(value) if value.strip() else para(empty, NOTE)]
