"""Schema migration 7: each fact's source partner and data controller (ISA §9, Appendix B).

Listed in ``schema.MIGRATIONS``. Indicator records and case notes gain ``source`` (a policy
partner id, ``the-family``, ``this-organisation`` or ``unknown``), ``controller`` (empty when
the source is the controller; a partner id or ``other-named``) and ``controller_name``.
Rows written before sources were kept say ``unknown``: the family record lists them for the
key worker to complete. Shared information gains the kind of information it is, whether the
user confirmed it came outside the agreed exchanges, and a named data controller.
"""

from __future__ import annotations

SOURCE_TABLES = ("offence", "asb_intervention", "education_term", "benefit_spell", "concern",
                 "case_note")

V7_STATEMENTS: tuple[str, ...] = tuple(
    statement
    for table in SOURCE_TABLES
    for statement in (
        f"ALTER TABLE {table} ADD COLUMN source TEXT NOT NULL DEFAULT 'unknown'",
        f"ALTER TABLE {table} ADD COLUMN controller TEXT NOT NULL DEFAULT ''",
        f"ALTER TABLE {table} ADD COLUMN controller_name TEXT NOT NULL DEFAULT ''",
    )
) + (
    "ALTER TABLE shared_item ADD COLUMN category TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE shared_item ADD COLUMN outside_confirmed INTEGER NOT NULL DEFAULT 0 "
    "CHECK (outside_confirmed IN (0, 1))",
    "ALTER TABLE shared_item ADD COLUMN data_controller_name TEXT NOT NULL DEFAULT ''",
)
