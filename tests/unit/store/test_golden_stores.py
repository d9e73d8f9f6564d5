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
