"""Keys for vouching for the audit trail, derived from the store's data key.

The audit head kept beside the store and an exported checkpoint carry an HMAC-SHA256
under keys derived with HKDF from the data key, one per purpose and per store. They
prove "made by someone holding this store's data key", nothing more: whoever holds the
data key can make them too (docs/security.md says what that means).
"""

from __future__ import annotations

import hashlib
import hmac

from keyworker_app.security.kdf import hkdf

HEAD = "audit-head"
CHECKPOINT = "audit-checkpoint"
_PURPOSES = (HEAD, CHECKPOINT)


def derive_audit_key(data_key: bytes | bytearray, store_id: str, purpose: str) -> bytes:
    if purpose not in _PURPOSES:
        raise ValueError("unknown audit key purpose")
    if len(data_key) != 32:
        raise ValueError("data key must be 32 bytes")
    return hkdf(bytes(data_key), None, f"keyworker/{purpose}/{store_id}".encode("ascii"))


def mac(key: bytes | bytearray, message: bytes) -> str:
    return hmac.new(bytes(key), message, hashlib.sha256).hexdigest()


def mac_matches(key: bytes | bytearray, message: bytes, tag: str) -> bool:
    return hmac.compare_digest(mac(key, message), tag)
