"""The vault: the key header, its key slots, and the life of a store.

The store directory holds ``casestore.db`` (SQLCipher 4, opened with a random 256-bit
raw data key) and ``casestore.header`` (versioned JSON). The header keeps the data key
only wrapped with AES-256-GCM, once per slot:

* ``passphrase`` slot: key = HKDF(Argon2id(passphrase) || device secret); the device
  secret lives in the OS keyring, so the passphrase alone does not open a copied store.
* ``recovery`` slot: key = HKDF(160-bit recovery key); opens the store anywhere.

The GCM associated data is the canonical JSON of the fixed fields (format, version,
store id, KDF parameters, slot type and salt), so a header edited to a cheaper KDF or
another store id fails like a wrong passphrase. ``db_salt`` (first 16 bytes of the DB
file, which ``PRAGMA rekey`` keeps) is *not* bound: a backup copy gets a new salt and is
written without knowing any passphrase.

Crash safety of ``rotate_key``: the new header is first written atomically to
``casestore.header.pending``; then ``PRAGMA rekey`` runs (one SQLite transaction); then the
pending file replaces the header. If the process dies after the rekey but before the
replace, the main header's key no longer fits; ``unlock`` then tries the pending header
and, if it opens the store, promotes it. A pending header next to a main header that
still works is a rotation that never happened and is deleted after a successful unlock.
The new recovery key is shown only when ``rotate_key`` returns, so after such a crash the
information-governance officer must rotate again to get a recovery key they have seen.

Every copy of a store (the live folder, a restored backup) has its own device-secret entry,
named by the ``device_secret_id`` in its header. Restoring, recovering or re-binding one
copy makes a *new* entry and never touches another copy's. A header from before these ids
is given one on its first successful unlock: the same secret bytes are stored under the new
name (so nothing else changes) and the passphrase slot is re-wrapped; the older entry stays,
because older backups of the store still need it.

Key material held by the vault is kept in ``bytearray`` and overwritten on ``lock`` /
``close``. This is best effort only: Python, ``cryptography`` and SQLCipher make copies
that we cannot reach.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import secrets
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from cryptography.exceptions import InvalidTag

from keyworker_app.errors import (
    DeviceSecretMissingError,
    HeaderMismatchError,
    NoKeyringError,
    NotAKeyworkerStoreError,
    StoreDamagedError,
    StoreExistsError,
    StoreMissingError,
    UserFacingError,
    WrongPassphraseError,
    WrongRecoveryKeyError,
)
from keyworker_app.paths import StorePaths
from keyworker_app.security.atomic import atomic_write_bytes, fsync_dir
from keyworker_app.security.audit_keys import HEAD, derive_audit_key
from keyworker_app.security.device_secret import DeviceSecrets
from keyworker_app.security.kdf import KdfParams, calibrate_kdf
from keyworker_app.security.keyslots import (
    Header,
    header_problems,
    new_header,
    new_secret_id,
    read_header,
    unwrap_passphrase,
    unwrap_recovery,
    wrap_passphrase_slot,
    wrap_recovery_slot,
)
from keyworker_app.security.recovery import new_recovery_key, parse_recovery_key
from keyworker_app.security.throttle import (
    BootClock,
    Guard,
    Outcome,
    UnlockThrottle,
    attempts_key,
    system_boot,
)
from keyworker_app.store import vault_files
from keyworker_app.store.audit_head import AuditHeadFile
from keyworker_app.store.connection import (
    Connection,
    configure,
    connect,
    key_pragma,
    map_sqlite_error,
)
from keyworker_app.store.page_check import PageCheck, bad_pages
from keyworker_app.store.sqlite_errors import is_damage
from keyworker_app.store.vault_files import check_db_file, read_db_salt

log = logging.getLogger("keyworker.vault")


def wipe(buffer: bytearray) -> None:
    """Overwrite key material in place (best effort; see the module docstring)."""
    for i in range(len(buffer)):
        buffer[i] = 0


@dataclass
class Unlocked:
    """An open store. ``failed_attempts`` are the failures since the last success, and
    ``attempt_record_lost`` says the record of them went missing or was altered: both for
    the caller to write to the audit trail, then to confirm with ``attempts_audited``.
    ``page_check`` reads every page on a connection of its own, for the caller to run off
    its thread (``store.page_check``)."""

    conn: Connection
    store_id: str
    failed_attempts: list[datetime] = field(default_factory=list)
    page_check: PageCheck | None = None
    attempt_record_lost: bool = False
    throttle: UnlockThrottle | None = None
    # HKDF of the data key for the audit head kept beside the store (store/audit_head.py)
    audit_key: bytes = b""
    # A second connection for whole-store work on a worker thread (the PbR claim, ...),
    # opened while the key is at hand; the app's own connection stays with the GUI thread.
    background: Connection | None = None

    def attempts_audited(self) -> None:
        if self.throttle is not None and (self.failed_attempts or self.attempt_record_lost):
            self.throttle.audited()

    def close(self) -> None:
        if self.page_check is not None:
            self.page_check.cancel()
        with contextlib.suppress(Exception):
            self.conn.close()
        if self.background is not None:
            with contextlib.suppress(Exception):
                self.background.close()


@dataclass
class CreatedStore:
    conn: Connection
    recovery_key: str  # show once, then forget
    store_id: str
    audit_key: bytes = b""

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.conn.close()


class _KeyringAttempts:
    """The keyring copy of one store copy's attempt record."""

    def __init__(self, secrets: DeviceSecrets, store_id: str, secret_id: str) -> None:
        self._secrets = secrets
        self._ids = (store_id, secret_id)

    def load(self) -> str | None:
        return self._secrets.get_attempts(*self._ids)

    def save(self, record: str) -> None:
        self._secrets.set_attempts(*self._ids, record)


def _pending_path(paths: StorePaths) -> Path:
    return paths.header.with_name(paths.header.name + ".pending")


def _raw_open(path: Path, data_key: bytes | bytearray) -> Connection:
    """Open without the house pragmas (no journal-mode change) so failed checks write nothing."""
    conn = connect(path)
    conn.execute("PRAGMA cipher_log_level = NONE")
    conn.execute(key_pragma(bytes(data_key)))
    return conn


def _is_db_error(exc: BaseException) -> bool:
    """A page that does not decrypt and check out: a wrong key, or damage."""
    return is_damage(exc)


def open_verified(path: Path, data_key: bytes | bytearray, store_id: str, *,
                  every_page: bool = False) -> Connection:
    """Open the DB with a key that the header vouched for, and tell apart what can fail.

    * every page fails its HMAC -> the key is not this file's key -> HeaderMismatchError
    * some pages fail             -> StoreDamagedError
    * store id inside differs     -> HeaderMismatchError

    Only the schema page and the store id are read unless the first read fails or
    ``every_page`` asks for the full check (a restore); an unlock leaves the other pages
    to ``PageCheck`` so it does not grow with the store.
    """
    page_count = max(1, path.stat().st_size // 4096)
    conn = _raw_open(path, data_key)
    try:
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            readable = True
        except Exception as exc:
            if not _is_db_error(exc):
                raise
            readable = False
        bad = bad_pages(conn) if every_page or not readable else []
        if not readable and (not bad or len(bad) >= page_count):
            raise HeaderMismatchError("the key in the header does not fit the case store")
        if bad:
            log.error("Store %s: %d page(s) failed the integrity check", store_id, len(bad))
            raise StoreDamagedError(f"{len(bad)} page(s) failed the integrity check")
        try:
            row = conn.execute("SELECT value FROM vault_meta WHERE key = 'store_id'").fetchone()
        except Exception as exc:
            if _is_db_error(exc):
                raise StoreDamagedError("a page could not be read") from exc
            raise StoreDamagedError("the store id record is missing") from exc
        if row is None or row[0] != store_id:
            raise HeaderMismatchError("the header names another store")
        configure(conn)
    except BaseException:
        conn.close()
        raise
    return conn


class Vault:
    def __init__(
        self,
        paths: StorePaths,
        secrets: DeviceSecrets,
        kdf: KdfParams | None = None,
        clock: Callable[[], float] = time.time,
        boot: BootClock | None = None,
    ) -> None:
        self.paths = paths
        self.secrets = secrets
        self._kdf = kdf
        self._clock = clock
        self._boot = boot or system_boot

    def _throttle(self, header: Header, device_secret: bytes | None) -> UnlockThrottle:
        """The attempt record of this copy: authenticated when the header names its own
        device-secret entry and that secret is at hand, the plain file otherwise."""
        guard = None
        if header.secret_id is not None and device_secret is not None:
            label = f"{header.store_id}/{header.secret_id}"
            copy = _KeyringAttempts(self.secrets, header.store_id, header.secret_id)
            guard = Guard(attempts_key(device_secret, label), copy)
        return UnlockThrottle(self.paths.throttle, self._clock, self._boot, guard)

    def _device_secret_if_any(self, header: Header) -> bytes | None:
        try:
            return self.secrets.get(header.store_id, header.secret_id)
        except DeviceSecretMissingError:
            return None

    def throttle_wait(self) -> float:
        """Seconds before the next unlock attempt is allowed (0 if the store cannot say)."""
        try:
            header = self._load_checked()
            secret = self._device_secret_if_any(header)
        except UserFacingError:
            return 0.0
        return self._throttle(header, secret).wait_seconds()

    def key_header_problems(self) -> list[str]:
        """What ``verify`` should say about the key slots (missing or malformed)."""
        try:
            return header_problems(read_header(self.paths.header))
        except UserFacingError as exc:
            return [str(exc)]

    # ---- creation -------------------------------------------------------------------

    def _refuse_existing(self) -> None:
        if self.paths.database.exists() or self.paths.header.exists():
            raise StoreExistsError(str(self.paths.root))

    def _make_root(self) -> bool:
        """Create the owner-only store directory; True if it did not exist."""
        root = self.paths.root
        created = not root.exists()
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
        if os.name == "posix":
            os.chmod(root, 0o700)
        return created

    def _cleanup(self, created_root: bool, entry: tuple[str, str] | None) -> None:
        throttle_files = [self.paths.throttle, self.paths.throttle.with_suffix(".lock")]
        for p in [self.paths.database, *self.paths.sidecars(), self.paths.header,
                  *throttle_files]:
            with contextlib.suppress(OSError):
                p.unlink()
        if entry is not None:
            with contextlib.suppress(Exception):
                self.secrets.delete(*entry)
        if created_root:
            with contextlib.suppress(OSError):
                self.paths.root.rmdir()

    def create(self, passphrase: str) -> CreatedStore:
        self._refuse_existing()
        self.secrets.check_usable()
        kdf = self._kdf or calibrate_kdf()
        created_root = self._make_root()
        store_id = uuid.uuid4().hex
        secret_id = new_secret_id()
        data_key = bytearray(secrets.token_bytes(32))
        recovery_secret, recovery_text = new_recovery_key()
        conn: Connection | None = None
        made_secret = False
        try:
            device_secret = self.secrets.create(store_id, secret_id)
            made_secret = True
            # Create the file ourselves so it is owner-only from its first byte;
            # SQLite gives -wal/-shm the same mode.
            os.close(os.open(self.paths.database, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
            conn = _raw_open(self.paths.database, data_key)
            configure(conn)
            conn.execute("CREATE TABLE vault_meta(key TEXT PRIMARY KEY, value TEXT)")
            conn.execute("INSERT INTO vault_meta VALUES ('store_id', ?)", (store_id,))
            # Page 1 (with the salt) must be in the main file before we record it.
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
            header = new_header(store_id, kdf, read_db_salt(self.paths.database),
                                secret_id=secret_id)
            header.slots.append(wrap_passphrase_slot(header, data_key, passphrase, device_secret))
            header.slots.append(wrap_recovery_slot(header, data_key, recovery_secret))
            # The empty record first, so a new store never starts throttled.
            self._throttle(header, device_secret).start_fresh()
            atomic_write_bytes(self.paths.header, header.to_bytes())
            fsync_dir(self.paths.root)
            audit_key = derive_audit_key(data_key, store_id, HEAD)
        except BaseException:
            if conn is not None:
                conn.close()
            self._cleanup(created_root, (store_id, secret_id) if made_secret else None)
            raise
        finally:
            wipe(data_key)
        log.info("Store %s created", store_id)
        assert conn is not None
        return CreatedStore(conn, recovery_text, store_id, audit_key)

    # ---- unlocking ------------------------------------------------------------------

    def _load_checked(self) -> Header:
        """Header and DB file plausibility checks that need no secret."""
        db = self.paths.database
        header_path = self.paths.header
        if not db.exists() and not header_path.exists():
            raise StoreMissingError(str(self.paths.root))
        if not db.exists():
            raise StoreDamagedError("the database file is missing")
        check_db_file(db)
        if not header_path.exists():
            raise StoreDamagedError("the key header file is missing")
        header = read_header(header_path)
        if header.db_salt != read_db_salt(db):
            raise HeaderMismatchError("the header was made for another database file")
        return header

    @staticmethod
    def _finish_unlock(conn: Connection, store_id: str, check: PageCheck, outcome: Outcome,
                       throttle: UnlockThrottle, *, audit_key: bytes,
                       background: Connection | None = None) -> Unlocked:
        return Unlocked(conn, store_id, outcome.failures, page_check=check,
                        attempt_record_lost=outcome.record_lost, throttle=throttle,
                        audit_key=audit_key, background=background)

    def _background(self, data_key: bytes | bytearray) -> Connection:
        """The connection for whole-store work off the GUI thread (``Unlocked.background``)."""
        conn = _raw_open(self.paths.database, data_key)
        configure(conn)
        return conn

    def _page_check(self, data_key: bytes | bytearray, store_id: str) -> PageCheck:
        """The full page check's own connection, opened while the key is at hand."""
        return PageCheck(_raw_open(self.paths.database, data_key), store_id)

    def unlock(self, passphrase: str) -> Unlocked:
        header = self._load_checked()
        device_secret = self.secrets.get(header.store_id, header.secret_id)
        throttle = self._throttle(header, device_secret)
        attempt = throttle.begin()  # counted before it is tried (see security.throttle)
        try:
            data_key = bytearray(unwrap_passphrase(header, passphrase, device_secret))
        except InvalidTag:
            log.info("Wrong passphrase for store %s", header.store_id)
            raise WrongPassphraseError() from None
        outcome = throttle.succeeded(attempt)
        try:
            try:
                conn = open_verified(self.paths.database, data_key, header.store_id)
                check = self._page_check(data_key, header.store_id)
                audit_key = derive_audit_key(data_key, header.store_id, HEAD)
                background: Connection | None = self._background(data_key)
            except HeaderMismatchError:
                conn, check, audit_key = self._try_pending(passphrase, device_secret, header)
                background = None  # opened again next time, with the rotated key
            else:
                self._drop_stale_pending()
                if header.secret_id is None:
                    throttle = self._own_entry(header, data_key, passphrase, device_secret,
                                               outcome) or throttle
        finally:
            wipe(data_key)
        log.info("Store %s unlocked", header.store_id)
        return self._finish_unlock(conn, header.store_id, check, outcome, throttle,
                                   audit_key=audit_key, background=background)

    def _own_entry(self, header: Header, data_key: bytearray, passphrase: str,
                   device_secret: bytes, outcome: Outcome) -> UnlockThrottle | None:
        """Give a header from before per-copy entries its own (same secret, new name).

        Best effort: if anything fails the store stays as it was and opens as before."""
        secret_id = new_secret_id()
        try:
            self.secrets.put(header.store_id, secret_id, device_secret)
            moved = dataclasses.replace(header, secret_id=secret_id, slots=list(header.slots))
            slot = wrap_passphrase_slot(moved, data_key, passphrase, device_secret)
            moved.slots = [slot if s.type == "passphrase" else s for s in moved.slots]
            throttle = self._throttle(moved, device_secret)
            throttle.start_fresh(outcome)
            atomic_write_bytes(self.paths.header, moved.to_bytes())
            fsync_dir(self.paths.root)
        except Exception as exc:  # never lock the owner out over a housekeeping step
            log.warning("Store %s: could not give this copy its own keyring entry (%s)",
                        header.store_id, type(exc).__name__)
            with contextlib.suppress(Exception):
                if read_header(self.paths.header).secret_id != secret_id:
                    self.secrets.delete(header.store_id, secret_id)  # nothing names it
            return None
        log.info("Store %s: this copy now has its own keyring entry", header.store_id)
        return throttle

    def _try_pending(self, passphrase: str, device_secret: bytes,
                     main: Header) -> tuple[Connection, PageCheck, bytes]:
        """Finish a key rotation that crashed between rekey and header replace."""
        pending_path = _pending_path(self.paths)
        mismatch = HeaderMismatchError("the key in the header does not fit the case store")
        if not pending_path.exists():
            raise mismatch
        try:
            pending = read_header(pending_path)
            if pending.store_id != main.store_id:
                raise mismatch
            if pending.secret_id != main.secret_id:
                raise mismatch
            key = bytearray(unwrap_passphrase(pending, passphrase, device_secret))
        except (InvalidTag, NotAKeyworkerStoreError, StoreDamagedError):
            raise mismatch from None
        try:
            conn = open_verified(self.paths.database, key, pending.store_id)
            check = self._page_check(key, pending.store_id)
            audit_key = derive_audit_key(key, pending.store_id, HEAD)
        finally:
            wipe(key)
        os.replace(pending_path, self.paths.header)
        fsync_dir(self.paths.root)
        log.warning("Store %s: completed an interrupted key rotation", main.store_id)
        return conn, check, audit_key

    def _drop_stale_pending(self) -> None:
        pending = _pending_path(self.paths)
        if pending.exists():
            # Its key was never applied; it only holds unused key material.
            pending.unlink()
            log.warning("Removed a header from a key rotation that did not happen")

    def unlock_with_recovery(self, recovery_key: str, new_passphrase: str) -> Unlocked:
        """Open with the recovery key and bind this copy to a new keyring entry.

        The old entry is left alone: another copy of the store (or an older backup) may
        still be opened with it."""
        recovery_secret = parse_recovery_key(recovery_key)
        header = self._load_checked()
        self.secrets.check_usable()
        throttle = self._throttle(header, self._device_secret_if_any(header))
        attempt = throttle.begin()
        try:
            data_key = bytearray(unwrap_recovery(header, recovery_secret))
        except InvalidTag:
            log.info("Wrong recovery key for store %s", header.store_id)
            raise WrongRecoveryKeyError() from None
        outcome = throttle.succeeded(attempt)
        try:
            conn = open_verified(self.paths.database, data_key, header.store_id)
            try:
                throttle = self._rebind(header, data_key, new_passphrase, outcome)
                check = self._page_check(data_key, header.store_id)
                background = self._background(data_key)
            except BaseException:
                conn.close()
                raise
            audit_key = derive_audit_key(data_key, header.store_id, HEAD)
        finally:
            wipe(data_key)
        log.info("Store %s opened with the recovery key and re-bound", header.store_id)
        return self._finish_unlock(conn, header.store_id, check, outcome, throttle,
                                   audit_key=audit_key, background=background)

    def _rebind(self, header: Header, data_key: bytearray, new_passphrase: str,
                carry: Outcome | None = None) -> UnlockThrottle:
        """Bind this copy to a new device secret under a new name, then write its header.

        If the header write fails, the old header (unchanged) still opens the store and the
        user can simply retry; the unused new entry is removed."""
        secret_id = new_secret_id()
        device_secret = self.secrets.create(header.store_id, secret_id)
        try:
            header.secret_id = secret_id
            header.slots = [s for s in header.slots if s.type != "passphrase"]
            header.slots.insert(
                0, wrap_passphrase_slot(header, data_key, new_passphrase, device_secret)
            )
            throttle = self._throttle(header, device_secret)
            throttle.start_fresh(carry)
            atomic_write_bytes(self.paths.header, header.to_bytes())
        except BaseException:
            with contextlib.suppress(Exception):
                self.secrets.delete(header.store_id, secret_id)
            raise
        return throttle

    # ---- key changes ----------------------------------------------------------------

    def _unwrap_with_passphrase(self, header: Header, passphrase: str) -> bytearray:
        device_secret = self.secrets.get(header.store_id, header.secret_id)
        throttle = self._throttle(header, device_secret)
        attempt = throttle.begin()
        try:
            key = bytearray(unwrap_passphrase(header, passphrase, device_secret))
        except InvalidTag:
            raise WrongPassphraseError() from None
        throttle.succeeded(attempt)
        return key

    def change_passphrase(self, old: str, new: str) -> None:
        """Re-wrap the data key under ``new``; the database is not touched."""
        header = read_header(self.paths.header)
        data_key = self._unwrap_with_passphrase(header, old)
        try:
            device_secret = self.secrets.get(header.store_id, header.secret_id)
            slot = wrap_passphrase_slot(header, data_key, new, device_secret)
        finally:
            wipe(data_key)
        header.slots = [slot if s.type == "passphrase" else s for s in header.slots]
        atomic_write_bytes(self.paths.header, header.to_bytes())
        log.info("Passphrase changed for store %s", header.store_id)

    def rotate_key(self, conn: Connection, passphrase: str,
                   head: AuditHeadFile | None = None) -> str:
        """Re-encrypt the store under a new data key; returns the NEW recovery key.

        ``head`` (the audit head kept beside the store) is vouched for under both keys
        while the rekey runs, then under the new key only."""
        header = read_header(self.paths.header)
        old_key = self._unwrap_with_passphrase(header, passphrase)
        wipe(old_key)  # only proves the passphrase; the open connection holds the key
        device_secret = self.secrets.get(header.store_id, header.secret_id)
        row = conn.execute("SELECT value FROM vault_meta WHERE key = 'store_id'").fetchone()
        if row is None or row[0] != header.store_id:
            raise HeaderMismatchError("the open connection is not this vault's store")
        new_key = bytearray(secrets.token_bytes(32))
        recovery_secret, recovery_text = new_recovery_key()
        try:
            # PRAGMA rekey keeps the file's salt, so db_salt carries over unchanged.
            fresh = dataclasses.replace(header, slots=[], damaged=[])
            fresh.slots.append(wrap_passphrase_slot(fresh, new_key, passphrase, device_secret))
            fresh.slots.append(wrap_recovery_slot(fresh, new_key, recovery_secret))
            pending = _pending_path(self.paths)
            atomic_write_bytes(pending, fresh.to_bytes())
            new_audit_key = derive_audit_key(new_key, header.store_id, HEAD)
            if head is not None:
                head.add_key(new_audit_key, conn)
            try:
                conn.execute(f"PRAGMA rekey = \"x'{bytes(new_key).hex()}'\"")
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            except BaseException:
                # rekey is one transaction: on failure the old key still applies.
                with contextlib.suppress(OSError):
                    pending.unlink()
                raise
            os.replace(pending, self.paths.header)
            fsync_dir(self.paths.root)
            if head is not None:
                head.use_only(new_audit_key, conn)
        finally:
            wipe(new_key)
        log.warning("Data key rotated for store %s", header.store_id)
        return recovery_text

    # ---- backup and restore ---------------------------------------------------------

    def backup(self, conn: Connection, dest: Path, *, replace: bool = True) -> None:
        """Write one encrypted backup file (format in ``vault_files``)."""
        from sqlcipher3 import dbapi2

        header = read_header(self.paths.header)
        try:
            vault_files.write_backup(conn, header, Path(dest), replace=replace)
        except dbapi2.DatabaseError as exc:
            # A backup reads every page: damage the page check has not reached yet shows here.
            raise map_sqlite_error(exc) from exc
        log.info("Backup written for store %s", header.store_id)

    def restore(self, src: Path, recovery_key: str | None, passphrase: str) -> Unlocked:
        """Restore a backup into this (empty) store directory.

        With the recovery key the copy is bound to this computer under ``passphrase``;
        without it, this keyring must still hold the device secret of the copy the backup
        was made from, and ``passphrase`` must be the one current when it was taken.
        Either way the restored copy gets its own new keyring entry, so the copy the backup
        came from (perhaps still in use) opens exactly as before.
        Restore attempts are not throttled: whoever holds the backup file can attack it
        offline anyway, and the Argon2id cost applies either way.
        """
        self._refuse_existing()
        header, db_bytes = vault_files.read_backup(Path(src))
        self.secrets.check_usable()
        if recovery_key is not None:
            try:
                data_key = bytearray(unwrap_recovery(header, parse_recovery_key(recovery_key)))
            except InvalidTag:
                raise WrongRecoveryKeyError() from None
        else:
            device_secret = self.secrets.get(header.store_id, header.secret_id)
            try:
                data_key = bytearray(unwrap_passphrase(header, passphrase, device_secret))
            except InvalidTag:
                raise WrongPassphraseError() from None
        created_root = self._make_root()
        try:
            atomic_write_bytes(self.paths.database, db_bytes)
            # A restored copy is checked in full before anyone works in it.
            conn = open_verified(self.paths.database, data_key, header.store_id,
                                 every_page=True)
            try:
                throttle = self._rebind(header, data_key, passphrase)
                fsync_dir(self.paths.root)
            except BaseException:
                conn.close()
                raise
            audit_key = derive_audit_key(data_key, header.store_id, HEAD)
        except BaseException:
            # Never leave a half-restored store; the device secret is not ours to delete.
            self._cleanup(created_root, None)
            raise
        finally:
            wipe(data_key)
        log.info("Store %s restored from backup", header.store_id)
        return Unlocked(conn, header.store_id, [], throttle=throttle, audit_key=audit_key)

    def backup_opens_here(self, src: Path) -> bool:
        """Whether this keyring holds the device secret the backup's passphrase slot needs,
        so it can be restored with the passphrase alone."""
        header, _ = vault_files.read_backup(Path(src))
        try:
            self.secrets.get(header.store_id, header.secret_id)
        except (DeviceSecretMissingError, NoKeyringError):
            return False
        return True

    # ---- locking --------------------------------------------------------------------

    @staticmethod
    def lock(store: Unlocked | CreatedStore) -> None:
        """Close the connection. SQLCipher wipes its own key copies on close."""
        store.close()
        log.info("Store %s locked", store.store_id)
