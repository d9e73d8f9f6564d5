"""Retention reviews, deletion markers, subject access requests and breaches (schema v3).

Like the other repositories: no transactions here (services own them), domain objects in
and out, and the **deletion** of a family's personal data, which the retention service
wraps with its audit event, secure_delete and a VACUUM.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from keyworker_app.domain.breach import Breach
from keyworker_app.domain.family import FamilyStatus
from keyworker_app.domain.retention import (
    DeletionMarker,
    DeletionScope,
    QueueEntry,
    RetentionDecision,
    RetentionReview,
    review_date,
)
from keyworker_app.domain.subject_access import SubjectAccessRequest
from keyworker_app.errors import RecordNotFoundError
from keyworker_app.store.connection import Connection
from keyworker_app.store.family_read import day, iso, required_day
from keyworker_app.store.rows import utc_text
from keyworker_app.store.taf_read import moment_text

log = logging.getLogger("keyworker.store")

_REVIEW = "family_id, reviewed_on, decision, reason, reviewer, retain_until"
_SAR = ("received_on, subject_label, person_id, extended_on, extension_reason, completed_on, "
        "notes")
_BREACH = ("category, found_at, summary, partners, serious, regulator_told_at, "
           "not_reported_reason, actions, outcome, closed_at, partners_told_at, "
           "partners_told_whom, police_consulted, police_decision, learning, circulated_at")


def _moment(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _moment_text(moment: datetime | None) -> str | None:
    return None if moment is None else utc_text(moment)


def _review(r: tuple[Any, ...]) -> RetentionReview:
    return RetentionReview(int(r[1]) if r[1] is not None else 0, required_day(r[2]),
                           RetentionDecision(r[3]), r[4], r[5], day(r[6]), id=int(r[0]))


def _sar(r: tuple[Any, ...]) -> SubjectAccessRequest:
    return SubjectAccessRequest(required_day(r[1]), r[2], None if r[3] is None else int(r[3]),
                                day(r[4]), r[5], day(r[6]), r[7], id=int(r[0]))


def _breach(r: tuple[Any, ...]) -> Breach:
    found = _moment(r[2])
    assert found is not None
    return Breach(r[1], found, r[3], tuple(json.loads(r[4])), bool(r[5]), _moment(r[6]), r[7],
                  r[8], r[9], _moment(r[10]), _moment(r[11]), r[12], bool(r[13]), r[14],
                  r[15], _moment(r[16]), id=int(r[0]))


class ProgrammeRepository:
    def __init__(self, conn: Connection, clock: Callable[[], datetime]) -> None:
        self._conn = conn
        self._clock = clock

    def _now(self) -> str:
        return utc_text(self._clock())

    # -- lookups the programme rules need ----------------------------------------------
    def family_ids(self) -> list[int]:
        """Every family's id, in reference order."""
        return [int(r[0]) for r in self._conn.execute("SELECT id FROM family ORDER BY reference")]

    def deletion_scope(self, family_id: int, now: datetime) -> DeletionScope:
        """The family's name, members, open actions, meetings from ``now`` on, and whether
        the case is still open."""
        row = self._conn.execute(
            "SELECT f.family_name, f.status, "
            "(SELECT count(*) FROM person p WHERE p.family_id = f.id), "
            "(SELECT count(*) FROM action a WHERE a.family_id = f.id AND a.status = 'open'), "
            "(SELECT count(*) FROM meeting m WHERE m.family_id = f.id AND m.held_at >= ?) "
            "FROM family f WHERE f.id = ?", (moment_text(now), family_id)).fetchone()
        if row is None:
            raise RecordNotFoundError("family", family_id)
        return DeletionScope(row[0], int(row[2]), int(row[3]), int(row[4]),
                             row[1] != FamilyStatus.CLOSED.value)

    def member_count(self, family_id: int) -> int:
        row = self._conn.execute("SELECT count(*) FROM person WHERE family_id = ?",
                                 (family_id,)).fetchone()
        return int(row[0])

    def family_of_person(self, person_id: int) -> int:
        row = self._conn.execute("SELECT family_id FROM person WHERE id = ?",
                                 (person_id,)).fetchone()
        if row is None:
            raise RecordNotFoundError("person", person_id)
        return int(row[0])

    # -- retention ---------------------------------------------------------------------
    def add_review(self, review: RetentionReview, family_reference: str) -> RetentionReview:
        cur = self._conn.execute(
            f"INSERT INTO retention_review ({_REVIEW}, family_reference, recorded_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (review.family_id, review.reviewed_on.isoformat(), review.decision.value,
             review.reason, review.reviewer, iso(review.retain_until), family_reference,
             self._now()))
        return RetentionReview(review.family_id, review.reviewed_on, review.decision,
                               review.reason, review.reviewer, review.retain_until,
                               id=int(cur.lastrowid))

    def reviews(self, family_id: int) -> list[RetentionReview]:
        rows = self._conn.execute(
            f"SELECT id, {_REVIEW} FROM retention_review WHERE family_id = ? "
            "ORDER BY reviewed_on, id", (family_id,)).fetchall()
        return [_review(r) for r in rows]

    def review(self, review_id: int) -> tuple[RetentionReview, str]:
        row = self._conn.execute(
            f"SELECT id, {_REVIEW}, family_reference FROM retention_review WHERE id = ?",
            (review_id,)).fetchone()
        if row is None:
            raise RecordNotFoundError("retention review", review_id)
        return _review(row[:7]), str(row[7])

    def queue_entries(self, review_months: int) -> list[QueueEntry]:
        """Every family with its allocation date and latest review (the service dates them)."""
        review_columns = ", ".join("r." + c.strip() for c in _REVIEW.split(","))
        rows = self._conn.execute(
            f"SELECT f.id, f.reference, f.allocated_on, r.id, {review_columns} "
            "FROM family f LEFT JOIN retention_review r ON r.id = ("
            "SELECT id FROM retention_review x WHERE x.family_id = f.id "
            "ORDER BY x.reviewed_on DESC, x.id DESC LIMIT 1)").fetchall()
        entries = []
        for row in rows:
            last = None if row[3] is None else _review(row[3:10])
            due = review_date(required_day(row[2]), last, review_months)
            entries.append(QueueEntry(int(row[0]), str(row[1]), due,
                                      None if last is None else last.reviewed_on))
        return entries

    def add_markers(self, markers: tuple[DeletionMarker, ...], review_id: int) -> None:
        self._conn.executemany(
            "INSERT INTO deletion_marker (name, date_of_birth, note, marked_on, review_id) "
            "VALUES (?, ?, ?, ?, ?)",
            [(m.name, m.date_of_birth.isoformat(), m.note, m.marked_on.isoformat(), review_id)
             for m in markers])

    def markers(self, name_prefix: str = "") -> list[DeletionMarker]:
        """Markers whose name has a word starting with ``name_prefix`` (all when empty)."""
        rows = self._conn.execute(
            "SELECT id, name, date_of_birth, note, marked_on FROM deletion_marker "
            "WHERE name LIKE ? ESCAPE '\\' OR name LIKE ? ESCAPE '\\' "
            "ORDER BY name COLLATE NOCASE, date_of_birth, id",
            (_like_prefix(name_prefix), "% " + _like_prefix(name_prefix))).fetchall()
        return [DeletionMarker(r[1], required_day(r[2]), r[3], required_day(r[4]), id=int(r[0]))
                for r in rows]

    def delete_family_data(self, family_id: int) -> dict[str, int]:
        """Remove every row holding personal data of the family or its members.

        The family row's foreign keys cascade to members, their indicators, addresses,
        notes, concerns, the search index and every TAF table (meetings, attendees, actions,
        consent, shared items, addenda); subject access requests lose their person link.
        Drafts are keyed by text, so they are removed here by their record key. Returns
        counts for the audit event.
        """
        counts = {
            "members": self.member_count(family_id),
            "drafts": self._conn.execute(
                "DELETE FROM draft WHERE record_key = ? OR record_key LIKE ? ESCAPE '\\'",
                (f"family:{family_id}", _like_prefix(f"family:{family_id}/"))).rowcount,
        }
        cur = self._conn.execute("DELETE FROM family WHERE id = ?", (family_id,))
        if cur.rowcount == 0:
            raise RecordNotFoundError("family", family_id)
        log.info("family %d personal data deleted", family_id)
        return counts

    # -- subject access ----------------------------------------------------------------
    def save_request(self, request: SubjectAccessRequest) -> SubjectAccessRequest:
        values = (request.received_on.isoformat(), request.subject_label, request.person_id,
                  iso(request.extended_on), request.extension_reason, iso(request.completed_on),
                  request.notes)
        if request.id is None:
            cur = self._conn.execute(
                f"INSERT INTO subject_access_request ({_SAR}, due_on, recorded_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (*values, request.due_on.isoformat(), self._now()))
            request_id = int(cur.lastrowid)
        else:
            cur = self._conn.execute(
                "UPDATE subject_access_request SET received_on = ?, subject_label = ?, "
                "person_id = ?, extended_on = ?, extension_reason = ?, completed_on = ?, "
                "notes = ?, due_on = ? WHERE id = ?",
                (*values, request.due_on.isoformat(), request.id))
            if cur.rowcount == 0:
                raise RecordNotFoundError("subject access request", request.id)
            request_id = request.id
        return self.request(request_id)

    def request(self, request_id: int) -> SubjectAccessRequest:
        row = self._conn.execute(f"SELECT id, {_SAR} FROM subject_access_request WHERE id = ?",
                                 (request_id,)).fetchone()
        if row is None:
            raise RecordNotFoundError("subject access request", request_id)
        return _sar(row)

    def requests(self) -> list[SubjectAccessRequest]:
        """Open requests first, soonest due first; then completed ones."""
        rows = self._conn.execute(
            f"SELECT id, {_SAR} FROM subject_access_request "
            "ORDER BY completed_on IS NOT NULL, due_on, id").fetchall()
        return [_sar(r) for r in rows]

    # -- breaches ----------------------------------------------------------------------
    def save_breach(self, breach: Breach) -> Breach:
        values = (breach.category, _moment_text(breach.found_at), breach.summary,
                  json.dumps(list(breach.partners)), int(breach.serious),
                  _moment_text(breach.regulator_told_at), breach.not_reported_reason,
                  breach.actions, breach.outcome, _moment_text(breach.closed_at),
                  _moment_text(breach.partners_told_at), breach.partners_told_whom,
                  int(breach.police_consulted), breach.police_decision, breach.learning,
                  _moment_text(breach.circulated_at))
        now = self._now()
        if breach.id is None:
            cur = self._conn.execute(
                f"INSERT INTO breach ({_BREACH}, recorded_at, updated_at) "
                f"VALUES ({', '.join('?' * (len(values) + 2))})", (*values, now, now))
            breach_id = int(cur.lastrowid)
        else:
            sets = ", ".join(f"{c.strip()} = ?" for c in _BREACH.split(","))
            cur = self._conn.execute(f"UPDATE breach SET {sets}, updated_at = ? WHERE id = ?",
                                     (*values, now, breach.id))
            if cur.rowcount == 0:
                raise RecordNotFoundError("breach", breach.id)
            breach_id = breach.id
        return self.breach(breach_id)

    def breach(self, breach_id: int) -> Breach:
        row = self._conn.execute(f"SELECT id, {_BREACH} FROM breach WHERE id = ?",
                                 (breach_id,)).fetchone()
        if row is None:
            raise RecordNotFoundError("breach", breach_id)
        return _breach(row)

    def breaches(self) -> list[Breach]:
        rows = self._conn.execute(
            f"SELECT id, {_BREACH} FROM breach ORDER BY found_at DESC, id DESC").fetchall()
        return [_breach(r) for r in rows]


def _like_prefix(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


def compact_freed_pages(conn: Connection) -> bool:
    """Zero and drop free pages and empty the WAL, so deleted rows' bytes are gone from the
    file. Must run outside a transaction. False when the WAL checkpoint was blocked (another
    reader holds it); DatabaseError passes up for the caller to report."""
    if conn.in_transaction:
        raise RuntimeError("compact_freed_pages must run outside a transaction")
    conn.execute("PRAGMA secure_delete = ON")
    conn.execute("VACUUM")
    busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return busy is None or int(busy[0]) == 0
