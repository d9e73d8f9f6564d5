"""The recovery key: 160 random bits, printed once for the information-governance officer.

Shown as 32 characters of Crockford's base32 in 8 groups of 4 (``7K3M-Q0ZD-...``).
Crockford's alphabet has no I, L, O or U, which is why it was chosen over RFC 4648:
when the key is typed back from paper, ``O`` is read as ``0`` and ``I``/``L`` as ``1``,
so the usual misreadings cannot make a correct key fail. Case, spaces and hyphens
are ignored. There is no checksum: a mistyped key simply fails to unwrap the slot.
"""

from __future__ import annotations

import secrets

from keyworker_app.errors import ValidationError

RECOVERY_BYTES = 20
GROUPS = 8
GROUP_LEN = 4
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_VALUES = {ch: i for i, ch in enumerate(_ALPHABET)}
_VALUES.update({"O": 0, "I": 1, "L": 1})
_FIELD = "recovery key"


def new_recovery_secret() -> bytes:
    return secrets.token_bytes(RECOVERY_BYTES)


def format_recovery_key(secret: bytes) -> str:
    if len(secret) != RECOVERY_BYTES:
        raise ValueError("recovery secret must be 20 bytes")
    number = int.from_bytes(secret, "big")
    chars = [_ALPHABET[(number >> (5 * i)) & 31] for i in reversed(range(GROUPS * GROUP_LEN))]
    text = "".join(chars)
    return "-".join(text[i : i + GROUP_LEN] for i in range(0, len(text), GROUP_LEN))


def parse_recovery_key(text: str) -> bytes:
    """Turn what the user typed back into the 20-byte secret.

    Raises ``ValidationError`` (never echoing the key) when it cannot be a recovery key.
    """
    cleaned = "".join(ch for ch in text.upper() if ch not in " -\t\r\n")
    if len(cleaned) != GROUPS * GROUP_LEN:
        raise ValidationError(
            _FIELD,
            f"must be {GROUPS * GROUP_LEN} letters and digits in {GROUPS} groups of "
            f"{GROUP_LEN}; {len(cleaned)} were entered",
        )
    number = 0
    for ch in cleaned:
        value = _VALUES.get(ch)
        if value is None:
            raise ValidationError(
                _FIELD, "contains a character that never appears in recovery keys (such as U)"
            )
        number = (number << 5) | value
    return number.to_bytes(RECOVERY_BYTES, "big")


def new_recovery_key() -> tuple[bytes, str]:
    """A fresh secret and its printable form."""
    secret = new_recovery_secret()
    return secret, format_recovery_key(secret)
