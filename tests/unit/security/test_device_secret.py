from __future__ import annotations

import keyring.backend
import pytest
from keyring.backends import chainer, fail, null

from keyworker_app.errors import DeviceSecretMissingError, NoKeyringError
from keyworker_app.security.device_secret import SERVICE, DeviceSecrets
from tests.keyring_memory import LockedKeyring, MemoryKeyring


class PlaintextKeyring(MemoryKeyring):
    """Stands in for keyrings.alt.file.PlaintextKeyring (base64 only)."""


PlaintextKeyring.__module__ = "keyrings.alt.file"


def test_create_get_delete(memory_keyring: MemoryKeyring) -> None:
    secrets = DeviceSecrets(memory_keyring)
    made = secrets.create("abc")
    assert len(made) == 32
    assert secrets.get("abc") == made
    assert (SERVICE, "device-secret:abc") in memory_keyring.passwords
    secrets.delete("abc")
    with pytest.raises(DeviceSecretMissingError):
        secrets.get("abc")
    secrets.delete("abc")  # already gone: fine


def test_malformed_entry_counts_as_missing(memory_keyring: MemoryKeyring) -> None:
    memory_keyring.set_password(SERVICE, "device-secret:abc", "not base64!!")
    with pytest.raises(DeviceSecretMissingError):
        DeviceSecrets(memory_keyring).get("abc")


@pytest.mark.parametrize(
    "backend",
    [fail.Keyring(), null.Keyring(), PlaintextKeyring(), LockedKeyring()],  # type: ignore[no-untyped-call]
    ids=["fail", "null", "keyrings.alt", "locked"],
)
def test_unsafe_keyrings_are_refused(backend: keyring.backend.KeyringBackend) -> None:
    secrets = DeviceSecrets(backend)
    with pytest.raises(NoKeyringError) as info:
        secrets.check_usable()
    assert "keyring" in str(info.value).lower()
    with pytest.raises(NoKeyringError):
        secrets.create("abc")
    with pytest.raises(NoKeyringError):
        secrets.get("abc")


def test_empty_chainer_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [], raising=False)
    with pytest.raises(NoKeyringError):
        DeviceSecrets(chainer.ChainerBackend()).check_usable()  # type: ignore[no-untyped-call]


def test_chainer_led_by_plaintext_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        chainer.ChainerBackend, "backends", [PlaintextKeyring(), MemoryKeyring()], raising=False
    )
    with pytest.raises(NoKeyringError):
        DeviceSecrets(chainer.ChainerBackend()).check_usable()  # type: ignore[no-untyped-call]


def test_locked_message_says_unlock() -> None:
    with pytest.raises(NoKeyringError) as info:
        DeviceSecrets(LockedKeyring()).check_usable()
    assert "locked" in str(info.value)
