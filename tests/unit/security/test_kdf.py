from __future__ import annotations

import pytest

from keyworker_app.security.kdf import (
    FAST_TEST_KDF,
    MAX_MEMORY_KIB,
    MIN_MEMORY_KIB,
    KdfParams,
    calibrate_kdf,
    derive_passphrase_key,
)

DEVICE = bytes(range(32))
SALT = b"s" * 16


def test_fast_test_kdf_never_below_64_mib() -> None:
    assert FAST_TEST_KDF.memory_kib >= 64 * 1024


def test_derivation_depends_on_every_input() -> None:
    base = derive_passphrase_key("pass phrase", SALT, FAST_TEST_KDF, DEVICE, b"id/passphrase")
    assert len(base) == 32
    assert base == derive_passphrase_key(
        "pass phrase", SALT, FAST_TEST_KDF, DEVICE, b"id/passphrase"
    )
    variants = [
        derive_passphrase_key("pass phrasE", SALT, FAST_TEST_KDF, DEVICE, b"id/passphrase"),
        derive_passphrase_key("pass phrase", b"t" * 16, FAST_TEST_KDF, DEVICE, b"id/passphrase"),
        derive_passphrase_key("pass phrase", SALT, FAST_TEST_KDF, bytes(32), b"id/passphrase"),
        derive_passphrase_key("pass phrase", SALT, FAST_TEST_KDF, DEVICE, b"other/passphrase"),
    ]
    assert base not in variants


def test_unicode_passphrase_is_normalised() -> None:
    composed = derive_passphrase_key("caf\u00e9", SALT, FAST_TEST_KDF, DEVICE, b"c")
    decomposed = derive_passphrase_key("cafe\u0301", SALT, FAST_TEST_KDF, DEVICE, b"c")
    assert composed == decomposed


def test_calibration_raises_memory_then_passes() -> None:
    # Fake cost: 90 ms for 64 MiB x 3 passes, linear in memory and passes (as measured).
    def measure(p: KdfParams) -> float:
        return 0.09 * (p.memory_kib / MIN_MEMORY_KIB) * (p.iterations / 3)

    params = calibrate_kdf(0.5, measure=measure)
    assert params.memory_kib == MAX_MEMORY_KIB
    assert 0.4 <= measure(params) <= 0.65


def test_calibration_on_a_slow_machine_keeps_the_floor() -> None:
    params = calibrate_kdf(0.5, measure=lambda p: 2.0)
    assert params == KdfParams(MIN_MEMORY_KIB, 3, 4)


@pytest.mark.parametrize(
    "data",
    [
        {"algorithm": "scrypt", "memory_kib": 65536, "iterations": 3, "lanes": 4},
        {"algorithm": "argon2id", "memory_kib": 1024, "iterations": 3, "lanes": 4},
        {"algorithm": "argon2id", "memory_kib": 65536, "iterations": "3", "lanes": 4},
    ],
)
def test_header_kdf_params_are_validated(data: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        KdfParams.from_json(data)
