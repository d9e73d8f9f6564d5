"""Stores written by earlier releases open, migrate and keep every record."""

from __future__ import annotations

import shutil
from pathlib import Path

from keyworker_app.services.family_import import parse_families_json
from keyworker_app.store.connection import open_encrypted
from keyworker_app.store.repositories import FamilyRepository
from keyworker_app.store.schema import SCHEMA_VERSION, current_version, migrate
from keyworker_app.store.verify import verify_store
from tests.fixtures import make_golden_v1 as golden

FIXTURE = Path(golden.__file__).with_name("golden-v1.db")


def test_golden_v1_store_migrates_with_nothing_lost(tmp_path: Path) -> None:
    db = tmp_path / "golden.db"
    shutil.copy(FIXTURE, db)  # never touch the frozen fixture itself
    conn = open_encrypted(db, golden.GOLDEN_KEY)
    try:
        assert current_version(conn) == 1
        assert migrate(conn) == SCHEMA_VERSION
        report = verify_store(conn)
        assert report.ok, report.problems
        repo = FamilyRepository(conn)
        expected = parse_families_json(golden.SNAPSHOT.read_text(encoding="utf-8"),
                                       golden.SNAPSHOT.name)
        for family in expected:
            family_id = repo.find_id_by_reference(family.reference)
            assert family_id is not None
            assert repo.get(family_id) == family
        assert report.audit_rows == golden.FAMILIES
    finally:
        conn.close()


def test_golden_v1_store_gains_the_taf_tables_at_v2(tmp_path: Path) -> None:
    """Schema 2 (TAF) on a v1 store: every v1 row and the audit chain unchanged, the new tables
    empty and usable against the old families."""
    from datetime import date, datetime

    from keyworker_app.domain.taf import Action, Meeting, MeetingType
    from keyworker_app.store import taf_read
    from keyworker_app.store.connection import transaction
    from keyworker_app.store.taf_repo import MeetingRepository

    db = tmp_path / "golden.db"
    shutil.copy(FIXTURE, db)
    conn = open_encrypted(db, golden.GOLDEN_KEY)
    try:
        v1_tables = ("family", "person", "relationship", "address", "case_note", "offence",
                     "asb_intervention", "education_term", "benefit_spell", "concern", "audit",
                     "search_term", "store_meta")
        before = {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in v1_tables}
        from keyworker_app.store.schema import MIGRATIONS

        assert migrate(conn, MIGRATIONS[:2]) == 2  # later migrations are tested on their own
        after = {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in v1_tables}
        assert after == before
        migrate(conn)
        for table in ("meeting", "attendee", "meeting_member", "decision", "action", "consent",
                      "shared_item", "addendum"):
            assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0
        repo = FamilyRepository(conn)
        family_id = repo.ids_sorted("reference")[0]
        assert repo.summaries([family_id])[0].next_action_due is None
        with transaction(conn):
            MeetingRepository(conn).add(Meeting(
                family_id, MeetingType.INITIAL, datetime(2026, 11, 20, 10, 0), chair="Chair",
                actions=(Action("Book a school meeting", "Key worker", "other",
                                date(2026, 12, 1)),)))
        assert taf_read.family_actions(conn, family_id)[0].what == "Book a school meeting"
        assert repo.summaries([family_id])[0].next_action_due == date(2026, 12, 1)
        assert verify_store(conn).ok
    finally:
        conn.close()


def test_golden_v1_families_get_a_row_version_at_v4_and_refuse_a_stale_save(
    tmp_path: Path,
) -> None:
    """Schema 4 gives every existing family version 1; saving from the copy read moves it
    on, and a save from an older copy is refused."""
    from dataclasses import replace

    import pytest

    from keyworker_app.errors import StaleRecordError
    from keyworker_app.store.connection import transaction
    from keyworker_app.store.schema import MIGRATIONS

    db = tmp_path / "golden.db"
    shutil.copy(FIXTURE, db)
    conn = open_encrypted(db, golden.GOLDEN_KEY)
    try:
        assert migrate(conn, MIGRATIONS[:3]) == 3
        migrate(conn)
        repo = FamilyRepository(conn)
        families = [repo.get(i) for i in repo.ids_sorted("reference")]
        assert {f.version for f in families} == {1}
        first = families[0]
        with transaction(conn):
            saved = repo.update(replace(first, key_worker="New Worker"), first)
        assert saved.version == 2
        with pytest.raises(StaleRecordError), transaction(conn):
            repo.update(replace(first, key_worker="Old Copy"), first)
        assert repo.get(first.id or 0).key_worker == "New Worker"
        assert verify_store(conn).ok
    finally:
        conn.close()
