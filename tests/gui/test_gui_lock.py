"""Acceptance 1–3: idle lock leaves nothing on screen; drafts survive; Ctrl+L with a dialog."""

from __future__ import annotations

from typing import Any

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from keyworker_app.gui.form_dialog import FormDialog
from keyworker_app.gui.main_window import LOCKED_TITLE, TITLE
from tests.gui.conftest import FakeClock, Planted, WindowFactory, flush_deletes, unlock
from tests.gui.ui_scan import all_ui_text


def open_canary(qtbot: Any, window: Any, planted: Planted) -> Any:
    window.caseload.search.setText(planted.canary[:5])
    qtbot.waitUntil(lambda: window.caseload.proxy.rowCount() == 1)
    view = window.open_family(planted.family_id)
    assert view is not None
    return view


def test_idle_timeout_locks_and_leaves_no_personal_data(
        qtbot: Any, planted: Planted, make_window: WindowFactory, clock: FakeClock) -> None:
    # The test clock, not the wall clock: a busy machine must not lock the window while
    # the test is still opening the record. The idle timer itself runs in real time
    # (one second) and reads the test clock when it fires.
    window = make_window(timeout=1)
    unlock(qtbot, window)
    view = open_canary(qtbot, window, planted)
    view.members.selectRow(0)
    view.copy_selection(view.members)
    assert planted.canary in QApplication.clipboard().text()
    view.open_note_dialog()
    assert planted.canary in all_ui_text()
    session = window.current_session()
    assert window.windowTitle() == TITLE

    with qtbot.waitSignal(window.lock.locked, timeout=10_000):
        clock.advance(2)  # no input: the idle timer must fire on its own

    flush_deletes()
    assert window.lock.is_locked
    assert window.windowTitle() == LOCKED_TITLE
    assert planted.canary not in all_ui_text()  # every widget, model, title and the clipboard
    assert QApplication.clipboard().text() == ""
    assert session is not None and not session.is_open
    assert window.current_session() is None
    assert window.caseload.model.rowCount() == 0
    visible = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    assert visible == [window]
    assert window.stack.currentWidget() is window.lock_screen

    unlock(qtbot, window)
    view = window.open_family(planted.family_id)
    assert view is not None and view.family.family_name == planted.canary


def test_input_postpones_the_idle_lock(qtbot: Any, make_window: WindowFactory,
                                       clock: FakeClock) -> None:
    window = make_window(timeout=60)
    unlock(qtbot, window)
    clock.advance(50)
    qtbot.keyClick(window.caseload.search, Qt.Key.Key_A)
    clock.advance(50)
    window.lock.check_idle()
    assert not window.lock.is_locked
    clock.advance(11)
    window.lock.check_idle()
    assert window.lock.is_locked


def test_system_idle_counts_input_elsewhere(qtbot: Any, planted: Planted,
                                            make_window: WindowFactory, clock: FakeClock) -> None:
    window = make_window(timeout=60)
    unlock(qtbot, window)
    window.lock._system_idle = lambda: 5.0  # someone typing in another program
    clock.advance(120)
    window.lock.check_idle()
    assert not window.lock.is_locked
    window.lock._system_idle = lambda: None  # the platform cannot tell: app input counts
    window.lock.check_idle()
    assert window.lock.is_locked


def test_edit_in_progress_survives_lock(qtbot: Any, planted: Planted,
                                        make_window: WindowFactory) -> None:
    window = make_window()
    unlock(qtbot, window)
    view = open_canary(qtbot, window, planted)
    members_before = len(view.family.members)
    dialog = view.open_person_dialog(None)
    dialog.editors["given_names"].setText("Wrenna")
    dialog.editors["date_of_birth"].setText("01/02/2099")  # bad entry: stays open
    dialog.try_save()
    assert dialog.isVisible()
    assert "future" in dialog.problems["date_of_birth"].text()
    assert dialog.editors["given_names"].text() == "Wrenna"

    window.lock.lock("test")
    flush_deletes()
    assert not shiboken6.isValid(dialog) or not dialog.isVisible()

    unlock(qtbot, window)
    session = window.current_session()
    assert session is not None
    family = session.view_family(planted.family_id)
    assert len(family.members) == members_before  # nothing half-saved
    prompt = window.draft_prompt
    assert isinstance(prompt, QMessageBox)
    restore = next(b for b in prompt.buttons() if "Restore" in b.text())
    restore.click()
    restored = [w for w in QApplication.topLevelWidgets()
                if isinstance(w, FormDialog) and w.isVisible()]
    assert len(restored) == 1
    editor = restored[0]
    assert editor.editors["given_names"].text() == "Wrenna"
    assert editor.editors["date_of_birth"].text() == "01/02/2099"
    assert session.drafts() == []
    editor.editors["date_of_birth"].setText("01/02/2020")
    assert editor.try_save()
    names = [p.given_names for p in session.view_family(planted.family_id).members]
    assert "Wrenna" in names and len(names) == members_before + 1


def test_discarded_draft_is_gone(qtbot: Any, planted: Planted,
                                 make_window: WindowFactory) -> None:
    window = make_window()
    unlock(qtbot, window)
    view = open_canary(qtbot, window, planted)
    dialog = view.open_note_dialog()
    dialog.editors["summary"].setPlainText("Called school about attendance.")
    window.lock.lock("test")
    unlock(qtbot, window)
    prompt = window.draft_prompt
    assert prompt is not None
    next(b for b in prompt.buttons() if "Discard" in b.text()).click()
    session = window.current_session()
    assert session is not None and session.drafts() == []
    assert not [w for w in QApplication.topLevelWidgets()
                if isinstance(w, FormDialog) and w.isVisible()]


def test_ctrl_l_locks_with_modal_dialog_open(qtbot: Any, planted: Planted,
                                             make_window: WindowFactory) -> None:
    window = make_window()
    unlock(qtbot, window)
    view = open_canary(qtbot, window, planted)
    dialog = view.open_note_dialog()
    assert dialog.isModal() and dialog.isVisible()
    qtbot.keyClick(dialog.editors["summary"], Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.lock.is_locked
    flush_deletes()
    assert not shiboken6.isValid(dialog) or not dialog.isVisible()
    assert not [w for w in QApplication.topLevelWidgets()
                if isinstance(w, QDialog) and w.isVisible()]
    assert planted.canary not in all_ui_text()


def test_lock_menu_item_and_minimise(qtbot: Any, make_window: WindowFactory) -> None:
    window = make_window(lock_on_minimise=True)
    unlock(qtbot, window)
    window.lock_action.trigger()
    assert window.lock.is_locked
    unlock(qtbot, window)
    window.showMinimized()
    qtbot.waitUntil(lambda: window.lock.is_locked, timeout=2000)


def test_clipboard_guard_marks_and_clears_only_its_own(qtbot: Any, planted: Planted,
                                                       make_window: WindowFactory) -> None:
    window = make_window()
    unlock(qtbot, window)
    view = open_canary(qtbot, window, planted)
    view.members.selectRow(0)
    view.copy_selection(view.members)
    mime = QApplication.clipboard().mimeData()
    assert bytes(mime.data("x-kde-passwordManagerHint").data()) == b"secret"
    window.clipboard.clear()
    assert QApplication.clipboard().text() == ""
    view.copy_selection(view.members)
    QApplication.clipboard().setText("something the user copied elsewhere")
    window.lock.lock("test")
    assert QApplication.clipboard().text() == "something the user copied elsewhere"
