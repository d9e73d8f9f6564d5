"""The store's tables, and numbered migrations recorded in ``PRAGMA user_version``.

Each migration is a list of single statements (not a script): ``executescript`` would
commit any open transaction first, and a migration must land whole or not at all.
The ``vault_meta`` table belongs to the vault and is never touched here.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from keyworker_app.domain.family import ContactKind, FamilyStatus, HouseholdRole, RelationshipKind
from keyworker_app.domain.indicators import (
    AsbKind,
    Benefit,
    ConcernKind,
    Disposal,
    Provision,
    Term,
)
from keyworker_app.errors import UserFacingError
from keyworker_app.store.connection import Connection, scalar, transaction
from keyworker_app.store.schema_fulltext import FULLTEXT_STATEMENTS
from keyworker_app.store.schema_utc_times import UTC_TIMES_STATEMENTS
from keyworker_app.store.schema_v2 import V2_STATEMENTS
from keyworker_app.store.schema_v3 import V3_STATEMENTS
from keyworker_app.store.schema_v4 import V4_STATEMENTS
from keyworker_app.store.schema_v6 import V6_STATEMENTS
from keyworker_app.store.schema_v7 import V7_STATEMENTS
from keyworker_app.store.schema_v8 import V8_STATEMENTS
from keyworker_app.store.schema_v9 import V9_STATEMENTS
from keyworker_app.store.schema_v10 import V10_STATEMENTS
from keyworker_app.store.schema_v11 import V11_STATEMENTS
from keyworker_app.store.schema_v12 import V12_STATEMENTS
from keyworker_app.store.schema_v13 import V13_STATEMENTS
from keyworker_app.store.schema_v14 import V14_STATEMENTS
from keyworker_app.store.schema_v16 import V16_STATEMENTS

log = logging.getLogger("keyworker.store")


class StoreNewerThanAppError(UserFacingError):
    def __init__(self, store_version: int, app_version: int) -> None:
        self.store_version = store_version
        self.app_version = app_version
        super().__init__(
            f"This case store was written by a newer version of Keyworker (store format "
            f"{store_version}; this version understands up to {app_version}).",
            "Install the latest version of Keyworker before opening it. Nothing was changed.",
        )


def _check(column: str, values: Sequence[str]) -> str:
    """A CHECK constraint keeping an enum column to the values the code knows."""
    listed = ", ".join(f"'{v}'" for v in values)
    return f"CHECK ({column} IN ({listed}))"


def _enum_values(enum_type: type[enum.StrEnum]) -> list[str]:
    return [str(member.value) for member in enum_type]


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    description: str
    statements: tuple[str, ...]


_V1: tuple[str, ...] = (
    # Key/value so later settings (chain head, created, owner) need no migration.
    """CREATE TABLE store_meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) WITHOUT ROWID""",
    f"""CREATE TABLE family (
        id INTEGER PRIMARY KEY,
        reference TEXT NOT NULL UNIQUE,
        family_name TEXT NOT NULL,
        status TEXT NOT NULL {_check("status", _enum_values(FamilyStatus))},
        allocated_on TEXT NOT NULL,
        key_worker TEXT NOT NULL DEFAULT '',
        closed_on TEXT,
        closure_reason TEXT NOT NULL DEFAULT '',
        review_due TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
    "CREATE INDEX family_by_name ON family (family_name COLLATE NOCASE, reference)",
    "CREATE INDEX family_by_status ON family (status, reference)",
    "CREATE INDEX family_by_key_worker ON family (key_worker COLLATE NOCASE, reference)",
    "CREATE INDEX family_by_review_due ON family (review_due, reference)",
    # ``position`` keeps each collection in the order the caller gave it, so a
    # saved-and-reloaded family compares equal to what was saved.
    f"""CREATE TABLE person (
        id INTEGER PRIMARY KEY,
        family_id INTEGER NOT NULL REFERENCES family (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        ref TEXT NOT NULL,
        given_names TEXT NOT NULL,
        family_name TEXT NOT NULL,
        date_of_birth TEXT NOT NULL,
        household_role TEXT NOT NULL {_check("household_role", _enum_values(HouseholdRole))},
        sex_gender TEXT NOT NULL DEFAULT '',
        upn TEXT NOT NULL DEFAULT '',
        nhs_number TEXT NOT NULL DEFAULT '',
        ni_number TEXT NOT NULL DEFAULT '',
        UNIQUE (family_id, ref)
    )""",
    # Relationships name members by ref; the composite key keeps them pointing at real
    # members and follows a renamed ref or a removed member.
    f"""CREATE TABLE relationship (
        id INTEGER PRIMARY KEY,
        family_id INTEGER NOT NULL REFERENCES family (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        subject_ref TEXT NOT NULL,
        kind TEXT NOT NULL {_check("kind", _enum_values(RelationshipKind))},
        object_ref TEXT NOT NULL,
        FOREIGN KEY (family_id, subject_ref) REFERENCES person (family_id, ref)
            ON DELETE CASCADE ON UPDATE CASCADE,
        FOREIGN KEY (family_id, object_ref) REFERENCES person (family_id, ref)
            ON DELETE CASCADE ON UPDATE CASCADE
    )""",
    "CREATE INDEX relationship_by_family ON relationship (family_id, position)",
    "CREATE INDEX relationship_by_subject ON relationship (family_id, subject_ref)",
    "CREATE INDEX relationship_by_object ON relationship (family_id, object_ref)",
    """CREATE TABLE address (
        id INTEGER PRIMARY KEY,
        family_id INTEGER NOT NULL REFERENCES family (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        line1 TEXT NOT NULL,
        line2 TEXT NOT NULL DEFAULT '',
        town TEXT NOT NULL,
        postcode TEXT NOT NULL,
        from_date TEXT,
        to_date TEXT
    )""",
    "CREATE INDEX address_by_family ON address (family_id, position)",
    # Notes, ASB and concerns keep a plain person_ref ('' = whole family): a record
    # about someone who later leaves the household is still part of the case history.
    f"""CREATE TABLE case_note (
        id INTEGER PRIMARY KEY,
        family_id INTEGER NOT NULL REFERENCES family (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        kind TEXT NOT NULL {_check("kind", _enum_values(ContactKind))},
        occurred_at TEXT NOT NULL,
        author TEXT NOT NULL,
        summary TEXT NOT NULL,
        person_ref TEXT NOT NULL DEFAULT ''
    )""",
    "CREATE INDEX case_note_by_family ON case_note (family_id, position)",
    f"""CREATE TABLE offence (
        id INTEGER PRIMARY KEY,
        person_id INTEGER NOT NULL REFERENCES person (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        offence_date TEXT NOT NULL,
        disposal TEXT NOT NULL {_check("disposal", _enum_values(Disposal))},
        description TEXT NOT NULL DEFAULT '',
        disposal_date TEXT
    )""",
    "CREATE INDEX offence_by_person ON offence (person_id, position)",
    f"""CREATE TABLE asb_intervention (
        id INTEGER PRIMARY KEY,
        family_id INTEGER NOT NULL REFERENCES family (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        kind TEXT NOT NULL {_check("kind", _enum_values(AsbKind))},
        start_date TEXT NOT NULL,
        end_date TEXT,
        person_ref TEXT NOT NULL DEFAULT ''
    )""",
    "CREATE INDEX asb_by_family ON asb_intervention (family_id, position)",
    f"""CREATE TABLE education_term (
        id INTEGER PRIMARY KEY,
        person_id INTEGER NOT NULL REFERENCES person (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        academic_year INTEGER NOT NULL,
        term TEXT NOT NULL {_check("term", _enum_values(Term))},
        fixed_exclusions INTEGER NOT NULL DEFAULT 0 CHECK (fixed_exclusions >= 0),
        permanent_exclusion INTEGER NOT NULL DEFAULT 0 CHECK (permanent_exclusion IN (0, 1)),
        unauthorised_absence_pct REAL NOT NULL DEFAULT 0,
        provision TEXT NOT NULL {_check("provision", _enum_values(Provision))},
        UNIQUE (person_id, academic_year, term)
    )""",
    f"""CREATE TABLE benefit_spell (
        id INTEGER PRIMARY KEY,
        person_id INTEGER NOT NULL REFERENCES person (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        benefit TEXT NOT NULL {_check("benefit", _enum_values(Benefit))},
        from_date TEXT NOT NULL,
        to_date TEXT
    )""",
    "CREATE INDEX benefit_by_person ON benefit_spell (person_id, position)",
    f"""CREATE TABLE concern (
        id INTEGER PRIMARY KEY,
        family_id INTEGER NOT NULL REFERENCES family (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        kind TEXT NOT NULL {_check("kind", _enum_values(ConcernKind))},
        noted_on TEXT NOT NULL,
        ended_on TEXT,
        detail TEXT NOT NULL DEFAULT '',
        person_ref TEXT NOT NULL DEFAULT ''
    )""",
    "CREATE INDEX concern_by_family ON concern (family_id, position)",
    # seq is assigned by AuditLog (head + 1), never reused: a gap means a deleted row.
    """CREATE TABLE audit (
        seq INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        actor_role TEXT NOT NULL,
        organisation TEXT NOT NULL,
        action TEXT NOT NULL,
        object_type TEXT NOT NULL,
        object_id TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT '',
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
    )""",
    """CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END""",
    """CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END""",
    # The primary key doubles as the search index: a prefix range scan over ``term``
    # reads only this b-tree. Terms carry a kind prefix (n:, r:, p:) so a name prefix
    # does not drown in postcodes that share its letters.
    """CREATE TABLE search_term (
        term TEXT NOT NULL,
        family_id INTEGER NOT NULL REFERENCES family (id) ON DELETE CASCADE,
        PRIMARY KEY (term, family_id)
    ) WITHOUT ROWID""",
    "CREATE INDEX search_term_by_family ON search_term (family_id)",
    # Unsaved edits kept across a screen lock (store/drafts.py); one per form and record.
    """CREATE TABLE draft (
        id INTEGER PRIMARY KEY,
        form TEXT NOT NULL,
        record_key TEXT NOT NULL,
        payload TEXT NOT NULL,
        saved_at TEXT NOT NULL,
        UNIQUE (form, record_key)
    )""",
)

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "case records, audit trail and search index", _V1),
    Migration(2, "TAF meetings, family plan, consent and shared information", V2_STATEMENTS),
    Migration(3, "retention reviews, deletion markers, subject access and breaches",
              V3_STATEMENTS),
    Migration(4, "a row version on each family, so a stale save is refused", V4_STATEMENTS),
    Migration(5, "meeting and case-note times kept in UTC", UTC_TIMES_STATEMENTS),
    Migration(6, "a row version on each TAF meeting, so a stale save is refused",
              V6_STATEMENTS),
    Migration(7, "each fact's source partner and data controller; shared information's kind",
              V7_STATEMENTS),
    Migration(8, "amendments to case notes, keeping the original text", V8_STATEMENTS),
    Migration(9, "suspensions of the agreement", V9_STATEMENTS),
    Migration(10, "breach follow-up: partners told, police, learning, circulation",
              V10_STATEMENTS),
    Migration(11, "the outcome of a TAF meeting and its reason", V11_STATEMENTS),
    Migration(12, "significant-event marks on a family's chronology", V12_STATEMENTS),
    Migration(13, "the store's identity keys, contacts and handed-over cases", V13_STATEMENTS),
    Migration(14, "partner data sets received for matching, their mappings and decisions",
              V14_STATEMENTS),
    Migration(15, "a full-text index of notes, meetings and indicator details; UPN and NHS "
              "number in the caseload search", FULLTEXT_STATEMENTS),
    Migration(16, "a TAF meeting's progress since the last, note taker, consent explained",
              V16_STATEMENTS),
)
SCHEMA_VERSION = MIGRATIONS[-1].version


def current_version(conn: Connection) -> int:
    return int(scalar(conn, "PRAGMA user_version"))


def migrate(conn: Connection, migrations: Sequence[Migration] = MIGRATIONS) -> int:
    """Bring the store up to the newest migration; returns the version it ends at.

    Each migration runs in its own transaction together with the ``user_version``
    bump, so a failure leaves the store at the last complete version.
    """
    latest = migrations[-1].version if migrations else 0
    version = current_version(conn)
    if version > latest:
        raise StoreNewerThanAppError(version, latest)
    for migration in migrations:
        if migration.version <= version:
            continue
        if migration.version != version + 1:
            raise RuntimeError(f"migration {version + 1} is missing")
        log.info("migrating store to schema %d", migration.version)
        with transaction(conn):
            for statement in migration.statements:
                conn.execute(statement)
            # PRAGMA cannot take a bound parameter; the version is an int we own.
            conn.execute(f"PRAGMA user_version = {int(migration.version)}")
        version = migration.version
    return version
