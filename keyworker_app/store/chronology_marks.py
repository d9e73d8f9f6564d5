"""The significance marks on a family's chronology (table ``chronology_mark``)."""

from __future__ import annotations

from datetime import datetime

from keyworker_app.domain.chronology import EntryKind, Significance
from keyworker_app.store.connection import Connection


def marks(conn: Connection, family_id: int) -> tuple[Significance, ...]:
    rows = conn.execute(
        "SELECT entry_kind, record, reason, marked_by, marked_at FROM chronology_mark "
        "WHERE family_id = ? ORDER BY id", (family_id,)).fetchall()
    return tuple(Significance(EntryKind(r[0]), r[1], r[2], r[3], datetime.fromisoformat(r[4]))
                 for r in rows)


def put(conn: Connection, family_id: int, mark: Significance) -> bool:
    """Mark the entry (or give its mark the new reason); True when it was marked before."""
    assert mark.marked_at is not None
    before = conn.execute(
        "SELECT count(*) FROM chronology_mark WHERE family_id = ? AND entry_kind = ? "
        "AND record = ?", (family_id, mark.kind.value, mark.record)).fetchone()
    conn.execute(
        "INSERT INTO chronology_mark (family_id, entry_kind, record, reason, marked_by, "
        "marked_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (family_id, entry_kind, record) "
        "DO UPDATE SET reason = excluded.reason, marked_by = excluded.marked_by, "
        "marked_at = excluded.marked_at",
        (family_id, mark.kind.value, mark.record, mark.reason, mark.marked_by,
         mark.marked_at.isoformat()))
    return bool(before[0])


def remove(conn: Connection, family_id: int, kind: EntryKind, record: str) -> bool:
    """Take the mark off; False when the entry was not marked."""
    cur = conn.execute(
        "DELETE FROM chronology_mark WHERE family_id = ? AND entry_kind = ? AND record = ?",
        (family_id, kind.value, record))
    return bool(cur.rowcount)
