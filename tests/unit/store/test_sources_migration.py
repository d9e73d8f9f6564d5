"""Each fact's source is kept: records written before sources were kept say "unknown" once
the store is opened, and a source and data controller given are read back as written."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from keyworker_app.domain.indicators import Benefit, BenefitSpell, Disposal, Offence
from keyworker_app.domain.provenance import OTHER_NAMED, UNKNOWN, Source
from keyworker_app.store.connection import open_encrypted, transaction
from keyworker_app.store.repositories import FamilyRepository
from keyworker_app.store.schema import MIGRATIONS, migrate
from tests.gui.samples import sample_family

BEFORE_SOURCES = 6


def test_records_from_before_sources_were_kept_say_unknown(tmp_path: Path,
                                                           store_key: bytes) -> None:
    conn = open_encrypted(tmp_path / "s.db", store_key)
    try:
        migrate(conn, MIGRATIONS[:BEFORE_SOURCES])
        with transaction(conn):
            family_id = int(conn.execute(
                "INSERT INTO family (reference, family_name, status, allocated_on, key_worker, "
                "created_at, updated_at) VALUES ('KW-1', 'Ashworth', 'active', '2025-01-06', "
                "'Sam', '2025-01-06T09:00:00+00:00', '2025-01-06T09:00:00+00:00')").lastrowid)
            person_id = int(conn.execute(
                "INSERT INTO person (family_id, position, ref, given_names, family_name, "
                "date_of_birth, household_role) VALUES (?, 0, 'p1', 'Alex', 'Ashworth', "
                "'1985-04-12', 'parent-carer')", (family_id,)).lastrowid)
            conn.execute("INSERT INTO offence (person_id, position, offence_date, disposal) "
                         "VALUES (?, 0, '2024-11-01', 'caution')", (person_id,))
        migrate(conn)
        family = FamilyRepository(conn).get(family_id)
        assert family.members[0].offences[0].source == Source(UNKNOWN)
    finally:
        conn.close()


def test_a_source_and_data_controller_are_read_back_as_written(tmp_path: Path,
                                                               store_key: bytes) -> None:
    conn = open_encrypted(tmp_path / "s.db", store_key)
    try:
        migrate(conn)
        family = sample_family("KW-2", "Brook")
        parent = replace(family.members[0], offences=(
            Offence(date(2024, 11, 1), Disposal.CAUTION,
                    source=Source("leicestershire-police")),),
            benefits=(BenefitSpell(Benefit.JSA, date(2024, 1, 1), source=Source(
                "the-family", OTHER_NAMED, "Jobcentre in another county")),))
        with transaction(conn):
            saved = FamilyRepository(conn).add(replace(family, members=(parent,
                                                                         *family.members[1:])))
        assert saved.id is not None
        back = FamilyRepository(conn).get(saved.id).members[0]
        assert back.offences[0].source.partner == "leicestershire-police"
        assert back.benefits[0].source == Source("the-family", OTHER_NAMED,
                                                 "Jobcentre in another county")
    finally:
        conn.close()
