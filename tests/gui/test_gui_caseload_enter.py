"""Enter in the caseload search opens the first family shown, as the README says."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from tests.gui.conftest import Planted, WindowFactory, unlock


def test_enter_in_the_search_box_opens_the_first_match(
        qtbot: Any, make_window: WindowFactory, planted: Planted) -> None:
    window = make_window()
    unlock(qtbot, window)
    qtbot.waitUntil(lambda: window.current_session() is not None)
    assert window.family_tabs.count() == 0
    qtbot.keyClicks(window.caseload.search, planted.canary[:5])
    qtbot.keyClick(window.caseload.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.family_tabs.count() == 1)
    heading = window.family_tabs.widget(0).findChild(QLabel, "familyHeading")
    assert heading is not None and planted.canary in heading.text()


def test_enter_with_no_match_opens_nothing(
        qtbot: Any, make_window: WindowFactory, planted: Planted) -> None:
    window = make_window()
    unlock(qtbot, window)
    qtbot.waitUntil(lambda: window.current_session() is not None)
    qtbot.keyClicks(window.caseload.search, "nobody-by-this-name")
    qtbot.keyClick(window.caseload.search, Qt.Key.Key_Return)
    qtbot.wait(50)
    assert window.family_tabs.count() == 0
