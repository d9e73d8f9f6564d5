"""One Keyworker at a time per store: a second app or a writing command is told plainly that
the store is open elsewhere and what to do; the lock goes with the process, however it ends.

Real SQLCipher stores; the subprocess test shares the torture suite's keyring file.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from keyworker_app.errors import StoreInUseError, WrongPassphraseError
from keyworker_app.paths import StorePaths
from keyworker_app.security.device_secret import DeviceSecrets
from keyworker_app.security.kdf import FAST_TEST_KDF
from keyworker_app.services.case_store import CaseStore
from keyworker_app.store.instance_lock import InstanceLock
from tests.cli_harness import CliHarness
from tests.keyring_memory import MemoryKeyring
from tests.torture.common import OWNER, PASSPHRASES, case_store, new_store
from tests.unit.test_cli import PASS, init

ROOT = Path(__file__).resolve().parents[3]


def _two_apps(tmp_path: Path) -> tuple[CaseStore, CaseStore]:
    secrets = DeviceSecrets(MemoryKeyring())
    paths = StorePaths(tmp_path / "store")
    first = CaseStore(paths, secrets, kdf=FAST_TEST_KDF)
    first.create(PASSPHRASES[0], OWNER)[0].lock()
    return first, CaseStore(paths, secrets, kdf=FAST_TEST_KDF)


def test_a_second_app_is_refused_while_the_first_has_the_store_open(tmp_path: Path) -> None:
    first, second = _two_apps(tmp_path)
    session = first.unlock(PASSPHRASES[0])
    assert second.open_elsewhere()
    with pytest.raises(StoreInUseError) as caught:
        second.unlock(PASSPHRASES[0])
    assert "already open in another Keyworker" in caught.value.message
    assert "close it and try again" in caught.value.advice
    # Refused before any passphrase is tried: a guess from here is not even counted.
    with pytest.raises(StoreInUseError):
        second.unlock("not the passphrase at all")
    assert second.throttle_wait() == 0
    # A command that only reads may still run beside the app.
    reader = second.unlock(PASSPHRASES[0], exclusive=False)
    assert reader.verify().ok
    reader.lock()

    session.lock()
    assert not second.open_elsewhere()
    again = second.unlock(PASSPHRASES[0])  # once the first has locked, the second may open
    assert first.open_elsewhere()
    again.lock()


def test_a_failed_unlock_lets_the_lock_go(tmp_path: Path) -> None:
    first, second = _two_apps(tmp_path)
    with pytest.raises(WrongPassphraseError):
        first.unlock("wrong horse battery staple")
    assert not second.open_elsewhere()
    second.unlock(PASSPHRASES[0]).lock()


def test_nested_opens_in_one_app_share_the_lock(tmp_path: Path) -> None:
    first, second = _two_apps(tmp_path)
    session = first.unlock(PASSPHRASES[0])
    first.rotate_key(PASSPHRASES[0])  # opens and locks the store again inside the app
    assert second.open_elsewhere()  # the app's own session still holds it
    session.lock()
    assert not second.open_elsewhere()


def test_the_lock_goes_with_a_killed_process(tmp_path: Path) -> None:
    new_store(tmp_path)
    holder = subprocess.Popen(
        [sys.executable, "-m", "tests.unit.services.window_writer", str(tmp_path), "held",
         "exclusive"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
        cwd=ROOT)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        store = case_store(tmp_path)
        assert store.open_elsewhere()
        with pytest.raises(StoreInUseError):
            store.unlock(PASSPHRASES[0])
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
        for stream in (holder.stdin, holder.stdout):
            if stream is not None:
                stream.close()
    store = case_store(tmp_path)
    assert not store.open_elsewhere()  # no stale lock to clear by hand
    session = store.unlock(PASSPHRASES[0])
    assert session.verify().ok
    session.lock()


def test_a_writing_command_says_the_store_is_open_elsewhere(harness: CliHarness) -> None:
    init(harness)
    source = ROOT / "docs" / "examples" / "families.json"
    app = InstanceLock(StorePaths(harness.store).instance_lock)
    app.acquire()  # the desktop app has the store open
    try:
        for command in (("import-families", str(source)), ("rotate-key",), ("passwd",)):
            result = harness.run(*command, KEYWORKER_PASSPHRASE=PASS,
                                 KEYWORKER_NEW_PASSPHRASE="maple kettle ferry 2048")
            assert result.code == 2, (command, result.err)
            assert "already open in another Keyworker" in result.err
            assert "Traceback" not in result.err
        assert harness.run("verify", KEYWORKER_PASSPHRASE=PASS).code == 0  # reading is fine
        assert harness.run("audit", KEYWORKER_PASSPHRASE=PASS).code == 0
    finally:
        app.release()
    result = harness.run("import-families", str(source), KEYWORKER_PASSPHRASE=PASS)
    assert result.code == 0, result.err
