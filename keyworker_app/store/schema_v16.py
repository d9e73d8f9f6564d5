"""Schema migration 16: what councils' TAF plan/review forms record and the meeting lacked.

Listed in ``schema.MIGRATIONS``. A review records the progress since the last meeting (the
review section of a plan, review and closure form); every meeting who took the notes (a
practitioner other than the chair, as TAF guidance asks) and whether confidentiality and
consent were explained to the family at the start. Older meetings have none of these.
"""

from __future__ import annotations

V16_STATEMENTS: tuple[str, ...] = (
    "ALTER TABLE meeting ADD COLUMN progress TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE meeting ADD COLUMN note_taker TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE meeting ADD COLUMN consent_explained INTEGER NOT NULL DEFAULT 0 "
    "CHECK (consent_explained IN (0, 1))",
)
