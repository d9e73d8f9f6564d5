"""Schema migration 10: breach follow-up (ISA §12 and Appendix E).

Listed in ``schema.MIGRATIONS``. Each breach gains when the providing partners were told and
which governance posts, whether the police were consulted and their decision, the learning,
and when the outcome and learning were circulated to partners. Existing rows keep empty values.
"""

from __future__ import annotations

V10_STATEMENTS: tuple[str, ...] = (
    "ALTER TABLE breach ADD COLUMN partners_told_at TEXT",
    "ALTER TABLE breach ADD COLUMN partners_told_whom TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE breach ADD COLUMN police_consulted INTEGER NOT NULL DEFAULT 0"
    " CHECK (police_consulted IN (0, 1))",
    "ALTER TABLE breach ADD COLUMN police_decision TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE breach ADD COLUMN learning TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE breach ADD COLUMN circulated_at TEXT",
)
