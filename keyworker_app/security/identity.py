"""A store's key pairs and the two operations bundles need, all from ``cryptography``:
HPKE (RFC 9180; ``cryptography.hazmat.primitives.hpke``, since cryptography 47) to encrypt to
one recipient, and Ed25519 to sign. Nothing here invents a construction of its own.

The private keys are raw 32-byte values kept only inside the encrypted store.
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hpke, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

_RAW = serialization.Encoding.Raw
_RAW_PUBLIC = serialization.PublicFormat.Raw
_RAW_PRIVATE = serialization.PrivateFormat.Raw
_NO_ENCRYPTION = serialization.NoEncryption()


def _suite() -> hpke.Suite:
    return hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)


class OpenFailedError(Exception):
    """The ciphertext does not open with this key under this header (changed, or not ours)."""


@dataclass(frozen=True, slots=True)
class StoreKeys:
    encryption_private: bytes  # X25519
    signing_private: bytes  # Ed25519 seed

    @classmethod
    def generate(cls) -> StoreKeys:
        return cls(X25519PrivateKey.generate().private_bytes(_RAW, _RAW_PRIVATE, _NO_ENCRYPTION),
                   Ed25519PrivateKey.generate().private_bytes(_RAW, _RAW_PRIVATE,
                                                              _NO_ENCRYPTION))

    @property
    def encryption_public(self) -> bytes:
        key = X25519PrivateKey.from_private_bytes(self.encryption_private)
        return key.public_key().public_bytes(_RAW, _RAW_PUBLIC)

    @property
    def signing_public(self) -> bytes:
        key = Ed25519PrivateKey.from_private_bytes(self.signing_private)
        return key.public_key().public_bytes(_RAW, _RAW_PUBLIC)

    def sign(self, data: bytes) -> bytes:
        return Ed25519PrivateKey.from_private_bytes(self.signing_private).sign(data)

    def open(self, ciphertext: bytes, info: bytes) -> bytes:
        try:
            key = X25519PrivateKey.from_private_bytes(self.encryption_private)
            return _suite().decrypt(ciphertext, key, info=info)
        except (InvalidTag, ValueError) as exc:
            raise OpenFailedError() from exc

    def __repr__(self) -> str:  # never the private keys in a traceback or log
        return "StoreKeys(<private>)"


def seal(plaintext: bytes, recipient_public: bytes, info: bytes) -> bytes:
    """HPKE base mode, single shot: the encapsulated key followed by the ciphertext."""
    return _suite().encrypt(plaintext, X25519PublicKey.from_public_bytes(recipient_public),
                            info=info)


def signature_valid(public: bytes, signature: bytes, data: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, data)
    except (InvalidSignature, ValueError):
        return False
    return True
