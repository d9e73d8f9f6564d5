"""Visit every screen the app can show, generically, calling ``visit(label, window)`` on each.

The tour does not list screens: it triggers every menu item, shows every tab of every tab
widget it meets (the family record's parts, the meeting editor's), presses every button on
each page and in each window that opened (one level deep), and hands each new window to
``visit`` before closing it. Only buttons whose label ends in "…" are pressed: by convention
those open a window rather than act. So a screen added later is visited without being named here.
Buttons that would leave the app's own windows (file choosers, printing) or lock it are left
alone, and every question that could change the store is answered Cancel.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QFileDialog,
    QMenu,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QWidget,
)

from keyworker_app.gui.main_window import MainWindow

Visit = Callable[[str, QWidget], None]

# Buttons whose click leaves the app's windows or cannot be undone without a question.
SKIP_WORDS = ("browse", "choose", "print", "lock", "quit", "unlock", "save the recovery",
              "finish", "save", "discard", "delete", "lift", "finalise",
              "record a suspension", "keep it all")
SKIP_EXACT = ("cancel", "close", "ok", "keep editing", "yes", "no")
SKIP_MENU_WORDS = ("quit", "lock now", "close record")


def settle(seconds: float = 0.03) -> None:
    end = time.monotonic() + seconds
    while True:
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
        QCoreApplication.processEvents()
        if time.monotonic() >= end:
            break


def plain(text: str) -> str:
    return text.replace("&", "").strip()


def open_windows() -> list[QWidget]:
    return [w for w in QApplication.topLevelWidgets() if w.isVisible()
            and not isinstance(w, QMenu) and w.objectName() != "qtooltip_label"
            and type(w).__name__ != "QTipLabel"]


def _title(window: QWidget) -> str:
    return window.windowTitle() or window.accessibleName() or type(window).__name__


def close_window(window: QWidget) -> None:
    """Close ``window`` as Cancel/Escape would, and any "Discard changes?" it asks (Discard)."""
    if isinstance(window, QMessageBox):
        escape = window.escapeButton()
        if escape is not None:
            escape.click()
        else:
            window.reject()
    elif isinstance(window, QDialog):
        window.reject()
    else:
        window.close()
    settle()
    for other in open_windows():
        if not shiboken6.isValid(other):
            continue
        if other.objectName() == "discardPrompt" and isinstance(other, QMessageBox):
            for button in other.buttons():
                if plain(button.text()) == "Discard":
                    button.click()
            settle()


def _tabs_of(widget: QWidget) -> list[QTabWidget]:
    return [t for t in widget.findChildren(QTabWidget) if t.isVisible()]


def visit_with_tabs(label: str, window: QWidget, visit: Visit,
                    skip_tabs: Iterable[QTabWidget] = ()) -> None:
    """``visit`` the window, then once per tab of each tab widget inside it."""
    visit(label, window)
    skip = set(map(id, skip_tabs))
    for tabs in _tabs_of(window):
        if id(tabs) in skip:
            continue
        start = tabs.currentIndex()
        for index in range(tabs.count()):
            if index == start or not tabs.isTabEnabled(index):
                continue
            tabs.setCurrentIndex(index)
            settle()
            visit(f"{label} › {plain(tabs.tabText(index))}", window)
        tabs.setCurrentIndex(start)
        settle()


def _wanted(button: QAbstractButton) -> bool:
    text = plain(button.text()).lower()
    return (isinstance(button, QPushButton) and button.isVisible() and button.isEnabled()
            and button.text().endswith("…")  # by convention, it opens a window
            and bool(text) and text not in SKIP_EXACT
            and not any(word in text for word in SKIP_WORDS))


def alive(widget: QWidget) -> bool:
    return shiboken6.isValid(widget) and widget.isVisible()


def new_windows_after(act: Callable[[], object], before: list[QWidget],
                      visit: Visit | None = None, label: str = "") -> list[QWidget]:
    """Windows ``act()`` opened. A window it opens *blocking* (``exec()``, a file chooser)
    is handled while ``act`` waits on it: a file or print chooser (Qt's own) is cancelled,
    any other is visited, then closed as Cancel would."""
    handled: list[QWidget] = []

    def watchdog() -> None:
        modal = QApplication.activeModalWidget()
        if modal is None or modal in before or modal in handled or not modal.isVisible():
            return
        handled.append(modal)
        if isinstance(modal, QFileDialog) or "Print" in type(modal).__name__:
            modal.reject()
            return
        if visit is not None:
            visit(f"{label} › {_title(modal)}", modal)
        close_window(modal)

    timer = QTimer()
    timer.setInterval(50)
    timer.timeout.connect(watchdog)
    timer.start()
    try:
        act()
        settle(0.05)
    finally:
        timer.stop()
    return [w for w in open_windows() if w not in before and w not in handled
            and shiboken6.isValid(w)]


def press_buttons(label: str, page: QWidget, visit: Visit, *, deep: bool = True,
                  outside: QWidget | None = None) -> None:
    """Press each button on ``page`` (but not inside ``outside``); visit and close each
    window that opens."""
    buttons = [b for b in page.findChildren(QAbstractButton) if _wanted(b)
               and (outside is None or not outside.isAncestorOf(b))]
    for button in buttons:
        if not shiboken6.isValid(button) or not button.isVisible() or not button.isEnabled():
            continue  # an earlier press changed the page
        before = open_windows()
        for window in new_windows_after(button.click, before, visit,
                                        f"{label} › {plain(button.text())}"):
            where = f"{label} › {plain(button.text())} › {_title(window)}"
            visit_with_tabs(where, window, visit)
            if deep and alive(window) and not isinstance(window, QMessageBox):
                press_buttons(where, window, visit, deep=False)
            if alive(window):
                close_window(window)
        for window in open_windows():  # a press that opened a second question
            if window not in before and alive(window):
                visit(f"{label} › {_title(window)}", window)
                close_window(window)


def menu_actions(window: MainWindow) -> list[QAction]:
    found: list[QAction] = []

    def walk(actions: Iterable[QAction]) -> None:
        for action in actions:
            if action.menu() is not None:
                menu = action.menu()
                assert isinstance(menu, QMenu)
                walk(menu.actions())
            elif not action.isSeparator():
                found.append(action)

    walk(window.menuBar().actions())
    return [a for a in found if a.isEnabled()
            and not any(w in plain(a.text()).lower() for w in SKIP_MENU_WORDS)]


def tour_unlocked(window: MainWindow, family_id: int, visit: Visit) -> None:
    """Caseload, every menu item, the family record's tabs and buttons."""
    visit("Caseload", window)
    view = window.open_family(family_id)
    assert view is not None
    settle()
    record = window.family_tabs.currentWidget()
    visit_with_tabs("Family record", window, visit, skip_tabs=[window.family_tabs])
    for index in range(view.tabs.count()):
        view.tabs.setCurrentIndex(index)
        settle()
        press_buttons(f"Family record › {plain(view.tabs.tabText(index))}",
                      view.tabs.currentWidget(), visit)
    press_buttons("Family record", view, visit, outside=view.tabs)
    for action in menu_actions(window):
        before = open_windows()
        page_before = window.family_tabs.currentWidget()
        new = new_windows_after(action.trigger, before, visit, plain(action.text()))
        where = plain(action.text()).rstrip("…")
        for opened in new:
            visit_with_tabs(where, opened, visit)
            if alive(opened):
                press_buttons(where, opened, visit, deep=False)
            if alive(opened):
                close_window(opened)
        page = window.family_tabs.currentWidget()
        if page is not page_before and page is not None and page is not record:
            visit_with_tabs(where, window, visit, skip_tabs=[window.family_tabs])
            press_buttons(where, page, visit)
