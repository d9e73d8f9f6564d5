"""Reading TAF records back: whole meetings, a family's plan, consent and shared information,
and the cross-caseload rows of the Today and Team views.

Collections come back in saved order (``position``), so a reloaded meeting equals the one saved.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, datetime
from typing import Any

from keyworker_app.domain.dates import as_utc
from keyworker_app.domain.taf import (
    Action,
    ActionStatus,
    Addendum,
    Attendance,
    Attendee,
    Consent,
    ConsentMethod,
    ConsentState,
    Decision,
    DueAction,
    Meeting,
    MeetingOutcome,
    MeetingType,
    MemberVoice,
    ReviewDue,
    SharedInformation,
    ShareMethod,
    UpcomingMeeting,
)
from keyworker_app.errors import RecordNotFoundError
from keyworker_app.store.connection import Connection

Row = tuple[Any, ...]

MEETING_COLUMNS = (
    "family_id, kind, held_at, venue, chair, child_voice, strengths, worries, needs, "
    "next_review, finalised_at, finalised_by, outcome, outcome_reason, progress, note_taker, "
    "consent_explained"
)
ATTENDEE_COLUMNS = "name, agency, role, attendance, agency_name"
MEMBER_COLUMNS = "person_ref, views"
DECISION_COLUMNS = "text"
ACTION_COLUMNS = "family_id, what, owner, agency, due, status, outcome, carried_from"
SHARED_COLUMNS = (
    "family_id, from_partner, exchange, outside_reason, summary, received_on, method, "
    "data_controller, about, lawful_basis, basis_reason, category, outside_confirmed, "
    "data_controller_name"
)
CONSENT_COLUMNS = "person_ref, state, recorded_on, scope, how, recorded_by"
_A_ACTION_COLUMNS = ", ".join("a." + c.strip() for c in ACTION_COLUMNS.split(","))


def moment_text(moment: datetime) -> str:
    """Fixed-width ISO text in UTC, so meetings sort by time as text."""
    return as_utc(moment).isoformat(timespec="microseconds")


def _day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def _moment(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def action_from_row(r: Row) -> Action:
    """(id, meeting_id, family_id, what, owner, agency, due, status, outcome, carried_from)"""
    return Action(what=r[3], owner=r[4], agency=r[5], due=date.fromisoformat(r[6]),
                  status=ActionStatus(r[7]), outcome=r[8],
                  carried_from=None if r[9] is None else int(r[9]),
                  meeting_id=int(r[1]), id=int(r[0]))


def shared_from_row(r: Row) -> SharedInformation:
    """(id, meeting_id, family_id, from_partner, ... basis_reason)"""
    return SharedInformation(
        from_partner=r[3], exchange=r[4], outside_reason=r[5], summary=r[6],
        received_on=date.fromisoformat(r[7]), method=ShareMethod(r[8]), data_controller=r[9],
        about=tuple(json.loads(r[10])), lawful_basis=r[11], basis_reason=r[12],
        category=r[13], outside_confirmed=bool(r[14]), data_controller_name=r[15],
        meeting_id=None if r[1] is None else int(r[1]), id=int(r[0]))


def _children(conn: Connection, table: str, columns: str, meeting_ids: list[int]) -> dict[
    int, list[Row]
]:
    grouped: dict[int, list[Row]] = defaultdict(list)
    if not meeting_ids:
        return grouped
    rows = conn.execute(
        f"SELECT id, meeting_id, {columns} FROM {table} WHERE meeting_id IN "
        "(SELECT value FROM json_each(?)) ORDER BY meeting_id, position, id",
        (json.dumps(meeting_ids),),
    )
    for row in rows:
        grouped[int(row[1])].append(tuple(row))
    return grouped


def load_meetings(conn: Connection, where: str, params: tuple[Any, ...]) -> list[Meeting]:
    """Whole meetings matching ``where`` (on table ``meeting``), oldest first."""
    heads = conn.execute(
        f"SELECT id, {MEETING_COLUMNS}, version FROM meeting WHERE {where} "
        "ORDER BY held_at, id", params
    ).fetchall()
    ids = [int(h[0]) for h in heads]
    attendees = _children(conn, "attendee", ATTENDEE_COLUMNS, ids)
    members = _children(conn, "meeting_member", MEMBER_COLUMNS, ids)
    decisions = _children(conn, "decision", DECISION_COLUMNS, ids)
    actions = _children(conn, "action", ACTION_COLUMNS, ids)
    shared = _children(conn, "shared_item", SHARED_COLUMNS, ids)
    addenda: dict[int, list[Row]] = defaultdict(list)
    if ids:
        for row in conn.execute(
            "SELECT id, meeting_id, text, author, added_at FROM addendum WHERE meeting_id IN "
            "(SELECT value FROM json_each(?)) ORDER BY meeting_id, id", (json.dumps(ids),)
        ):
            addenda[int(row[1])].append(tuple(row))
    meetings = []
    for h in heads:
        mid = int(h[0])
        meetings.append(Meeting(
            family_id=int(h[1]), kind=MeetingType(h[2]), held_at=datetime.fromisoformat(h[3]),
            venue=h[4], chair=h[5], child_voice=h[6], strengths=h[7], worries=h[8], needs=h[9],
            next_review=_day(h[10]), finalised_at=_moment(h[11]), finalised_by=h[12],
            outcome=None if h[13] is None else MeetingOutcome(h[13]), outcome_reason=h[14],
            progress=h[15], note_taker=h[16], consent_explained=bool(h[17]),
            attendees=tuple(Attendee(r[2], r[3], r[4], Attendance(r[5]), r[6], id=int(r[0]))
                            for r in attendees[mid]),
            members=tuple(MemberVoice(r[2], r[3], id=int(r[0])) for r in members[mid]),
            decisions=tuple(Decision(r[2], id=int(r[0])) for r in decisions[mid]),
            actions=tuple(action_from_row(r) for r in actions[mid]),
            shared=tuple(shared_from_row(r) for r in shared[mid]),
            addenda=tuple(Addendum(r[2], r[3], datetime.fromisoformat(r[4]), id=int(r[0]))
                          for r in addenda[mid]),
            id=mid,
            version=int(h[18]),
        ))
    return meetings


def load_meeting(conn: Connection, meeting_id: int) -> Meeting:
    found = load_meetings(conn, "id = ?", (meeting_id,))
    if not found:
        raise RecordNotFoundError("meeting", meeting_id)
    return found[0]


def member_refs(conn: Connection, family_id: int) -> list[str]:
    """The family's member refs; the family must exist."""
    if conn.execute("SELECT 1 FROM family WHERE id = ?", (family_id,)).fetchone() is None:
        raise RecordNotFoundError("family", family_id)
    return [str(r[0]) for r in conn.execute(
        "SELECT ref FROM person WHERE family_id = ? ORDER BY position", (family_id,))]


def family_actions(conn: Connection, family_id: int) -> list[Action]:
    """The family plan: every action set at any of the family's meetings, by meeting then row."""
    rows = conn.execute(
        f"SELECT a.id, a.meeting_id, {_A_ACTION_COLUMNS} "
        "FROM action a JOIN meeting m ON m.id = a.meeting_id WHERE a.family_id = ? "
        "ORDER BY m.held_at, m.id, a.position, a.id", (family_id,))
    return [action_from_row(tuple(r)) for r in rows]


def load_action(conn: Connection, action_id: int) -> Action:
    row = conn.execute(f"SELECT id, meeting_id, {ACTION_COLUMNS} FROM action WHERE id = ?",
                       (action_id,)).fetchone()
    if row is None:
        raise RecordNotFoundError("action", action_id)
    return action_from_row(tuple(row))


def family_consents(conn: Connection, family_id: int) -> list[Consent]:
    rows = conn.execute(
        f"SELECT id, {CONSENT_COLUMNS} FROM consent WHERE family_id = ? ORDER BY id",
        (family_id,))
    return [Consent(r[1], ConsentState(r[2]), date.fromisoformat(r[3]), tuple(json.loads(r[4])),
                    ConsentMethod(r[5]), r[6], id=int(r[0])) for r in rows]


def family_shared(conn: Connection, family_id: int, since: date | None = None) -> list[
    SharedInformation
]:
    """Shared information about the family (on meetings or not), received on or after ``since``."""
    rows = conn.execute(
        f"SELECT id, meeting_id, {SHARED_COLUMNS} FROM shared_item WHERE family_id = ? "
        "AND received_on >= ? ORDER BY received_on, id",
        (family_id, "" if since is None else since.isoformat()))
    return [shared_from_row(tuple(r)) for r in rows]


# -- across the caseload ------------------------------------------------------------------------

_OPEN_FAMILY = "f.status <> 'closed'"
# The family's current postcode ('' with no current address): shown beside a family's name
# where two listed families share it.
CURRENT_POSTCODE = (
    "coalesce((SELECT ca.postcode FROM address ca WHERE ca.family_id = f.id "
    "AND ca.to_date IS NULL ORDER BY ca.position DESC, ca.id DESC LIMIT 1), '')")


def due_actions(conn: Connection, today: date, until: date) -> list[DueAction]:
    rows = conn.execute(
        f"SELECT a.id, a.meeting_id, {_A_ACTION_COLUMNS}, "
        f"f.reference, f.family_name, {CURRENT_POSTCODE} "
        "FROM action a JOIN family f ON f.id = a.family_id "
        f"WHERE a.status = 'open' AND a.due <= ? AND {_OPEN_FAMILY} "
        "ORDER BY a.due, f.reference, a.id", (until.isoformat(),))
    out = []
    for r in rows:
        action = action_from_row(tuple(r[:10]))
        out.append(DueAction(int(r[2]), r[10], r[11], action, action.due < today,
                             family_postcode=r[12]))
    return out


def upcoming_meetings(conn: Connection, start: datetime, end: datetime, *,
                      unfinalised_only: bool = False) -> list[UpcomingMeeting]:
    """Meetings from ``start`` up to (not including) ``end`` (only those not yet finalised
    when ``unfinalised_only``), one row per meeting, with their preparation state:
    was the family's previous meeting finalised, how many actions are open, and how much
    information has been shared since the previous meeting's day (this meeting's own excluded).
    """
    rows = conn.execute(
        "WITH up AS (SELECT m.id, m.family_id, f.reference, f.family_name, m.kind, m.held_at, "
        f" {CURRENT_POSTCODE} AS postcode, "
        " m.chair, (SELECT p.finalised_at IS NOT NULL FROM meeting p WHERE p.family_id = "
        "  m.family_id AND p.held_at < m.held_at ORDER BY p.held_at DESC LIMIT 1) AS prev_final, "
        " (SELECT substr(p.held_at, 1, 10) FROM meeting p WHERE p.family_id = m.family_id "
        "  AND p.held_at < m.held_at ORDER BY p.held_at DESC LIMIT 1) AS prev_day "
        " FROM meeting m JOIN family f ON f.id = m.family_id "
        f" WHERE m.held_at >= ? AND m.held_at < ? AND {_OPEN_FAMILY}"
        f"{' AND m.finalised_at IS NULL' if unfinalised_only else ''}) "
        "SELECT up.*, "
        "(SELECT count(*) FROM action a WHERE a.family_id = up.family_id AND a.status = 'open'), "
        "(SELECT count(*) FROM shared_item s WHERE s.family_id = up.family_id "
        " AND s.received_on > coalesce(up.prev_day, '') "
        " AND (s.meeting_id IS NULL OR s.meeting_id <> up.id)) "
        "FROM up ORDER BY up.held_at, up.id",
        (moment_text(start), moment_text(end))).fetchall()
    return [UpcomingMeeting(
        meeting_id=int(r[0]), family_id=int(r[1]), family_reference=r[2], family_name=r[3],
        kind=MeetingType(r[4]), held_at=datetime.fromisoformat(r[5]), family_postcode=r[6],
        chair=r[7], previous_finalised=None if r[8] is None else bool(r[8]),
        open_actions=int(r[10]), new_information=int(r[11])) for r in rows]


def reviews_due(conn: Connection, now: datetime, until: date) -> list[ReviewDue]:
    """Families whose next review (from their latest meeting, else the family record) falls on
    or before ``until`` and who have no meeting booked from ``now`` on."""
    rows = conn.execute(
        "SELECT f.id, f.reference, f.family_name, coalesce("
        " (SELECT m.next_review FROM meeting m WHERE m.family_id = f.id "
        "  AND m.next_review IS NOT NULL ORDER BY m.held_at DESC LIMIT 1), f.review_due) AS due, "
        f"{CURRENT_POSTCODE} "
        f"FROM family f WHERE {_OPEN_FAMILY} AND due IS NOT NULL AND due <= ? "
        "AND NOT EXISTS (SELECT 1 FROM meeting b WHERE b.family_id = f.id AND b.held_at >= ?) "
        "ORDER BY due, f.reference", (until.isoformat(), moment_text(now)))
    return [ReviewDue(int(r[0]), r[1], r[2], date.fromisoformat(r[3]), family_postcode=r[4])
            for r in rows]
