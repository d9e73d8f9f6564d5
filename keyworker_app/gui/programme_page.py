"""What the Programme menu's pages share: a read-only table over records, buttons under it,
an optional note, and ``clear()`` for the lock (models emptied before the store closes)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from keyworker_app.gui.record_model import Column, RecordTableModel
from keyworker_app.gui.widgets import action_button, record_table

T = TypeVar("T")
D = TypeVar("D", bound=QDialog)


class ProgrammePage(QWidget, Generic[T]):
    def __init__(self, name: str, intro: str, columns: Sequence[Column],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(name)
        self.model: RecordTableModel[T] = RecordTableModel(columns, self)
        self.intro = QLabel(intro)
        self.intro.setWordWrap(True)
        self.table = record_table(name, self.model, single_selection=True, alternating=True)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.buttons = QHBoxLayout()
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(self.buttons)
        layout.addWidget(self.status)
        self.box: QMessageBox | None = None  # the last confirmation or notice shown
        self.dialog: QDialog | None = None  # the form or export dialog open on this page

    def add_button(self, text: str, accessible: str, slot: Callable[[], object],
                   needs_selection: bool = True) -> QPushButton:
        button = action_button(text, accessible, slot)
        if needs_selection:
            button.setProperty("needsSelection", True)
        self.buttons.addWidget(button)
        return button

    def finish_buttons(self) -> None:
        self.buttons.addStretch(1)
        self.table.selectionModel().selectionChanged.connect(
            lambda _s, _d: self._enable_buttons())
        self.model.modelReset.connect(self._enable_buttons)
        self._enable_buttons()

    def _enable_buttons(self) -> None:
        chosen = self.selected() is not None
        for i in range(self.buttons.count()):
            item = self.buttons.itemAt(i)
            widget = item.widget() if item is not None else None
            if isinstance(widget, QPushButton) and widget.property("needsSelection"):
                widget.setEnabled(chosen and not widget.property("refusedBecause"))

    def lead_only(self, button: QPushButton, allowed: bool, reason: str) -> None:
        """A team lead's action (``domain.roles``): on a key worker's store the button stays
        greyed out and its tooltip says who can do it."""
        if allowed:
            return
        button.setProperty("refusedBecause", reason)
        button.setToolTip(reason)
        button.setEnabled(False)

    def set_rows(self, rows: Sequence[T], keep: Callable[[T], Any] | None = None) -> None:
        """Show ``rows``; keep the selection on the record with the same ``keep`` key."""
        current = self.selected()
        wanted = keep(current) if keep is not None and current is not None else None
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        row = 0
        if keep is not None and wanted is not None:
            row = next((i for i, r in enumerate(rows) if keep(r) == wanted), 0)
        if rows:
            self.table.selectRow(row)
        self._enable_buttons()

    def select_where(self, wanted: Callable[[T], bool]) -> None:
        for row in range(self.model.rowCount()):
            record = self.model.record(row)
            if record is not None and wanted(record):
                self.table.selectRow(row)
                return

    def select_matching(self, key: Callable[[T], object], value: object) -> T | None:
        """Select the record whose ``key`` is ``value`` and return it (None if absent)."""
        self.select_where(lambda r: key(r) == value)
        record = self.selected()
        return record if record is not None and key(record) == value else None

    def show_dialog(self, dialog: D) -> D:
        """Open ``dialog`` window-modal as this page's one dialog (closed again on lock)."""
        dialog.finished.connect(lambda _c: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()
        return dialog

    def selected(self) -> T | None:
        index = self.table.currentIndex()
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows and not index.isValid():
            return None
        return self.model.record((rows[0] if rows else index).row())

    def notice(self, title: str, text: str, detail: str = "") -> QMessageBox:
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Information)
        box.setWindowTitle(title)
        box.setAccessibleName(title)
        box.setText(text)
        box.setInformativeText(detail)
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.box = box
        box.open()
        return box

    def clear(self) -> None:
        if self.dialog is not None:
            self.dialog.reject()
            self.dialog = None
        if self.box is not None:
            self.box.close()
            self.box = None
        self.model.clear()
        self.status.clear()
