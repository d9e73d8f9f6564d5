"""Partner data sets: import, match, evaluate, and delete the rest at once (ISA §4.3.1, §10).

A team lead's action (``domain.roles.LeadAction.PARTNER_IMPORT``). The steps:

1. **Import** a file received under one Appendix B exchange: read in memory, mapped by the
   exchange's saved mapping, every row checked; kept in one transaction, or refused whole.
2. **Match** every row in the store (and the store's families) into people and households
   (``domain.partner_match``); uncertain pairs wait for a person's decision, which is kept.
   Each candidate household is evaluated against Appendix D with its rows' sources.
3. **Create the family** for a household that meets the criteria, in one step.
4. **Finish matching**: every row of a person whose household does not meet the criteria is
   deleted at once, with the review decisions about them; the file is compacted as a
   retention deletion is (``secure_delete``, ``VACUUM``, WAL checkpoint). The audit records,
   per file, the exchange, its SHA-256 and the rows received, matched, kept and deleted.

Matching runs in memory over rows read from the encrypted store; nothing personal is
written anywhere else.
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from keyworker_app.domain.audit import AuditAction, Role
from keyworker_app.domain.dates import iso_text, local_day
from keyworker_app.domain.family import Family
from keyworker_app.domain.partner_data import (
    PartnerField,
    PartnerImportError,
    PartnerRow,
    check_table,
    file_kind,
    guess_mapping,
    identity_text,
    importable_exchange,
    mapping_to_json,
    source_of,
)
from keyworker_app.domain.partner_households import (
    Candidate,
    LogEntry,
    RowSource,
    build_candidate,
    core_criterion,
    could_qualify,
    log_entry,
)
from keyworker_app.domain.partner_match import (
    STORE,
    Linkage,
    LinkRecord,
    PairScore,
    link,
    pair_key,
)
from keyworker_app.domain.policy import Exchange, Policy
from keyworker_app.domain.progress import NO_PROGRESS, Progress
from keyworker_app.domain.roles import LeadAction, allowed, require
from keyworker_app.errors import UserFacingError
from keyworker_app.services.clock import Clock
from keyworker_app.services.partner_files import Table, read_file, read_table
from keyworker_app.services.programme import SecureEraseError
from keyworker_app.store.audit import AuditLog
from keyworker_app.store.connection import Connection, DatabaseError, transaction
from keyworker_app.store.partner_repo import PartnerFileRecord, PartnerRepository
from keyworker_app.store.programme_repo import ProgrammeRepository, compact_freed_pages
from keyworker_app.store.repositories import FamilyRepository

log = logging.getLogger("keyworker.services.partner")


@dataclass(frozen=True, slots=True)
class Imported:
    file_id: int
    exchange_id: str
    sha256: str
    rows: int


@dataclass(frozen=True, slots=True)
class MatchResult:
    linkage: Linkage
    candidates: tuple[Candidate, ...]
    records: Mapping[str, LinkRecord]
    as_of: date
    # Households whose rows come from one kind of data set only: they cannot meet enough
    # criteria to qualify, so they are counted, not evaluated (their rows go at finish).
    single_source: int = 0

    @property
    def qualifying(self) -> tuple[Candidate, ...]:
        return tuple(c for c in self.candidates if c.qualifies)

    def to_json(self) -> dict[str, Any]:
        """The report: households by number, counts, confidence and reasons; no names."""
        return {"as_of": iso_text(self.as_of), "rows": sum(
                    1 for k in self.records if k.startswith("row:")),
                "households": len(self.candidates), "qualifying": len(self.qualifying),
                "single_source_households": self.single_source,
                "uncertain_matches": len(self.linkage.uncertain),
                "sure_matches": len(self.linkage.taken),
                "candidates": [c.to_json() for c in self.candidates]}


@dataclass(frozen=True, slots=True)
class FileOutcome:
    file_id: int
    exchange_id: str
    sha256: str
    received: int
    matched: int
    kept: int
    deleted: int


class UndecidedMatchesError(UserFacingError):
    def __init__(self, count: int) -> None:
        super().__init__(
            f"{count} uncertain match{'es' if count != 1 else ''} still "
            f"wait{'s' if count == 1 else ''} for a decision.",
            "Decide them on the review screen first, or finish treating undecided pairs as "
            "different people.")
        self.count = count


class PartnerService:
    def __init__(self, connection: Connection, audit: Callable[[], AuditLog], clock: Clock,
                 policy: Policy, *, role: Role = Role.KEY_WORKER) -> None:
        self._conn = connection
        self._audit = audit
        self._clock = clock
        self.policy = policy
        self.role = role

    def allows(self) -> bool:
        return allowed(self.role, LeadAction.PARTNER_IMPORT)

    def _repo(self) -> PartnerRepository:
        return PartnerRepository(self._conn, self._clock.now)

    def today(self) -> date:
        return self._clock.today()

    def exchanges(self) -> list[Exchange]:
        """The exchanges whose files carry people to match: identity, sent to identify
        families or carrying benefits (the DWP's weekly file)."""
        return [e for e in self.policy.exchanges if "identity" in e.categories and (
            "identify-families" in e.purposes or "benefits" in e.categories)]

    # -- import --------------------------------------------------------------------------
    def mapping_for(self, exchange_id: str, table: Table) -> dict[PartnerField, str]:
        """The exchange's saved mapping, else a first guess from the headers."""
        exchange = importable_exchange(self.policy, exchange_id)
        saved = self._repo().mapping(exchange_id)
        return saved if saved is not None else guess_mapping(table.headers,
                                                             file_kind(exchange))

    def check(self, exchange_id: str, table: Table,
              mapping: Mapping[PartnerField, str]) -> list[PartnerRow]:
        exchange = importable_exchange(self.policy, exchange_id)
        return check_table(table.headers, table.rows, mapping, file_kind(exchange))

    def import_path(self, exchange_id: str, path: Path,
                    mapping: Mapping[PartnerField, str] | None = None,
                    progress: Progress = NO_PROGRESS) -> Imported:
        data = read_file(path)
        return self.import_bytes(exchange_id, data, path.name, mapping, progress)

    def import_bytes(self, exchange_id: str, data: bytes, name: str,
                     mapping: Mapping[PartnerField, str] | None = None,
                     progress: Progress = NO_PROGRESS) -> Imported:
        """Check the whole file, then keep it in one transaction (or nothing)."""
        require(self.role, LeadAction.PARTNER_IMPORT)
        importable_exchange(self.policy, exchange_id)
        progress.step(0, 3)
        table = read_table(data, name)
        sha256 = hashlib.sha256(data).hexdigest()
        if self._repo().has_file(sha256):
            raise PartnerImportError(["this file was imported before"],
                                     "Nothing was changed. Import the partner's new file.")
        chosen = dict(mapping) if mapping is not None else self.mapping_for(exchange_id, table)
        rows = self.check(exchange_id, table, chosen)
        progress.step(1, 3)
        repo = self._repo()
        salt = repo.salt()
        identities = [_identity(salt, r) for r in rows]
        with transaction(self._conn):
            repo.save_mapping(exchange_id, mapping_to_json(chosen))
            file_id = repo.add_file(exchange_id, sha256, rows, identities)
            progress.step(2, 3)  # a lock or Cancel here rolls the whole file back
            self._audit().record(AuditAction.IMPORT, "partner-file", file_id,
                                 f"exchange={exchange_id} sha256={sha256} "
                                 f"rows-received={len(rows)}")
        progress.step(3, 3)
        log.info("partner file %d imported: %d rows", file_id, len(rows))
        return Imported(file_id, exchange_id, sha256, len(rows))

    def files(self) -> list[PartnerFileRecord]:
        return self._repo().files()

    def import_log(self) -> list[LogEntry]:
        """Per exchange: its agreed frequency, when a file last came, and whether one is
        overdue."""
        received: dict[str, list[Any]] = defaultdict(list)
        for f in self._repo().files():
            received[f.exchange_id].append(f.received_at)
        return [log_entry(e, received.get(e.id, []), self.today(), local_day)
                for e in self.exchanges()]

    # -- matching ------------------------------------------------------------------------
    def match(self, progress: Progress = NO_PROGRESS) -> MatchResult:
        """Every row in the store matched and grouped; each household evaluated."""
        repo = self._repo()
        files = repo.files()
        by_id = {f.id: f for f in files}
        rows = repo.rows(by_id)
        progress.step(1, 4)
        idents = repo.identities(by_id)
        records: list[LinkRecord] = [
            LinkRecord(f"row:{r.id}", str(r.file_id), r.given_names, r.family_name,
                       r.date_of_birth, r.address, r.town, r.postcode, idents[r.id or 0])
            for r in rows]
        salt = repo.salt()
        members = [replace(m, identity=_identity_of(salt, m)) for m in repo.member_records()]
        linkage = link(records + members, repo.decisions())
        progress.step(2, 4)
        sources: dict[int, RowSource] = {}
        exchanges = {e.id: e for e in self.policy.exchanges}
        per_file = {f.id: RowSource(file_kind(exchanges[f.exchange_id]),
                                    source_of(exchanges[f.exchange_id]), f.exchange_id)
                    for f in files if f.exchange_id in exchanges}
        for r in rows:
            if (r.file_id or 0) in per_file:
                sources[r.id or 0] = per_file[r.file_id or 0]
        markers = ProgrammeRepository(self._conn, self._clock.now).markers()
        by_key = {r.key: r for r in records + members}
        row_map = {r.id or 0: r for r in rows if (r.id or 0) in sources}
        references = {fid: repo.family_reference(fid)
                      for h in linkage.households for fid in h.family_ids}
        as_of = self.today()
        criteria = self.policy.criteria
        candidates: list[Candidate] = []
        single = 0
        for h in linkage.households:
            ids = [int(k[4:]) for k in h.keys if k.startswith("row:") and int(k[4:]) in row_map]
            if not ids:
                continue
            core = {core_criterion(row_map[i], sources[i].kind, as_of, criteria) for i in ids}
            if not h.family_ids and not could_qualify(core, criteria):
                single += 1
                continue
            candidates.append(build_candidate(
                h, row_map, sources, as_of=as_of, criteria=criteria, markers=markers,
                existing=[references[f] for f in h.family_ids]))
        progress.step(4, 4)
        return MatchResult(linkage, tuple(candidates), by_key, as_of, single)

    def decide(self, result: MatchResult, pair: PairScore, same: bool) -> None:
        """Keep a person's decision on an uncertain pair (for this and later files)."""
        require(self.role, LeadAction.PARTNER_IMPORT)
        left, right = result.records[pair.left], result.records[pair.right]
        with transaction(self._conn):
            self._repo().decide(left.identity, right.identity, same)
            self._audit().record(AuditAction.UPDATE, "partner-match", "decision",
                                 f"same={int(same)} confidence={pair.confidence:.2f}")

    def decided(self, result: MatchResult, pair: PairScore) -> bool | None:
        left, right = result.records[pair.left], result.records[pair.right]
        return self._repo().decisions().get(pair_key(left.identity, right.identity))

    # -- creating the family -------------------------------------------------------------
    def create_family(self, candidate: Candidate, reference: str, key_worker: str, *,
                      despite_deletion: bool = False) -> Family:
        """Save the household as a family (its facts with their sources) and drop its rows:
        they now live in the family's record. A member matching a deletion marker (ISA §10)
        is never added again without the team lead saying so (``despite_deletion``)."""
        require(self.role, LeadAction.PARTNER_IMPORT)
        if candidate.existing:
            raise UserFacingError(
                f"This household matches family {', '.join(candidate.existing)}, already in "
                "this store.", "Record what the partners sent on that family's record instead.")
        if not candidate.qualifies:
            raise UserFacingError("This household does not meet the criteria.",
                                  "Only households that meet them become families.")
        if candidate.deleted_before and not despite_deletion:
            raise UserFacingError(
                f"{len(candidate.deleted_before)} member(s) of this household were deleted "
                "from the programme before (a deletion marker matches).",
                "Check the retention review that deleted them before creating the family.")
        family = replace(candidate.family, reference=reference, key_worker=key_worker)
        with transaction(self._conn):
            saved = FamilyRepository(self._conn, today=self._clock.today).add(family)
            assert saved.id is not None
            self._repo().delete_rows(candidate.row_ids)
            self._audit().record(AuditAction.CREATE, "family", saved.id,
                                 f"members={len(saved.members)} from=partner-data "
                                 f"rows={len(candidate.row_ids)}")
        return saved

    # -- finishing -----------------------------------------------------------------------
    def finish(self, *, undecided_as_different: bool = False,
               progress: Progress = NO_PROGRESS) -> list[FileOutcome]:
        """Delete everything about people whose households do not meet the criteria.

        Matches again first, so what is deleted follows the rows and decisions as they are
        now, whatever screen or report the team lead looked at."""
        require(self.role, LeadAction.PARTNER_IMPORT)
        result = self.match()
        if result.linkage.uncertain and not undecided_as_different:
            raise UndecidedMatchesError(len(result.linkage.uncertain))
        progress.step(1, 3)
        kept = {rid for c in result.qualifying for rid in c.row_ids}
        linked = _linked_rows(result)
        repo = self._repo()
        files = repo.files()
        all_rows = repo.rows(f.id for f in files)
        idents = repo.identities(f.id for f in files)
        gone = [r for r in all_rows if (r.id or 0) not in kept]
        kept_identities = {idents[i] for i in kept if i in idents}
        forget = {idents[r.id or 0] for r in gone} - kept_identities
        outcomes: list[FileOutcome] = []
        with transaction(self._conn):
            repo.delete_rows(r.id or 0 for r in gone)
            forgotten = repo.forget_decisions(forget)
            for f in files:
                mine = [r for r in all_rows if r.file_id == f.id]
                if f.finished_at is not None and not mine:
                    continue
                matched = sum(1 for r in mine if (r.id or 0) in linked)
                kept_n = sum(1 for r in mine if (r.id or 0) in kept)
                deleted = len(mine) - kept_n
                received = f.rows_received if f.finished_at is None else len(mine)
                if f.finished_at is None:
                    repo.finish_file(f.id, matched, kept_n, deleted)
                outcomes.append(FileOutcome(f.id, f.exchange_id, f.sha256, received, matched,
                                            kept_n, deleted))
                self._audit().record(
                    AuditAction.DELETE, "partner-file", f.id,
                    f"exchange={f.exchange_id} sha256={f.sha256} rows-received={received} "
                    f"rows-matched={matched} rows-kept={kept_n} rows-deleted={deleted}")
            self._audit().record(AuditAction.DELETE, "partner-match", "finish",
                                 f"files={len(outcomes)} rows-deleted={len(gone)} "
                                 f"decisions-deleted={forgotten}")
        progress.step(2, 3)
        self._secure_erase()
        progress.step(3, 3)
        return outcomes

    def _secure_erase(self) -> None:
        try:
            checkpointed = compact_freed_pages(self._conn)
        except (DatabaseError, UserFacingError) as exc:
            log.warning("secure erase failed: %s", type(exc).__name__)
            raise SecureEraseError() from exc
        if not checkpointed:
            raise SecureEraseError()


def _linked_rows(result: MatchResult) -> set[int]:
    """Rows linked to another record: a second row or a family member."""
    out: set[int] = set()
    for h in result.linkage.households:
        for person in h.people:
            if len(person) > 1:
                out.update(int(k[4:]) for k in person if k.startswith("row:"))
    return out


def _hash(salt: str, text: str) -> str:
    return hashlib.sha256(f"{salt}|{text}".encode()).hexdigest()


def _identity(salt: str, row: PartnerRow) -> str:
    return _hash(salt, identity_text(row))


def _identity_of(salt: str, record: LinkRecord) -> str:
    row = PartnerRow(0, record.given_names, record.family_name, record.date_of_birth, "")
    return _hash(salt, identity_text(row))


__all__ = ["STORE", "FileOutcome", "Imported", "MatchResult", "PartnerService",
           "UndecidedMatchesError"]
