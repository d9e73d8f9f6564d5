"""The service interface the desktop app and the command line use.

The GUI talks only to these two objects: ``CaseStoreService`` (a store that may be
locked) and ``Session`` (an unlocked store). It never sees SQL or key material.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from keyworker_app.domain.audit import Actor, AuditAction
from keyworker_app.domain.changes import Changes
from keyworker_app.domain.chronology import EntryKind, Significance
from keyworker_app.domain.draft import Draft
from keyworker_app.domain.family import CaseNote, Family, FamilyStatus, FamilySummary
from keyworker_app.domain.record_text import RecordHit
from keyworker_app.errors import UserFacingError

if TYPE_CHECKING:
    from keyworker_app.domain.policy import Policy
    from keyworker_app.domain.provenance import Source
    from keyworker_app.services.handover import HandoverService
    from keyworker_app.services.meetings import MeetingService
    from keyworker_app.services.partner_data import PartnerService
    from keyworker_app.services.programme import ProgrammeService
    from keyworker_app.services.suspensions import SuspensionService

SORT_KEYS = ("reference", "family_name", "members", "status", "key_worker", "review_due")


class Session(Protocol):
    """An unlocked case store. Every method raises UserFacingError for known problems."""

    # Found or done while opening (a changed audit trail, a schema upgrade): shown to
    # the key worker once the store is open, never raised, so work can go on.
    warnings: list[UserFacingError]
    notices: list[str]

    @property
    def actor(self) -> Actor: ...

    @property
    def is_open(self) -> bool: ...

    def family_ids(
        self, sort_key: str = "reference", descending: bool = False,
        status: FamilyStatus | None = None,
    ) -> list[int]: ...

    def summaries(self, ids: Sequence[int]) -> list[FamilySummary]: ...

    def search(self, text: str) -> list[int]: ...

    def search_records(self, text: str, limit: int = ...) -> list[RecordHit]:
        """Records (notes, amendments, TAF meetings, concerns, offences...) holding every
        word typed, the last word as a prefix; never an error for odd input."""
        ...

    def view_family(self, family_id: int) -> Family:
        """Read a whole family record; an audited 'view' event."""
        ...

    def record(self, action: AuditAction, object_type: str, object_id: str | int,
               detail: str = "") -> None:
        """One audit event in its own transaction (services such as export use it)."""
        ...

    def add_family(self, family: Family) -> Family:
        """A new family (a referral) and everything typed with it, in one transaction,
        audited; ``InvalidRecordError`` (nothing saved) if it breaks a rule."""
        ...

    def import_families(self, families: Sequence[Family], source: str) -> list[Family]:
        """All or nothing: the whole file in one transaction, audited with its name."""
        ...

    def suggest_reference(self) -> str:
        """The next free reference of this year's pattern ("KW-2026-014")."""
        ...

    def complete_sources(self, base: Family, chosen: Mapping[str, Source],
                         policy: Policy) -> Family:
        """Set the source of records that said "unknown" (keys from
        ``domain.source_completion.records_to_complete``); audited."""
        ...

    def update_family(self, family: Family, base: Family) -> Family:
        """Save the user's change from ``base`` (the copy they edited) to ``family``; only
        the difference is written. Raises ``StaleRecordError`` (nothing saved) when a record
        they changed was changed elsewhere since ``base`` was read."""
        ...

    def add_note(self, family_id: int, note: CaseNote) -> Family: ...

    def amend_note(self, family_id: int, note_id: int, reason: str, text: str) -> Family:
        """Amend a note (the original text is kept), as the signed-in worker, now, audited;
        ``UserFacingError`` without a reason or text."""
        ...

    def close_family(self, family_id: int, closed_on: date, reason: str) -> Family: ...

    def chronology_marks(self, family_id: int) -> tuple[Significance, ...]:
        """The entries of the family's chronology the workers marked significant."""
        ...

    def mark_significant(self, family_id: int, kind: EntryKind, record: str,
                         reason: str) -> None:
        """Mark a chronology entry significant (or give its mark a new reason), audited;
        ``UserFacingError`` without a reason."""
        ...

    def unmark_significant(self, family_id: int, kind: EntryKind, record: str) -> None:
        """Take the significance mark off a chronology entry, audited."""
        ...

    def reopen_family(self, family_id: int) -> Family:
        """A closed case made active again, audited."""
        ...

    def save_draft(self, form: str, record_key: str, payload: dict[str, Any]) -> Draft: ...

    def drafts(self) -> list[Draft]: ...

    def set_aside_draft(self, draft_id: int) -> None:
        """Keep a draft that cannot reopen its form, to be read until it is dismissed."""
        ...

    def discard_draft(self, draft_id: int) -> None: ...

    def handover(self, policy: Policy) -> HandoverService:
        """The store's contact card, colleagues' cards and handover bundles."""
        ...

    def meetings(self, policy: Policy) -> MeetingService:
        """TAF meetings, the family plan, consent and shared information (services.meetings)."""
        ...

    def suspensions(self, policy: Policy) -> SuspensionService:
        """Suspensions of the agreement, ISA §15 (services.suspensions)."""
        ...

    def partners(self, policy: Policy) -> PartnerService:
        """Partner data sets (ISA §4.3.1)."""
        ...

    def programme(self, policy: Policy) -> ProgrammeService:
        """Criteria, results, PbR claim, retention, subject access, breaches
        (services.programme)."""
        ...

    def background(self) -> Session:
        """The same store on its own connection, for whole-store work on a worker thread."""
        ...

    def interrupt_background(self) -> None:
        """Stop what the background connection is running (from any thread)."""
        ...

    def set_change_listener(self, listener: Callable[[Changes], None] | None) -> None:
        """Hear, once per committed operation, what it changed (any thread may call it)."""
        ...

    def check_pages(self) -> bool:
        """Read every page once and check its HMAC, on a connection of its own (run it on a
        worker thread after unlock). False if there was nothing to check; raises
        ``StoreDamagedError`` on damage."""
        ...

    def lock(self) -> None:
        """Audit the lock, close the store and overwrite held key material."""
        ...


class CaseStoreService(Protocol):
    """A case store on disk, locked until a passphrase opens it."""

    def exists(self) -> bool: ...

    def keyring_problem(self) -> str | None:
        """None when a secure OS keyring is usable, else what to install or enable."""
        ...

    def throttle_wait(self) -> float:
        """Seconds before another unlock attempt is allowed (0 when allowed)."""
        ...

    def open_elsewhere(self) -> bool:
        """True while another Keyworker window or command has the store open (unlocking
        would then be refused with ``StoreInUseError``)."""
        ...

    def create(self, passphrase: str, owner: Actor) -> tuple[Session, str]:
        """Create the store; returns the open session and the recovery key text."""
        ...

    def unlock(self, passphrase: str, *, exclusive: bool = True,
               upgrade: bool = True) -> Session:
        """``upgrade=False``: a store from an earlier version raises
        ``SchemaUpgradeNeededError`` (nothing written), so the app can ask first."""
        ...

    def recover(self, recovery_key: str, new_passphrase: str) -> Session: ...

    def change_passphrase(self, old: str, new: str) -> None:
        """Re-wrap the data key for ``new`` (``old`` must open the store), audited."""
        ...

    def backup(self, passphrase: str, dest: Path, *, force: bool = False) -> None:
        """One encrypted backup file at ``dest`` (refused plainly if it cannot be written)."""
        ...
