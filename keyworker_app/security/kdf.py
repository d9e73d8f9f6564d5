"""Passphrase key derivation: Argon2id, then HKDF-SHA256 binding the device secret.

The wrapping key of the passphrase slot needs *both* the passphrase and the 256-bit
device secret held in the OS keyring, so a copied store plus an overheard passphrase is
not enough away from the laptop. Argon2id parameters are stored in the header (and bound
into the slot's AES-GCM associated data, so they cannot be downgraded).
"""

from __future__ import annotations

import logging
import time
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

log = logging.getLogger("keyworker.vault")

KEY_BYTES = 32
MIN_MEMORY_KIB = 64 * 1024
# Argon2id's working memory counts against the app's peak-memory budget (250 MB with a
# 5,000-family caseload open, measured by bench/gui_bench.py: ~135 MB without the KDF):
# past 96 MiB the calibration adds passes instead.
MAX_MEMORY_KIB = 96 * 1024
MIN_ITERATIONS = 1
MAX_ITERATIONS = 64  # an unlock must stay bearable even on a header from a fast machine
DEFAULT_LANES = 4
ALGORITHM = "argon2id"


@dataclass(frozen=True)
class KdfParams:
    memory_kib: int
    iterations: int
    lanes: int

    def __post_init__(self) -> None:
        # Also guards headers: a tampered header cannot ask for a trivially cheap KDF.
        if not MIN_MEMORY_KIB <= self.memory_kib <= 4 * MAX_MEMORY_KIB:
            raise ValueError("Argon2id memory out of range")
        if not MIN_ITERATIONS <= self.iterations <= MAX_ITERATIONS:
            raise ValueError("Argon2id iterations out of range")
        if not 1 <= self.lanes <= 16:
            raise ValueError("Argon2id lanes out of range")

    def to_json(self) -> dict[str, Any]:
        return {
            "algorithm": ALGORITHM,
            "memory_kib": self.memory_kib,
            "iterations": self.iterations,
            "lanes": self.lanes,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> KdfParams:
        """Raises ``ValueError`` on anything but well-formed Argon2id parameters."""
        if data.get("algorithm") != ALGORITHM:
            raise ValueError("unsupported KDF")
        values = [data.get("memory_kib"), data.get("iterations"), data.get("lanes")]
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            raise ValueError("KDF parameters must be integers")
        return cls(int(data["memory_kib"]), int(data["iterations"]), int(data["lanes"]))


# Tests only: the floor memory with one pass (~30 ms here). Never below 64 MiB.
FAST_TEST_KDF = KdfParams(memory_kib=MIN_MEMORY_KIB, iterations=1, lanes=DEFAULT_LANES)


def normalise_passphrase(passphrase: str) -> bytes:
    # NFC so the same passphrase typed on Windows and Linux input methods matches.
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def argon2id(passphrase: str, salt: bytes, params: KdfParams) -> bytes:
    kdf = Argon2id(
        salt=salt,
        length=KEY_BYTES,
        iterations=params.iterations,
        lanes=params.lanes,
        memory_cost=params.memory_kib,
    )
    return kdf.derive(normalise_passphrase(passphrase))


def _time_params(params: KdfParams) -> float:
    start = time.perf_counter()
    argon2id("calibration", b"\x00" * 16, params)
    return time.perf_counter() - start


def calibrate_kdf(
    target_seconds: float = 0.5,
    min_memory_kib: int = MIN_MEMORY_KIB,
    *,
    max_memory_kib: int = MAX_MEMORY_KIB,
    measure: Callable[[KdfParams], float] = _time_params,
) -> KdfParams:
    """Choose Argon2id parameters taking about ``target_seconds`` on this computer.

    Memory is raised first (it is what makes GPU guessing expensive), up to
    ``max_memory_kib``; then passes are added. Cost is ~linear in both, so a few
    measurements suffice.
    """
    min_memory_kib = max(min_memory_kib, MIN_MEMORY_KIB)
    params = KdfParams(min_memory_kib, 3, DEFAULT_LANES)
    elapsed = max(measure(params), 1e-6)
    if elapsed < target_seconds and params.memory_kib < max_memory_kib:
        memory = params.memory_kib
        while memory < max_memory_kib:
            bigger = min(memory * 2, max_memory_kib)
            if elapsed * bigger / params.memory_kib > target_seconds * 1.1:
                break
            memory = bigger
        if memory != params.memory_kib:
            params = KdfParams(memory, params.iterations, params.lanes)
            elapsed = max(measure(params), 1e-6)
    if elapsed < target_seconds * 0.9:
        iterations = round(params.iterations * target_seconds / elapsed)
        iterations = min(max(iterations, params.iterations), MAX_ITERATIONS)
        params = KdfParams(params.memory_kib, iterations, params.lanes)
    log.info(
        "KDF calibrated: %d KiB, %d passes, %d lanes",
        params.memory_kib,
        params.iterations,
        params.lanes,
    )
    return params


def hkdf(ikm: bytes, salt: bytes | None, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=salt, info=info).derive(ikm)


def derive_passphrase_key(
    passphrase: str, salt: bytes, params: KdfParams, device_secret: bytes, context: bytes
) -> bytes:
    """Wrapping key for a passphrase slot. ``context`` binds store id and slot type."""
    if len(device_secret) != KEY_BYTES:
        raise ValueError("device secret must be 32 bytes")
    stretched = argon2id(passphrase, salt, params)
    return hkdf(stretched + device_secret, salt, b"keyworker/passphrase-slot/v1/" + context)


def derive_recovery_key(recovery_secret: bytes, salt: bytes, context: bytes) -> bytes:
    """Wrapping key for the recovery slot.

    The recovery key is 160 random bits, so no stretching is needed: HKDF only.
    """
    return hkdf(recovery_secret, salt, b"keyworker/recovery-slot/v1/" + context)
