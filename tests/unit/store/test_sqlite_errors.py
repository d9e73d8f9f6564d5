"""SQLite errors are sorted by result code on every path, reads included.

Real SQLCipher stores: a second connection holding the write lock, a page damaged on disk
after the store was opened, a store that may not grow (SQLite's own "full").
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlcipher3 import dbapi2

from keyworker_app.domain.family import CaseNote, ContactKind, Family
from keyworker_app.errors import DiskFullError, StoreBusyError, StoreDamagedError
from keyworker_app.services.demo_data import generate_families
from keyworker_app.store.connection import Connection, open_encrypted, scalar, transaction
from keyworker_app.store.repositories import FamilyRepository
from keyworker_app.store.sqlite_errors import sort_error
from tests.unit.store.store_fixtures import OpenStore, open_migrated


def _big_family(family: Family, notes: int) -> Family:
    extra = tuple(
        CaseNote(ContactKind.HOME_VISIT, datetime(2025, 1, 1, 9, 0), "Kim",
                 f"Visit {i}: " + "x" * 400)
        for i in range(notes))
    return replace(family, reference="BIG-1", notes=family.notes + extra)


def test_a_busy_store_at_begin_immediate_is_a_clear_message(open_store: OpenStore) -> None:
    holder, waiter = open_store(), open_store()
    waiter.execute("PRAGMA busy_timeout = 20")  # the product waits 5 s; a test need not
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreBusyError) as caught, transaction(waiter):
            waiter.execute("INSERT INTO store_meta VALUES ('k', 'v')")
        assert "another Keyworker window or command" in caught.value.message
        assert not waiter.in_transaction
    finally:
        holder.execute("ROLLBACK")
    with transaction(waiter):  # once the other writer is done, work goes on
        waiter.execute("INSERT INTO store_meta VALUES ('k', 'v')")
    assert scalar(holder, "SELECT value FROM store_meta WHERE key = 'k'") == "v"


def test_a_busy_store_outside_a_transaction_is_a_clear_message(open_store: OpenStore) -> None:
    holder, waiter = open_store(), open_store()
    waiter.execute("PRAGMA busy_timeout = 20")
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreBusyError):
            waiter.execute("INSERT INTO store_meta VALUES ('k', 'v')")
    finally:
        holder.execute("ROLLBACK")


def _damage_tail(db: Path, fraction: float, after_page: int = 0) -> int:
    """Overwrite bytes inside every page of the last ``fraction`` of the file (never the
    first ``after_page`` pages)."""
    size = db.stat().st_size
    first = max(int(size * (1 - fraction)) // 4096, after_page) * 4096
    damaged = 0
    with db.open("r+b") as handle:
        for offset in range(first, size, 4096):
            handle.seek(offset + 200)
            handle.write(b"\x5a" * 64)
            damaged += 1
    return damaged


def test_a_damaged_page_met_while_reading_is_the_damaged_store_advice(
    tmp_path: Path, store_key: bytes
) -> None:
    db = tmp_path / "damaged.db"
    conn = open_migrated(db, store_key)
    schema_pages = int(scalar(conn, "PRAGMA page_count"))  # the tables, empty
    small, base = generate_families(2, seed=7, today=date(2026, 1, 1))
    with transaction(conn):
        repo = FamilyRepository(conn)
        repo.add(small)
        big_id = repo.add(_big_family(base, 300)).id
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    conn.close()
    assert _damage_tail(db, 0.4, after_page=schema_pages + 1) > 10

    conn = open_encrypted(db, store_key)  # page 1 and the schema are intact
    try:
        assert FamilyRepository(conn).count() == 2  # what is intact still reads
        with pytest.raises(StoreDamagedError) as caught:
            FamilyRepository(conn).get(big_id or 0)
        assert "damaged" in caught.value.message
        assert "restore" in caught.value.advice
        # Iterating a cursor (not only fetchone/fetchall) meets the same rule.
        with pytest.raises(StoreDamagedError):
            for _row in conn.execute("SELECT summary FROM case_note"):
                pass
    finally:
        conn.close()


def test_a_store_that_cannot_grow_is_disk_full(conn: Connection) -> None:
    pages = int(scalar(conn, "PRAGMA page_count"))
    conn.execute(f"PRAGMA max_page_count = {pages}")
    family = _big_family(generate_families(1, seed=3, today=date(2026, 1, 1))[0], 200)
    with pytest.raises(DiskFullError), transaction(conn):
        FamilyRepository(conn).add(family)
    assert FamilyRepository(conn).count() == 0  # nothing half-saved


def test_errors_are_sorted_by_code_not_by_message_text(conn: Connection) -> None:
    # A message that merely mentions locking, without SQLite's code, is not "busy".
    worded = dbapi2.OperationalError("database is locked")
    assert sort_error(worded) is worded
    # A bug in our SQL stays a bug (for the crash dialog), whatever it says.
    with pytest.raises(dbapi2.OperationalError):
        conn.execute("SELECT * FROM no_such_table")
    with pytest.raises(dbapi2.IntegrityError):
        conn.execute("INSERT INTO store_meta VALUES (NULL, NULL)")
