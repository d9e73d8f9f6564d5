"""Failed unlocks reach the audit trail at the next successful unlock, even when the
attempts file was deleted in between (real SQLCipher store, in-memory keyring)."""

from __future__ import annotations

from pathlib import Path

import pytest

from keyworker_app.domain.audit import AuditAction
from keyworker_app.errors import UnlockThrottledError, WrongPassphraseError
from keyworker_app.paths import StorePaths
from keyworker_app.security.device_secret import DeviceSecrets
from keyworker_app.security.kdf import FAST_TEST_KDF
from keyworker_app.services.case_store import CaseStore
from keyworker_app.store.vault import Vault
from tests.conftest_vault import FakeClock
from tests.gui.samples import OWNER
from tests.keyring_memory import MemoryKeyring

PASS = "plum violin harbour seventeen"


def failed_events(store: CaseStore) -> list[str]:
    session = store.unlock(PASS)
    try:
        return [e.detail for e in session.audit().events(limit=1000)
                if e.action == AuditAction.UNLOCK_FAILED]
    finally:
        session.lock()


def test_failed_unlocks_are_audited_even_after_the_attempts_file_is_deleted(
    tmp_path: Path, fake_clock: FakeClock
) -> None:
    paths = StorePaths(tmp_path / "store")
    keyring = MemoryKeyring()
    store = CaseStore(paths, DeviceSecrets(keyring), kdf=FAST_TEST_KDF)
    store.vault = Vault(paths, store.secrets, kdf=FAST_TEST_KDF, clock=fake_clock,
                        boot=fake_clock.boot)
    store.create(PASS, OWNER)[0].lock()
    for _ in range(4):
        with pytest.raises(WrongPassphraseError):
            store.unlock("a wrong guess")
    paths.throttle.unlink()
    with pytest.raises(UnlockThrottledError):
        store.unlock(PASS)
    assert store.throttle_wait() > 0
    fake_clock.advance(2)
    opened = store.unlock(PASS)
    assert any("4 failed attempts to unlock" in w.message and "possible breach" in w.advice
               for w in opened.warnings)
    opened.lock()
    details = failed_events(store)
    assert len(details) == 4 and all(d.startswith("at=") for d in details)
    assert len(failed_events(store)) == 4  # written once, not again at the next unlock

    # Both copies of the record gone: throttled, and the loss itself is in the audit trail.
    paths.throttle.unlink()
    for name in [n for n in keyring.passwords if n[1].startswith("unlock-attempts:")]:
        del keyring.passwords[name]
    with pytest.raises(UnlockThrottledError):
        store.unlock(PASS)
    fake_clock.advance(300)
    assert any("missing or altered" in d for d in failed_events(store))


@pytest.mark.parametrize(("threshold", "offered"), [(2, True), (3, True), (4, False)])
def test_the_policy_sets_how_many_failed_unlocks_are_offered_as_a_breach(
    tmp_path: Path, fake_clock: FakeClock, threshold: int, offered: bool
) -> None:
    paths = StorePaths(tmp_path / "store")
    store = CaseStore(paths, DeviceSecrets(MemoryKeyring()), kdf=FAST_TEST_KDF,
                      failed_unlocks_to_report=threshold)
    store.vault = Vault(paths, store.secrets, kdf=FAST_TEST_KDF, clock=fake_clock,
                        boot=fake_clock.boot)
    store.create(PASS, OWNER)[0].lock()
    for _ in range(3):
        with pytest.raises(WrongPassphraseError):
            store.unlock("a wrong guess")
        fake_clock.advance(60)
    opened = store.unlock(PASS)
    try:
        assert any("3 failed attempts to unlock" in w.message
                   for w in opened.warnings) is offered
    finally:
        opened.lock()
