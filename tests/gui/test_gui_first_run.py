"""First-run wizard: keyring check, owner, passphrase strength, recovery key confirmation."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

from keyring.backends import fail
from PySide6.QtWidgets import QApplication

from keyworker_app.gui.first_run import FirstRunWizard, group_key, write_private_file
from keyworker_app.gui.lock import LockSettings
from keyworker_app.gui.main_window import MainWindow
from keyworker_app.paths import StorePaths
from keyworker_app.security.device_secret import DeviceSecrets
from keyworker_app.services.api import CaseStoreService
from keyworker_app.services.case_store import CaseStore


def test_no_keyring_cannot_continue(qtbot: Any, tmp_path: Path) -> None:
    store = CaseStore(StorePaths(tmp_path / "store"), DeviceSecrets(fail.Keyring()))
    wizard = FirstRunWizard(store)
    qtbot.addWidget(wizard)
    wizard.show()
    assert "gnome-keyring" in wizard.keyring.message.text()
    assert not wizard.keyring.isComplete()


def test_wizard_creates_store_and_requires_confirmation(qtbot: Any,
                                                        case_store: CaseStoreService) -> None:
    window = MainWindow(case_store, LockSettings(), watch_desktop=False)
    qtbot.addWidget(window)
    window.start()
    window.show()
    wizard = window.wizard
    assert wizard is not None and window.windowTitle().startswith("Keyworker")
    assert wizard.keyring.isComplete()
    wizard.next()
    assert not wizard.owner.isComplete()
    wizard.owner.name.setText("Sam Worker")
    wizard.owner.organisation.setEditText("Leeds City Council")
    assert wizard.owner.isComplete()
    wizard.next()
    wizard.passphrase.first.setText("short")
    assert not wizard.passphrase.isComplete()
    assert wizard.passphrase.meter.value() <= 1
    wizard.passphrase.first.setText("plum violin harbour seventeen")
    wizard.passphrase.second.setText("plum violin harbour seventeen")
    assert wizard.passphrase.meter.value() >= 3
    assert wizard.passphrase.isComplete()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.session is not None, timeout=5000)
    assert wizard.passphrase.first.text() == ""
    assert wizard.recovery.key.text().count(" ") >= 3
    assert not wizard.recovery.isComplete()
    wizard.recovery.given.setChecked(True)
    assert wizard.recovery.isComplete()
    wizard.accept()
    qtbot.waitUntil(lambda: not window.lock.is_locked, timeout=2000)
    assert case_store.exists()
    QApplication.instance().removeEventFilter(window.lock)  # type: ignore[union-attr]
    window.lock.lock("teardown")


def test_group_key_and_private_file(tmp_path: Path) -> None:
    assert group_key("abcd-efgh-ij") == "abcd efgh ij"
    target = tmp_path / "key.txt"
    write_private_file(target, "secret")
    assert target.read_text() == "secret"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
