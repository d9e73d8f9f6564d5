"""Escape on a form with changes asks "Discard changes?" (Keep editing / Discard); on an unchanged
form it just closes. Shown for the shared form base (an action row) and the meeting editor."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from keyworker_app.gui.main_window import MainWindow
from keyworker_app.gui.meeting_editor import MeetingEditor


def _button(box: QMessageBox, text: str) -> Any:
    return next(b for b in box.buttons() if b.text().replace("&", "") == text)


def test_escape_asks_only_when_something_was_typed(qtbot: Any,
                                                   programme_window: MainWindow) -> None:
    window = programme_window
    view = window.open_family(window.caseload.model.ids[0])
    assert view is not None and view.taf is not None
    editor = view.taf.open_meeting(None)
    assert isinstance(editor, MeetingEditor)

    row = editor.add_action()  # a FormDialog: unchanged, Escape closes it at once
    qtbot.waitExposed(row)
    qtbot.keyClick(row, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not row.isVisible())
    assert row.discard_box is None

    row = editor.add_action()
    qtbot.waitExposed(row)
    row.editors["what"].setText("Ring the school")
    qtbot.keyClick(row, Qt.Key.Key_Escape)
    box = row.discard_box
    assert box is not None and box.windowTitle() == "Discard changes?"
    assert row.isVisible()
    _button(box, "Keep editing").click()
    qtbot.waitUntil(lambda: row.discard_box is None)
    assert row.isVisible() and row.editors["what"].text() == "Ring the school"
    qtbot.keyClick(row, Qt.Key.Key_Escape)
    assert row.discard_box is not None
    _button(row.discard_box, "Discard").click()
    qtbot.waitUntil(lambda: not row.isVisible())

    assert not editor.is_dirty()
    editor.venue.setText("Family home")
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert editor.discard_box is not None and editor.isVisible()
    _button(editor.discard_box, "Discard").click()
    qtbot.waitUntil(lambda: not editor.isVisible())

    unchanged = view.taf.open_meeting(None)
    assert unchanged is not None
    qtbot.waitExposed(unchanged)
    qtbot.keyClick(unchanged, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not unchanged.isVisible())
