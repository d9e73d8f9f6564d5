"""Collect every piece of text the GUI holds: widgets, window titles, item models, clipboard."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
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
