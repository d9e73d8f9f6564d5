"""Schema migration 2: TAF meetings, the family plan, consent and shared information.

Kept beside ``schema.py`` (which lists it in ``MIGRATIONS``) so the TAF tables read as one piece.
Each entry is a single statement. ``position`` keeps every collection in the order given, so a
saved-and-reloaded meeting compares equal to what was saved. Member refs inside a meeting
(who took part, whom shared information is about) stay plain text, as in v1's case notes: the
record of a meeting outlives a member leaving the household. Consent points at the member.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence

from keyworker_app.domain.taf import (
    ActionStatus,
    Attendance,
    ConsentMethod,
    ConsentState,
    MeetingType,
    ShareMethod,
)


def _check(column: str, enum_type: type[enum.StrEnum]) -> str:
    values: Sequence[str] = [str(m.value) for m in enum_type]
    return f"CHECK ({column} IN ({', '.join(repr(v) for v in values)}))"


V2_STATEMENTS: tuple[str, ...] = (
    f"""CREATE TABLE meeting (
        id INTEGER PRIMARY KEY,
        family_id INTEGER NOT NULL REFERENCES family (id) ON DELETE CASCADE,
        kind TEXT NOT NULL {_check("kind", MeetingType)},
        held_at TEXT NOT NULL,
        venue TEXT NOT NULL DEFAULT '',
        chair TEXT NOT NULL DEFAULT '',
        child_voice TEXT NOT NULL DEFAULT '',
        strengths TEXT NOT NULL DEFAULT '',
        worries TEXT NOT NULL DEFAULT '',
        needs TEXT NOT NULL DEFAULT '',
        next_review TEXT,
        finalised_at TEXT,
        finalised_by TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        CHECK (finalised_at IS NULL OR finalised_by <> '')
    )""",
    "CREATE INDEX meeting_by_family ON meeting (family_id, held_at)",
    # The Today and Team views read meetings in a window of days across the caseload.
    "CREATE INDEX meeting_by_time ON meeting (held_at)",
    # A finalised record is locked; corrections are addenda. The service refuses first with a
    # message; this stops any other writer. Deleting (retention) still cascades.
    """CREATE TRIGGER meeting_finalised_is_locked BEFORE UPDATE ON meeting
    WHEN OLD.finalised_at IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'a finalised meeting cannot be changed'); END""",
    f"""CREATE TABLE attendee (
        id INTEGER PRIMARY KEY,
        meeting_id INTEGER NOT NULL REFERENCES meeting (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        name TEXT NOT NULL,
        agency TEXT NOT NULL,
        role TEXT NOT NULL DEFAULT '',
        attendance TEXT NOT NULL {_check("attendance", Attendance)},
        agency_name TEXT NOT NULL DEFAULT ''
    )""",
    "CREATE INDEX attendee_by_meeting ON attendee (meeting_id, position)",
    """CREATE TABLE meeting_member (
        id INTEGER PRIMARY KEY,
        meeting_id INTEGER NOT NULL REFERENCES meeting (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        person_ref TEXT NOT NULL,
        views TEXT NOT NULL DEFAULT '',
        UNIQUE (meeting_id, person_ref)
    )""",
    """CREATE TABLE decision (
        id INTEGER PRIMARY KEY,
        meeting_id INTEGER NOT NULL REFERENCES meeting (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        text TEXT NOT NULL
    )""",
    "CREATE INDEX decision_by_meeting ON decision (meeting_id, position)",
    f"""CREATE TABLE action (
        id INTEGER PRIMARY KEY,
        family_id INTEGER NOT NULL REFERENCES family (id) ON DELETE CASCADE,
        meeting_id INTEGER NOT NULL REFERENCES meeting (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        what TEXT NOT NULL,
        owner TEXT NOT NULL,
        agency TEXT NOT NULL,
        due TEXT NOT NULL,
        status TEXT NOT NULL {_check("status", ActionStatus)},
        outcome TEXT NOT NULL DEFAULT '',
        carried_from INTEGER REFERENCES action (id) ON DELETE SET NULL
    )""",
    "CREATE INDEX action_by_meeting ON action (meeting_id, position)",
    "CREATE INDEX action_by_family ON action (family_id, status, due)",
    "CREATE INDEX action_by_due ON action (status, due)",
    "CREATE INDEX action_by_carried_from ON action (carried_from)",
    f"""CREATE TABLE consent (
        id INTEGER PRIMARY KEY,
        family_id INTEGER NOT NULL REFERENCES family (id) ON DELETE CASCADE,
        person_ref TEXT NOT NULL,
        state TEXT NOT NULL {_check("state", ConsentState)},
        recorded_on TEXT NOT NULL,
        scope TEXT NOT NULL DEFAULT '[]',
        how TEXT NOT NULL {_check("how", ConsentMethod)},
        recorded_by TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        FOREIGN KEY (family_id, person_ref) REFERENCES person (family_id, ref)
            ON DELETE CASCADE ON UPDATE CASCADE
    )""",
    "CREATE INDEX consent_by_member ON consent (family_id, person_ref, recorded_on)",
    f"""CREATE TABLE shared_item (
        id INTEGER PRIMARY KEY,
        family_id INTEGER NOT NULL REFERENCES family (id) ON DELETE CASCADE,
        meeting_id INTEGER REFERENCES meeting (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        from_partner TEXT NOT NULL,
        exchange TEXT NOT NULL,
        outside_reason TEXT NOT NULL DEFAULT '',
        summary TEXT NOT NULL,
        received_on TEXT NOT NULL,
        method TEXT NOT NULL {_check("method", ShareMethod)},
        data_controller TEXT NOT NULL,
        about TEXT NOT NULL DEFAULT '[]',
        lawful_basis TEXT NOT NULL DEFAULT '',
        basis_reason TEXT NOT NULL DEFAULT '',
        recorded_at TEXT NOT NULL
    )""",
    "CREATE INDEX shared_by_family ON shared_item (family_id, received_on)",
    "CREATE INDEX shared_by_meeting ON shared_item (meeting_id, position)",
    """CREATE TABLE addendum (
        id INTEGER PRIMARY KEY,
        meeting_id INTEGER NOT NULL REFERENCES meeting (id) ON DELETE CASCADE,
        text TEXT NOT NULL,
        author TEXT NOT NULL,
        added_at TEXT NOT NULL
    )""",
    "CREATE INDEX addendum_by_meeting ON addendum (meeting_id, id)",
    """CREATE TRIGGER addendum_no_update BEFORE UPDATE ON addendum
    BEGIN SELECT RAISE(ABORT, 'addenda are append-only'); END""",
)
