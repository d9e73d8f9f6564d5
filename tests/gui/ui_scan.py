"""Collect every piece of text the GUI holds: widgets, window titles, item models, clipboard."""

from __future__ import annotations

import re

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
    QWidget,
)


def model_texts(model: QAbstractItemModel) -> list[str]:
    out: list[str] = []
    for row in range(model.rowCount()):
        for col in range(model.columnCount()):
            value = model.index(row, col).data(Qt.ItemDataRole.DisplayRole)
            if value is not None:
                out.append(str(value))
    return out


def widget_texts(widget: QWidget) -> list[str]:
    out = [widget.windowTitle(), widget.accessibleName(), widget.toolTip()]
    if isinstance(widget, QLabel | QLineEdit | QAbstractButton):
        out.append(widget.text())
    if isinstance(widget, QLineEdit):
        out.append(widget.placeholderText())
    if isinstance(widget, QPlainTextEdit | QTextEdit):
        out.append(widget.toPlainText())
    if isinstance(widget, QComboBox):
        out += [widget.itemText(i) for i in range(widget.count())]
    if isinstance(widget, QTabBar):
        out += [widget.tabText(i) for i in range(widget.count())]
    if isinstance(widget, QAbstractItemView) and widget.model() is not None:
        out += model_texts(widget.model())
    for model in widget.findChildren(QAbstractItemModel):
        out += model_texts(model)
    return out


def all_ui_text(visible_only: bool = False) -> str:
    texts: list[str] = []
    for widget in QApplication.allWidgets():
        if visible_only and not widget.isVisible():
            continue
        texts += widget_texts(widget)
    texts.append(QApplication.clipboard().text())
    return "\n".join(t for t in texts if t)


_MNEMONIC = re.compile(r"&(?!&)(.)")  # "&&" is a literal ampersand


def mnemonic(text: str) -> str | None:
    found = _MNEMONIC.search(text.replace("&&", ""))
    return found.group(1).upper() if found else None


def visible_mnemonics(window: QMainWindow) -> list[tuple[str, str]]:
    """(letter, where) for every mnemonic the keyboard can reach in the window right now."""
    found: list[tuple[str, str]] = []

    def add(text: str, where: str) -> None:
        letter = mnemonic(text)
        if letter is not None:
            found.append((letter, f"{where} {text!r}"))

    for action in window.menuBar().actions():
        if action.isVisible():
            add(action.text(), "menu")
    for widget in window.findChildren(QWidget):
        if not widget.isVisible():
            continue
        if isinstance(widget, QAbstractButton):
            add(widget.text(), "button")
        elif isinstance(widget, QLabel) and widget.buddy() is not None:
            add(widget.text(), "label")
        elif isinstance(widget, QGroupBox):
            add(widget.title(), "group")
        elif isinstance(widget, QTabBar):
            for i in range(widget.count()):
                if widget.isTabVisible(i):
                    add(widget.tabText(i), "tab")
    return found
