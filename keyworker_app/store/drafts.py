"""Unsaved edits kept across a screen lock, inside the encrypted store.

A draft is keyed by the form and the record it edits, so saving the same editor
twice replaces the earlier draft rather than piling up copies. A draft that cannot reopen its
form is set aside under a key of its own (``domain.drafts.kept_key``) until the user dismisses it.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from keyworker_app.domain.draft import Draft
from keyworker_app.domain.draft_payload import is_kept, kept_key
from keyworker_app.store.connection import Connection


class DraftRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def save(self, form: str, record_key: str, payload: dict[str, Any],
             saved_at: datetime) -> Draft:
        text = json.dumps(payload, sort_keys=True, default=str)
        self._conn.execute(
            "INSERT INTO draft(form, record_key, payload, saved_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(form, record_key) DO UPDATE SET payload = excluded.payload, "
            "saved_at = excluded.saved_at",
            (form, record_key, text, saved_at.isoformat()),
        )
        row = self._conn.execute(
            "SELECT id FROM draft WHERE form = ? AND record_key = ?", (form, record_key)
        ).fetchone()
        return Draft(int(row[0]), form, record_key, json.loads(text), saved_at)

    def all(self) -> list[Draft]:
        rows = self._conn.execute(
            "SELECT id, form, record_key, payload, saved_at FROM draft ORDER BY saved_at, id"
        ).fetchall()
        return [Draft(int(r[0]), str(r[1]), str(r[2]), json.loads(r[3]),
                      datetime.fromisoformat(r[4])) for r in rows]

    def set_aside(self, draft_id: int) -> None:
        """Keep the draft under its own key, so the form's next draft cannot replace it."""
        row = self._conn.execute("SELECT record_key FROM draft WHERE id = ?",
                                 (draft_id,)).fetchone()
        if row is not None and not is_kept(str(row[0])):
            self._conn.execute("UPDATE draft SET record_key = ? WHERE id = ?",
                               (kept_key(str(row[0]), draft_id), draft_id))

    def delete(self, draft_id: int) -> None:
        self._conn.execute("DELETE FROM draft WHERE id = ?", (draft_id,))
