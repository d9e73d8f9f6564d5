"""Schema migration 3: retention reviews, deletion markers, subject access requests, breaches.

Listed in ``schema.MIGRATIONS``. Each entry is a single statement.

* ``retention_review`` outlives the family it reviewed (``family_id`` is set to NULL when a
  deletion removes the family) so the decision, who made it and why stay on record; it keeps
  the family's *reference*, an identifier of the case, not of a person.
* ``deletion_marker`` is all that deletion keeps of a member (ISA §10).
* ``subject_access_request`` points at the person while their records exist.
* ``breach`` names partners by their policy ids (a JSON list).
"""

from __future__ import annotations

from keyworker_app.domain.retention import RetentionDecision

_DECISIONS = ", ".join(f"'{d.value}'" for d in RetentionDecision)

V3_STATEMENTS: tuple[str, ...] = (
    f"""CREATE TABLE retention_review (
        id INTEGER PRIMARY KEY,
        family_id INTEGER REFERENCES family (id) ON DELETE SET NULL,
        family_reference TEXT NOT NULL,
        reviewed_on TEXT NOT NULL,
        decision TEXT NOT NULL CHECK (decision IN ({_DECISIONS})),
        retain_until TEXT,
        reason TEXT NOT NULL,
        reviewer TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        CHECK ((decision = 'retain') = (retain_until IS NOT NULL))
    )""",
    "CREATE INDEX retention_review_by_family ON retention_review (family_id, reviewed_on, id)",
    """CREATE TABLE deletion_marker (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        date_of_birth TEXT NOT NULL,
        note TEXT NOT NULL,
        marked_on TEXT NOT NULL,
        review_id INTEGER REFERENCES retention_review (id)
    )""",
    "CREATE INDEX deletion_marker_by_name ON deletion_marker (name COLLATE NOCASE, "
    "date_of_birth)",
    """CREATE TABLE subject_access_request (
        id INTEGER PRIMARY KEY,
        subject_label TEXT NOT NULL,
        person_id INTEGER REFERENCES person (id) ON DELETE SET NULL,
        received_on TEXT NOT NULL,
        due_on TEXT NOT NULL,
        extended_on TEXT,
        extension_reason TEXT NOT NULL DEFAULT '',
        completed_on TEXT,
        notes TEXT NOT NULL DEFAULT '',
        recorded_at TEXT NOT NULL
    )""",
    "CREATE INDEX sar_by_due ON subject_access_request (completed_on IS NOT NULL, due_on, id)",
    "CREATE INDEX sar_by_person ON subject_access_request (person_id)",
    """CREATE TABLE breach (
        id INTEGER PRIMARY KEY,
        category TEXT NOT NULL,
        found_at TEXT NOT NULL,
        summary TEXT NOT NULL,
        partners TEXT NOT NULL DEFAULT '[]',
        serious INTEGER NOT NULL DEFAULT 0 CHECK (serious IN (0, 1)),
        regulator_told_at TEXT,
        not_reported_reason TEXT NOT NULL DEFAULT '',
        actions TEXT NOT NULL DEFAULT '',
        outcome TEXT NOT NULL DEFAULT '',
        closed_at TEXT,
        recorded_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
    "CREATE INDEX breach_by_found ON breach (found_at, id)",
)
