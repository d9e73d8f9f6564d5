from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlcipher3 import dbapi2

from keyworker_app.domain.audit import Actor, AuditAction
from keyworker_app.store import meta
from keyworker_app.store.audit import AuditLog, row_hash, verify_chain
from keyworker_app.store.connection import Connection, transaction
from keyworker_app.store.schema import SCHEMA_VERSION
from keyworker_app.store.verify import verify_store
from tests.unit.store.store_fixtures import OpenStore, StepClock


def write_events(conn: Connection, actor: Actor, clock: StepClock, count: int) -> AuditLog:
    log = AuditLog(conn, actor, clock)
    with transaction(conn):
        for i in range(count):
            log.record(AuditAction.VIEW, "family", i + 1, f"n={i}")
    return log


def drop_triggers(conn: Connection) -> None:
    # What someone holding the key would do before editing the trail by hand.
    conn.execute("DROP TRIGGER audit_no_update")
    conn.execute("DROP TRIGGER audit_no_delete")


def test_events_are_chained_and_read_back(conn: Connection, actor: Actor,
                                          clock: StepClock) -> None:
    log = write_events(conn, actor, clock, 3)
    events = log.events(limit=10)
    assert [e.seq for e in events] == [3, 2, 1]
    first = log.events(limit=1, offset=0, newest_first=False)[0]
    assert (first.actor, first.actor_role, first.organisation) == (
        "Test Worker", "key-worker", "Test Council")
    assert (first.action, first.object_type, first.object_id, first.detail) == (
        AuditAction.VIEW, "family", "1", "n=0")
    assert first.at == datetime(2025, 3, 1, 9, 0, 1, tzinfo=UTC)
    assert log.count() == 3
    assert verify_chain(conn) == []
    assert meta.get_audit_head(conn) == tuple(
        conn.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone())


def test_record_needs_a_transaction(conn: Connection, actor: Actor, clock: StepClock) -> None:
    with pytest.raises(RuntimeError, match="transaction"):
        AuditLog(conn, actor, clock).record(AuditAction.LOCK, "store", "-")


def test_record_needs_an_aware_clock(conn: Connection, actor: Actor) -> None:
    log = AuditLog(conn, actor, lambda: datetime(2025, 1, 1))
    with pytest.raises(ValueError, match="timezone"), transaction(conn):
        log.record(AuditAction.LOCK, "store", "-")


def test_an_event_rolls_back_with_its_transaction(conn: Connection, actor: Actor,
                                                  clock: StepClock) -> None:
    write_events(conn, actor, clock, 2)
    log = AuditLog(conn, actor, clock)
    with pytest.raises(KeyError), transaction(conn):
        log.record(AuditAction.DELETE, "family", 1)
        raise KeyError("the work failed")
    assert log.count() == 2
    assert verify_chain(conn) == []


@pytest.mark.parametrize("statement", [
    "UPDATE audit SET detail = 'x' WHERE seq = 1",
    "DELETE FROM audit WHERE seq = 1",
    "DELETE FROM audit",
])
def test_triggers_block_changes(conn: Connection, actor: Actor, clock: StepClock,
                                statement: str) -> None:
    write_events(conn, actor, clock, 2)
    with pytest.raises(dbapi2.IntegrityError, match="append-only"):
        conn.execute(statement)
    assert verify_chain(conn) == []


def test_altered_row_is_named(conn: Connection, actor: Actor, clock: StepClock) -> None:
    write_events(conn, actor, clock, 5)
    drop_triggers(conn)
    conn.execute("UPDATE audit SET object_id = '99' WHERE seq = 3")
    assert verify_chain(conn) == ["audit row 3: hash does not match its contents"]


def test_altered_and_rehashed_row_breaks_the_next_link(conn: Connection, actor: Actor,
                                                       clock: StepClock) -> None:
    write_events(conn, actor, clock, 5)
    drop_triggers(conn)
    row = conn.execute("SELECT seq, at, actor, actor_role, organisation, action, object_type, "
                       "object_id, detail, prev_hash FROM audit WHERE seq = 3").fetchone()
    forged = [*row[:7], "99", *row[8:]]
    conn.execute("UPDATE audit SET object_id = '99', hash = ? WHERE seq = 3", (row_hash(forged),))
    problems = verify_chain(conn)
    assert problems == ["audit row 4: its link to row 3 does not match "
                        "(row 3 was changed or replaced)"]


def test_deleted_middle_row_is_named(conn: Connection, actor: Actor, clock: StepClock) -> None:
    write_events(conn, actor, clock, 5)
    drop_triggers(conn)
    conn.execute("DELETE FROM audit WHERE seq = 3")
    assert verify_chain(conn) == ["audit row 3 is missing (chain broken between 2 and 4)"]


def test_deleted_first_rows_are_named(conn: Connection, actor: Actor, clock: StepClock) -> None:
    write_events(conn, actor, clock, 5)
    drop_triggers(conn)
    conn.execute("DELETE FROM audit WHERE seq <= 2")
    assert verify_chain(conn) == ["audit rows 1-2 are missing (chain broken before row 3)"]


def test_deleted_last_row_is_named(conn: Connection, actor: Actor, clock: StepClock) -> None:
    write_events(conn, actor, clock, 5)
    drop_triggers(conn)
    conn.execute("DELETE FROM audit WHERE seq = 5")
    assert verify_chain(conn) == [
        "audit row 5 is missing from the end (the chain head is row 5)"]


def test_row_appended_behind_the_logs_back_is_named(conn: Connection, actor: Actor,
                                                    clock: StepClock) -> None:
    write_events(conn, actor, clock, 2)
    conn.execute("INSERT INTO audit SELECT seq + 1, at, actor, actor_role, organisation, action, "
                 "object_type, object_id, detail, hash, hash FROM audit WHERE seq = 2")
    problems = verify_chain(conn)
    assert problems[0] == "audit row 3: hash does not match its contents"
    assert "audit row 3 was added after the chain head (2)" in problems


def test_chain_survives_reopening(open_store: OpenStore, actor: Actor, clock: StepClock) -> None:
    conn = open_store()
    write_events(conn, actor, clock, 2)
    conn.close()
    conn = open_store()
    write_events(conn, actor, clock, 2)
    assert verify_chain(conn) == []
    assert [e.seq for e in AuditLog(conn, actor, clock).events(newest_first=False)] == [1, 2, 3, 4]


def test_verify_store_reports_counts_and_problems(conn: Connection, actor: Actor,
                                                  clock: StepClock) -> None:
    write_events(conn, actor, clock, 3)
    report = verify_store(conn)
    assert report.ok and report.problems == []
    assert (report.schema_version, report.families, report.people, report.audit_rows) == (
        SCHEMA_VERSION, 0, 0, 3)
    drop_triggers(conn)
    conn.execute("DELETE FROM audit WHERE seq = 2")
    report = verify_store(conn)
    assert not report.ok
    assert report.problems == [
        "audit row 2 is missing (chain broken between 1 and 3)",
        "the audit trail's protecting trigger audit_no_update is missing (it was dropped)",
        "the audit trail's protecting trigger audit_no_delete is missing (it was dropped)",
    ]


def test_verify_store_reports_a_dangling_foreign_key(conn: Connection) -> None:
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("INSERT INTO person (family_id, position, ref, given_names, family_name, "
                 "date_of_birth, household_role) VALUES (77, 0, 'a', 'A', 'B', '2000-01-01', "
                 "'child')")
    conn.execute("PRAGMA foreign_keys = ON")
    report = verify_store(conn)
    assert report.problems == ["person row 1 points to a missing family record"]
