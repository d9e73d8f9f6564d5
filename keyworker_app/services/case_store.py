"""The case store as the app and the command line see it: create, unlock, administer.

This module is the seam between the use cases and the storage layers. It owns the
transactions and writes the audit events; the GUI and CLI call it and nothing below.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from keyworker_app.domain.audit import Actor, AuditAction
from keyworker_app.domain.changes import Changes
from keyworker_app.domain.chronology import EntryKind, Significance
from keyworker_app.domain.dates import file_stamp
from keyworker_app.domain.draft import Draft
from keyworker_app.domain.family import (
    CaseNote,
    Family,
    FamilyStatus,
    FamilySummary,
    NoteAmendment,
)
from keyworker_app.domain.family_rules import closure_problems
from keyworker_app.domain.passphrase import assess
from keyworker_app.domain.policy import Policy
from keyworker_app.domain.problems import require_valid
from keyworker_app.domain.provenance import Source
from keyworker_app.domain.record_text import RecordHit
from keyworker_app.domain.references import next_reference, reference_prefix
from keyworker_app.errors import (
    AuditTrailWarning,
    DiskFullError,
    NoKeyringError,
    SchemaUpgradeNeededError,
    StoreMissingError,
    UserFacingError,
    WeakPassphraseError,
)
from keyworker_app.paths import StorePaths
from keyworker_app.security.audit_keys import CHECKPOINT
from keyworker_app.security.device_secret import DeviceSecrets
from keyworker_app.security.kdf import KdfParams
from keyworker_app.services.clock import Clock, SystemClock
from keyworker_app.store import change_log, chronology_marks, meta
from keyworker_app.store.audit import AuditLog
from keyworker_app.store.audit_checkpoint import (
    Checkpoint,
    CheckpointResult,
    check_checkpoint,
    make_checkpoint,
)
from keyworker_app.store.audit_head import AuditHeadFile
from keyworker_app.store.audit_integrity import HEAD_KEPT, Findings, unlock_findings
from keyworker_app.store.connection import Connection, transaction
from keyworker_app.store.drafts import DraftRepository
from keyworker_app.store.instance_lock import InstanceLock
from keyworker_app.store.page_check import PageCheck
from keyworker_app.store.repositories import FamilyRepository
from keyworker_app.store.schema import SCHEMA_VERSION, current_version, migrate
from keyworker_app.store.vault import Unlocked, Vault
from keyworker_app.store.verify import VerifyReport, verify_store

if TYPE_CHECKING:  # loaded on first use, not while the app starts
    from keyworker_app.services.handover import HandoverService
    from keyworker_app.services.meetings import MeetingService
    from keyworker_app.services.partner_data import PartnerService
    from keyworker_app.services.programme import ProgrammeService
    from keyworker_app.services.suspensions import SuspensionService

log = logging.getLogger("keyworker.services")

UPGRADE_BACKUPS = "upgrade-backups"  # inside the store folder: backups made before upgrades

CASELOAD_LIMIT = 1_000_000
RECORD_HITS = 200  # full-text hits shown at most: a key worker then adds a word
# Repeated failures are offered as a possible breach (§12); the policy's
# breach.failed_unlocks_to_report sets the number (this is its default).
FAILED_UNLOCKS_TO_REPORT = 3


def require_strong(passphrase: str) -> None:
    strength = assess(passphrase)
    if not strength.acceptable:
        raise WeakPassphraseError(strength.problem)


class CaseSession:
    """An unlocked store. Implements ``services.api.Session``."""

    def __init__(self, conn: Connection, actor: Actor, clock: Clock,
                 on_close: Callable[[], None] | None = None, *,
                 page_check: PageCheck | None = None,
                 head: AuditHeadFile | None = None,
                 background: Connection | None = None) -> None:
        self._conn: Connection | None = conn
        self._background_conn = background
        self._background: CaseSession | None = None
        self._actor = actor
        self._clock = clock
        self._on_close = on_close
        self._page_check = page_check
        self.head = head
        # What the key worker must be told now that the store is open (shown, not raised).
        self.warnings: list[UserFacingError] = []
        self.notices: list[str] = []
        self._listener: Callable[[Changes], None] | None = None
        self._watch(conn)

    def _watch(self, conn: Connection) -> None:
        """Every committed transaction on ``conn`` reports what it wrote to the listener."""
        change_log.track(conn)
        if hasattr(conn, "on_commit"):  # a store.connection.StoreConnection
            setattr(conn, "on_commit", self._committed)  # noqa: B010 - not in the protocol

    def _committed(self, changes: Changes) -> None:
        listener = self._listener
        if listener is not None:
            listener(changes)

    def background(self) -> CaseSession:
        """The same store on its own connection, for whole-store work on one worker thread
        at a time (the PbR claim, the caseload's criteria): it reads beside the GUI thread's
        connection, and what it commits is reported to the same listener. Without a second
        connection (a store just created) it is this session, and the work must then not
        overlap the GUI's."""
        if self._background_conn is None:
            return self
        if self._background is None:
            self._background = CaseSession(self._background_conn, self._actor, self._clock)
            self._background.set_change_listener(self._committed)
            if self.head is not None:
                self.head.attach(self._background_conn)
        return self._background

    def interrupt_background(self) -> None:
        """Stop the statement the background connection is running (any thread)."""
        interrupt = getattr(self._background_conn, "interrupt", None)
        if interrupt is not None:
            interrupt()

    def set_change_listener(self, listener: Callable[[Changes], None] | None) -> None:
        """One listener (the GUI) hears, once per committed operation, which families and
        kinds of record it wrote — from whichever thread committed it."""
        self._listener = listener

    # -- plumbing -------------------------------------------------------------
    @property
    def actor(self) -> Actor:
        return self._actor

    @property
    def is_open(self) -> bool:
        return self._conn is not None

    @property
    def connection(self) -> Connection:
        if self._conn is None:
            raise UserFacingError("The case store is locked.", "Unlock it and try again.")
        return self._conn

    def audit(self) -> AuditLog:
        return AuditLog(self.connection, self._actor, self._clock.now)

    def families(self) -> FamilyRepository:
        return FamilyRepository(self.connection, today=self._clock.today)

    def record(self, action: AuditAction, object_type: str, object_id: str | int,
               detail: str = "") -> None:
        """An audit event in its own transaction (for reads such as views)."""
        with transaction(self.connection):
            self.audit().record(action, object_type, object_id, detail)

    # -- caseload -------------------------------------------------------------
    def family_ids(self, sort_key: str = "reference", descending: bool = False,
                   status: FamilyStatus | None = None) -> list[int]:
        return self.families().ids_sorted(sort_key, descending, status)

    def summaries(self, ids: Sequence[int]) -> list[FamilySummary]:
        return self.families().summaries(ids)

    def search(self, text: str) -> list[int]:
        # Every match, unsorted (the caseload shows them in its own order): the caseload
        # shows "N of M families", so a cap would mislead.
        return self.families().search(text, limit=CASELOAD_LIMIT, ordered=False)

    def search_records(self, text: str, limit: int = RECORD_HITS) -> list[RecordHit]:
        from keyworker_app.store.fulltext import search_records

        return search_records(self.connection, text, limit)

    def view_family(self, family_id: int) -> Family:
        family = self.families().get(family_id)
        self.record(AuditAction.VIEW, "family", family_id)
        return family

    def _refuse_suspended_sources(self, family: Family) -> None:
        """No new record from a partner while the agreement is suspended for it (ISA §15)."""
        from keyworker_app.domain.suspension import family_refusal
        from keyworker_app.store.suspension_repo import SuspensionRepository

        suspensions = SuspensionRepository(self.connection, self._clock.now).all()
        if not suspensions:
            return
        reason = family_refusal(suspensions, None, family, self._clock.today())
        if reason is not None:
            raise UserFacingError(reason, "Nothing was saved. Record it when the suspension "
                                  "ends or is lifted.")

    def _refuse_read_only(self, family_id: int) -> None:
        """A copy from another store, or a case handed over from this one, takes no changes."""
        from keyworker_app.services.handover import refuse_read_only
        from keyworker_app.store.handover_repo import HandoverRepository

        refuse_read_only(HandoverRepository(self.connection, self._clock.now), family_id)

    def handover(self, policy: Policy) -> HandoverService:
        """This store's contact card, colleagues' cards, and handover bundles."""
        from keyworker_app.services.handover import HandoverService

        return HandoverService(self.connection, self.audit, self._clock, self._actor, policy)

    def add_family(self, family: Family) -> Family:
        self._refuse_suspended_sources(family)
        with transaction(self.connection):
            saved = self.families().add(family)
            assert saved.id is not None
            self.audit().record(AuditAction.CREATE, "family", saved.id,
                                f"members={len(saved.members)}")
        return saved

    def suggest_reference(self) -> str:
        """The next free reference of this year's pattern, for a new referral's form."""
        year = self._clock.today().year
        return next_reference(year, self.families().references_starting(
            reference_prefix(year)))

    def import_families(self, families: Sequence[Family], source: str) -> list[Family]:
        """All or nothing: one transaction for the whole file."""
        saved: list[Family] = []
        for family in families:
            self._refuse_suspended_sources(family)
        with transaction(self.connection):
            repo = self.families()
            for family in families:
                saved.append(repo.add(family))
            self.audit().record(AuditAction.IMPORT, "families", source,
                                f"families={len(saved)}")
        return saved

    def update_family(self, family: Family, base: Family) -> Family:
        """Save the user's change: ``family`` is ``base`` (the copy the window read) as the
        user edited it. Only the difference is written, so other windows' additions stay;
        a record changed elsewhere since ``base`` was read raises ``StaleRecordError`` and
        nothing is saved. Returns the family as stored now."""
        if family.id is None:
            raise ValueError("update_family needs a saved family")
        self._refuse_read_only(family.id)
        self._refuse_suspended_sources(family)
        with transaction(self.connection):
            saved = self.families().update(family, base)
            self.audit().record(AuditAction.UPDATE, "family", family.id)
        return saved

    def complete_sources(self, base: Family, chosen: Mapping[str, Source],
                         policy: Policy) -> Family:
        """Set the source of records that said "unknown" (keys from
        ``domain.source_completion.records_to_complete(base)``); audited with the count."""
        from keyworker_app.domain.source_completion import completion_problems, with_sources

        if base.id is None:
            raise ValueError("complete_sources needs a saved family")
        if not chosen:
            raise UserFacingError("No source was chosen.",
                                  "Choose where at least one record came from, then save.")
        require_valid(completion_problems(chosen, policy))
        self._refuse_read_only(base.id)
        with transaction(self.connection):
            saved = self.families().update(with_sources(base, chosen), base)
            self.audit().record(AuditAction.UPDATE, "family", base.id,
                                f"sources completed={len(chosen)}")
        return saved

    def add_note(self, family_id: int, note: CaseNote) -> Family:
        """Add one contact-log entry to a family; nothing else of the record is written."""
        self._refuse_read_only(family_id)
        with transaction(self.connection):
            repo = self.families()
            current = repo.get(family_id)
            self._refuse_suspended_sources(replace(current, notes=(note,), members=(),
                                                   asb_interventions=(), concerns=()))
            saved = repo.update(replace(current, notes=(*current.notes, note)), current)
            self.audit().record(AuditAction.UPDATE, "family", family_id, "note added")
        return saved

    def amend_note(self, family_id: int, note_id: int, reason: str, text: str) -> Family:
        """Add an amendment to a case note, by the signed-in worker, now; the note's original
        text is kept. Refused plainly without a reason or new text."""
        reason, text = reason.strip(), text.strip()
        if not reason or not text:
            raise UserFacingError("An amendment needs the amended text and a reason for it.",
                                  "Type both, then save again. Nothing was changed.")
        self._refuse_read_only(family_id)
        with transaction(self.connection):
            self.families().add_amendment(
                family_id, note_id, NoteAmendment(self._clock.now(), self._actor.name, reason,
                                                  text))
            self.audit().record(AuditAction.UPDATE, "family", family_id,
                                f"note {note_id} amended")
        return self.families().get(family_id)

    def close_family(self, family_id: int, closed_on: date, reason: str) -> Family:
        self._refuse_read_only(family_id)
        require_valid(closure_problems(self.families().get(family_id), closed_on, reason,
                                       self._clock.today()))
        with transaction(self.connection):
            self.families().close(family_id, closed_on, reason)
            self.audit().record(AuditAction.UPDATE, "family", family_id, "closed")
        return self.families().get(family_id)

    def chronology_marks(self, family_id: int) -> tuple[Significance, ...]:
        return chronology_marks.marks(self.connection, family_id)

    def mark_significant(self, family_id: int, kind: EntryKind, record: str,
                         reason: str) -> None:
        reason = reason.strip()
        if not reason:
            raise UserFacingError("A significant event needs the reason it is significant.",
                                  "Type the reason, then save again. Nothing was changed.")
        if not record:
            raise UserFacingError("This entry is not saved yet, so it cannot be marked.",
                                  "Save the record first. Nothing was changed.")
        with transaction(self.connection):
            self.families().get(family_id)  # refuses a family that is not there
            mark = Significance(kind, record, reason, self._actor.name, self._clock.now())
            again = chronology_marks.put(self.connection, family_id, mark)
            self.audit().record(AuditAction.UPDATE, "family", family_id,
                                f"chronology {kind.value} {record} "
                                + ("significance reason changed" if again
                                   else "marked significant"))

    def unmark_significant(self, family_id: int, kind: EntryKind, record: str) -> None:
        with transaction(self.connection):
            if chronology_marks.remove(self.connection, family_id, kind, record):
                self.audit().record(AuditAction.UPDATE, "family", family_id,
                                    f"chronology {kind.value} {record} no longer significant")

    def reopen_family(self, family_id: int) -> Family:
        """Open a closed case again: active, with no closing date or reason (the closure
        stays in the audit trail)."""
        self._refuse_read_only(family_id)
        with transaction(self.connection):
            repo = self.families()
            current = repo.get(family_id)
            if current.closed_on is None and current.status is not FamilyStatus.CLOSED:
                raise UserFacingError("This case is not closed.", "Nothing was changed.")
            saved = repo.update(replace(current, status=FamilyStatus.ACTIVE, closed_on=None,
                                        closure_reason=""), current)
            self.audit().record(AuditAction.UPDATE, "family", family_id, "reopened")
        return saved

    def meetings(self, policy: Policy) -> MeetingService:
        """TAF meetings, the family plan, consent and shared information."""
        from keyworker_app.services.meetings import MeetingService

        return MeetingService(self.connection, self.audit, self._clock, self._actor.name, policy,
                              organisation=self._actor.organisation)

    def suspensions(self, policy: Policy) -> SuspensionService:
        """Suspensions of the agreement (ISA §15) and the refusals they cause."""
        from keyworker_app.services.suspensions import SuspensionService

        return SuspensionService(self.connection, self.audit, self._clock, self._actor, policy)

    def partners(self, policy: Policy) -> PartnerService:
        """Partner data sets: import, matching, evaluation and finishing (ISA §4.3.1)."""
        from keyworker_app.services.partner_data import PartnerService

        return PartnerService(self.connection, self.audit, self._clock, policy,
                              role=self._actor.role)

    def programme(self, policy: Policy) -> ProgrammeService:
        """Criteria, results and claims; retention review; subject access; breaches."""
        from keyworker_app.services.programme import ProgrammeService

        return ProgrammeService(self.connection, self.audit, self._clock, self._actor.name,
                                policy, role=self._actor.role)

    # -- drafts ---------------------------------------------------------------
    def save_draft(self, form: str, record_key: str, payload: dict[str, Any]) -> Draft:
        with transaction(self.connection):
            return DraftRepository(self.connection).save(form, record_key, payload,
                                                         self._clock.now())

    def drafts(self) -> list[Draft]:
        return DraftRepository(self.connection).all()

    def set_aside_draft(self, draft_id: int) -> None:
        with transaction(self.connection):
            DraftRepository(self.connection).set_aside(draft_id)

    def discard_draft(self, draft_id: int) -> None:
        with transaction(self.connection):
            DraftRepository(self.connection).delete(draft_id)

    # -- lifecycle ------------------------------------------------------------
    def verify(self) -> VerifyReport:
        return verify_store(self.connection, self.head)

    # -- audit checkpoints ----------------------------------------------------
    def export_checkpoint(self, dest: Path, *, force: bool = False) -> Checkpoint:
        """Write the trail's end to ``dest`` for the IG officer to keep off the laptop;
        audited once the file exists."""
        from keyworker_app.services.secure_file import SecureFileWriter

        head = self._require_head()
        SecureFileWriter.check_destination(dest, force)
        point, data = make_checkpoint(self.connection, head.store_id,
                                      head.derived_key(CHECKPOINT), self._clock.now())
        SecureFileWriter.write(data, dest, "", replace=force, pdf=False)
        self.record(AuditAction.AUDIT_CHECKPOINT, "audit", "-", f"rows={point.rows}")
        return point

    def check_checkpoint(self, src: Path) -> CheckpointResult:
        """Compare this store's history with a checkpoint exported earlier."""
        head = self._require_head()
        try:
            with open(src, "rb") as handle:
                raw = handle.read(1024 * 1024)
        except OSError as exc:
            raise UserFacingError(f"Cannot read {src.name}: {exc.strerror}.",
                                  "Check the file name and try again.") from None
        try:
            return check_checkpoint(self.connection, head.store_id,
                                    head.derived_key(CHECKPOINT), raw)
        except ValueError as exc:
            raise UserFacingError(f"{src.name} cannot be checked: {exc}.",
                                  "Use a checkpoint exported from this store with "
                                  "'keyworker audit --export'.") from None

    def _require_head(self) -> AuditHeadFile:
        if self.head is None:
            raise UserFacingError("The audit trail's keys are not at hand.",
                                  "Lock the store, unlock it again and retry.")
        return self.head

    def check_pages(self) -> bool:
        """Read every page once on the check's own connection (safe on a worker thread).

        False when there was nothing to check (already run, or the store locked first);
        raises ``StoreDamagedError`` when a page fails its HMAC."""
        return self._page_check is not None and self._page_check.run()

    def lock(self) -> None:
        if self._conn is None:
            return
        try:
            self.record(AuditAction.LOCK, "store", "-")
        except UserFacingError:
            log.warning("lock event could not be audited")
        finally:
            self._listener = None
            if self._page_check is not None:
                self._page_check.cancel()
            self._conn.close()
            self._conn = None
            if self._background_conn is not None:
                self._background_conn.close()
                self._background_conn = None
                if self._background is not None:
                    self._background._conn = None
            if self.head is not None:
                self.head.wipe()
            if self._on_close is not None:
                self._on_close()
            log.info("store locked")


class CaseStore:
    """A store on disk. Implements ``services.api.CaseStoreService``."""

    def __init__(self, paths: StorePaths, secrets: DeviceSecrets | None = None,
                 clock: Clock | None = None, kdf: KdfParams | None = None, *,
                 failed_unlocks_to_report: int = FAILED_UNLOCKS_TO_REPORT) -> None:
        self.paths = paths
        self.failed_unlocks_to_report = failed_unlocks_to_report
        self.secrets = secrets or DeviceSecrets()
        self.clock = clock or SystemClock()
        self.vault = Vault(paths, self.secrets, kdf=kdf)
        # One Keyworker at a time per store; the OS lets go if this process dies.
        self.instance = InstanceLock(paths.instance_lock)

    def exists(self) -> bool:
        return self.paths.header.exists() or self.paths.database.exists()

    def require_exists(self) -> None:
        if not self.exists():
            raise StoreMissingError(str(self.paths.root))

    def keyring_problem(self) -> str | None:
        try:
            self.secrets.check_usable()
        except NoKeyringError as exc:
            return str(exc)
        return None

    def throttle_wait(self) -> float:
        return self.vault.throttle_wait()

    def key_header_problems(self) -> list[str]:
        return self.vault.key_header_problems()

    def backup_opens_here(self, src: Path) -> bool:
        return self.vault.backup_opens_here(src)

    def open_elsewhere(self) -> bool:
        """True while another Keyworker window or command has this store open."""
        return self.instance.held_elsewhere()

    def _claim(self, exclusive: bool) -> Callable[[], None] | None:
        """Take the single-instance lock (``StoreInUseError`` if another Keyworker has it);
        returns what lets it go again, for the session to call when it locks."""
        if not exclusive:
            return None
        self.instance.acquire()
        return self.instance.release

    def _head(self, store_id: str, audit_key: bytes) -> AuditHeadFile:
        return AuditHeadFile(self.paths.audit_head, store_id, audit_key)

    def _backup_before_upgrade(self, conn: Connection, upgrade: bool
                               ) -> tuple[int, Path] | None:
        """An encrypted backup of a store from an earlier version, before it is upgraded:
        (its version, the backup) or None when there is nothing to upgrade."""
        version = current_version(conn)
        if version == 0 or version >= SCHEMA_VERSION:
            return None
        if not upgrade:
            raise SchemaUpgradeNeededError(version, SCHEMA_VERSION)
        folder = self.paths.root / UPGRADE_BACKUPS
        folder.mkdir(mode=0o700, exist_ok=True)
        stamp = file_stamp(self.clock.now())
        dest = folder / f"before-v{SCHEMA_VERSION}-from-v{version}-{stamp}.kwbackup"
        self.vault.backup(conn, dest, replace=False)
        log.info("store backed up before upgrading from schema %d", version)
        return version, dest

    def _session(self, unlocked: Unlocked, first_event: AuditAction,
                 on_close: Callable[[], None] | None, upgrade: bool = True) -> CaseSession:
        conn = unlocked.conn
        head = self._head(unlocked.store_id, unlocked.audit_key)
        # Checked before anything at all is written, migrations included.
        findings = unlock_findings(conn, head)
        upgraded = self._backup_before_upgrade(conn, upgrade)
        migrate(conn)
        owner = meta.get_owner(conn)
        if owner is None:
            raise UserFacingError("The case store has no owner recorded.",
                                  "Run 'keyworker verify' and contact your IT service desk.")
        session = CaseSession(conn, owner, self.clock, on_close=on_close,
                              page_check=unlocked.page_check, head=head,
                              background=unlocked.background)
        head.attach(conn)
        new = findings.new_problems(head.known())
        self._audit_opening(session, unlocked, findings, new, first_event)
        self._identity_and_copies(conn, owner)
        if upgraded is not None:
            old, backup = upgraded
            session.record(AuditAction.SCHEMA_UPGRADED, "store", "-",
                           f"from=v{old} to=v{SCHEMA_VERSION} backup={backup.name}")
            session.notices.append(
                f"This store was made by an earlier version of Keyworker and has been "
                f"upgraded (format v{old} to v{SCHEMA_VERSION}). An encrypted backup of it "
                f"as it was is at {backup}.")
        if new:
            log.warning("audit trail: %d new problem(s) found at unlock", len(new))
            session.warnings.append(AuditTrailWarning(new))
        if len(unlocked.failed_attempts) >= self.failed_unlocks_to_report:
            session.warnings.append(UserFacingError(
                f"{len(unlocked.failed_attempts)} failed attempts to unlock this store were "
                "made since it was last opened.",
                "If they were not yours, record a possible breach (attempts to gain "
                "unauthorised access, ISA §12) under Programme → Breach records and tell "
                "your information-governance officer."))
        return session

    def _identity_and_copies(self, conn: Connection, owner: Actor) -> None:
        """The store's key pairs, made once (at init, or on the first opening after the
        upgrade to schema 13); and TAF-preparation copies deleted when their day has come."""
        from keyworker_app.services.handover import ensure_identity, expire_copies

        audit = AuditLog(conn, owner, self.clock.now)
        ensure_identity(conn, audit, self.clock)
        expire_copies(conn, audit, self.clock)

    @staticmethod
    def _audit_opening(session: CaseSession, unlocked: Unlocked, findings: Findings,
                       new: Sequence[str], first_event: AuditAction) -> None:
        conn = session.connection
        with transaction(conn):
            audit = session.audit()
            for problem in new:
                audit.record(AuditAction.AUDIT_PROBLEM, "audit", "-", problem)
            if findings.rows_after_head:
                # An interrupted write: committed rows the head file had not caught up with.
                audit.record(AuditAction.AUDIT_HEAD_CAUGHT_UP, "audit", "-",
                             f"rows={findings.rows_after_head}")
            if unlocked.attempt_record_lost:
                audit.record(AuditAction.UNLOCK_FAILED, "store", "-",
                             "the record of failed unlocks was missing or altered")
            for when in unlocked.failed_attempts:
                audit.record(AuditAction.UNLOCK_FAILED, "store", "-", f"at={when}")
            audit.record(first_event, "store", "-")
            meta.set_value(conn, HEAD_KEPT, "1")
            if session.head is not None:
                session.head.remember(findings.problems)

    def _opened(self, unlocked: Unlocked, first_event: AuditAction,
                release: Callable[[], None] | None, upgrade: bool = True) -> CaseSession:
        """The session, once the failed attempts are in the audit trail (and only then
        taken off the attempt record)."""
        try:
            session = self._session(unlocked, first_event, release, upgrade)
        except BaseException:
            unlocked.close()
            raise
        unlocked.attempts_audited()
        return session

    def create(self, passphrase: str, owner: Actor) -> tuple[CaseSession, str]:
        require_strong(passphrase)
        created = self.vault.create(passphrase)
        try:
            release = self._claim(exclusive=True)
        except BaseException:
            created.close()
            raise
        conn = created.conn
        head = self._head(created.store_id, created.audit_key)
        migrate(conn)
        head.attach(conn)
        with transaction(conn):
            meta.set_owner(conn, owner)
            meta.set_value(conn, HEAD_KEPT, "1")
            AuditLog(conn, owner, self.clock.now).record(
                AuditAction.STORE_CREATED, "store", created.store_id)
        self._identity_and_copies(conn, owner)
        log.info("store created id=%s", created.store_id)
        session = CaseSession(conn, owner, self.clock, on_close=release, head=head)
        return session, created.recovery_key

    def unlock(self, passphrase: str, *, exclusive: bool = True,
               upgrade: bool = True) -> CaseSession:
        """Open the store. ``exclusive`` (the app and every command that changes records)
        first takes the single-instance lock, so a second Keyworker is told the store is
        open elsewhere before any passphrase is tried. Commands that only read (verify,
        audit, export) pass ``exclusive=False`` and may run beside the app: their own few
        writes (audit events) are safe under SQLite's locking."""
        self.require_exists()
        release = self._claim(exclusive)
        try:
            unlocked = self.vault.unlock(passphrase)
            # upgrade=False: a store from an earlier version raises SchemaUpgradeNeededError
            # (nothing written) so the app can ask first.
            return self._opened(unlocked, AuditAction.UNLOCK, release, upgrade)
        except BaseException:
            if release is not None:
                release()
            raise

    def recover(self, recovery_key: str, new_passphrase: str) -> CaseSession:
        self.require_exists()
        require_strong(new_passphrase)
        release = self._claim(exclusive=True)
        try:
            unlocked = self.vault.unlock_with_recovery(recovery_key, new_passphrase)
            return self._opened(unlocked, AuditAction.RECOVERED, release)
        except BaseException:
            if release is not None:
                release()
            raise

    def verify(self, passphrase: str) -> VerifyReport:
        """Check everything before this unlock writes a thing; never migrates. The unlock
        is audited afterwards only when the schema is current. Reads only, so it may run
        beside the app."""
        self.require_exists()
        unlocked = self.vault.unlock(passphrase)
        try:
            report = verify_store(unlocked.conn,
                                  self._head(unlocked.store_id, unlocked.audit_key))
        except BaseException:
            unlocked.close()
            raise
        if report.schema_version != SCHEMA_VERSION:
            unlocked.close()
            return report
        self._opened(unlocked, AuditAction.UNLOCK, None).lock()
        return report

    def change_passphrase(self, old: str, new: str) -> None:
        self.require_exists()
        require_strong(new)
        session = self.unlock(old)
        try:
            self.vault.change_passphrase(old, new)
            session.record(AuditAction.PASSPHRASE_CHANGED, "store", "-")
        finally:
            session.lock()

    def rotate_key(self, passphrase: str) -> str:
        session = self.unlock(passphrase)
        try:
            recovery = self.vault.rotate_key(session.connection, passphrase, session.head)
            session.record(AuditAction.KEY_ROTATED, "store", "-")
        finally:
            session.lock()
        return recovery

    def backup(self, passphrase: str, dest: Path, *, force: bool = False) -> None:
        """One encrypted backup file. A missing folder, a folder, an existing file (unless
        ``force``), a full disk: each its own message, and nothing is changed."""
        from keyworker_app.services.secure_file import SecureFileWriter

        SecureFileWriter.check_destination(dest, force)  # before any passphrase is tried
        # A backup only reads (and audits), so it may run while the app has the store open.
        session = self.unlock(passphrase, exclusive=False)
        try:
            try:
                self.vault.backup(session.connection, dest, replace=force)
            except FileExistsError:
                raise UserFacingError(
                    f"A file named {dest.name} appeared while the backup was being made.",
                    "Nothing was replaced. Choose another name and back up again.") from None
            except DiskFullError:
                raise UserFacingError(
                    "The disk is full, so the backup was not written.",
                    "Free some space or choose another drive; no partial file was left "
                    "behind.") from None
            # Only once the file exists: the trail never claims a backup that failed.
            session.record(AuditAction.BACKUP, "store", "-")
        finally:
            session.lock()

    def restore(self, src: Path, passphrase: str, recovery_key: str | None) -> None:
        """Restore into an empty folder; a recovery key re-binds it to this computer."""
        if recovery_key:
            require_strong(passphrase)
        unlocked = self.vault.restore(src, recovery_key, passphrase)
        try:
            # A new head for the restored copy; the chain itself is checked on opening.
            self.paths.audit_head.unlink(missing_ok=True)
            self._head(unlocked.store_id, unlocked.audit_key).sync(unlocked.conn)
        except BaseException:
            unlocked.close()
            raise
        self._opened(unlocked, AuditAction.RESTORE, None).lock()
