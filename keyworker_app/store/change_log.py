"""Which families and kinds of record each committed transaction wrote.

``track(conn)`` gives the connection temporary triggers (they live in the connection's own
in-memory temp schema: nothing is written to the file or to disk) on every table of the
store. Each write notes ``(kind, family id)`` in a temporary table; that table is part of the
transaction, so a rollback forgets what it noted. After ``COMMIT`` the transaction layer calls
``collect`` and hands the ``Changes`` to the connection's ``on_commit`` listener.

Because the triggers are made from the schema itself, a table added later is covered
without anyone remembering to report it: it counts as ``OTHER`` until it is named below.
The audit trail, the store's own metadata and the search indexes are not tracked: an audited
view must not look like a change (pages would read again, audit again, and so on), and the
search index changes only with its family.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from sqlcipher3.dbapi2 import DatabaseError

from keyworker_app.domain.changes import Changes, RecordKind

log = logging.getLogger("keyworker.store.changes")

Connection = Any  # a store.connection.StoreConnection (that module builds on this one)

TABLE_KINDS: dict[str, RecordKind] = {
    "family": RecordKind.FAMILY, "address": RecordKind.FAMILY,
    "relationship": RecordKind.FAMILY, "person": RecordKind.MEMBER,
    "case_note": RecordKind.NOTE, "note_amendment": RecordKind.NOTE,
    "offence": RecordKind.INDICATOR,
    "asb_intervention": RecordKind.INDICATOR, "education_term": RecordKind.INDICATOR,
    "benefit_spell": RecordKind.INDICATOR, "concern": RecordKind.INDICATOR,
    "meeting": RecordKind.MEETING, "attendee": RecordKind.MEETING,
    "meeting_member": RecordKind.MEETING, "decision": RecordKind.MEETING,
    "addendum": RecordKind.MEETING, "action": RecordKind.ACTION,
    "consent": RecordKind.CONSENT, "shared_item": RecordKind.SHARED,
    "retention_review": RecordKind.RETENTION, "deletion_marker": RecordKind.RETENTION,
    "subject_access_request": RecordKind.SUBJECT_ACCESS, "breach": RecordKind.BREACH,
    "draft": RecordKind.DRAFT, "chronology_mark": RecordKind.CHRONOLOGY,
}
UNTRACKED = frozenset({"audit", "store_meta", "vault_meta", "search_term", "sqlite_sequence"})
# The full-text index (an FTS5 table and its shadow tables) changes only with its records.
UNTRACKED_PREFIXES = ("sqlite_", "record_text")
_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")
_LOG_TABLE = "temp.kw_changed"


def _family_expr(table: str, columns: set[str], row: str) -> str:
    """SQL for the family a row of ``table`` belongs to (0 when none can be told)."""
    if table == "family":
        return f"{row}.id"
    if "family_id" in columns:
        return f"coalesce({row}.family_id, 0)"
    if "person_id" in columns:
        return f"coalesce((SELECT family_id FROM main.person WHERE id = {row}.person_id), 0)"
    if "meeting_id" in columns:
        return f"coalesce((SELECT family_id FROM main.meeting WHERE id = {row}.meeting_id), 0)"
    return "0"


def _note(kind: str, family: str) -> str:
    # A plain append (no conflict check: a cascading delete would override the trigger's
    # conflict rule, and a check per row costs more than the row); ``collect`` de-duplicates.
    return f"INSERT INTO {_LOG_TABLE} VALUES ('{kind}', {family});"


def _tables(conn: Connection) -> list[str]:
    rows = conn.execute("SELECT name FROM main.sqlite_master WHERE type = 'table'").fetchall()
    return sorted(str(r[0]) for r in rows
                  if str(r[0]) not in UNTRACKED and not str(r[0]).startswith(UNTRACKED_PREFIXES))


def track(conn: Connection) -> None:
    """Install the triggers (again, after a migration: it is idempotent)."""
    conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS {_LOG_TABLE.split('.')[1]} ("
                 "kind TEXT NOT NULL, family_id INTEGER NOT NULL)")
    for table in _tables(conn):
        if not _NAME.match(table):  # our own schema; never quote-worthy names
            log.warning("a table with an unexpected name is not tracked")
            continue
        columns = {str(r[1]) for r in conn.execute(f"PRAGMA main.table_info({table})")}
        kind = TABLE_KINDS.get(table, RecordKind.OTHER).value
        for event, rows in (("INSERT", ("NEW",)), ("DELETE", ("OLD",)),
                            ("UPDATE", ("NEW", "OLD"))):
            body = " ".join(_note(kind, _family_expr(table, columns, row)) for row in rows)
            if table == "family" and event != "UPDATE":
                body += " " + _note(RecordKind.CASELOAD.value, f"{rows[0]}.id")
            conn.execute(f"CREATE TEMP TRIGGER IF NOT EXISTS kw_{event.lower()}_{table} "
                         f"AFTER {event} ON main.{table} BEGIN {body} END")


def collect(conn: Connection) -> Changes:
    """What was noted since the last call (committed by now), and forget it."""
    try:
        rows = conn.execute(f"SELECT DISTINCT kind, family_id FROM {_LOG_TABLE}").fetchall()
    except DatabaseError:  # not tracked: no temp table on this connection
        return Changes()
    if not rows:
        return Changes()
    conn.execute(f"DELETE FROM {_LOG_TABLE}")
    return Changes.of((RecordKind(str(k)) for k, _f in rows),
                      (int(f) for _k, f in rows if int(f) > 0))
