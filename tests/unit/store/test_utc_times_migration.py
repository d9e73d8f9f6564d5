"""A store written before times were kept in UTC: its meeting and case-note times (local wall
time, no zone) become UTC when it is opened, so this week's meetings, a finalised record's
lock and editing an old note all behave as for new records. Run in London summer time."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlcipher3 import dbapi2

from keyworker_app.domain.dates import format_datetime, start_of_day
from keyworker_app.domain.taf import MeetingType
from keyworker_app.store import taf_read
from keyworker_app.store.connection import Connection, open_encrypted, scalar, transaction
from keyworker_app.store.repositories import FamilyRepository
from keyworker_app.store.schema import MIGRATIONS, SCHEMA_VERSION, current_version, migrate

pytestmark = pytest.mark.usefixtures("london")

BEFORE_UTC = 4  # the last schema whose meeting and note times had no zone


def legacy_store(path: Path, key: bytes) -> tuple[Connection, int, int, int]:
    """A v4 store holding a family with a note, a booked meeting on Sunday 20/07/2025 at
    23:30 and a finalised one on 15/01/2025 at 10:30, their times written the old way."""
    conn = open_encrypted(path, key)
    assert migrate(conn, MIGRATIONS[:BEFORE_UTC]) == BEFORE_UTC
    with transaction(conn):
        # Written as a v4 store held them (today's repository writes columns added since).
        family_id = int(conn.execute(
            "INSERT INTO family (reference, family_name, status, allocated_on, key_worker, "
            "created_at, updated_at) VALUES ('KW-0042', 'Ashworth', 'active', '2025-01-06', "
            "'Sam Worker', '2025-01-06T09:00:00+00:00', '2025-01-06T09:00:00+00:00')").lastrowid)
        conn.execute("INSERT INTO case_note (family_id, position, kind, occurred_at, author, "
                     "summary) VALUES (?, 0, 'home-visit', '', 'Sam Worker', 'Home visit.')",
                     (family_id,))
        # Meetings too, with only the columns a v4 store had.
        def old_meeting(kind: str, held_at: str) -> int:
            return int(conn.execute(
                "INSERT INTO meeting (family_id, kind, held_at, chair, created_at, updated_at) "
                "VALUES (?, ?, ?, 'Chair', '2025-01-06T09:00:00+00:00', "
                "'2025-01-06T09:00:00+00:00')", (family_id, kind, held_at)).lastrowid)

        sunday_id = old_meeting(MeetingType.REVIEW.value, "2025-07-20T23:30:00.000000")
        winter_id = old_meeting(MeetingType.INITIAL.value, "2025-01-15T10:30:00.000000")
        conn.execute("UPDATE case_note SET occurred_at = '2025-07-15T10:30:00'")
        # Finalised as a v4 store did it (no meeting version column before schema 6).
        conn.execute("UPDATE meeting SET finalised_at = ?, finalised_by = ? WHERE id = ?",
                     (taf_read.moment_text(datetime(2025, 1, 15, 11, 0, tzinfo=UTC)),
                      "Sam Worker", winter_id))
    return conn, family_id, sunday_id, winter_id


def test_old_local_times_become_utc_when_the_store_is_opened(tmp_path: Path,
                                                             store_key: bytes) -> None:
    conn, _family_id, sunday_id, winter_id = legacy_store(tmp_path / "s.db", store_key)
    try:
        migrate(conn)
        assert current_version(conn) == SCHEMA_VERSION
        held = dict(conn.execute("SELECT id, held_at FROM meeting").fetchall())
        assert held == {sunday_id: "2025-07-20T22:30:00.000000+00:00",
                        winter_id: "2025-01-15T10:30:00.000000+00:00"}
        assert scalar(conn, "SELECT occurred_at FROM case_note") == "2025-07-15T09:30:00+00:00"
        assert format_datetime(taf_read.load_meeting(conn, sunday_id).held_at) == \
            "20/07/2025 23:30"
        # The finalised record is locked again after the rewrite.
        with pytest.raises(dbapi2.IntegrityError, match="finalised meeting cannot be changed"):
            conn.execute("UPDATE meeting SET venue = 'x' WHERE id = ?", (winter_id,))
    finally:
        conn.close()


def test_an_old_sunday_evening_meeting_is_in_that_week(tmp_path: Path,
                                                       store_key: bytes) -> None:
    conn, _family_id, sunday_id, _winter_id = legacy_store(tmp_path / "s.db", store_key)
    try:
        migrate(conn)
        week = taf_read.upcoming_meetings(conn, start_of_day(date(2025, 7, 14)),
                                          start_of_day(date(2025, 7, 21)))
        assert [m.meeting_id for m in week] == [sunday_id]
    finally:
        conn.close()


def test_an_old_note_can_be_edited_after_the_upgrade(tmp_path: Path, store_key: bytes) -> None:
    conn, family_id, _sunday_id, _winter_id = legacy_store(tmp_path / "s.db", store_key)
    try:
        migrate(conn)
        repo = FamilyRepository(conn)
        base = repo.get(family_id)
        [note] = base.notes
        assert format_datetime(note.occurred_at) == "15/07/2025 10:30"
        with transaction(conn):
            repo.update(replace(base, notes=(replace(note, summary="Corrected."),)), base)
        assert [n.summary for n in repo.get(family_id).notes] == ["Corrected."]
    finally:
        conn.close()
