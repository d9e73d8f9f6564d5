"""Handing a case to a colleague's store: contact cards, bundle headers and the refusals a
receiving store gives. Pure rules and formats, no I/O and no cryptography (security/ does that).

A store's identity is two public keys: one that bundles are encrypted to (X25519) and one
that checks what the store signs (Ed25519). A colleague's "contact card" carries both with
the owner's name, role and organisation; the fingerprint over the two keys is what two people
read to each other by phone before a card is trusted.
"""

from __future__ import annotations

import base64
import binascii
import enum
import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from keyworker_app.domain.audit import Role
from keyworker_app.domain.dates import format_date, iso_text, parse_iso_date, parse_iso_moment
from keyworker_app.errors import UserFacingError

CARD_FORMAT = "keyworker-contact"
BUNDLE_FORMAT = "keyworker-bundle"
FORMAT_VERSION = 1
KEY_BYTES = 32
# The one HPKE suite bundles use (RFC 9180): DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM.
SUITE_NAME = "DHKEM-X25519-HKDF-SHA256/HKDF-SHA256/AES-256-GCM"
_FINGERPRINT_LABEL = b"keyworker contact card v1\x00"
_INFO_LABEL = b"keyworker bundle v1 encryption\x00"
_SIGNED_LABEL = b"keyworker bundle v1 signature\x00"
_GROUP = 4
_SHOWN_BYTES = 20  # 160 bits of the SHA-256: 32 base32 letters, 8 groups of 4


class BundleKind(enum.StrEnum):
    TRANSFER = "transfer"  # the recipient becomes the holder of the case
    COPY = "copy"  # read-only, for TAF preparation, deleted on its expiry date

    @property
    def label(self) -> str:
        return {"transfer": "Hand over (transfer)",
                "copy": "Copy for TAF preparation"}[self.value]


class SenderKeeps(enum.StrEnum):
    """What a sender's store keeps of a family it handed over (policy decides)."""

    SUMMARY = "summary"  # the family, closed and read-only
    MARKER = "marker"  # only a marker: reference, when, to whom; the records are deleted


@dataclass(frozen=True, slots=True)
class HandoverRules:
    copy_days: int = 30  # a TAF-preparation copy is deleted this many days after it is made
    valid_days: int = 14  # a bundle must be received within this many days of being made
    sender_keeps: SenderKeeps = SenderKeeps.SUMMARY


@dataclass(frozen=True, slots=True)
class ContactCard:
    name: str
    role: Role
    organisation: str
    encryption_key: bytes  # X25519 public key, raw
    signing_key: bytes  # Ed25519 public key, raw

    @property
    def fingerprint(self) -> str:
        """Hex SHA-256 over the two keys: how bundles name sender and recipient."""
        return hashlib.sha256(_FINGERPRINT_LABEL + self.encryption_key
                              + self.signing_key).hexdigest()

    @property
    def fingerprint_groups(self) -> str:
        return fingerprint_groups(self.fingerprint)

    @property
    def label(self) -> str:
        return f"{self.name} ({self.role.label}, {self.organisation})"


@dataclass(frozen=True, slots=True)
class Contact:
    card: ContactCard
    added_at: datetime
    id: int | None = None


def fingerprint_groups(fingerprint_hex: str) -> str:
    """The first 160 bits as base32 letters and digits in groups of four, to read aloud."""
    raw = bytes.fromhex(fingerprint_hex)[:_SHOWN_BYTES]
    text = base64.b32encode(raw).decode("ascii")
    return " ".join(text[i:i + _GROUP] for i in range(0, len(text), _GROUP))


def short_fingerprint(fingerprint_hex: str) -> str:
    """What the audit trail names a counterpart by: no name, enough to find the card."""
    return fingerprint_hex[:16]


class CardFileError(UserFacingError):
    def __init__(self, source: str, problem: str) -> None:
        super().__init__(f"{source} is not a Keyworker contact card: {problem}.",
                         "Ask your colleague to export their card again "
                         "(File → Contacts… → Export my card).")


def card_to_json(card: ContactCard) -> str:
    return json.dumps({
        "format": CARD_FORMAT, "version": FORMAT_VERSION, "name": card.name,
        "role": card.role.value, "organisation": card.organisation,
        "encryption_key": _b64(card.encryption_key), "signing_key": _b64(card.signing_key),
    }, indent=2, ensure_ascii=False) + "\n"


def card_from_json(text: str, source: str) -> ContactCard:
    try:
        doc = json.loads(text)
    except ValueError:
        raise CardFileError(source, "it is not JSON") from None
    if not isinstance(doc, dict) or doc.get("format") != CARD_FORMAT:
        raise CardFileError(source, "the file says it is something else")
    if doc.get("version") != FORMAT_VERSION:
        raise CardFileError(source, f"format version {doc.get('version')!r} is not known")
    fields = {}
    for key in ("name", "role", "organisation", "encryption_key", "signing_key"):
        value = doc.get(key)
        if not isinstance(value, str) or not value.strip():
            raise CardFileError(source, f"'{key}' is missing")
        fields[key] = value.strip()
    try:
        role = Role(fields["role"])
    except ValueError:
        raise CardFileError(source, "the role is not known") from None
    keys = [_unb64(fields[k]) for k in ("encryption_key", "signing_key")]
    if any(k is None or len(k) != KEY_BYTES for k in keys):
        raise CardFileError(source, "a key is damaged")
    return ContactCard(fields["name"], role, fields["organisation"], keys[0] or b"",
                       keys[1] or b"")


# -- bundles ------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class BundleHeader:
    """What a bundle says in the clear: no names, no family references."""

    bundle_id: str
    kind: BundleKind
    sender: str  # the sender's card fingerprint (hex)
    recipient: str  # the recipient's card fingerprint (hex)
    created_at: str  # ISO 8601 as the sender wrote it (signed as text, whatever the zone)
    expires_on: date  # copy: deleted on this day; transfer: to be received by then
    suite: str = SUITE_NAME

    def to_obj(self) -> dict[str, str]:
        return {"bundle_id": self.bundle_id, "kind": self.kind.value, "sender": self.sender,
                "recipient": self.recipient, "created_at": self.created_at,
                "expires_on": iso_text(self.expires_on), "suite": self.suite}

    def canonical(self) -> bytes:
        return json.dumps(self.to_obj(), sort_keys=True, separators=(",", ":")).encode()

    def encryption_info(self) -> bytes:
        """HPKE ``info``: the ciphertext opens only under this very header."""
        return _INFO_LABEL + self.canonical()

    def signed_bytes(self, ciphertext: bytes) -> bytes:
        """What the sender signs: the header (which names the recipient) and the ciphertext,
        so the contents cannot be re-wrapped to someone else under the sender's name."""
        return _SIGNED_LABEL + self.canonical() + hashlib.sha256(ciphertext).digest()


def expiry_for(kind: BundleKind, made: date, rules: HandoverRules) -> date:
    days = rules.copy_days if kind is BundleKind.COPY else rules.valid_days
    return made + timedelta(days=days)


@dataclass(frozen=True, slots=True)
class BundleFile:
    header: BundleHeader
    ciphertext: bytes
    signature: bytes


def bundle_to_bytes(bundle: BundleFile) -> bytes:
    return (json.dumps({"format": BUNDLE_FORMAT, "version": FORMAT_VERSION,
                        "header": bundle.header.to_obj(),
                        "ciphertext": _b64(bundle.ciphertext),
                        "signature": _b64(bundle.signature)},
                       separators=(",", ":")) + "\n").encode("ascii")


def bundle_from_bytes(data: bytes) -> BundleFile:
    """The parts of a bundle file; anything malformed is ``BundleTamperedError``."""
    try:
        doc = json.loads(data.decode("ascii"))
        if doc["format"] != BUNDLE_FORMAT or doc["version"] != FORMAT_VERSION:
            raise BundleTamperedError()
        h = doc["header"]
        if set(h) != {"bundle_id", "kind", "sender", "recipient", "created_at", "expires_on",
                      "suite"} or h["suite"] != SUITE_NAME:
            raise BundleTamperedError()
        header = BundleHeader(str(h["bundle_id"]), BundleKind(h["kind"]), str(h["sender"]),
                              str(h["recipient"]), str(h["created_at"]),
                              parse_iso_date(str(h["expires_on"])))
        parse_iso_moment(header.created_at)  # a moment, or the file is not what was signed
        ciphertext = _unb64(str(doc["ciphertext"]))
        signature = _unb64(str(doc["signature"]))
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise BundleTamperedError() from None
    if ciphertext is None or signature is None:
        raise BundleTamperedError()
    return BundleFile(header, ciphertext, signature)


# -- refusals: each its own message, and nothing is changed ---------------------------------------
class BundleRefusedError(UserFacingError):
    pass


class BundleTamperedError(BundleRefusedError):
    def __init__(self) -> None:
        super().__init__("This bundle has been damaged or changed since it was signed.",
                         "Nothing was imported. Ask the sender to send it again, and tell your "
                         "information-governance officer if it came by an unexpected route.")


class UnknownSenderError(BundleRefusedError):
    def __init__(self) -> None:
        super().__init__("This bundle comes from someone who is not in your contacts.",
                         "Nothing was imported. Add the sender's contact card first "
                         "(File → Contacts…), after comparing its fingerprint with them by "
                         "phone, then receive the bundle again.")


class WrongRecipientError(BundleRefusedError):
    def __init__(self) -> None:
        super().__init__("This bundle was made for someone else's case store, not yours.",
                         "Nothing was imported. Return it to the sender and do not pass it "
                         "on; it can only be opened by the store it was made for.")


class ReplayedBundleError(BundleRefusedError):
    def __init__(self, received_on: date) -> None:
        super().__init__(f"This bundle was already received on {format_date(received_on)}.",
                         "Nothing was imported again. The records it held are already in "
                         "your store.")


class ExpiredBundleError(BundleRefusedError):
    def __init__(self, expired_on: date) -> None:
        super().__init__(f"This bundle expired on {format_date(expired_on)}.",
                         "Nothing was imported. Ask the sender for a new one.")


class ReadOnlyFamilyError(UserFacingError):
    def __init__(self, why: str) -> None:
        super().__init__(f"This family's record is read-only: {why}.",
                         "Record changes in the store that holds the case.")


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _unb64(text: str) -> bytes | None:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return None
