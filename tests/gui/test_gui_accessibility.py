"""What a screen reader is told, screen by screen, without the accessibility bus (offscreen).

Every screen the tour reaches (lock screen, caseload, each family tab and its dialogs, every
menu item's window or page, the meeting editor's tabs, the lock screen again) is walked with
Qt's own accessibility interfaces: no control without a name, no label whose spoken name is
not what it shows, every control's name contains its visible label, table headers named.
The same walk through AT-SPI is tests/e2e/test_accessibility_e2e.py.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QWidget

from keyworker_app.gui.lock import LockSettings
from keyworker_app.gui.main_window import MainWindow
from keyworker_app.services.api import CaseStoreService
from tests.gui.a11y_scan import accessibility_problems
from tests.gui.screen_tour import settle, tour_unlocked


def test_every_screen_names_its_controls_and_speaks_its_labels(
        qtbot: Any, programme_window: MainWindow, programme_stored: tuple[Any, int]) -> None:
    window = programme_window
    problems: dict[str, list[str]] = {}
    visited: list[str] = []

    def visit(label: str, shown: QWidget) -> None:
        visited.append(label)
        found = accessibility_problems(shown)
        if found:
            problems[label] = found

    tour_unlocked(window, programme_stored[1], visit)
    window.lock.lock("menu")
    settle()
    visit("Lock screen", window)
    print("\n".join(visited))
    assert len(visited) > 40
    assert problems == {}, "\n".join(f"{k}: {v}" for k, v in problems.items())


def test_the_set_up_wizard_names_its_controls_and_speaks_its_labels(
        qtbot: Any, case_store: CaseStoreService) -> None:
    window = MainWindow(case_store, LockSettings(), watch_desktop=False)
    qtbot.addWidget(window)
    window.start()
    window.show()
    wizard = window.wizard
    assert wizard is not None
    seen: dict[str, list[str]] = {}
    seen["keyring"] = accessibility_problems(window)
    wizard.next()
    wizard.owner.name.setText("Sam Worker")
    wizard.owner.organisation.setEditText("Leeds City Council")
    seen["owner"] = accessibility_problems(window)
    wizard.next()
    wizard.passphrase.first.setText("plum violin")
    wizard.passphrase.second.setText("plum")
    seen["passphrase"] = accessibility_problems(window)
    wizard.passphrase.first.setText("plum violin harbour seventeen")
    wizard.passphrase.second.setText("plum violin harbour seventeen")
    wizard.next()
    qtbot.waitUntil(lambda: wizard.session is not None, timeout=5000)
    seen["recovery key"] = accessibility_problems(window)
    assert {page: found for page, found in seen.items() if found} == {}
    wizard.recovery.given.setChecked(True)
    wizard.accept()
    qtbot.waitUntil(lambda: not window.lock.is_locked, timeout=2000)
    window.lock.lock("teardown")
