from __future__ import annotations

from pathlib import Path

import pytest
from sqlcipher3 import dbapi2

from keyworker_app.store.connection import Connection, open_encrypted, scalar
from keyworker_app.store.schema import (
    MIGRATIONS,
    SCHEMA_VERSION,
    Migration,
    StoreNewerThanAppError,
    current_version,
    migrate,
)
from tests.unit.store.store_fixtures import OpenStore

EXPECTED_TABLES = {
    "store_meta", "family", "person", "relationship", "address", "case_note", "offence",
    "asb_intervention", "education_term", "benefit_spell", "concern", "audit", "search_term",
    "draft",
}


def tables(conn: Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_fresh_store_migrates_to_current_version(store_path: Path, store_key: bytes) -> None:
    conn = open_encrypted(store_path, store_key)
    try:
        assert current_version(conn) == 0
        assert migrate(conn) == SCHEMA_VERSION
        assert current_version(conn) == SCHEMA_VERSION
        assert EXPECTED_TABLES <= tables(conn)
        assert not conn.in_transaction
    finally:
        conn.close()


def test_migrate_is_idempotent(conn: Connection) -> None:
    before = tables(conn)
    assert migrate(conn) == SCHEMA_VERSION
    assert tables(conn) == before


def test_vault_meta_is_left_alone(store_path: Path, store_key: bytes) -> None:
    conn = open_encrypted(store_path, store_key)
    try:
        conn.execute("CREATE TABLE vault_meta (k TEXT PRIMARY KEY, v TEXT)")
        conn.execute("INSERT INTO vault_meta VALUES ('store_id', 'abc')")
        migrate(conn)
        assert conn.execute("SELECT k, v FROM vault_meta").fetchall() == [("store_id", "abc")]
    finally:
        conn.close()


def test_refuses_a_store_from_a_newer_version(open_store: OpenStore) -> None:
    conn = open_store()
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StoreNewerThanAppError) as caught:
        migrate(conn)
    assert "newer version of Keyworker" in caught.value.message
    assert caught.value.advice
    assert current_version(conn) == SCHEMA_VERSION + 1


def test_a_failing_migration_leaves_the_store_at_the_last_complete_version(
    store_path: Path, store_key: bytes
) -> None:
    broken = Migration(
        SCHEMA_VERSION + 1,
        "half works, then fails",
        ("CREATE TABLE new_thing (id INTEGER PRIMARY KEY)", "INSERT INTO no_such_table VALUES (1)"),
    )
    conn = open_encrypted(store_path, store_key)
    try:
        with pytest.raises(dbapi2.OperationalError):
            migrate(conn, (*MIGRATIONS, broken))
        # The good migrations landed, each committed on its own; the broken one left nothing.
        assert current_version(conn) == SCHEMA_VERSION
        assert "new_thing" not in tables(conn)
        assert "family" in tables(conn)
        assert not conn.in_transaction
    finally:
        conn.close()


def test_migrations_are_numbered_without_gaps() -> None:
    assert [m.version for m in MIGRATIONS] == list(range(1, len(MIGRATIONS) + 1))


def test_enum_columns_are_checked(conn: Connection) -> None:
    with pytest.raises(dbapi2.IntegrityError):
        conn.execute(
            "INSERT INTO family (reference, family_name, status, allocated_on, created_at, "
            "updated_at) VALUES ('R1', 'X', 'lost', '2025-01-01', 'now', 'now')"
        )


def test_foreign_keys_are_enforced(conn: Connection) -> None:
    assert scalar(conn, "PRAGMA foreign_keys") == 1
    with pytest.raises(dbapi2.IntegrityError):
        conn.execute(
            "INSERT INTO person (family_id, position, ref, given_names, family_name, "
            "date_of_birth, household_role) VALUES (999, 0, 'a', 'A', 'B', '2000-01-01', 'child')"
        )
