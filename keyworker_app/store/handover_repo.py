"""The store's identity, its contacts and the bundles it sent and took in (schema v13).

No transactions here: services own them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from keyworker_app.domain.audit import Role
from keyworker_app.domain.handover import Contact, ContactCard
from keyworker_app.security.identity import StoreKeys
from keyworker_app.store.connection import Connection
from keyworker_app.store.family_read import iso, required_day
from keyworker_app.store.rows import utc_text


@dataclass(frozen=True, slots=True)
class CopyMark:
    family_id: int
    bundle_id: str
    sender: str  # fingerprint
    sender_label: str
    expires_on: date


@dataclass(frozen=True, slots=True)
class HandoverMark:
    family_id: int | None  # None once the family's records are deleted
    reference: str
    bundle_id: str
    recipient: str  # fingerprint
    recipient_label: str
    handed_at: datetime


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


class HandoverRepository:
    def __init__(self, conn: Connection, clock: Callable[[], datetime]) -> None:
        self._conn = conn
        self._clock = clock

    # -- identity --------------------------------------------------------------------------
    def keys(self) -> StoreKeys | None:
        row = self._conn.execute("SELECT encryption_private, signing_private "
                                 "FROM store_identity WHERE id = 1").fetchone()
        return None if row is None else StoreKeys(bytes(row[0]), bytes(row[1]))

    def set_keys(self, keys: StoreKeys) -> None:
        self._conn.execute("INSERT INTO store_identity (id, encryption_private, "
                           "signing_private, created_at) VALUES (1, ?, ?, ?)",
                           (keys.encryption_private, keys.signing_private,
                            utc_text(self._clock())))

    # -- contacts --------------------------------------------------------------------------
    def add_contact(self, card: ContactCard) -> Contact:
        now = self._clock()
        cur = self._conn.execute(
            "INSERT INTO contact (fingerprint, name, role, organisation, encryption_key, "
            "signing_key, added_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (card.fingerprint, card.name, card.role.value, card.organisation,
             card.encryption_key, card.signing_key, utc_text(now)))
        return Contact(card, now, id=int(cur.lastrowid))

    def contacts(self) -> list[Contact]:
        rows = self._conn.execute(
            "SELECT id, name, role, organisation, encryption_key, signing_key, added_at "
            "FROM contact ORDER BY name COLLATE NOCASE, id").fetchall()
        return [_contact(r) for r in rows]

    def contact(self, fingerprint: str) -> Contact | None:
        row = self._conn.execute(
            "SELECT id, name, role, organisation, encryption_key, signing_key, added_at "
            "FROM contact WHERE fingerprint = ?", (fingerprint,)).fetchone()
        return None if row is None else _contact(row)

    # -- bundles ---------------------------------------------------------------------------
    def received_on(self, bundle_id: str) -> datetime | None:
        row = self._conn.execute("SELECT received_at FROM received_bundle WHERE bundle_id = ?",
                                 (bundle_id,)).fetchone()
        return None if row is None else _moment(str(row[0]))

    def add_received(self, bundle_id: str, sha256: str, kind: str, sender: str) -> None:
        self._conn.execute("INSERT INTO received_bundle (bundle_id, sha256, kind, sender, "
                           "received_at) VALUES (?, ?, ?, ?, ?)",
                           (bundle_id, sha256, kind, sender, utc_text(self._clock())))

    def add_marker(self, family_id: int, reference: str, bundle_id: str, recipient: str,
                   recipient_label: str) -> None:
        self._conn.execute(
            "INSERT INTO handover_marker (family_id, reference, bundle_id, recipient, "
            "recipient_label, handed_at) VALUES (?, ?, ?, ?, ?, ?)",
            (family_id, reference, bundle_id, recipient, recipient_label,
             utc_text(self._clock())))

    def markers(self) -> list[HandoverMark]:
        rows = self._conn.execute(
            "SELECT family_id, reference, bundle_id, recipient, recipient_label, handed_at "
            "FROM handover_marker ORDER BY handed_at DESC, id DESC").fetchall()
        return [HandoverMark(None if r[0] is None else int(r[0]), r[1], r[2], r[3], r[4],
                             _moment(r[5])) for r in rows]

    def marker_of(self, family_id: int) -> HandoverMark | None:
        return next((m for m in self.markers() if m.family_id == family_id), None)

    def mark_copy(self, family_id: int, bundle_id: str, sender: str, sender_label: str,
                  expires_on: date) -> None:
        self._conn.execute(
            "INSERT INTO family_copy (family_id, bundle_id, sender, sender_label, expires_on) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (family_id) DO UPDATE SET "
            "bundle_id = excluded.bundle_id, sender = excluded.sender, "
            "sender_label = excluded.sender_label, expires_on = excluded.expires_on",
            (family_id, bundle_id, sender, sender_label, iso(expires_on)))

    def release(self, family_id: int) -> None:
        """The family is held here now: no longer a copy, nor marked as handed away."""
        self._conn.execute("DELETE FROM family_copy WHERE family_id = ?", (family_id,))
        self._conn.execute("UPDATE handover_marker SET family_id = NULL WHERE family_id = ?",
                           (family_id,))

    def copy_of(self, family_id: int) -> CopyMark | None:
        row = self._conn.execute(
            "SELECT family_id, bundle_id, sender, sender_label, expires_on FROM family_copy "
            "WHERE family_id = ?", (family_id,)).fetchone()
        return None if row is None else _copy(row)

    def copies_due(self, today: date) -> list[CopyMark]:
        rows = self._conn.execute(
            "SELECT family_id, bundle_id, sender, sender_label, expires_on FROM family_copy "
            "WHERE expires_on <= ? ORDER BY expires_on, family_id", (iso(today),)).fetchall()
        return [_copy(r) for r in rows]


def _contact(r: tuple[Any, ...]) -> Contact:
    card = ContactCard(r[1], Role(r[2]), r[3], bytes(r[4]), bytes(r[5]))
    return Contact(card, _moment(r[6]), id=int(r[0]))


def _copy(r: tuple[Any, ...]) -> CopyMark:
    return CopyMark(int(r[0]), r[1], r[2], r[3], required_day(r[4]))
