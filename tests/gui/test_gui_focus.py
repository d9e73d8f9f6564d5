"""Focus goes where the user's next keystroke belongs: Ctrl+1 and Ctrl+2 into the page they
show, back to "Add action…" after adding an action, back to the meetings table after closing
the meeting editor; and no Alt letter in the set-up wizard means two things (Alt+F was both
File and Finish)."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QPushButton

from keyworker_app.gui.lock import LockSettings
from keyworker_app.gui.main_window import MainWindow
from keyworker_app.services.api import CaseStoreService
from tests.gui.screen_tour import settle
from tests.gui.ui_scan import visible_mnemonics


def _focus() -> Any:
    return QApplication.focusWidget()


def test_ctrl_1_and_ctrl_2_take_the_keyboard_into_the_page(
        qtbot: Any, programme_window: MainWindow) -> None:
    window = programme_window
    for keys, title in (("Ctrl+1", "Today"), ("Ctrl+2", "Team")):
        action = next(a for a in window.findChildren(QAction)
                      if a.shortcut() == QKeySequence(keys))
        action.trigger()
        settle()
        page = window.family_tabs.currentWidget()
        assert page is not None and page.accessibleName() == title
        # The window's focus (offscreen no window is active, so not the application's).
        assert page.isAncestorOf(window.focusWidget()), (title, window.focusWidget())


def test_focus_returns_to_add_action_and_to_the_meetings_table(
        qtbot: Any, programme_window: MainWindow, programme_stored: tuple[Any, int]) -> None:
    window = programme_window
    window.activateWindow()
    view = window.open_family(programme_stored[1])
    assert view is not None and view.taf is not None
    view.tabs.setCurrentWidget(view.taf.meetings_page)
    editor = view.taf.open_meeting(None)
    assert editor is not None
    qtbot.waitExposed(editor)
    from PySide6.QtWidgets import QTabWidget

    parts = editor.findChild(QTabWidget)
    assert parts is not None
    parts.setCurrentIndex(2)  # Decisions and actions, where "Add action…" is
    settle()
    dialog = editor.add_action()
    qtbot.waitExposed(dialog)
    dialog.editors["what"].setText("Book a school meeting")
    dialog.editors["owner"].setText("Sam Worker")
    dialog.editors["due"].setText("30/04/2025")
    assert dialog.try_save()
    settle()
    add = editor.buttons["actions"]
    assert isinstance(add, QPushButton) and add.text() == "Add ac&tion…"
    assert editor.focusWidget() is add  # the editor's focus (offscreen: no active window)
    editor.rows = {**editor.rows, "actions": ()}  # nothing to keep: closes without asking
    editor.done(0)
    settle()
    assert window.focusWidget() is view.taf.meeting_table


def test_no_alt_letter_clashes_in_the_set_up_wizard(qtbot: Any,
                                                    case_store: CaseStoreService) -> None:
    window = MainWindow(case_store, LockSettings(), watch_desktop=False)
    qtbot.addWidget(window)
    window.start()
    window.show()
    wizard = window.wizard
    assert wizard is not None
    wizard.owner.name.setText("Sam Worker")
    wizard.owner.organisation.setEditText("Leeds City Council")
    for page in range(4):
        if page == 3:  # the recovery key, once the store is made
            qtbot.waitUntil(lambda: wizard.session is not None, timeout=5000)
        settle()
        seen = visible_mnemonics(window)  # the menu bar's and the wizard's buttons too
        letters = [letter for letter, _where in seen]
        clashes = sorted({s for s in seen if letters.count(s[0]) > 1})
        assert clashes == [], f"page {wizard.currentId()}: {clashes}"
        if page == 2:
            wizard.passphrase.first.setText("plum violin harbour seventeen")
            wizard.passphrase.second.setText("plum violin harbour seventeen")
        wizard.next()
    wizard.recovery.given.setChecked(True)
    wizard.accept()
    qtbot.waitUntil(lambda: not window.lock.is_locked, timeout=2000)
    window.lock.lock("teardown")
