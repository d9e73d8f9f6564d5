"""Schema migration 12: the worker's "significant event" marks on a family's chronology.

Listed in ``schema.MIGRATIONS``. The chronology itself is never stored (it is built from the
record each time); a mark names its entry by (family, kind of entry, id of the record it is
built from), so it stays on the entry however often the chronology is built again. One mark
per entry: marking again replaces the reason. Adding, changing and removing a mark are
audited by the service.
"""

from __future__ import annotations

from keyworker_app.domain.chronology import EntryKind

_KINDS = ", ".join(f"'{kind.value}'" for kind in EntryKind)

V12_STATEMENTS: tuple[str, ...] = (
    f"""CREATE TABLE chronology_mark (
        id INTEGER PRIMARY KEY,
        family_id INTEGER NOT NULL REFERENCES family (id) ON DELETE CASCADE,
        entry_kind TEXT NOT NULL CHECK (entry_kind IN ({_KINDS})),
        record TEXT NOT NULL CHECK (length(record) > 0),
        reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
        marked_by TEXT NOT NULL,
        marked_at TEXT NOT NULL,
        UNIQUE (family_id, entry_kind, record)
    )""",
)
