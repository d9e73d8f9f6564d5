"""Copies of one store on one computer (the live folder, a restored backup) each have their
own keyring entry: restoring, recovering or re-binding one never changes what opens another.
Also: the attempt record that a deleted file cannot reset. Real SQLCipher throughout."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from keyworker_app.errors import (
    UnlockThrottledError,
    WrongPassphraseError,
)
from keyworker_app.paths import StorePaths
from keyworker_app.security.atomic import atomic_write_bytes
from keyworker_app.security.device_secret import SERVICE, DeviceSecrets
from keyworker_app.security.keyslots import (
    header_problems,
    read_header,
    unwrap_passphrase,
    wrap_passphrase_slot,
)
from keyworker_app.store.vault import CreatedStore, Vault
from tests.conftest_vault import FakeClock
from tests.keyring_memory import MemoryKeyring

PASS = "correct horse battery staple"
RESTORED = "restored copy passphrase 42"
VaultFactory = Callable[..., Vault]


def note(store: CreatedStore, text: str) -> None:
    store.conn.execute("CREATE TABLE notes(body TEXT)")
    store.conn.execute("INSERT INTO notes VALUES (?)", (text,))


def notes(vault: Vault, passphrase: str) -> list[str]:
    opened = vault.unlock(passphrase)
    try:
        return [r[0] for r in opened.conn.execute("SELECT body FROM notes").fetchall()]
    finally:
        opened.close()


@pytest.fixture
def created(vault: Vault) -> CreatedStore:
    store = vault.create(PASS)
    note(store, "original")
    store.close()
    return store


def backup_of(vault: Vault, tmp_path: Path, name: str = "backup.kwb") -> Path:
    dest = tmp_path / name
    opened = vault.unlock(PASS)
    try:
        vault.backup(opened.conn, dest)
    finally:
        opened.close()
    return dest


def test_original_and_restored_copy_both_open_and_recover_on_one_never_changes_the_other(
    vault: Vault, created: CreatedStore, tmp_path: Path, memory_keyring: MemoryKeyring,
    vault_factory: VaultFactory,
) -> None:
    dest = backup_of(vault, tmp_path)
    entries_before = dict(memory_keyring.passwords)
    copy = vault_factory("restored", memory_keyring)  # same computer, same keyring
    copy.restore(dest, created.recovery_key, RESTORED).close()

    # Restoring added entries for the copy and changed none of the original's.
    for name, value in entries_before.items():
        assert memory_keyring.passwords[name] == value
    assert notes(vault, PASS) == ["original"]
    assert notes(copy, RESTORED) == ["original"]

    # Recovering the original binds it afresh; the restored copy opens as before.
    vault.unlock_with_recovery(created.recovery_key, "original after recovery 7").close()
    assert notes(copy, RESTORED) == ["original"]
    assert notes(vault, "original after recovery 7") == ["original"]
    with pytest.raises(WrongPassphraseError):
        vault.unlock(PASS)

    # ... and the other way round.
    copy.unlock_with_recovery(created.recovery_key, "copy after recovery 9").close()
    assert notes(vault, "original after recovery 7") == ["original"]
    assert notes(copy, "copy after recovery 9") == ["original"]
    assert read_header(vault.paths.header).secret_id != read_header(copy.paths.header).secret_id


def test_backup_made_here_restores_with_the_passphrase_alone_as_its_own_copy(
    vault: Vault, created: CreatedStore, tmp_path: Path, memory_keyring: MemoryKeyring,
    vault_factory: VaultFactory,
) -> None:
    dest = backup_of(vault, tmp_path)
    copy = vault_factory("restored", memory_keyring)
    assert copy.backup_opens_here(dest)
    assert not vault_factory("elsewhere").backup_opens_here(dest)  # another computer
    copy.restore(dest, None, PASS).close()
    assert read_header(copy.paths.header).secret_id != read_header(vault.paths.header).secret_id

    copy.change_passphrase(PASS, RESTORED)
    assert notes(vault, PASS) == ["original"]
    copy.unlock_with_recovery(created.recovery_key, "copy after recovery 9").close()
    assert notes(vault, PASS) == ["original"]
    # The backup still restores with the passphrase of its day, into a third copy.
    third = vault_factory("third", memory_keyring)
    third.restore(dest, None, PASS).close()
    assert notes(third, PASS) == ["original"]


def make_old_style(vault: Vault, secrets: DeviceSecrets) -> None:
    """Turn the store into one written before per-copy entries: a header without a
    device-secret id, its secret under the store id alone, no attempt record."""
    header = read_header(vault.paths.header)
    secret = secrets.get(header.store_id, header.secret_id)
    data_key = unwrap_passphrase(header, PASS, secret)
    secrets.delete(header.store_id, header.secret_id)
    secrets.put(header.store_id, None, secret)
    header.secret_id = None
    header.slots = [wrap_passphrase_slot(header, data_key, PASS, secret)] + [
        s for s in header.slots if s.type != "passphrase"]
    atomic_write_bytes(vault.paths.header, header.to_bytes())
    vault.paths.throttle.unlink()


def test_store_from_before_per_copy_entries_keeps_opening_and_gets_its_own_entry(
    vault: Vault, created: CreatedStore, *, device_secrets: DeviceSecrets,
    memory_keyring: MemoryKeyring, tmp_path: Path, vault_factory: VaultFactory,
) -> None:
    make_old_style(vault, device_secrets)
    old_backup = backup_of(vault, tmp_path, "before.kwb")  # header without an id
    legacy_name = (SERVICE, f"device-secret:{created.store_id}")
    assert legacy_name in memory_keyring.passwords
    header = read_header(vault.paths.header)
    assert header.secret_id is not None  # moved at that first unlock
    assert notes(vault, PASS) == ["original"]
    # The older entry stays for the older backups, which restore with the passphrase.
    assert legacy_name in memory_keyring.passwords
    copy = vault_factory("restored", memory_keyring)
    copy.restore(old_backup, None, PASS).close()
    assert notes(copy, PASS) == ["original"]
    assert notes(vault, PASS) == ["original"]

    # Taking the id out again (to get the old, looser throttling) makes the slot fail.
    stripped = read_header(vault.paths.header)
    stripped.secret_id = None
    atomic_write_bytes(vault.paths.header, stripped.to_bytes())
    with pytest.raises(WrongPassphraseError):
        vault.unlock(PASS)


def test_an_old_style_store_that_cannot_be_moved_to_its_own_entry_still_opens(
    vault: Vault, created: CreatedStore, device_secrets: DeviceSecrets,
    memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch,
) -> None:
    from keyworker_app.errors import DiskFullError
    from keyworker_app.store import vault as vault_module

    make_old_style(vault, device_secrets)
    entries = set(memory_keyring.passwords)
    real_write = vault_module.atomic_write_bytes

    def full_disk_for_header(path: Path, data: bytes, *args: object, **kw: object) -> None:
        if path == vault.paths.header:
            raise DiskFullError()
        real_write(path, data)

    monkeypatch.setattr(vault_module, "atomic_write_bytes", full_disk_for_header)
    assert notes(vault, PASS) == ["original"]  # opened all the same
    assert read_header(vault.paths.header).secret_id is None
    assert {n for n in memory_keyring.passwords if n[1].startswith("device-secret")} == {
        n for n in entries if n[1].startswith("device-secret")}  # no orphan entry left
    monkeypatch.undo()
    assert notes(vault, PASS) == ["original"]
    assert read_header(vault.paths.header).secret_id is not None


def test_deleting_the_attempts_file_after_throttling_allows_no_immediate_guess(
    vault: Vault, created: CreatedStore, store_paths: StorePaths, fake_clock: FakeClock,
    memory_keyring: MemoryKeyring,
) -> None:
    for _ in range(4):
        with pytest.raises(WrongPassphraseError):
            vault.unlock("wrong guess")
    store_paths.throttle.unlink()
    with pytest.raises(UnlockThrottledError):
        vault.unlock(PASS)
    fake_clock.set_wall(+3600)  # nor does moving the clock on
    with pytest.raises(UnlockThrottledError):
        vault.unlock(PASS)
    fake_clock.advance(2)
    opened = vault.unlock(PASS)
    assert len(opened.failed_attempts) == 4  # the evidence survived the deletion
    opened.attempts_audited()
    opened.close()

    # With the keyring copy gone as well, the store is throttled, not fresh.
    store_paths.throttle.unlink()
    for name in [n for n in memory_keyring.passwords if n[1].startswith("unlock-attempts:")]:
        del memory_keyring.passwords[name]
    with pytest.raises(UnlockThrottledError):
        vault.unlock(PASS)
    fake_clock.advance(300)
    opened = vault.unlock(PASS)
    assert opened.attempt_record_lost
    opened.close()


def test_new_and_restored_stores_do_not_start_throttled(
    vault: Vault, created: CreatedStore, tmp_path: Path, memory_keyring: MemoryKeyring,
    vault_factory: VaultFactory,
) -> None:
    assert vault.throttle_wait() == 0
    dest = backup_of(vault, tmp_path)
    copy = vault_factory("restored", memory_keyring)
    copy.restore(dest, created.recovery_key, RESTORED).close()
    assert copy.throttle_wait() == 0
    opened = copy.unlock(RESTORED)
    assert opened.failed_attempts == [] and not opened.attempt_record_lost
    opened.close()


def test_missing_or_malformed_recovery_slot_is_reported(
    vault: Vault, created: CreatedStore
) -> None:
    assert vault.key_header_problems() == []
    path = vault.paths.header
    original = path.read_text()
    # Damage the recovery slot: the store still opens, and the damage is named.
    header_json = original.split('"type": "recovery"')
    path.write_text(header_json[0] + '"type": "recovery"' +
                    header_json[1].replace('"wrapped": "', '"wrapped": "zz', 1))
    assert notes(vault, PASS) == ["original"]
    assert any("recovery slot" in p and "malformed" in p for p in vault.key_header_problems())
    header = read_header(path)
    header.damaged = []
    header.slots = [s for s in header.slots if s.type == "passphrase"]
    atomic_write_bytes(path, header.to_bytes())
    assert notes(vault, PASS) == ["original"]
    assert header_problems(read_header(path)) == [
        "the key header has no recovery slot: the recovery key cannot open this store; "
        "run 'keyworker rotate-key' to issue a new recovery key"]


GUESSER = """
import json, sys
from pathlib import Path
from keyworker_app.errors import UnlockThrottledError, WrongPassphraseError
from keyworker_app.paths import StorePaths
from keyworker_app.security.device_secret import DeviceSecrets
from keyworker_app.security.kdf import FAST_TEST_KDF
from keyworker_app.store.vault import Vault
from tests.keyring_memory import MemoryKeyring

root, entries, wall, up = sys.argv[1:]
keyring = MemoryKeyring()  # this computer's keyring, as it was when the guessing began
keyring.passwords = {tuple(k.split("\\n")): v for k, v in json.loads(entries).items()}
vault = Vault(StorePaths(Path(root)), DeviceSecrets(keyring), kdf=FAST_TEST_KDF,
              clock=lambda: float(wall), boot=lambda: ("boot-1", float(up)))
try:
    vault.unlock("a guess from process " + str(sys.argv))
except UnlockThrottledError:
    print("throttled")
except WrongPassphraseError:
    print("evaluated")
"""


def test_parallel_unlock_processes_have_no_more_passphrases_evaluated_than_one(
    vault: Vault, created: CreatedStore, *, store_paths: StorePaths, fake_clock: FakeClock,
    memory_keyring: MemoryKeyring, tmp_path: Path,
) -> None:
    """Twelve processes guess at once (real Argon2id, real SQLCipher store, the clock frozen
    so that only the lock decides): the free guesses and one more are evaluated."""
    import json
    import os
    import subprocess
    import sys

    from keyworker_app.security.throttle import FREE_FAILURES

    script = tmp_path / "guesser.py"
    script.write_text(GUESSER)
    entries = json.dumps({"\n".join(k): v for k, v in memory_keyring.passwords.items()})
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3])}
    procs = [subprocess.Popen([sys.executable, str(script), str(store_paths.root), entries,
                               str(fake_clock.now), str(fake_clock.uptime)],
                              stdout=subprocess.PIPE, text=True, env=env) for _ in range(12)]
    results = [p.communicate(timeout=300)[0].strip() for p in procs]
    assert results.count("evaluated") == FREE_FAILURES + 1, results
    assert results.count("throttled") == 12 - (FREE_FAILURES + 1)
    fake_clock.advance(2)
    opened = vault.unlock(PASS)
    assert len(opened.failed_attempts) == FREE_FAILURES + 1
    opened.close()
