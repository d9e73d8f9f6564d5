"""Schema migration 11: the outcome of a TAF meeting and its reason.

Listed in ``schema.MIGRATIONS``. A review or closing meeting records what it decided for the
plan (continue, step up, step down, close) and why; older meetings have no outcome.
"""

from __future__ import annotations

V11_STATEMENTS: tuple[str, ...] = (
    "ALTER TABLE meeting ADD COLUMN outcome TEXT "
    "CHECK (outcome IS NULL OR outcome IN ('continue', 'step-up', 'step-down', 'close'))",
    "ALTER TABLE meeting ADD COLUMN outcome_reason TEXT NOT NULL DEFAULT ''",
)
