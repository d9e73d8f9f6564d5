"""A store from an earlier version: the desktop app asks before upgrading it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication, QMessageBox

from keyworker_app.gui.lock import LockSettings
from keyworker_app.gui.main_window import MainWindow
from keyworker_app.paths import StorePaths
from keyworker_app.security.device_secret import DeviceSecrets
from keyworker_app.security.kdf import FAST_TEST_KDF
from keyworker_app.services.case_store import CaseStore
from tests.gui.conftest import FakeClock
from tests.keyring_memory import MemoryKeyring

PASSPHRASE = "plum violin harbour seventeen"


def v1_store(root: Path, keyring: MemoryKeyring) -> CaseStore:
    from datetime import UTC, datetime

    from keyworker_app.domain.audit import Actor, AuditAction, Role
    from keyworker_app.store import meta
    from keyworker_app.store.audit import AuditLog
    from keyworker_app.store.connection import transaction
    from keyworker_app.store.schema import MIGRATIONS, migrate

    store = CaseStore(StorePaths(root), DeviceSecrets(keyring), kdf=FAST_TEST_KDF)
    created = store.vault.create(PASSPHRASE)
    try:
        migrate(created.conn, MIGRATIONS[:1])
        owner = Actor("Sam Worker", Role.KEY_WORKER, "Leicester City Council")
        with transaction(created.conn):
            meta.set_owner(created.conn, owner)
            AuditLog(created.conn, owner, lambda: datetime(2025, 1, 6, tzinfo=UTC)).record(
                AuditAction.STORE_CREATED, "store", created.store_id)
    finally:
        created.conn.close()
    return store


def _question(window: MainWindow) -> QMessageBox | None:
    boxes = [b for b in window.findChildren(QMessageBox)
             if b.objectName() == "upgradeQuestion" and b.isVisible()]
    return boxes[0] if boxes else None


def test_the_app_asks_before_upgrading_and_not_now_changes_nothing(
        qtbot: Any, tmp_path: Path) -> None:
    store = v1_store(tmp_path / "store", MemoryKeyring())
    window = MainWindow(store, LockSettings(300), clock=FakeClock(), watch_desktop=False)
    qtbot.addWidget(window)
    window.start()
    window.show()
    before = store.paths.database.read_bytes()

    window.lock_screen.passphrase.setText(PASSPHRASE)
    window.lock_screen.unlock_button.click()
    qtbot.waitUntil(lambda: _question(window) is not None, timeout=5000)
    box = _question(window)
    assert box is not None and "earlier version of Keyworker" in box.text()
    assert "backup" in box.informativeText()
    not_now = next(b for b in box.buttons() if "Not now" in b.text())
    not_now.click()
    qtbot.waitUntil(lambda: "nothing was changed" in window.lock_screen.message.text(),
                    timeout=5000)
    assert window.lock.is_locked
    assert store.paths.database.read_bytes() == before

    window.lock_screen.passphrase.setText(PASSPHRASE)
    window.lock_screen.unlock_button.click()
    qtbot.waitUntil(lambda: _question(window) is not None, timeout=5000)
    box = _question(window)
    assert box is not None
    next(b for b in box.buttons() if "Upgrade" in b.text()).click()
    qtbot.waitUntil(lambda: not window.lock.is_locked, timeout=10000)
    assert len(list((store.paths.root / "upgrade-backups").iterdir())) == 1
    window.lock.lock("teardown")
    QApplication.processEvents()
