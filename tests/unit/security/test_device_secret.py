from __future__ import annotations

import keyring.backend
import pytest
from keyring.backends import chainer, fail, null

from keyworker_app.errors import DeviceSecretMissingError, NoKeyringError
from keyworker_app.security.device_secret import SERVICE, DeviceSecrets
from tests.keyring_memory import LockedKeyring, MemoryKeyring


class ClaimingKeyring:
    """A backend as keyring would see one, with the priority it claims. Not a keyring
    ``KeyringBackend`` subclass, so keyring never registers or selects it elsewhere."""

    priority: float = 5.0

    def __init__(self) -> None:
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.passwords.pop((service, username), None)


class PlaintextKeyring(ClaimingKeyring):
    """Behaves as keyrings.alt.file.PlaintextKeyring does: its "encryption" is the identity
    (the file then holds base64), and its priority is below keyring's recommended 1."""

    priority = 0.5

    def encrypt(self, password: bytes, assoc: bytes | None = None) -> bytes:
        return password


class ProudPlaintextKeyring(ClaimingKeyring):
    """Claims a high priority but only base64-encodes: refused for what it does."""

    def encrypt(self, password: bytes, assoc: bytes | None = None) -> bytes:
        import base64

        return b"v1:" + base64.b64encode(password)


class EncryptingFileKeyring(ClaimingKeyring):
    """A file keyring that really encrypts (stands in for keyrings.cryptfile)."""

    def encrypt(self, password: bytes, assoc: bytes | None = None) -> bytes:
        return bytes(b ^ 0x5A for b in password[::-1]) + b"sealed"


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
    [fail.Keyring(), null.Keyring(), PlaintextKeyring(), ProudPlaintextKeyring(),  # type: ignore[no-untyped-call]
     LockedKeyring()],
    ids=["fail", "null", "low-priority-plaintext", "base64-only", "locked"],
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


def test_refusal_is_by_what_a_backend_does_not_its_name() -> None:
    with pytest.raises(NoKeyringError) as low:
        DeviceSecrets(PlaintextKeyring()).check_usable()
    assert "does not recommend (priority 0.5)" in low.value.message
    with pytest.raises(NoKeyringError) as plain:
        DeviceSecrets(ProudPlaintextKeyring()).check_usable()
    assert "keeps secrets in plain text" in plain.value.message
    DeviceSecrets(EncryptingFileKeyring()).check_usable()  # encrypts: accepted
