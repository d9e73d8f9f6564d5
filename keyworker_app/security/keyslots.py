"""The key header: versioned JSON holding the data key wrapped in key slots.

Format (version 1)::

    {"format": "keyworker-header", "version": 1, "store_id": "<32 hex>",
     "created": "<ISO 8601 UTC>",
     "kdf": {"algorithm": "argon2id", "memory_kib": .., "iterations": .., "lanes": ..},
     "db_salt": "<hex of the DB file's first 16 bytes>",
     "device_secret_id": "<32 hex>",            (optional; absent in older headers)
     "slots": [{"type": "passphrase", "salt": hex, "nonce": hex, "wrapped": hex},
               {"type": "recovery", "salt": hex, "nonce": hex, "wrapped": hex}]}

Each slot wraps the 32-byte data key with AES-256-GCM. The associated data is the
canonical JSON of format, version, store id, KDF parameters, slot type and slot salt, so
none of them can be changed (e.g. a KDF downgrade) without the slot failing to open.

``device_secret_id`` names this copy's own device-secret entry in the keyring, so two
copies of one store (the live folder and a restored backup) never share, and never
overwrite, each other's entry. When present it is part of the passphrase slot's associated
data: removing it (to make the copy look like an older one) makes the slot fail to open.
Headers written before it existed name the entry by store id alone; they are given an id
on their first successful unlock.

A recovery slot that cannot be parsed does not stop the passphrase slot from opening the
store: it is kept as it was (``damaged``) and reported by ``header_problems``.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from keyworker_app.errors import NotAKeyworkerStoreError, StoreDamagedError
from keyworker_app.security.kdf import KdfParams, derive_passphrase_key, derive_recovery_key

FORMAT = "keyworker-header"
VERSION = 1
SALT_BYTES = 16
NONCE_BYTES = 12
PASSPHRASE = "passphrase"
RECOVERY = "recovery"
_MAX_HEADER_BYTES = 64 * 1024


@dataclass
class Slot:
    type: str
    salt: bytes
    nonce: bytes
    wrapped: bytes

    def to_json(self) -> dict[str, str]:
        return {
            "type": self.type,
            "salt": self.salt.hex(),
            "nonce": self.nonce.hex(),
            "wrapped": self.wrapped.hex(),
        }


@dataclass
class Header:
    store_id: str
    created: str
    kdf: KdfParams
    db_salt: bytes
    slots: list[Slot] = field(default_factory=list)
    secret_id: str | None = None
    damaged: list[Any] = field(default_factory=list)  # unreadable slot entries, kept as found

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "format": FORMAT,
            "version": VERSION,
            "store_id": self.store_id,
            "created": self.created,
            "kdf": self.kdf.to_json(),
            "db_salt": self.db_salt.hex(),
        }
        if self.secret_id is not None:
            data["device_secret_id"] = self.secret_id
        data["slots"] = [s.to_json() for s in self.slots] + list(self.damaged)
        return data

    def to_bytes(self) -> bytes:
        return (json.dumps(self.to_json(), indent=2) + "\n").encode("ascii")

    def slot(self, slot_type: str) -> Slot:
        for s in self.slots:
            if s.type == slot_type:
                return s
        raise StoreDamagedError(f"the key header has no {slot_type} slot")

    def context(self, slot_type: str) -> bytes:
        """HKDF info: binds the derived key to this store and slot type."""
        return f"{self.store_id}/{slot_type}".encode("ascii")

    def associated_data(self, slot_type: str, salt: bytes) -> bytes:
        fixed = {
            "format": FORMAT,
            "version": VERSION,
            "store_id": self.store_id,
            "kdf": self.kdf.to_json(),
            "slot": {"type": slot_type, "salt": salt.hex()},
        }
        if slot_type == PASSPHRASE and self.secret_id is not None:
            fixed["device_secret_id"] = self.secret_id
        return json.dumps(fixed, sort_keys=True, separators=(",", ":")).encode("ascii")


def new_secret_id() -> str:
    """A fresh name for one copy's device-secret entry."""
    return secrets.token_hex(16)


def new_header(
    store_id: str,
    kdf: KdfParams,
    db_salt: bytes,
    created: str | None = None,
    secret_id: str | None = None,
) -> Header:
    created = created or datetime.now(UTC).isoformat(timespec="seconds")
    return Header(store_id, created, kdf, db_salt, secret_id=secret_id)


def header_problems(header: Header) -> list[str]:
    """What is wrong with the key slots, in plain words (no key material)."""
    problems: list[str] = []
    counts = {t: sum(1 for s in header.slots if s.type == t) for t in (PASSPHRASE, RECOVERY)}
    damaged_recovery = sum(
        1 for item in header.damaged if isinstance(item, dict) and item.get("type") == RECOVERY
    )
    if damaged_recovery:
        problems.append(
            "the recovery slot in the key header is malformed: the recovery key cannot open "
            "this store; run 'keyworker rotate-key' to issue a new recovery key"
        )
    elif counts[RECOVERY] == 0:
        problems.append(
            "the key header has no recovery slot: the recovery key cannot open this store; "
            "run 'keyworker rotate-key' to issue a new recovery key"
        )
    elif counts[RECOVERY] > 1:
        problems.append("the key header has more than one recovery slot")
    if counts[PASSPHRASE] > 1:
        problems.append("the key header has more than one passphrase slot")
    other = len(header.damaged) - damaged_recovery
    if other:
        problems.append(f"the key header has {other} unreadable slot entr"
                        f"{'y' if other == 1 else 'ies'}")
    return problems


def _hex(value: Any, length: int | None = None) -> bytes:
    if not isinstance(value, str):
        raise ValueError("expected hex")
    raw = bytes.fromhex(value)
    if length is not None and len(raw) != length:
        raise ValueError("wrong length")
    return raw


def _parse_slot(item: Any) -> Slot:
    if item["type"] not in (PASSPHRASE, RECOVERY):
        raise ValueError("unknown slot")
    return Slot(
        item["type"],
        _hex(item["salt"], SALT_BYTES),
        _hex(item["nonce"], NONCE_BYTES),
        _hex(item["wrapped"], 48),
    )


def parse_header(raw: bytes) -> Header:
    """Raises NotAKeyworkerStoreError for foreign content, StoreDamagedError for a broken
    Keyworker header."""
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise NotAKeyworkerStoreError("the key header is not a Keyworker header") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise NotAKeyworkerStoreError("the key header is not a Keyworker header")
    if data.get("version") != VERSION:
        raise StoreDamagedError("the key header has a version this Keyworker cannot read")
    try:
        store_id = data["store_id"]
        if not isinstance(store_id, str) or len(store_id) != 32:
            raise ValueError("bad store id")
        int(store_id, 16)
        secret_id = data.get("device_secret_id")
        if secret_id is not None:
            _hex(secret_id, 16)
        slots: list[Slot] = []
        damaged: list[Any] = []
        if not isinstance(data["slots"], list):
            raise ValueError("bad slot list")
        for item in data["slots"]:
            try:
                slots.append(_parse_slot(item))
            except (KeyError, TypeError, ValueError, AttributeError):
                # The passphrase slot is needed to open the store at all; anything else
                # that is unreadable is kept as found and reported by header_problems.
                if isinstance(item, dict) and item.get("type") == PASSPHRASE:
                    raise
                damaged.append(item)
        return Header(
            store_id=store_id,
            created=str(data["created"]),
            kdf=KdfParams.from_json(data["kdf"]),
            db_salt=_hex(data["db_salt"], 16),
            slots=slots,
            secret_id=secret_id,
            damaged=damaged,
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        raise StoreDamagedError("the key header is incomplete or malformed") from None


def read_header(path: Path) -> Header:
    try:
        with open(path, "rb") as handle:
            raw = handle.read(_MAX_HEADER_BYTES + 1)
    except FileNotFoundError:
        raise StoreDamagedError("the key header file is missing") from None
    if len(raw) > _MAX_HEADER_BYTES:
        raise NotAKeyworkerStoreError("the key header is not a Keyworker header")
    return parse_header(raw)


def _wrap(
    header: Header, slot_type: str, salt: bytes, wrapping_key: bytes, data_key: bytes
) -> Slot:
    nonce = os.urandom(NONCE_BYTES)
    aad = header.associated_data(slot_type, salt)
    wrapped = AESGCM(wrapping_key).encrypt(nonce, bytes(data_key), aad)
    return Slot(slot_type, salt, nonce, wrapped)


def _unwrap(header: Header, slot: Slot, wrapping_key: bytes) -> bytes:
    """Raises ``cryptography.exceptions.InvalidTag`` when the key is wrong."""
    aad = header.associated_data(slot.type, slot.salt)
    return AESGCM(wrapping_key).decrypt(slot.nonce, slot.wrapped, aad)


def wrap_passphrase_slot(
    header: Header, data_key: bytes | bytearray, passphrase: str, device_secret: bytes
) -> Slot:
    salt = os.urandom(SALT_BYTES)
    key = derive_passphrase_key(
        passphrase, salt, header.kdf, device_secret, header.context(PASSPHRASE)
    )
    return _wrap(header, PASSPHRASE, salt, key, bytes(data_key))


def wrap_recovery_slot(header: Header, data_key: bytes | bytearray, recovery: bytes) -> Slot:
    salt = os.urandom(SALT_BYTES)
    key = derive_recovery_key(recovery, salt, header.context(RECOVERY))
    return _wrap(header, RECOVERY, salt, key, bytes(data_key))


def unwrap_passphrase(header: Header, passphrase: str, device_secret: bytes) -> bytes:
    slot = header.slot(PASSPHRASE)
    key = derive_passphrase_key(
        passphrase, slot.salt, header.kdf, device_secret, header.context(PASSPHRASE)
    )
    return _unwrap(header, slot, key)


def unwrap_recovery(header: Header, recovery: bytes) -> bytes:
    slot = header.slot(RECOVERY)
    key = derive_recovery_key(recovery, slot.salt, header.context(RECOVERY))
    return _unwrap(header, slot, key)
