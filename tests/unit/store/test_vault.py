"""The vault against real SQLCipher files. Error paths must leave every file unchanged."""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import sqlite3
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from keyring.backends import fail

from keyworker_app.errors import (
    DeviceSecretMissingError,
    HeaderMismatchError,
    NoKeyringError,
    NotAKeyworkerStoreError,
    StoreDamagedError,
    StoreExistsError,
    UnlockThrottledError,
    WrongPassphraseError,
    WrongRecoveryKeyError,
)
from keyworker_app.paths import StorePaths
from keyworker_app.security.device_secret import DeviceSecrets
from keyworker_app.security.keyslots import read_header, unwrap_passphrase
from keyworker_app.store.vault import CreatedStore, Vault, open_verified
from tests.conftest_vault import FakeClock
from tests.keyring_memory import MemoryKeyring

PASS = "correct horse battery staple"
CANARY = "CANARY-Hortense-Bloggs-1979"
VaultFactory = Callable[..., Vault]


def fill(store: CreatedStore, rows: int = 300) -> None:
    """Enough rows for a multi-page database, with a canary to look for in raw bytes."""
    conn = store.conn
    conn.execute("CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT)")
    conn.executemany(
        "INSERT INTO notes(body) VALUES (?)", [(f"{CANARY} note {i} " * 5,) for i in range(rows)]
    )
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()


def rows(conn: object) -> list[tuple[int, str]]:
    return list(conn.execute("SELECT id, body FROM notes ORDER BY id").fetchall())  # type: ignore[attr-defined]


def fingerprint(paths: StorePaths) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(paths.root.iterdir())
        if p.is_file() and p != paths.throttle and not p.name.endswith(("-wal", "-shm"))
    }


@pytest.fixture
def created(vault: Vault) -> CreatedStore:
    store = vault.create(PASS)
    fill(store)
    store.close()
    return store


def test_create_then_unlock(vault: Vault, store_paths: StorePaths) -> None:
    store = vault.create(PASS)
    fill(store)
    expected = rows(store.conn)
    store.close()
    assert len(store.recovery_key.split("-")) == 8
    assert stat.S_IMODE(store_paths.root.stat().st_mode) == 0o700
    for p in (store_paths.database, store_paths.header):
        assert stat.S_IMODE(p.stat().st_mode) == 0o600
    assert CANARY.encode() not in store_paths.database.read_bytes()
    opened = vault.unlock(PASS)
    assert opened.store_id == store.store_id and opened.failed_attempts == []
    assert rows(opened.conn) == expected
    opened.close()


def test_create_refuses_existing_store(vault: Vault, created: CreatedStore) -> None:
    with pytest.raises(StoreExistsError):
        vault.create(PASS)


def test_create_without_keyring_writes_nothing(store_paths: StorePaths) -> None:
    vault = Vault(store_paths, DeviceSecrets(fail.Keyring()))  # type: ignore[no-untyped-call]
    with pytest.raises(NoKeyringError):
        vault.create(PASS)
    assert not store_paths.root.exists()


def test_create_failing_midway_cleans_up(
    vault: Vault,
    store_paths: StorePaths,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise OSError("simulated failure")

    monkeypatch.setattr("keyworker_app.store.vault.atomic_write_bytes", boom)
    with pytest.raises(OSError):
        vault.create(PASS)
    assert not store_paths.root.exists()
    assert memory_keyring.passwords == {}


def test_wrong_passphrase_changes_nothing_and_is_throttled(
    vault: Vault, created: CreatedStore, store_paths: StorePaths, fake_clock: FakeClock
) -> None:
    before = fingerprint(store_paths)
    for _ in range(4):
        with pytest.raises(WrongPassphraseError):
            vault.unlock("wrong")
    assert fingerprint(store_paths) == before
    with pytest.raises(UnlockThrottledError):
        vault.unlock(PASS)
    fake_clock.advance(2)
    opened = vault.unlock(PASS)
    assert len(opened.failed_attempts) == 4
    opened.close()
    # Not yet confirmed as audited: the evidence is handed over again.
    again = vault.unlock(PASS)
    assert len(again.failed_attempts) == 4
    again.attempts_audited()
    again.close()
    assert vault.unlock(PASS).failed_attempts == []


def damage_middle_page(store_paths: StorePaths) -> None:
    data = bytearray(store_paths.database.read_bytes())
    pages = len(data) // 4096
    assert pages > 4
    offset = 4096 * (pages // 2) + 500
    data[offset : offset + 8] = bytes(b ^ 0xFF for b in data[offset : offset + 8])
    store_paths.database.write_bytes(bytes(data))


def test_damaged_middle_page_is_found_by_the_page_check_after_unlock(
    vault: Vault, created: CreatedStore, store_paths: StorePaths
) -> None:
    damage_middle_page(store_paths)
    before = fingerprint(store_paths)
    # Unlocking reads the schema and the store id only, so it opens...
    opened = vault.unlock(PASS)
    assert opened.page_check is not None and opened.page_check.pending
    # ...and the full check, run afterwards, names the damage.
    with pytest.raises(StoreDamagedError, match=r"1 page\(s\) failed"):
        opened.page_check.run()
    assert not opened.page_check.pending
    opened.close()
    assert fingerprint(store_paths) == before


def test_page_check_passes_a_sound_store_once(vault: Vault, created: CreatedStore) -> None:
    opened = vault.unlock(PASS)
    assert opened.page_check is not None
    assert opened.page_check.run() is True
    assert opened.page_check.run() is False  # its connection is closed: nothing to check
    assert rows(opened.conn)  # the store's own connection is untouched
    opened.close()


def test_page_check_cancelled_by_lock_checks_nothing(
    vault: Vault, created: CreatedStore, store_paths: StorePaths
) -> None:
    damage_middle_page(store_paths)
    opened = vault.unlock(PASS)
    check = opened.page_check
    assert check is not None
    Vault.lock(opened)
    assert not check.pending
    assert check.run() is False  # no report after the lock, and no key left open


def test_damaged_middle_page_refuses_a_full_open_and_a_backup(
    vault: Vault, created: CreatedStore, store_paths: StorePaths, tmp_path: Path
) -> None:
    """What a restore does (every page checked before use) and what a backup meets."""
    header = read_header(store_paths.header)
    data_key = unwrap_passphrase(header, PASS, vault.secrets.get(header.store_id, header.secret_id))
    damage_middle_page(store_paths)
    opened = vault.unlock(PASS)
    with pytest.raises(StoreDamagedError):
        vault.backup(opened.conn, tmp_path / "backup.kwb")
    assert not (tmp_path / "backup.kwb").exists()
    opened.close()
    with pytest.raises(StoreDamagedError):
        open_verified(store_paths.database, data_key, header.store_id, every_page=True)


def test_plain_sqlite_file_is_foreign(
    vault: Vault, created: CreatedStore, store_paths: StorePaths
) -> None:
    store_paths.database.unlink()
    plain = sqlite3.connect(store_paths.database)
    plain.execute("CREATE TABLE t(x)")
    plain.commit()
    plain.close()
    before = fingerprint(store_paths)
    with pytest.raises(NotAKeyworkerStoreError) as info:
        vault.unlock(PASS)
    assert "SQLite" in str(info.value)
    assert fingerprint(store_paths) == before


@pytest.mark.parametrize(
    "content",
    [b"Dear diary, " * 1000, b"", os.urandom(5000), bytes(8192)],
    ids=["text", "empty", "random-odd-size", "zeros"],
)
def test_other_file_in_place_of_db_is_foreign(
    vault: Vault, created: CreatedStore, store_paths: StorePaths, content: bytes
) -> None:
    store_paths.database.write_bytes(content)
    before = fingerprint(store_paths)
    with pytest.raises(NotAKeyworkerStoreError):
        vault.unlock(PASS)
    assert fingerprint(store_paths) == before


def test_random_page_sized_file_does_not_match_header(
    vault: Vault, created: CreatedStore, store_paths: StorePaths
) -> None:
    store_paths.database.write_bytes(os.urandom(8192))
    with pytest.raises(HeaderMismatchError):
        vault.unlock(PASS)


@pytest.mark.parametrize("content", [b"not json", b'{"format": "other"}'])
def test_foreign_header(
    vault: Vault, created: CreatedStore, store_paths: StorePaths, content: bytes
) -> None:
    store_paths.header.write_bytes(content)
    before = fingerprint(store_paths)
    with pytest.raises(NotAKeyworkerStoreError):
        vault.unlock(PASS)
    assert fingerprint(store_paths) == before


def test_missing_header_is_damage(
    vault: Vault, created: CreatedStore, store_paths: StorePaths
) -> None:
    store_paths.header.unlink()
    with pytest.raises(StoreDamagedError):
        vault.unlock(PASS)


def test_header_from_another_store(
    vault: Vault,
    created: CreatedStore,
    store_paths: StorePaths,
    memory_keyring: MemoryKeyring,
    vault_factory: VaultFactory,
) -> None:
    other = vault_factory("other", memory_keyring)
    other.create(PASS).close()
    shutil.copyfile(other.paths.header, store_paths.header)
    before = fingerprint(store_paths)
    with pytest.raises(HeaderMismatchError):
        vault.unlock(PASS)
    assert fingerprint(store_paths) == before


def test_missing_device_secret(
    created: CreatedStore, store_paths: StorePaths, fake_clock: FakeClock
) -> None:
    elsewhere = Vault(store_paths, DeviceSecrets(MemoryKeyring()), clock=fake_clock,
                      boot=fake_clock.boot)
    before = fingerprint(store_paths)
    with pytest.raises(DeviceSecretMissingError):
        elsewhere.unlock(PASS)
    assert fingerprint(store_paths) == before


def test_no_usable_keyring_on_unlock(created: CreatedStore, store_paths: StorePaths) -> None:
    # Refused for what they do, whatever they are called: one rated below "recommended"
    # by the keyring project, and one whose "encryption" hands the secret back readable.
    class LowPriorityKeyring(MemoryKeyring):
        priority = 0.5  # type: ignore[assignment]

    class Base64Keyring(MemoryKeyring):
        priority = 5  # type: ignore[assignment]

        def encrypt(self, password: bytes) -> bytes:
            return base64.encodebytes(password)

    before = fingerprint(store_paths)
    for backend in (fail.Keyring(), LowPriorityKeyring(),  # type: ignore[no-untyped-call]
                    Base64Keyring()):
        with pytest.raises(NoKeyringError):
            Vault(store_paths, DeviceSecrets(backend)).unlock(PASS)
    assert fingerprint(store_paths) == before


def test_recovery_on_a_new_computer(
    created: CreatedStore, store_paths: StorePaths, fake_clock: FakeClock
) -> None:
    new_keyring = MemoryKeyring()
    laptop = Vault(store_paths, DeviceSecrets(new_keyring), clock=fake_clock, boot=fake_clock.boot)
    before = fingerprint(store_paths)
    with pytest.raises(WrongRecoveryKeyError):
        laptop.unlock_with_recovery("0000-" * 7 + "0000", "new pass")
    assert fingerprint(store_paths) == before
    opened = laptop.unlock_with_recovery(created.recovery_key.lower(), "new pass")
    assert len(opened.failed_attempts) == 1
    assert len(rows(opened.conn)) == 300
    opened.close()
    assert laptop.unlock("new pass").store_id == created.store_id
    with pytest.raises(WrongPassphraseError):
        laptop.unlock(PASS)
    # The recovery slot is kept.
    laptop.unlock_with_recovery(created.recovery_key, "third pass").close()


def test_change_passphrase(vault: Vault, created: CreatedStore, store_paths: StorePaths) -> None:
    db_before = store_paths.database.read_bytes()
    with pytest.raises(WrongPassphraseError):
        vault.change_passphrase("wrong", "new pass")
    vault.change_passphrase(PASS, "new pass")
    assert store_paths.database.read_bytes() == db_before
    with pytest.raises(WrongPassphraseError):
        vault.unlock(PASS)
    vault.unlock("new pass").close()


def test_rotate_key(vault: Vault, created: CreatedStore, store_paths: StorePaths) -> None:
    old_header = store_paths.header.read_bytes()
    opened = vault.unlock(PASS)
    expected = rows(opened.conn)
    with pytest.raises(WrongPassphraseError):
        vault.rotate_key(opened.conn, "wrong")
    new_recovery = vault.rotate_key(opened.conn, PASS)
    assert new_recovery != created.recovery_key
    assert rows(opened.conn) == expected
    opened.close()
    assert not (store_paths.root / "casestore.header.pending").exists()
    new_header = store_paths.header.read_bytes()

    store_paths.header.write_bytes(old_header)
    before = fingerprint(store_paths)
    with pytest.raises(HeaderMismatchError):
        vault.unlock(PASS)
    assert fingerprint(store_paths) == before

    store_paths.header.write_bytes(new_header)
    reopened = vault.unlock(PASS)
    assert rows(reopened.conn) == expected
    reopened.close()
    with pytest.raises(WrongRecoveryKeyError):
        vault.unlock_with_recovery(created.recovery_key, "x")
    vault.unlock_with_recovery(new_recovery, "x").close()


def test_rotation_interrupted_before_header_replace_is_completed(
    vault: Vault,
    created: CreatedStore,
    store_paths: StorePaths,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    opened = vault.unlock(PASS)
    real_replace = os.replace

    def crash(src: object, dst: object) -> None:
        if str(dst) == str(store_paths.header):
            raise KeyboardInterrupt  # the process dies here
        real_replace(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr("keyworker_app.store.vault.os.replace", crash)
    with pytest.raises(KeyboardInterrupt):
        vault.rotate_key(opened.conn, PASS)
    opened.close()
    monkeypatch.setattr("keyworker_app.store.vault.os.replace", real_replace)
    assert (store_paths.root / "casestore.header.pending").exists()
    recovered = vault.unlock(PASS)
    assert len(rows(recovered.conn)) == 300
    recovered.close()
    assert not (store_paths.root / "casestore.header.pending").exists()
    vault.unlock(PASS).close()


def test_backup_and_restore_on_another_computer(
    vault: Vault,
    created: CreatedStore,
    tmp_path: Path,
    vault_factory: VaultFactory,
) -> None:
    opened = vault.unlock(PASS)
    opened.conn.execute("PRAGMA user_version = 7")
    expected = rows(opened.conn)
    dest = tmp_path / "backup.kwb"
    vault.backup(opened.conn, dest)
    opened.close()
    data = dest.read_bytes()
    assert data.startswith(b"KWBACKUP1")
    assert stat.S_IMODE(dest.stat().st_mode) == 0o600
    assert CANARY.encode() not in data and b"SQLite format 3" not in data

    elsewhere = vault_factory("restored")  # fresh, empty keyring
    with pytest.raises(DeviceSecretMissingError):
        elsewhere.restore(dest, None, PASS)
    with pytest.raises(WrongRecoveryKeyError):
        elsewhere.restore(dest, "0000-" * 7 + "0000", "new pass")
    assert not elsewhere.paths.root.exists()
    restored = elsewhere.restore(dest, created.recovery_key, "new pass")
    assert rows(restored.conn) == expected
    assert restored.conn.execute("PRAGMA user_version").fetchone()[0] == 7
    restored.close()
    elsewhere.unlock("new pass").close()
    with pytest.raises(StoreExistsError):
        elsewhere.restore(dest, created.recovery_key, "new pass")


def test_restore_with_passphrase_on_same_computer(
    vault: Vault,
    created: CreatedStore,
    tmp_path: Path,
    memory_keyring: MemoryKeyring,
    vault_factory: VaultFactory,
) -> None:
    opened = vault.unlock(PASS)
    dest = tmp_path / "backup.kwb"
    vault.backup(opened.conn, dest)
    opened.close()
    target = vault_factory("same-laptop", memory_keyring)
    with pytest.raises(WrongPassphraseError):
        target.restore(dest, None, "wrong")
    restored = target.restore(dest, None, PASS)
    assert len(rows(restored.conn)) == 300
    restored.close()


def test_bad_backup_files(
    vault: Vault, created: CreatedStore, tmp_path: Path, vault_factory: VaultFactory
) -> None:
    opened = vault.unlock(PASS)
    good = tmp_path / "backup.kwb"
    vault.backup(opened.conn, good)
    opened.close()
    data = good.read_bytes()
    target = vault_factory("target")
    foreign = tmp_path / "foreign"
    foreign.write_bytes(b"PK\x03\x04 not a backup")
    with pytest.raises(NotAKeyworkerStoreError):
        target.restore(foreign, created.recovery_key, "p")
    flipped = bytearray(data)
    flipped[len(data) // 2] ^= 1
    for name, content in [("flipped", bytes(flipped)), ("short", data[:-100])]:
        bad = tmp_path / name
        bad.write_bytes(content)
        with pytest.raises(StoreDamagedError):
            target.restore(bad, created.recovery_key, "p")
    assert not target.paths.root.exists()
