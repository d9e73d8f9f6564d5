"""What a screen reader and a small screen make of a window, walked widget by widget.

``accessibility_problems(window)`` asks Qt's own accessibility interface of every visible
widget (what the platform bridge hands to AT-SPI or UI Automation): a control with no name, a
label whose spoken name is not the text it shows, a control whose name leaves out its visible
label (WCAG 2.5.3), a table column header with no text. ``geometry_problems(window, screen)``
lists visible widgets lying outside the screen. Generic on purpose: new screens are covered
without being listed here.
"""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QScrollBar,
    QTabBar,
    QTableView,
    QTextEdit,
    QWidget,
)

from keyworker_app.gui.accessible import plain_text

CONTROLS = (QAbstractButton, QAbstractItemView, QAbstractSpinBox, QComboBox, QLineEdit,
            QPlainTextEdit, QTextEdit, QProgressBar, QTabBar)


def _where(widget: QWidget) -> str:
    window = widget.window()
    title = window.windowTitle() or window.accessibleName() or type(window).__name__
    kind = type(widget).__name__
    return f"[{title}] {kind} {widget.objectName() or ''}".rstrip()


def _spoken_name(widget: QWidget) -> str:
    iface = QAccessible.queryAccessibleInterface(widget)
    if iface is None or not iface.isValid():
        return ""
    return iface.text(QAccessible.Text.Name) or ""


def _visible_label(widget: QWidget) -> str:
    text = ""
    if isinstance(widget, QAbstractButton):
        text = widget.text()
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").strip()


def _shown(widget: QWidget) -> bool:
    return widget.isVisible() and widget.width() > 0 and widget.height() > 0


def accessibility_problems(root: QWidget) -> list[str]:
    problems: list[str] = []
    for widget in [root, *root.findChildren(QWidget)]:
        # A table's header is spoken through the table's own column-header cells (checked
        # below), not as a control of its own; scroll bars are Qt's and named by it.
        if not _shown(widget) or isinstance(widget, QScrollBar | QHeaderView):
            continue
        if isinstance(widget, QLabel):
            text = plain_text(widget).strip()
            spoken = _spoken_name(widget).strip()
            if widget.pixmap() is not None and not widget.pixmap().isNull() and not text:
                # Qt's own message-box icon repeats the box's kind: decorative.
                if not spoken and not widget.objectName().startswith("qt_"):
                    problems.append(f"{_where(widget)}: picture with no name")
            elif widget.accessibleName() and widget.accessibleName().strip() != text:
                problems.append(f"{_where(widget)}: label shows {text!r} but is named "
                                f"{widget.accessibleName()!r}")
            continue
        if not isinstance(widget, CONTROLS):
            continue
        spoken = _spoken_name(widget).strip()
        if not spoken:
            problems.append(f"{_where(widget)}: control with no name")
            continue
        label = _visible_label(widget)
        if label and label.lower() not in spoken.lower():
            problems.append(f"{_where(widget)}: shows {label!r} but is spoken {spoken!r}")
        if isinstance(widget, QTableView) and widget.model() is not None:
            header = widget.horizontalHeader()
            model = widget.model()
            for column in range(model.columnCount()):
                if header.isSectionHidden(column) or not header.isVisible():
                    continue
                if not str(model.headerData(column, header.orientation()) or "").strip():
                    problems.append(f"{_where(widget)}: column {column} has no header text")
    return problems


def geometry_problems(root: QWidget, screen: QRect) -> list[str]:
    """Visible widgets (outside scrolled content) that reach beyond ``screen``, or that are
    smaller than their layout needs (parts overlapping or cut off)."""
    problems: list[str] = []
    if not screen.contains(root.frameGeometry()) and not screen.contains(root.geometry()):
        problems.append(f"{_where(root)}: window {root.geometry()} beyond screen {screen}")
    for widget in [root, *root.findChildren(QWidget)]:
        if not _shown(widget) or (widget.isWindow() and widget is not root):
            continue
        if _inside_scrolled_content(widget, root):
            continue
        layout = widget.layout()
        if layout is not None and not isinstance(widget, QAbstractScrollArea):
            need = layout.totalMinimumSize()
            if layout.hasHeightForWidth():  # wrapped text: the height it needs at this width
                need.setHeight(min(need.height(), layout.totalHeightForWidth(widget.width())))
            if widget.width() < need.width() - 1 or widget.height() < need.height() - 1:
                problems.append(f"{_where(widget)}: squeezed to {widget.size()}, its parts "
                                f"need {need} (they overlap or are cut off)")
        problems += _overlaps(widget)
        top_left = widget.mapToGlobal(widget.rect().topLeft())
        rect = QRect(top_left, widget.size())
        if not screen.contains(rect):
            problems.append(f"{_where(widget)}: {rect} lies outside the screen {screen}")
    return problems


def _inside_scrolled_content(widget: QWidget, root: QWidget) -> bool:
    """Content of a scroll area may run past its viewport: the viewport is checked instead."""
    parent = widget.parentWidget()
    while parent is not None and parent is not root:
        grand = parent.parentWidget()
        if isinstance(grand, QAbstractScrollArea) and parent is grand.viewport():
            return True
        parent = grand
    return False


def _overlaps(widget: QWidget) -> list[str]:
    """Visible controls and labels laid out side by side in ``widget`` that cover each other."""
    if widget.layout() is None or isinstance(widget, QAbstractScrollArea | QTabBar):
        return []
    parts = [c for c in widget.children() if isinstance(c, QWidget) and _shown(c)
             and not c.isWindow() and isinstance(c, (*CONTROLS, QLabel))]
    found = []
    for i, first in enumerate(parts):
        for second in parts[i + 1:]:
            common = first.geometry().intersected(second.geometry())
            if common.width() > 2 and common.height() > 2:
                found.append(f"{_where(first)} and {_where(second)} overlap by {common}")
    return found
