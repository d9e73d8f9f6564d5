"""Partner data sets on a real encrypted store: four generated files import, match and
evaluate to the households the generator planted; finishing deletes every byte about the
rest; a malformed file is refused whole with its row and column named."""

from __future__ import annotations

import io
import tempfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from keyworker_app.domain.audit import Actor, AuditAction, Role
from keyworker_app.domain.partner_data import PartnerImportError
from keyworker_app.domain.progress import OperationCancelled
from keyworker_app.domain.retention import MARKER_NOTE, DeletionMarker
from keyworker_app.domain.roles import RoleRefusedError
from keyworker_app.errors import UserFacingError
from keyworker_app.services.case_store import CaseSession
from keyworker_app.services.partner_data import MatchResult, PartnerService, UndecidedMatchesError
from keyworker_app.store.connection import transaction
from keyworker_app.store.partner_repo import PartnerRepository
from keyworker_app.store.programme_repo import ProgrammeRepository
from tests.partner_generator import (
    CANARY,
    DWP,
    HEADERS,
    POLICE,
    SCHOOL,
    YOS,
    PartnerFiles,
    generate,
)
from tests.unit.services.programme_fixtures import POLICY, Programme
from tests.unit.services.sqlcipher_pages import found_in

FILES = (POLICE, YOS, SCHOOL, DWP)


def partners(p: Programme) -> PartnerService:
    return p.session.partners(POLICY)


def import_all(service: PartnerService, files: PartnerFiles) -> dict[int, str]:
    ids = {}
    for exchange in FILES:
        done = service.import_bytes(exchange, files.csv_bytes(exchange), f"{exchange}.csv")
        assert done.rows == len(files.rows[exchange])
        ids[done.file_id] = exchange
    return ids


def planted_of(result: MatchResult, p: Programme, files: PartnerFiles,
               file_exchange: dict[int, str]) -> set[frozenset[int]]:
    """The generator's households behind each qualifying candidate."""
    repo = PartnerRepository(p.session.connection, p.clock.now)
    rows = {r.id: r for r in repo.rows(file_exchange)}
    found = set()
    for c in result.qualifying:
        homes = set()
        for rid in c.row_ids:
            row = rows[rid]
            exchange = file_exchange[row.file_id or 0]
            person = files.row_person[exchange][row.row - 2]
            homes.add(files.person_household[person])
        found.add(frozenset(homes))
    return found


def test_four_files_match_to_the_planted_households(programme: Programme) -> None:
    files = generate(36, seed=11)
    service = partners(programme)
    ids = import_all(service, files)
    result = service.match()
    found = planted_of(result, programme, files, ids)
    assert found == {frozenset({h}) for h in files.qualifying}
    # Each qualifying household names its sources and the evidence for its members' match.
    for c in result.qualifying:
        assert {YOS, SCHOOL, DWP} <= set(c.sources)
        assert c.evaluation.basis == "Meets all three criteria"
        sources = {e.record_kind: e for r in c.evaluation.results for e in r.evidence}
        assert sources  # evidence lists the records that met each criterion
        assert any(p.source.partner == "dwp" for m in c.family.members for p in m.benefits)
    assert result.linkage.taken and all(p.evidence for p in result.linkage.taken)


def test_a_qualifying_household_becomes_a_family_in_one_step(programme: Programme) -> None:
    files = generate(12, seed=5)
    service = partners(programme)
    import_all(service, files)
    result = service.match()
    chosen = result.qualifying[0]
    family = service.create_family(chosen, "TF-2025-001", "Kim Worker")
    assert family.id is not None
    stored = programme.session.view_family(family.id)
    assert len(stored.members) == len(chosen.family.members)
    assert any(m.benefits for m in stored.members)
    again = service.match()
    assert all(set(c.row_ids).isdisjoint(chosen.row_ids) for c in again.candidates)
    # Next month's file about the same people links to the family now in the store, and
    # is not made a second family.
    yos = [r for r in files.rows[YOS] if r[1].casefold() == chosen.family.family_name.casefold()]
    service.import_bytes(YOS, ("\r\n".join([",".join(HEADERS[YOS]), *(",".join(r) for r in yos)])
                               + "\r\n").encode(), "next-month.csv")
    linked = [c for c in service.match().candidates if c.existing]
    assert linked and all(c.existing == ("TF-2025-001",) for c in linked)
    with pytest.raises(UserFacingError, match="matches family TF-2025-001"):
        service.create_family(linked[0], "TF-2025-002", "Kim Worker")


def test_finish_deletes_every_byte_of_the_rest_and_audits_counts(
        programme: Programme) -> None:
    p = programme
    files = generate(24, seed=3)
    service = partners(p)
    ids = import_all(service, files)
    p.session.connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
    assert found_in(p.path, p.key, CANARY)  # the canary household's police row is there
    result = service.match()
    kept_names = {m.family_name for c in result.qualifying for m in c.family.members}
    assert CANARY not in kept_names

    outcomes = service.finish(undecided_as_different=True)

    assert not found_in(p.path, p.key, CANARY)
    assert found_in(p.path, p.key, sorted(kept_names)[0])  # qualifying rows stay
    assert p.session.connection.execute("PRAGMA freelist_count").fetchone()[0] == 0
    wal = p.path.with_name(p.path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    by_file = {o.file_id: o for o in outcomes}
    assert set(by_file) == set(ids)
    for fid, exchange in ids.items():
        o = by_file[fid]
        assert o.received == len(files.rows[exchange]) == o.kept + o.deleted
    events = [e for e in p.session.audit().events(limit=50)
              if e.object_type == "partner-file" and e.action is AuditAction.DELETE]
    assert len(events) == 4
    for e in events:
        o = by_file[int(e.object_id)]
        assert f"sha256={o.sha256}" in e.detail and f"exchange={o.exchange_id}" in e.detail
        assert (f"rows-received={o.received} rows-matched={o.matched} rows-kept={o.kept} "
                f"rows-deleted={o.deleted}") in e.detail
    every = " ".join(e.detail for e in p.session.audit().events(limit=200))
    names = {r[0] for rows in files.rows.values() for r in rows} | {
        r[1] for rows in files.rows.values() for r in rows}
    assert not any(f" {n} " in f" {every} " for n in names if len(n) > 3)
    assert p.session.verify().ok


def test_finish_waits_for_decisions_which_are_kept(programme: Programme) -> None:
    service = partners(programme)
    head = ["Forename", "Surname", "DOB", "Address", "Town", "Postcode", "Offence date",
            "Disposal"]
    police = "\r\n".join([",".join(head),
                          "Jon,Smyth,04/07/2001,12 Mere Road,Leicester,,01/12/2024,Caution"])
    yos = "\r\n".join([",".join(HEADERS[YOS]), "Jonathon,Smith,04/07/2001,12 Mere Rd,"
                       "Leicester,LE2 1AB,10/11/2024,Fine"])
    service.import_bytes(POLICE, police.encode(), "p.csv")
    service.import_bytes(YOS, yos.encode(), "y.csv")
    result = service.match()
    assert len(result.linkage.uncertain) == 1
    pair = result.linkage.uncertain[0]
    assert "date of birth: exact" in pair.evidence
    with pytest.raises(UndecidedMatchesError) as refused:
        service.finish()
    assert "1 uncertain match still waits" in str(refused.value)
    service.decide(result, pair, same=True)
    again = service.match()
    assert not again.linkage.uncertain
    assert any("decided by a person" in p.evidence for p in again.linkage.taken)
    assert service.decided(again, again.linkage.taken[0]) is True


@pytest.mark.parametrize(("content", "name", "expected"), [
    (b"Forename,Surname,Address,Town,Postcode,Offence date,Disposal\r\n"
     b"Ann,Lee,1 Mere Road,Leicester,,01/12/2024,Caution\r\n", "f.csv",
     "column 'DOB' (date of birth) is missing"),
    (b"Forename,Surname,DOB,Address,Town,Postcode,Offence date,Disposal\r\n"
     b"Ann,Lee,01/01/2001,1 Mere Road,Leicester,,01/12/2024,Caution\r\n"
     b"Bob,Lee,31/02/2001,1 Mere Road,Leicester,,01/12/2024,Caution\r\n", "f.csv",
     "row 3, column 'DOB': not a date (DD/MM/YYYY)"),
    (b"Forename,Surname,DOB,Address,Town,Postcode,Offence date,Disposal\r\n"
     b"Ann,Lee,01/01/2001,1 Mere Road,Leicester,,01/12/2024,Caution\r\n"
     b"Ann,Lee,01/01/2001," + b"x" * (10 * 1024 * 1024) + b",Leicester,,01/12/2024,Fine\r\n",
     "f.csv", "row 3, column 'Address': longer than 500 characters"),
    ("Forename,Surname,DOB,Address,Town,Postcode,Offence date,Disposal\r\n"
     "Ann,Lee,01/01/2001,1 Mere Road,Leicester,,01/12/2024,Caution\r\n"
     "Zoë,Lée,01/01/2001,1 Mere Road,Leicester,,01/12/2024,Caution\r\n".encode("cp1252"),
     "f.csv", "row 3: the text is not UTF-8"),
    (b"Forename,Surname,DOB,Address,Town,Postcode,Offence date,Disposal\r\n"
     b"Ann,Lee,01/01/2001,1 Mere Road,Leicester,,01/12/2024,Told off\r\n", "f.csv",
     "row 2, column 'Disposal': not one of the values this field takes"),
])
def test_a_malformed_file_is_refused_whole(programme: Programme, content: bytes, name: str,
                                           expected: str) -> None:
    service = partners(programme)
    service.import_bytes(POLICE, b"Forename,Surname,DOB,Address,Town,Postcode,Offence date,"
                         b"Disposal\r\nCy,Day,01/01/2001,1 Mere Road,Leicester,,01/12/2024,"
                         b"Fine\r\n", "last-month.csv")  # the exchange's mapping is saved
    before = programme.session.audit().events(limit=1)
    files = service.files()
    with pytest.raises(PartnerImportError) as refused:
        service.import_bytes(POLICE, content, name)
    assert expected in str(refused.value)
    for secret in ("Ann", "Lee", "Bob", "Zo", "xxxx", "Told"):
        assert secret not in str(refused.value)
    assert service.files() == files
    assert programme.session.audit().events(limit=1) == before


def test_a_workbook_imports_and_a_second_import_is_refused(programme: Programme) -> None:
    files = generate(6, seed=2)
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADERS[SCHOOL])
    for row in files.rows[SCHOOL]:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    service = partners(programme)
    done = service.import_bytes(SCHOOL, buffer.getvalue(), "school.xlsx")
    assert done.rows == len(files.rows[SCHOOL])
    with pytest.raises(PartnerImportError, match="imported before"):
        service.import_bytes(SCHOOL, buffer.getvalue(), "school.xlsx")
    with pytest.raises(PartnerImportError, match="macros"):
        service.import_bytes(SCHOOL, buffer.getvalue(), "school.xlsm")


def test_the_saved_mapping_is_reused_next_month(programme: Programme) -> None:
    service = partners(programme)
    head = "Nom,Famille,Né,Rue,Ville,CP,Quand,Issue\r\n"
    row = "Ann,Lee,01/01/2001,1 Mere Road,Leicester,,01/12/2024,Caution\r\n"
    mapping = {"given_names": "Nom", "family_name": "Famille", "date_of_birth": "Né",
               "address": "Rue", "town": "Ville", "postcode": "CP", "offence_date": "Quand",
               "disposal": "Issue"}
    from keyworker_app.domain.partner_data import mapping_from_json
    with pytest.raises(PartnerImportError, match="no column is mapped to given names"):
        service.import_bytes(POLICE, (head + row).encode(), "a.csv")
    service.import_bytes(POLICE, (head + row).encode(), "a.csv", mapping_from_json(mapping))
    later = row.replace("Ann", "Bea")
    assert service.import_bytes(POLICE, (head + later).encode(), "b.csv").rows == 1


def test_a_person_deleted_before_is_flagged(programme: Programme) -> None:
    files = generate(12, seed=5)
    service = partners(programme)
    import_all(service, files)
    first = service.match().qualifying[0]
    member = first.family.members[0]
    conn = programme.session.connection
    with transaction(conn):
        conn.execute("INSERT INTO retention_review (family_id, reviewed_on, decision, "
                     "reason, reviewer, family_reference, recorded_at) VALUES (NULL, '2024-01-01', "
                     "'delete', 'r', 'TL', 'TF-OLD', '2024-01-01T00:00:00+00:00')")
        review_id = conn.execute("SELECT max(id) FROM retention_review").fetchone()[0]
        ProgrammeRepository(conn, programme.clock.now).add_markers((DeletionMarker(
            f"{member.given_names} {member.family_name}", member.date_of_birth, MARKER_NOTE,
            date(2024, 1, 1)),), review_id)
    again = {c.household.number: c for c in service.match().qualifying}
    flagged = again[first.household.number]
    assert flagged.deleted_before == (member.ref,)
    with pytest.raises(UserFacingError, match="deleted from the programme before"):
        service.create_family(flagged, "TF-2025-009", "Kim Worker")
    assert service.create_family(flagged, "TF-2025-009", "Kim Worker",
                                 despite_deletion=True).id is not None


def test_import_log_warns_when_a_monthly_file_is_overdue(programme: Programme) -> None:
    service = partners(programme)
    files = generate(6, seed=2)
    service.import_bytes(POLICE, files.csv_bytes(POLICE), "p.csv")
    log = {e.exchange_id: e for e in service.import_log()}
    assert log[POLICE].files == 1 and log[POLICE].due_on == date(2025, 4, 15)
    assert not log[POLICE].overdue
    assert log[SCHOOL].last_received is None and log[SCHOOL].frequency == "Termly"
    programme.clock.moment = programme.clock.moment.replace(month=5)
    assert {e.exchange_id: e for e in service.import_log()}[POLICE].overdue


def test_a_key_workers_store_refuses_partner_imports(programme: Programme) -> None:
    worker = CaseSession(programme.session.connection,
                         Actor("Kim Worker", Role.KEY_WORKER, "Test Council"), programme.clock)
    with pytest.raises(RoleRefusedError, match="Only a team lead can import"):
        worker.partners(POLICY).import_bytes(POLICE, b"x", "x.csv")


class StopAt:
    """A lock arriving at the given step of the work."""

    def __init__(self, at: int) -> None:
        self.at = at

    def step(self, done: int, total: int) -> None:
        del total
        if done == self.at:
            raise OperationCancelled()


def _listing(*folders: Path) -> set[str]:
    return {str(p) for folder in folders for p in folder.rglob("*")}


@pytest.mark.parametrize("at", [1, 2])
def test_a_lock_during_import_keeps_nothing_of_the_file_and_writes_no_other_file(
        programme: Programme, at: int, tmp_path_factory: pytest.TempPathFactory,
        monkeypatch: pytest.MonkeyPatch) -> None:
    temp = tmp_path_factory.mktemp("temp-files")  # where any temporary file would go
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    files = generate(10, seed=6)
    service = partners(programme)
    service.import_bytes(YOS, files.csv_bytes(YOS), "y.csv")
    before_audit = programme.session.audit().events(limit=1)
    folders = (programme.path.parent, temp)
    before = _listing(*folders)
    with pytest.raises(OperationCancelled):
        service.import_bytes(POLICE, files.csv_bytes(POLICE), "p.csv", progress=StopAt(at))
    assert [f.exchange_id for f in service.files()] == [YOS]
    assert programme.session.audit().events(limit=1) == before_audit
    assert PartnerRepository(programme.session.connection, programme.clock.now).mapping(
        POLICE) is None
    assert _listing(*folders) - before <= {str(programme.path) + "-wal",
                                           str(programme.path) + "-shm"}
    assert not any(temp.iterdir())
    # The same file imports whole afterwards: nothing of the stopped attempt is in the way.
    assert service.import_bytes(POLICE, files.csv_bytes(POLICE), "p.csv").rows == len(
        files.rows[POLICE])


def test_a_lock_during_matching_loses_no_decision(programme: Programme) -> None:
    service = partners(programme)
    service.import_bytes(POLICE, ("\r\n".join([",".join(HEADERS[POLICE]), "Jon,Smyth,"
                                  "04/07/2001,12 Mere Road,Leicester,,01/12/2024,Caution"])
                                  ).encode(), "p.csv")
    service.import_bytes(YOS, ("\r\n".join([",".join(HEADERS[YOS]), "Jonathon,Smith,"
                               "04/07/2001,12 Mere Rd,Leicester,LE2 1AB,10/11/2024,Fine"])
                               ).encode(), "y.csv")
    result = service.match()
    service.decide(result, result.linkage.uncertain[0], same=False)
    with pytest.raises(OperationCancelled):
        service.match(StopAt(2))
    again = service.match()
    assert not again.linkage.uncertain and not again.linkage.taken


def test_a_workbook_is_read_without_any_temporary_file(
        programme: Programme, tmp_path_factory: pytest.TempPathFactory,
        monkeypatch: pytest.MonkeyPatch) -> None:
    temp = tmp_path_factory.mktemp("temp-files")
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    files = generate(6, seed=8)
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADERS[DWP])
    for row in files.rows[DWP]:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    before = _listing(programme.path.parent)
    done = partners(programme).import_bytes(DWP, buffer.getvalue(), "dwp.xlsx")
    assert done.rows == len(files.rows[DWP])
    assert not any(temp.iterdir())
    assert _listing(programme.path.parent) - before <= {str(programme.path) + "-wal",
                                                        str(programme.path) + "-shm"}
