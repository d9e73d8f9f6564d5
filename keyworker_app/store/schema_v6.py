"""Schema migration 6: a row version on each TAF meeting, for optimistic saving.

Listed in ``schema.MIGRATIONS``. A meeting is edited as one record in the meeting editor,
so its version covers the meeting and everything on it (attendees, views, decisions,
actions, shared information): any change made through the store adds one (a save, the
family plan updating one of its actions, finalising), and a save from an editor that
opened an older version is refused instead of writing the editor's copy over it.
Existing meetings start at version 1.
"""

from __future__ import annotations

V6_STATEMENTS: tuple[str, ...] = (
    "ALTER TABLE meeting ADD COLUMN version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)",
)
