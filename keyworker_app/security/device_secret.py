"""The per-store device secret, kept in the operating system's keyring.

It is half of the passphrase slot's wrapping key, so the store cannot be opened with
the passphrase alone on another computer. Only a keyring that really protects secrets
is accepted, judged by what a backend is and does rather than by its name: the ``fail``
and ``null`` backends, any backend the keyring project itself marks as not recommended
(a priority below 1, as the file keyrings of ``keyrings.alt`` are), any backend whose
``encrypt`` step hands back the secret unchanged or merely base64-encoded, and a locked
keyring are refused with ``NoKeyringError``. There is never a silent fallback.

Entries are named per *copy* of a store: ``device-secret:<store id>:<secret id>``, the
secret id being the one the copy's header names. A restored backup or a recovered store
gets a new secret id (a new entry) and never overwrites another copy's entry. Headers
from before secret ids use the older name ``device-secret:<store id>``; those entries are
never deleted, because older backups of the store still need them.

The authenticated record of failed unlocks (``security.throttle``) is kept beside the
device secret as ``unlock-attempts:<store id>:<secret id>``.

``keyring`` (and its backend discovery, a scan of installed packages) loads on first use —
at unlock or set-up, on a worker thread — not while the app starts.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import logging
import secrets
from functools import cache
from typing import TYPE_CHECKING, Any

from keyworker_app.errors import DeviceSecretMissingError, NoKeyringError

log = logging.getLogger("keyworker.vault")

SERVICE = "Keyworker"
SECRET_BYTES = 32
_PROBE_USER = "keyworker-probe"


if TYPE_CHECKING:
    import keyring.backend


@cache
def _errors() -> tuple[type[BaseException], ...]:
    """Exceptions a keyring backend raises when the keyring itself is unusable."""
    import keyring.errors

    errors: list[type[BaseException]] = [keyring.errors.KeyringError, OSError, RuntimeError]
    # D-Bus failures (no session bus, daemon gone) surface as these on Linux.
    with contextlib.suppress(ImportError):
        import secretstorage.exceptions

        errors.append(secretstorage.exceptions.SecretStorageException)
    with contextlib.suppress(ImportError):
        import jeepney.wrappers  # type: ignore[import-untyped]

        errors.append(jeepney.wrappers.DBusErrorResponse)
    return tuple(errors)


def _username(store_id: str, secret_id: str | None = None) -> str:
    if secret_id is None:
        return f"device-secret:{store_id}"  # headers from before per-copy entries
    return f"device-secret:{store_id}:{secret_id}"


def _attempts_username(store_id: str, secret_id: str) -> str:
    return f"unlock-attempts:{store_id}:{secret_id}"


def _describe(exc: BaseException) -> str:
    import keyring.errors

    if isinstance(exc, keyring.errors.KeyringLocked):
        return "the keyring is locked; unlock it (log in to the desktop session) and try again"
    # Class name only: backend messages can carry paths or user names.
    return f"the keyring failed: {type(exc).__name__}"


# keyring's own rule of thumb: "a priority of one or greater is recommended"; below one
# are backends it keeps only as a last resort (plain or weakly protected files).
RECOMMENDED_PRIORITY = 1.0


def _priority(backend: Any) -> float | None:
    """The backend's priority, or None when it cannot say (then it is judged by use)."""
    try:
        return float(backend.priority)
    except Exception:
        return None


def _keeps_plaintext(backend: Any) -> bool:
    """Whether the backend's own encryption step leaves the secret readable."""
    encrypt = getattr(backend, "encrypt", None)
    if not callable(encrypt):
        return False
    probe = b"keyworker-probe-" + secrets.token_hex(8).encode("ascii")
    try:
        sealed = encrypt(probe)
    except Exception:
        return False  # it needs more than a secret to encrypt: not a plain copy
    if isinstance(sealed, str):
        sealed = sealed.encode("utf-8", "replace")
    if not isinstance(sealed, bytes | bytearray):
        return False
    return probe in sealed or base64.b64encode(probe) in sealed


def unusable_reason(backend: Any) -> str | None:
    """Why ``backend`` must not hold secrets, or ``None`` if its kind is acceptable."""
    from keyring.backends import chainer, fail, null

    name = type(backend).__name__
    if isinstance(backend, fail.Keyring):
        return "no keyring backend is installed"
    if isinstance(backend, null.Keyring):
        return "the keyring is disabled (null backend)"
    if not isinstance(backend, chainer.ChainerBackend):
        priority = _priority(backend)
        if priority is not None and priority < RECOMMENDED_PRIORITY:
            return (f"the {name} backend is one the keyring project does not recommend "
                    f"(priority {priority:g}); it does not protect secrets well enough")
        if _keeps_plaintext(backend):
            return f"the {name} backend keeps secrets in plain text"
    if isinstance(backend, chainer.ChainerBackend):
        usable = [b for b in backend.backends if unusable_reason(b) is None]
        if not usable:
            return "no usable keyring backend is available"
        # The chainer writes to the first backend that accepts: it must be a safe one.
        first = backend.backends[0]
        reason = unusable_reason(first)
        if reason is not None:
            return reason
    return None


class DeviceSecrets:
    """Device secrets per store id. ``backend=None`` means the system default keyring."""

    def __init__(self, backend: keyring.backend.KeyringBackend | None = None) -> None:
        self._backend = backend

    @property
    def backend(self) -> keyring.backend.KeyringBackend:
        if self._backend is not None:
            return self._backend
        import keyring

        return keyring.get_keyring()

    def check_usable(self) -> None:
        """Raise ``NoKeyringError`` unless the keyring is safe and answers."""
        backend = self.backend
        reason = unusable_reason(backend)
        if reason is not None:
            log.warning("Keyring refused: %s (%s)", reason, type(backend).__name__)
            raise NoKeyringError(reason)
        try:
            # A read is enough to make a locked Secret Service collection show itself.
            backend.get_password(SERVICE, _PROBE_USER)
        except _errors() as exc:
            log.warning("Keyring probe failed: %s", type(exc).__name__)
            raise NoKeyringError(_describe(exc)) from exc

    def _write(self, username: str, value: str) -> None:
        try:
            self.backend.set_password(SERVICE, username, value)
        except _errors() as exc:
            raise NoKeyringError(_describe(exc)) from exc

    def _read(self, username: str) -> str | None:
        backend = self.backend
        reason = unusable_reason(backend)
        if reason is not None:
            raise NoKeyringError(reason)
        try:
            return backend.get_password(SERVICE, username)
        except _errors() as exc:
            raise NoKeyringError(_describe(exc)) from exc

    def create(self, store_id: str, secret_id: str | None = None) -> bytes:
        """Make the device secret for this copy (``secret_id``) and return it."""
        secret = secrets.token_bytes(SECRET_BYTES)
        self.put(store_id, secret_id, secret)
        return secret

    def put(self, store_id: str, secret_id: str | None, secret: bytes) -> None:
        """Store ``secret`` as this copy's device secret (a new entry for a new copy)."""
        self.check_usable()
        self._write(_username(store_id, secret_id), base64.b64encode(secret).decode("ascii"))
        log.info("Device secret stored for store %s", store_id)

    def get(self, store_id: str, secret_id: str | None = None) -> bytes:
        encoded = self._read(_username(store_id, secret_id))
        if encoded is None:
            log.info("No device secret in the keyring for store %s", store_id)
            raise DeviceSecretMissingError()
        try:
            secret = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError) as exc:
            # Recovery rewrites it, which is the right remedy for a mangled entry.
            log.warning("Device secret for store %s is malformed", store_id)
            raise DeviceSecretMissingError() from exc
        if len(secret) != SECRET_BYTES:
            log.warning("Device secret for store %s has the wrong length", store_id)
            raise DeviceSecretMissingError()
        return secret

    def delete(self, store_id: str, secret_id: str | None = None) -> None:
        """Remove a copy's device secret and attempt record; a missing entry is not an error."""
        import keyring.errors

        names = [_username(store_id, secret_id)]
        if secret_id is not None:
            names.append(_attempts_username(store_id, secret_id))
        for name in names:
            try:
                self.backend.delete_password(SERVICE, name)
            except keyring.errors.PasswordDeleteError:
                pass
            except _errors() as exc:
                raise NoKeyringError(_describe(exc)) from exc
        log.info("Device secret removed for store %s", store_id)

    def get_attempts(self, store_id: str, secret_id: str) -> str | None:
        """The authenticated record of failed unlocks for this copy, if any."""
        return self._read(_attempts_username(store_id, secret_id))

    def set_attempts(self, store_id: str, secret_id: str, record: str) -> None:
        self._write(_attempts_username(store_id, secret_id), record)
