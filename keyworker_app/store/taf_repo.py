"""Writing TAF records: meetings with their rows, consent, shared information, addenda.

Like every repository it never opens a transaction: ``services.meetings`` wraps each write in
``transaction(conn)`` together with its audit event. Reads live in ``taf_read``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from keyworker_app.domain.problems import require_valid
from keyworker_app.domain.taf import (
    ActionStatus,
    Addendum,
    Attendee,
    Consent,
    Decision,
    Meeting,
    MemberVoice,
    SharedInformation,
    meeting_problems,
)
from keyworker_app.errors import RecordNotFoundError, StaleRecordError
from keyworker_app.store import taf_read as rd
from keyworker_app.store.connection import Connection
from keyworker_app.store.family_read import iso
from keyworker_app.store.rows import R, sync_rows, utc_now, utc_text

log = logging.getLogger("keyworker.store")


def _meeting_values(m: Meeting) -> tuple[Any, ...]:
    return (m.family_id, m.kind.value, rd.moment_text(m.held_at), m.venue, m.chair,
            m.child_voice, m.strengths, m.worries, m.needs, iso(m.next_review),
            None if m.finalised_at is None else rd.moment_text(m.finalised_at), m.finalised_by,
            None if m.outcome is None else m.outcome.value, m.outcome_reason, m.progress,
            m.note_taker, int(m.consent_explained))


def _attendee(a: Attendee) -> tuple[Any, ...]:
    return (a.name, a.agency, a.role, a.attendance.value, a.agency_name)


def _member(m: MemberVoice) -> tuple[Any, ...]:
    return (m.person_ref, m.views)


def _decision(d: Decision) -> tuple[Any, ...]:
    return (d.text,)


def shared_values(family_id: int, s: SharedInformation) -> tuple[Any, ...]:
    return (family_id, s.from_partner, s.exchange, s.outside_reason, s.summary,
            s.received_on.isoformat(), s.method.value, s.data_controller,
            json.dumps(list(s.about)), s.lawful_basis, s.basis_reason, s.category,
            int(s.outside_confirmed), s.data_controller_name)


class MeetingRepository:
    def __init__(self, conn: Connection, clock: Callable[[], datetime] = utc_now) -> None:
        self._conn = conn
        self._clock = clock

    def _now(self) -> str:
        return utc_text(self._clock())

    # -- meetings ------------------------------------------------------------------------------
    def add(self, meeting: Meeting) -> Meeting:
        self._check(meeting)
        now = self._now()
        cur = self._conn.execute(
            f"INSERT INTO meeting ({rd.MEETING_COLUMNS}, created_at, updated_at) "
            f"VALUES ({', '.join('?' * 19)})", (*_meeting_values(meeting), now, now))
        return replace(self._save_children(int(cur.lastrowid), meeting, fresh=True), version=1)

    def update(self, meeting: Meeting) -> Meeting:
        """Write the editor's meeting over the stored one, only if it is still the version
        the editor opened (``StaleRecordError`` otherwise: nothing is written)."""
        if meeting.id is None:
            raise ValueError("update needs a saved meeting (id is None)")
        self._check(meeting)
        names = [c.strip() for c in rd.MEETING_COLUMNS.split(",")]
        cur = self._conn.execute(
            f"UPDATE meeting SET {', '.join(n + ' = ?' for n in names)}, updated_at = ?, "
            "version = version + 1 WHERE id = ? AND version = ?",
            (*_meeting_values(meeting), self._now(), meeting.id, meeting.version))
        if cur.rowcount == 0:
            self.family_of(meeting.id)  # RecordNotFoundError when it is gone
            raise StaleRecordError("meeting", meeting.id)
        saved = self._save_children(meeting.id, meeting, fresh=False)
        return replace(saved, version=meeting.version + 1)

    def finalise(self, meeting_id: int, at: datetime, by: str) -> None:
        cur = self._conn.execute(
            "UPDATE meeting SET finalised_at = ?, finalised_by = ?, updated_at = ?, "
            "version = version + 1 WHERE id = ? AND finalised_at IS NULL",
            (rd.moment_text(at), by, self._now(), meeting_id))
        if cur.rowcount == 0:
            raise RecordNotFoundError("meeting", meeting_id)

    def add_addendum(self, meeting_id: int, addendum: Addendum) -> Addendum:
        cur = self._conn.execute(
            "INSERT INTO addendum (meeting_id, text, author, added_at) VALUES (?, ?, ?, ?)",
            (meeting_id, addendum.text, addendum.author, rd.moment_text(addendum.added_at)))
        return replace(addendum, id=int(cur.lastrowid))

    def family_of(self, meeting_id: int) -> int:
        row = self._conn.execute("SELECT family_id FROM meeting WHERE id = ?",
                                 (meeting_id,)).fetchone()
        if row is None:
            raise RecordNotFoundError("meeting", meeting_id)
        return int(row[0])

    # -- actions, consent, shared information -----------------------------------------------
    def set_action_status(self, action_id: int, status: ActionStatus, outcome: str) -> None:
        cur = self._conn.execute("UPDATE action SET status = ?, outcome = ? WHERE id = ?",
                                 (status.value, outcome, action_id))
        if cur.rowcount == 0:
            raise RecordNotFoundError("action", action_id)
        # The action is part of its meeting: an editor holding the meeting is now stale.
        # (A finalised meeting cannot change, nor be edited from a stale copy.)
        self._conn.execute("UPDATE meeting SET version = version + 1 WHERE id = "
                           "(SELECT meeting_id FROM action WHERE id = ?) "
                           "AND finalised_at IS NULL", (action_id,))

    def add_consent(self, family_id: int, consent: Consent) -> Consent:
        cur = self._conn.execute(
            "INSERT INTO consent (family_id, person_ref, state, recorded_on, scope, how, "
            "recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (family_id, consent.person_ref, consent.state.value, consent.recorded_on.isoformat(),
             json.dumps(list(consent.scope)), consent.how.value, consent.recorded_by,
             self._now()))
        return replace(consent, id=int(cur.lastrowid))

    def add_shared(self, family_id: int, item: SharedInformation) -> SharedInformation:
        position = self._conn.execute(
            "SELECT coalesce(max(position) + 1, 0) FROM shared_item WHERE family_id = ?",
            (family_id,)).fetchone()[0]
        cur = self._conn.execute(
            f"INSERT INTO shared_item (meeting_id, position, {rd.SHARED_COLUMNS}, recorded_at) "
            f"VALUES ({', '.join('?' * 17)})",
            (item.meeting_id, position, *shared_values(family_id, item), self._now()))
        if item.meeting_id is not None:  # now part of that meeting's record
            self._conn.execute("UPDATE meeting SET version = version + 1 WHERE id = ? "
                               "AND finalised_at IS NULL", (item.meeting_id,))
        return replace(item, id=int(cur.lastrowid))

    # -- internals -----------------------------------------------------------------------------
    def _check(self, meeting: Meeting) -> None:
        """The domain's rules, whoever calls: nothing that breaks them is written."""
        require_valid(meeting_problems(meeting, rd.member_refs(self._conn, meeting.family_id)))

    def _save_children(self, meeting_id: int, meeting: Meeting, *, fresh: bool) -> Meeting:
        owner = ("meeting_id", meeting_id, fresh)
        fam = meeting.family_id
        actions = self._sync("action", rd.ACTION_COLUMNS, owner, meeting.actions,
                             lambda a: (fam, a.what, a.owner, a.agency, a.due.isoformat(),
                                        a.status.value, a.outcome, a.carried_from))
        shared = self._sync("shared_item", f"{rd.SHARED_COLUMNS}, recorded_at", owner,
                            meeting.shared, lambda s: (*shared_values(fam, s), self._now()))
        return replace(
            meeting, id=meeting_id,
            attendees=tuple(self._sync("attendee", rd.ATTENDEE_COLUMNS, owner,
                                       meeting.attendees, _attendee)),
            members=tuple(self._sync("meeting_member", rd.MEMBER_COLUMNS, owner,
                                     meeting.members, _member)),
            decisions=tuple(self._sync("decision", rd.DECISION_COLUMNS, owner,
                                       meeting.decisions, _decision)),
            actions=tuple(replace(a, meeting_id=meeting_id) for a in actions),
            shared=tuple(replace(s, meeting_id=meeting_id) for s in shared),
        )

    def _sync(self, table: str, columns: str, owner: tuple[str, int, bool],
              records: Sequence[R], values: Callable[[R], tuple[Any, ...]]) -> list[R]:
        return sync_rows(self._conn, table, columns, owner, records, values=values)
