"""File → Back up… and Change passphrase…, and "Use recovery key…" on the unlock screen: the
command line's backup, passwd and recover from the app, with its checks and its messages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from keyworker_app.gui.main_window import MainWindow
from keyworker_app.gui.store_dialogs import StoreTaskDialog
from keyworker_app.services.case_store import CaseStore
from tests.gui.conftest import PASSPHRASE, WindowFactory, unlock
from tests.gui.samples import OWNER

NEW = "lantern okapi meadow thirteen"


def _unlocked(qtbot: Any, make_window: WindowFactory) -> MainWindow:
    window = make_window()
    unlock(qtbot, window)
    qtbot.waitUntil(lambda: window.current_session() is not None)
    return window


def _type(dialog: StoreTaskDialog, **values: str) -> None:
    for key, text in values.items():
        dialog.editors[key].setText(text)


def test_back_up_writes_the_file_and_says_how_it_restores(
        qtbot: Any, make_window: WindowFactory, tmp_path: Path) -> None:
    window = _unlocked(qtbot, make_window)
    dialog = window.file_actions.back_up()
    assert dialog is not None
    dest = tmp_path / "copy.kwbackup"
    _type(dialog, passphrase="not the passphrase", file=str(dest))
    dialog.action_button.click()
    qtbot.waitUntil(lambda: not dialog.busy)
    assert "passphrase is not correct" in dialog.general.text()
    assert not dest.exists()
    _type(dialog, passphrase=PASSPHRASE)
    dialog.action_button.click()
    qtbot.waitUntil(lambda: window.file_actions.result_box is not None, timeout=10_000)
    box = window.file_actions.result_box
    assert box is not None and box.text() == f"Encrypted backup written to {dest}."
    assert "needs the recovery key" in box.informativeText()
    assert dest.stat().st_size > 0


def test_change_passphrase_checks_both_copies_and_tells_about_older_copies(
        qtbot: Any, make_window: WindowFactory, case_store: CaseStore) -> None:
    window = _unlocked(qtbot, make_window)
    dialog = window.file_actions.change_passphrase()
    assert dialog is not None
    _type(dialog, old=PASSPHRASE, new=NEW, again=NEW + "x")
    dialog.action_button.click()
    assert dialog.problems["again"].text() == "The two new passphrases are not the same."
    _type(dialog, again=NEW)
    dialog.action_button.click()
    qtbot.waitUntil(lambda: window.file_actions.result_box is not None, timeout=10_000)
    box = window.file_actions.result_box
    assert box is not None and box.text().startswith("Passphrase changed.")
    assert "OLD passphrase" in box.informativeText()
    window.lock.lock("test")
    unlock(qtbot, window, NEW)
    qtbot.waitUntil(lambda: window.current_session() is not None)


def test_the_recovery_key_opens_the_store_with_a_new_passphrase(
        qtbot: Any, tmp_path: Path, case_store: CaseStore) -> None:
    from keyworker_app.gui.lock import LockSettings

    session, recovery = case_store.create(PASSPHRASE, OWNER)
    session.lock()
    window = MainWindow(case_store, LockSettings(300), watch_desktop=False)
    qtbot.addWidget(window)
    window.start()
    window.show()
    dialog = window.lock_screen.open_recovery()
    assert isinstance(dialog, StoreTaskDialog)
    _type(dialog, key="AAAA-BBBB", new=NEW, again=NEW)
    dialog.action_button.click()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10_000)
    assert dialog.problems["key"].text().startswith("Must be 32 letters and digits")
    _type(dialog, key="-".join(["ABCD"] * 8))
    dialog.action_button.click()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10_000)
    assert "recovery key does not open this store" in dialog.general.text()
    _type(dialog, key=recovery)
    dialog.action_button.click()
    qtbot.waitUntil(lambda: window.current_session() is not None, timeout=10_000)
    window.lock.lock("test")
    unlock(qtbot, window, NEW)
    qtbot.waitUntil(lambda: window.current_session() is not None)
    window.lock.lock("teardown")


def test_menus_that_cannot_act_while_locked_are_disabled(
        qtbot: Any, make_window: WindowFactory) -> None:
    window = _unlocked(qtbot, make_window)
    file_menu = window.menuBar().actions()[0].menu()
    assert all(a.isEnabled() for a in file_menu.actions() if a.text())  # type: ignore[union-attr]
    window.lock.lock("test")
    assert window.windowTitle() == "Keyworker — Locked"
    enabled = [a.text() for a in file_menu.actions()  # type: ignore[union-attr]
               if a.isEnabled() and a.text()]
    assert enabled == ["&Quit"]
    assert not any(a.isEnabled() for a in window.session_actions)
