"""Handing cases between stores: the store's contact card, colleagues' cards, and signed,
encrypted bundles (a transfer, or a read-only copy for TAF preparation).

A bundle is HPKE-encrypted (RFC 9180) to the recipient's X25519 key with the clear header as
``info``, and the header (which names sender and recipient) with the ciphertext is signed with
the sender's Ed25519 key. Receiving checks, before anything is shown: the recipient is this
store, the sender is a contact, the signature holds, the bundle was not taken in before, it
has not expired, and it opens. Each refusal has its own message and changes nothing.

Both sides audit the bundle id, its SHA-256, the kind, the family references and the
counterpart's fingerprint, never a name.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

from keyworker_app.domain.audit import Actor, AuditAction, Role
from keyworker_app.domain.dates import format_date, iso_text, local_day
from keyworker_app.domain.disclosure import NO_BASIS, DisclosureBasis, require_basis
from keyworker_app.domain.disclosure import sources_needing_consent as needing_consent
from keyworker_app.domain.handover import (
    BundleFile,
    BundleHeader,
    BundleKind,
    BundleTamperedError,
    Contact,
    ContactCard,
    ExpiredBundleError,
    HandoverRules,
    ReadOnlyFamilyError,
    ReplayedBundleError,
    SenderKeeps,
    UnknownSenderError,
    WrongRecipientError,
    bundle_from_bytes,
    bundle_to_bytes,
    card_from_json,
    card_to_json,
    expiry_for,
    short_fingerprint,
)
from keyworker_app.domain.handover_merge import MergePreview, merge_family
from keyworker_app.domain.policy import Policy
from keyworker_app.domain.sources import receiving_partner
from keyworker_app.errors import UserFacingError
from keyworker_app.security.identity import OpenFailedError, StoreKeys, seal, signature_valid
from keyworker_app.services import bundle_payload
from keyworker_app.services.bundle_payload import FamilyRecords
from keyworker_app.services.clock import Clock
from keyworker_app.services.secure_file import SecureFileWriter
from keyworker_app.store import taf_read
from keyworker_app.store.audit import AuditLog
from keyworker_app.store.connection import Connection, transaction
from keyworker_app.store.family_read import load_family
from keyworker_app.store.handover_repo import HandoverRepository
from keyworker_app.store.programme_repo import ProgrammeRepository, compact_freed_pages
from keyworker_app.store.repositories import FamilyRepository
from keyworker_app.store.taf_repo import MeetingRepository

log = logging.getLogger("keyworker.handover")

HANDED_OVER_REASON = "Case handed over to another key worker's store"
MAX_BUNDLE_BYTES = 256 * 1024 * 1024  # far above any caseload; refused before it is read


def read_bundle_file(path: Path) -> bytes:
    """A bundle's bytes; a file far too large to be one is refused before it is read."""
    try:
        if path.stat().st_size > MAX_BUNDLE_BYTES:
            raise UserFacingError(f"{path.name} is far too large to be a Keyworker bundle.",
                                  "Check you chose the bundle you were sent. Nothing was "
                                  "imported.")
        return path.read_bytes()
    except OSError:
        raise UserFacingError(f"Cannot read {path.name}.",
                              "Check the file is the bundle you were sent.") from None


def ensure_identity(conn: Connection, audit: AuditLog, clock: Clock) -> bool:
    """Make the store's key pairs if it has none (a new store, or one from before schema 13).
    Runs in its own transaction; True when keys were made."""
    repo = HandoverRepository(conn, clock.now)
    if repo.keys() is not None:
        return False
    with transaction(conn):
        keys = StoreKeys.generate()
        repo.set_keys(keys)
        card_fp = ContactCard("", Role.KEY_WORKER, "", keys.encryption_public,
                              keys.signing_public).fingerprint
        audit.record(AuditAction.IDENTITY_CREATED, "store", "-",
                     f"fingerprint={short_fingerprint(card_fp)}")
    log.info("store identity created")
    return True


@dataclass(frozen=True, slots=True)
class OpenedBundle:
    """A bundle that passed every check, shown to the user before import."""

    header: BundleHeader
    sha256: str
    sender: Contact
    records: tuple[FamilyRecords, ...]
    merges: tuple[MergePreview, ...]  # families this store already has

    @property
    def references(self) -> tuple[str, ...]:
        return tuple(r.reference for r in self.records)


@dataclass(frozen=True, slots=True)
class SentBundle:
    path: Path
    bundle_id: str
    sha256: str
    references: tuple[str, ...]
    expires_on: date


class HandoverService:
    def __init__(self, conn: Connection, audit: Callable[[], AuditLog], clock: Clock,
                 owner: Actor, policy: Policy, *, rules: HandoverRules | None = None) -> None:
        self._conn = conn
        self._audit = audit
        self._clock = clock
        self.owner = owner
        self.policy = policy
        self.rules = rules or policy.handover

    def _repo(self) -> HandoverRepository:
        return HandoverRepository(self._conn, self._clock.now)

    def _keys(self) -> StoreKeys:
        keys = self._repo().keys()
        if keys is None:
            raise UserFacingError("This store has no identity keys yet.",
                                  "Lock and unlock the store once; they are made on opening.")
        return keys

    # -- identity and contacts --------------------------------------------------------------
    def my_card(self) -> ContactCard:
        keys = self._keys()
        return ContactCard(self.owner.name, self.owner.role, self.owner.organisation,
                           keys.encryption_public, keys.signing_public)

    def export_card(self, dest: Path, *, replace_file: bool = False) -> ContactCard:
        """The card as a small file (public keys and the owner's name, role, organisation)."""
        SecureFileWriter.check_destination(dest, replace_file)
        card = self.my_card()
        SecureFileWriter.write(card_to_json(card).encode("utf-8"), dest, "",
                               replace=replace_file, pdf=False)
        return card

    @staticmethod
    def read_card(path: Path) -> ContactCard:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            raise UserFacingError(f"Cannot read {path.name}.",
                                  "Check the file is the contact card you were sent.") from None
        return card_from_json(text, path.name)

    def add_contact(self, card: ContactCard) -> Contact:
        """Add a colleague's card, after the user compared its fingerprint with them."""
        if card.fingerprint == self.my_card().fingerprint:
            raise UserFacingError("That is this store's own contact card.",
                                  "Add the card of the colleague you will send to or receive "
                                  "from.")
        repo = self._repo()
        if repo.contact(card.fingerprint) is not None:
            raise UserFacingError("That contact card is already in your contacts.")
        with transaction(self._conn):
            contact = repo.add_contact(card)
            self._audit().record(AuditAction.CONTACT_ADDED, "contact", contact.id or 0,
                                 f"fingerprint={short_fingerprint(card.fingerprint)} "
                                 f"role={card.role.value}")
        return contact

    def contacts(self) -> list[Contact]:
        return self._repo().contacts()

    def find_contact(self, text: str) -> Contact:
        """A contact by fingerprint (hex or the grouped form, any prefix of 8+) or exact name."""
        wanted = "".join(text.split()).casefold()
        matches = [c for c in self.contacts()
                   if (len(wanted) >= 8 and (c.card.fingerprint.startswith(wanted) or
                       "".join(c.card.fingerprint_groups.split()).casefold().startswith(wanted)))
                   or c.card.name.casefold() == text.strip().casefold()]
        if len(matches) != 1:
            raise UserFacingError(
                "No contact matches that." if not matches else "More than one contact matches.",
                "Give the contact's fingerprint (see 'keyworker contact list').")
        return matches[0]

    # -- read-only families ---------------------------------------------------------------
    def read_only_reason(self, family_id: int) -> str | None:
        return read_only_reason(self._repo(), family_id)

    def refuse_read_only(self, family_id: int) -> None:
        refuse_read_only(self._repo(), family_id)

    # -- sending ---------------------------------------------------------------------------
    def _records(self, family_id: int) -> FamilyRecords:
        family = load_family(self._conn, family_id)
        meetings = taf_read.load_meetings(self._conn, "family_id = ?", (family_id,))
        shared = tuple(s for s in taf_read.family_shared(self._conn, family_id)
                       if s.meeting_id is None)
        return bundle_payload.with_amendments(FamilyRecords(
            family, tuple(meetings), tuple(taf_read.family_consents(self._conn, family_id)),
            shared))

    def _refuse_further_disclosure(self, records: Sequence[FamilyRecords], to: ContactCard,
                                   basis: DisclosureBasis) -> str:
        """ISA §5: what a partner shared only with this organisation does not go to another
        without that partner's consent (or a statutory obligation). Returns audit text."""
        mine = receiving_partner(self.policy, self.owner.organisation)
        theirs = receiving_partner(self.policy, to.organisation)
        same = (theirs == mine != "") or (
            to.organisation.strip().casefold() == self.owner.organisation.strip().casefold())
        if same:
            return ""
        shared = [s for r in records for s in r.all_shared()]
        needing = needing_consent(shared, theirs or None, self.policy)
        require_basis(needing, basis, self.policy)
        if not needing:
            return ""
        return f" sources={','.join(needing)} further-disclosure={basis.audit_text()}"

    def send(self, family_ids: Sequence[int], recipient: Contact, kind: BundleKind,
             dest: Path, *, basis: DisclosureBasis = NO_BASIS,
             replace_file: bool = False) -> SentBundle:
        if not family_ids:
            raise UserFacingError("Choose at least one family to send.")
        SecureFileWriter.check_destination(dest, replace_file)
        for family_id in family_ids:
            if self._repo().copy_of(family_id) is not None:
                raise ReadOnlyFamilyError("it is a copy from another store and cannot be "
                                          "passed on")
            if kind is BundleKind.TRANSFER:
                self.refuse_read_only(family_id)
        records = [self._records(i) for i in family_ids]
        disclosure = self._refuse_further_disclosure(records, recipient.card, basis)
        keys = self._keys()
        now = self._clock.now()
        header = BundleHeader(uuid.uuid4().hex, kind, self.my_card().fingerprint,
                              recipient.card.fingerprint, iso_text(now),
                              expiry_for(kind, local_day(now), self.rules))
        ciphertext = seal(bundle_payload.to_json(records), recipient.card.encryption_key,
                          header.encryption_info())
        data = bundle_to_bytes(BundleFile(header, ciphertext,
                                          keys.sign(header.signed_bytes(ciphertext))))
        digest = SecureFileWriter.write(data, dest, "", replace=replace_file, pdf=False)
        refs = tuple(r.reference for r in records)

        def record() -> None:
            with transaction(self._conn):
                if kind is BundleKind.TRANSFER:
                    self._keep_after_transfer(family_ids, records, header, recipient)
                self._audit().record(
                    AuditAction.BUNDLE_SENT, "bundle", header.bundle_id,
                    _detail(header, digest, refs, recipient.card.fingerprint) + disclosure)
            if kind is BundleKind.TRANSFER and self.rules.sender_keeps is SenderKeeps.MARKER:
                compact_freed_pages(self._conn)

        SecureFileWriter.record_or_remove(dest, record, header.bundle_id)
        log.info("bundle %s written (%d families)", header.bundle_id, len(refs))
        return SentBundle(dest, header.bundle_id, digest, refs, header.expires_on)

    def _keep_after_transfer(self, family_ids: Sequence[int], records: Sequence[FamilyRecords],
                             header: BundleHeader, recipient: Contact) -> None:
        repo = self._repo()
        families = FamilyRepository(self._conn, today=self._clock.today)
        for family_id, r in zip(family_ids, records, strict=True):
            repo.add_marker(family_id, r.reference, header.bundle_id,
                            recipient.card.fingerprint, recipient.card.label)
            if self.rules.sender_keeps is SenderKeeps.MARKER:
                ProgrammeRepository(self._conn, self._clock.now).delete_family_data(family_id)
            elif r.family.closed_on is None:
                families.close(family_id, self._clock.today(), HANDED_OVER_REASON)

    # -- receiving -------------------------------------------------------------------------
    def open_bundle(self, data: bytes) -> OpenedBundle:
        """Every check, then the contents and what would merge; nothing is written."""
        bundle = bundle_from_bytes(data)
        header = bundle.header
        if header.recipient != self.my_card().fingerprint:
            raise WrongRecipientError()
        repo = self._repo()
        sender = repo.contact(header.sender)
        if sender is None:
            raise UnknownSenderError()
        if not signature_valid(sender.card.signing_key, bundle.signature,
                               header.signed_bytes(bundle.ciphertext)):
            raise BundleTamperedError()
        received = repo.received_on(header.bundle_id)
        if received is not None:
            raise ReplayedBundleError(local_day(received))
        today = self._clock.today()
        if today > header.expires_on or (header.kind is BundleKind.COPY
                                         and today >= header.expires_on):
            raise ExpiredBundleError(header.expires_on)
        try:
            plain = self._keys().open(bundle.ciphertext, header.encryption_info())
        except OpenFailedError:
            raise BundleTamperedError() from None
        records = tuple(bundle_payload.from_json(plain, today, self.policy))
        families = FamilyRepository(self._conn, today=self._clock.today)
        merges = []
        for r in records:
            existing_id = families.find_id_by_reference(r.reference)
            if existing_id is not None:
                merges.append(merge_family(load_family(self._conn, existing_id), r.family))
        return OpenedBundle(header, hashlib.sha256(data).hexdigest(), sender, records,
                            tuple(merges))

    def receive(self, opened: OpenedBundle) -> list[int]:
        """Import what ``open_bundle`` showed, in one transaction; returns the family ids."""
        header = opened.header
        repo = self._repo()
        if repo.received_on(header.bundle_id) is not None:  # received meanwhile
            raise ReplayedBundleError(self._clock.today())
        families = FamilyRepository(self._conn, today=self._clock.today)
        merges = {m.reference: m for m in opened.merges}
        ids: list[int] = []
        with transaction(self._conn):
            for r in opened.records:
                merge = merges.get(r.reference)
                if merge is None:
                    saved = families.add(replace(r.family, id=None))
                    assert saved.id is not None
                    family_id = saved.id
                    fresh = True
                else:
                    existing = load_family(self._conn, merge.merged.id or 0)
                    families.update(merge.merged, existing)
                    family_id = existing.id or 0
                    fresh = False
                self._add_records(family_id, r, fresh)
                if header.kind is BundleKind.TRANSFER:
                    repo.release(family_id)  # this store holds the case now
                elif fresh or repo.copy_of(family_id) is not None:
                    repo.mark_copy(family_id, header.bundle_id, header.sender,
                                   opened.sender.card.label, self.copy_expiry(header))
                ids.append(family_id)
            repo.add_received(header.bundle_id, opened.sha256, header.kind.value, header.sender)
            self._audit().record(AuditAction.BUNDLE_RECEIVED, "bundle", header.bundle_id,
                                 _detail(header, opened.sha256, opened.references,
                                         header.sender) + f" merged={len(opened.merges)}")
        log.info("bundle %s received (%d families)", header.bundle_id, len(ids))
        return ids

    def copy_expiry(self, header: BundleHeader) -> date:
        """The sender's expiry, but never later than this store's own policy allows."""
        own = self._clock.today() + timedelta(days=self.rules.copy_days)
        return min(header.expires_on, own)

    def _add_records(self, family_id: int, r: FamilyRecords, fresh: bool) -> None:
        meetings = MeetingRepository(self._conn, self._clock.now)
        have = set() if fresh else {
            (m.kind, m.held_at) for m in
            taf_read.load_meetings(self._conn, "family_id = ?", (family_id,))}
        for meeting in r.meetings:
            if (meeting.kind, meeting.held_at) in have:
                continue
            saved = meetings.add(replace(meeting, family_id=family_id, addenda=()))
            assert saved.id is not None
            for addendum in meeting.addenda:
                meetings.add_addendum(saved.id, addendum)
        consents = [] if fresh else taf_read.family_consents(self._conn, family_id)
        for consent in r.consents:
            if consent not in consents:
                meetings.add_consent(family_id, consent)
        shared = [] if fresh else taf_read.family_shared(self._conn, family_id)
        for item in r.shared:
            if item not in shared:
                meetings.add_shared(family_id, item)
        if r.amendments:
            self._add_amendments(family_id, r)

    def _add_amendments(self, family_id: int, r: FamilyRecords) -> None:
        """Each amendment onto the stored note it amends (notes compare without ids), once."""
        families = FamilyRepository(self._conn, today=self._clock.today)
        stored = load_family(self._conn, family_id).notes
        for index, amendment in r.amendments:
            note = next((n for n in stored if n == r.family.notes[index]), None)
            if note is None or note.id is None or amendment in note.amendments:
                continue
            families.add_amendment(family_id, note.id, amendment)

    # -- copies that expire ------------------------------------------------------------------
    def expire_copies(self) -> int:
        return expire_copies(self._conn, self._audit(), self._clock)

def expire_copies(conn: Connection, audit: AuditLog, clock: Clock) -> int:
    """Delete every TAF-preparation copy whose day has come, then zero the freed pages
    (the usual secure deletion). Returns how many families were deleted."""
    due = HandoverRepository(conn, clock.now).copies_due(clock.today())
    if not due:
        return 0
    with transaction(conn):
        programme = ProgrammeRepository(conn, clock.now)
        for copy in due:
            reference = load_family(conn, copy.family_id).reference
            counts = programme.delete_family_data(copy.family_id)
            audit.record(AuditAction.COPY_EXPIRED, "family", copy.family_id,
                         f"bundle={copy.bundle_id} family-ref={reference} "
                         f"expired-on={iso_text(copy.expires_on)} members={counts['members']} "
                         f"counterpart={short_fingerprint(copy.sender)}")
    compact_freed_pages(conn)
    log.info("%d expired copies deleted", len(due))
    return len(due)


def read_only_reason(repo: HandoverRepository, family_id: int) -> str | None:
    """Why a family takes no changes here: a copy from another store, or handed over."""
    copy = repo.copy_of(family_id)
    if copy is not None:
        return (f"it is a copy for TAF preparation from {copy.sender_label}, deleted on "
                f"{format_date(copy.expires_on)}")
    if repo.marker_of(family_id) is not None:
        return "the case was handed over to another store"
    return None


def refuse_read_only(repo: HandoverRepository, family_id: int) -> None:
    reason = read_only_reason(repo, family_id)
    if reason is not None:
        raise ReadOnlyFamilyError(reason)


def _detail(header: BundleHeader, digest: str, refs: Sequence[str], counterpart: str) -> str:
    return (f"sha256={digest} kind={header.kind.value} families={','.join(refs)} "
            f"counterpart={short_fingerprint(counterpart)} "
            f"expires-on={iso_text(header.expires_on)}")

