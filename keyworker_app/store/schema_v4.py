"""Schema migration 4: a row version on each family, for optimistic saving.

Listed in ``schema.MIGRATIONS``. A save of the family's own fields (reference, name,
status, key worker, dates, closure) applies only if the version is still the one the
window read, and adds one; a save based on an older copy is refused. Child rows
(members, addresses, notes, indicators) are guarded row by row by their stored values
(``store.child_changes``), so adding a note never conflicts with another window's note.
Existing families start at version 1.
"""

from __future__ import annotations

V4_STATEMENTS: tuple[str, ...] = (
    "ALTER TABLE family ADD COLUMN version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)",
)
