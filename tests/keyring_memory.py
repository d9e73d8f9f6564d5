"""An in-memory keyring backend for tests: a fresh instance is a fresh computer."""

from __future__ import annotations

import keyring.backend
import keyring.errors
from keyring.compat import properties


class MemoryKeyring(keyring.backend.KeyringBackend):
    """Holds passwords in a dict. Pass an instance explicitly (``DeviceSecrets(backend)``).

    Its ``priority`` raises, so keyring never auto-selects it (nor chains it): importing
    this module cannot change what ``keyring.get_keyring()`` returns in other tests.
    """

    @properties.classproperty
    def priority(cls) -> float:
        raise RuntimeError("test-only backend; never selected automatically")

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.passwords: dict[tuple[str, str], str] = {}

    def __str__(self) -> str:
        return "MemoryKeyring (tests)"

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        try:
            del self.passwords[(service, username)]
        except KeyError:
            raise keyring.errors.PasswordDeleteError("not found") from None


class LockedKeyring(MemoryKeyring):
    """Behaves like a Secret Service collection that stays locked."""

    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringLocked("Failed to unlock the collection!")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.KeyringLocked("Failed to unlock the collection!")
