"""Schema migration 9: suspensions of the agreement (ISA §15).

Listed in ``schema.MIGRATIONS``. One row per suspension: the partner (or ``*`` for the whole
agreement), the day it starts, the evidence reference, who recorded it and, if it was lifted
before its 45 days ran out, the day it was lifted. Whether a suspension is in force is worked
out by the domain from today's date, so nothing needs to change when it ends by itself.
"""

from __future__ import annotations

V9_STATEMENTS: tuple[str, ...] = (
    """CREATE TABLE suspension (
        id INTEGER PRIMARY KEY,
        partner_id TEXT NOT NULL CHECK (length(partner_id) > 0),
        starts_on TEXT NOT NULL,
        evidence TEXT NOT NULL CHECK (length(trim(evidence)) > 0),
        recorded_by TEXT NOT NULL,
        lifted_on TEXT,
        recorded_at TEXT NOT NULL,
        CHECK (lifted_on IS NULL OR lifted_on >= starts_on)
    )""",
)
