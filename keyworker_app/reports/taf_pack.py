"""The TAF preparation pack, for the team lead before a meeting.

The family and its members, where it stands against the programme's criteria (ISA Appendix
D), the plan's open and overdue actions, what the last meeting decided, and what partners
have shared since; information older than the policy's freshness window is flagged for a
check with its source before anyone relies on it (ISA Appendix A, fourth principle).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from reportlab.platypus import Flowable

from keyworker_app.domain.criteria import Evaluation, Evidence, evaluate
from keyworker_app.domain.dates import as_utc, format_date, format_datetime, local_day
from keyworker_app.domain.family import Family
from keyworker_app.domain.policy import Policy
from keyworker_app.domain.sources import evidence_source_text
from keyworker_app.domain.taf import (
    CURRENCY_PROMPT,
    Action,
    ActionStatus,
    Meeting,
    SharedInformation,
    is_overdue,
    needs_currency_check,
)
from keyworker_app.reports.blocks import family_facts, members_table, name_of, purpose_notice
from keyworker_app.reports.meta import ReportMeta
from keyworker_app.reports.page import render
from keyworker_app.reports.styles import (
    NOTE,
    TABLE_WIDTH,
    data_table,
    gap,
    heading,
    key_values,
    para,
    title_block,
)
from keyworker_app.reports.taf_blocks import actions_table, flowing_heading, shared_table

TITLE = "TAF preparation pack"


@dataclass(frozen=True, slots=True)
class PackRecords:
    """What the pack reports on, read from the store beforehand (rendering reads nothing)."""

    family: Family
    meetings: Sequence[Meeting]  # oldest first
    plan: Sequence[Action]  # every action of every meeting
    shared: Sequence[SharedInformation]  # everything on the family's record, oldest first


def last_and_next(meetings: Sequence[Meeting],
                  now: datetime) -> tuple[Meeting | None, Meeting | None]:
    """The latest meeting held by ``now``, and the first one after it."""
    held = [m for m in meetings if as_utc(m.held_at) <= as_utc(now)]
    ahead = [m for m in meetings if as_utc(m.held_at) > as_utc(now)]
    last = max(held, key=lambda m: as_utc(m.held_at)) if held else None
    upcoming = min(ahead, key=lambda m: as_utc(m.held_at)) if ahead else None
    return last, upcoming


def shared_since_last(records: PackRecords, last: Meeting | None) -> list[SharedInformation]:
    """Received on or after the last meeting's day, not counting what was shared at it."""
    if last is None:
        return list(records.shared)
    day = local_day(last.held_at)
    return [s for s in records.shared
            if s.received_on >= day and (s.meeting_id is None or s.meeting_id != last.id)]


def _evidence(family: Family, items: Sequence[Evidence], none: str,
              policy: Policy | None = None) -> str:
    if not items:
        return none
    lines = []
    for item in items:
        who = name_of(family, item.person_ref) if item.person_ref else "Household"
        when = f" ({format_date(item.on)})" if item.on else ""
        source = (evidence_source_text(policy, family, item.record_kind, item.record_ids)
                  if policy is not None else "")
        lines.append(f"• {who}: {item.explanation}{when}" + (f". {source}" if source else ""))
    return "\n".join(lines)


def criteria_section(family: Family, evaluation: Evaluation,
                     policy: Policy | None = None) -> list[Flowable]:
    rows = [[r.criterion.label, "Met" if r.met else "Not met",
             _evidence(family, r.evidence, "No record meets it.", policy),
             _evidence(family, r.near_misses, "None.", policy)] for r in evaluation.results]
    outcome = ("Qualifies" if evaluation.qualifies else "Does not qualify") + \
        f": {evaluation.basis}."
    return [
        heading(f"Programme criteria (Appendix D) as at {format_date(evaluation.as_of)}"),
        key_values([("Overall", outcome)], TABLE_WIDTH),
        gap(4),
        data_table(["Criterion", "Status", "Evidence", "Near misses"], rows,
                   [2.3, 1.2, 5.2, 4.3]),
    ]


def meetings_section(meetings: Sequence[Meeting], upcoming: Meeting | None) -> list[Flowable]:
    rows = [[format_datetime(m.held_at), m.kind.label, m.chair,
             f"Finalised {format_date(local_day(m.finalised_at))}" if m.finalised_at
             else "Draft — not finalised", format_date(m.next_review)]
            for m in meetings]
    parts: list[Flowable] = [heading("Meetings")]
    if upcoming is not None:
        parts += [para(f"Next meeting: {upcoming.kind.label}, "
                       f"{format_datetime(upcoming.held_at)}"
                       + (f", {upcoming.venue}" if upcoming.venue else "") + "."), gap(3)]
    parts.append(data_table(["Date and time", "Type", "Chair", "Record", "Next review"], rows,
                            [2.4, 2, 3, 2.6, 1.8], "No TAF meetings recorded yet."))
    return parts


def decisions_section(last: Meeting | None) -> list[Flowable]:
    if last is None:
        return [heading("Decisions at the last meeting"),
                para("No meeting has been held yet.", NOTE)]
    rows = [[str(n), d.text] for n, d in enumerate(last.decisions, 1)]
    state = "" if last.is_finalised else " (record not finalised)"
    return [heading(f"Decisions at the last meeting: {last.kind.label}, "
                    f"{format_datetime(last.held_at)}{state}"),
            data_table(["No.", "Decision"], rows, [0.6, 11.4], "No decisions recorded.")]


def story(records: PackRecords, policy: Policy, now: datetime, *, purpose_label: str,
          destination_label: str) -> list[Flowable]:
    family = records.family
    today = local_day(now)
    fresh = policy.retention.information_freshness_days
    last, upcoming = last_and_next(records.meetings, now)
    days = {m.id: local_day(m.held_at) for m in records.meetings}
    open_actions = sorted((a for a in records.plan if a.status is ActionStatus.OPEN),
                          key=lambda a: (not is_overdue(a, today), a.due))
    overdue = sum(1 for a in open_actions if is_overdue(a, today))
    since = shared_since_last(records, last)
    since_ids = {id(s) for s in since}
    older = [s for s in records.shared
             if id(s) not in since_ids and needs_currency_check(s, today, fresh)]
    since_label = (f"since the last meeting ({format_date(local_day(last.held_at))})"
                   if last else "(no meeting held yet: everything on record)")
    return [
        *title_block(TITLE, f"{family.reference} — {family.family_name} family"),
        *purpose_notice(purpose_label, destination_label),
        gap(),
        heading("Family"),
        family_facts(family),
        *members_table(family, today),
        *criteria_section(family, evaluate(family, today, policy.criteria), policy),
        *meetings_section(records.meetings, upcoming),
        *flowing_heading(f"Open actions: {len(open_actions)}, of which {overdue} overdue"),
        actions_table(open_actions, policy, today, set_at=days, empty="No open actions."),
        *decisions_section(last),
        *flowing_heading(f"Information shared {since_label}"),
        shared_table(since, family, policy, currency_on=today,
                     empty="Nothing new has been shared."),
        *flowing_heading(f"Older information: {CURRENCY_PROMPT.lower()}"),
        para(f"Received more than {fresh} days ago (the agreement's freshness window). "
             "Before relying on it at the meeting, check with the source that it is still "
             "current.", NOTE),
        gap(3),
        shared_table(older, family, policy, currency_on=today,
                     empty=f"Nothing older than {fresh} days."),
    ]


def build(records: PackRecords, policy: Policy, meta: ReportMeta, now: datetime, *,
          purpose_label: str, destination_label: str) -> bytes:
    return render(meta, story(records, policy, now, purpose_label=purpose_label,
                              destination_label=destination_label))
