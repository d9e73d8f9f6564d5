"""Vault fixtures. Wire into tests/conftest.py with
``pytest_plugins = ["tests.conftest_vault"]`` (or import the fixtures by name)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from keyworker_app.paths import StorePaths
from keyworker_app.security.device_secret import DeviceSecrets
from keyworker_app.security.kdf import FAST_TEST_KDF
from keyworker_app.store.vault import Vault
from tests.keyring_memory import MemoryKeyring


class FakeClock:
    """Injectable ``time.time`` replacement with a boot clock beside it (``boot``, the
    ``(boot id, seconds since boot)`` the throttle reads); tests move it instead of sleeping.

    ``advance`` is time really passing; ``set_wall`` is someone changing the clock (the
    boot clock does not move); ``reboot`` starts a new boot. ``boot_id = None`` acts as a
    system without a boot clock."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = start
        self.boot_id: str | None = "boot-1"
        self.uptime = 1000.0

    def __call__(self) -> float:
        return self.now

    def boot(self) -> tuple[str | None, float]:
        return self.boot_id, self.uptime

    def advance(self, seconds: float) -> None:
        self.now += seconds
        self.uptime += seconds

    def set_wall(self, seconds: float) -> None:
        self.now += seconds

    def reboot(self, after: float = 60.0) -> None:
        self.now += after
        self.boot_id = f"{self.boot_id}+"
        self.uptime = 5.0


@pytest.fixture
def memory_keyring() -> MemoryKeyring:
    return MemoryKeyring()


@pytest.fixture
def device_secrets(memory_keyring: MemoryKeyring) -> DeviceSecrets:
    return DeviceSecrets(memory_keyring)


@pytest.fixture
def fake_clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store_paths(tmp_path: Path) -> StorePaths:
    return StorePaths(tmp_path / "store")


@pytest.fixture
def vault(store_paths: StorePaths, device_secrets: DeviceSecrets, fake_clock: FakeClock) -> Vault:
    """A vault over an empty store dir, fast test KDF, in-memory keyring, fake clock."""
    return Vault(store_paths, device_secrets, kdf=FAST_TEST_KDF, clock=fake_clock,
                 boot=fake_clock.boot)


@pytest.fixture
def vault_factory(tmp_path: Path, fake_clock: FakeClock) -> Callable[..., Vault]:
    """``vault_factory(name, keyring=None)``: another store dir / another computer."""

    def make(name: str, keyring: MemoryKeyring | None = None) -> Vault:
        return Vault(
            StorePaths(tmp_path / name),
            DeviceSecrets(keyring or MemoryKeyring()),
            kdf=FAST_TEST_KDF,
            clock=fake_clock,
            boot=fake_clock.boot,
        )

    return make
