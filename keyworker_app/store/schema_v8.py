"""Schema migration 8: amendments to case notes, kept beside the note they amend.

Listed in ``schema.MIGRATIONS``. A case note is part of the record a family may later ask
to see, so its text is never overwritten: a correction is a new ``note_amendment`` row
saying who made it, when (UTC) and why, and the rows are append-only. ``family_id`` is
kept on the row so the change signal and a family's deletion reach it directly.
"""

from __future__ import annotations

V8_STATEMENTS: tuple[str, ...] = (
    """CREATE TABLE note_amendment (
        id INTEGER PRIMARY KEY,
        family_id INTEGER NOT NULL REFERENCES family (id) ON DELETE CASCADE,
        note_id INTEGER NOT NULL REFERENCES case_note (id) ON DELETE CASCADE,
        amended_at TEXT NOT NULL,
        author TEXT NOT NULL,
        reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
        text TEXT NOT NULL CHECK (length(trim(text)) > 0)
    )""",
    "CREATE INDEX note_amendment_by_note ON note_amendment (note_id, id)",
    """CREATE TRIGGER note_amendment_no_update BEFORE UPDATE ON note_amendment
    BEGIN SELECT RAISE(ABORT, 'note amendments are append-only'); END""",
)
