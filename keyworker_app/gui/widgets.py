"""The read-only record table, the labelled push button and the "cannot be undone" question
every screen builds the same way.

A table shows whole rows, is never edited in place, leaves Tab to move on to the next control,
hides row numbers and lets its last column take the spare width; a button has a name a screen
reader speaks and runs its slot with no arguments.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QAbstractItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QTableView,
    QWidget,
)


def record_table(name: str, model: QAbstractItemModel, *, object_name: str = "",
                 single_selection: bool = False, alternating: bool = False) -> QTableView:
    """A read-only table over ``model``, named ``name`` for assistive technology."""
    table = QTableView()
    if object_name:
        table.setObjectName(object_name)
    table.setAccessibleName(name)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    if single_selection:
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setTabKeyNavigation(False)
    table.setAlternatingRowColors(alternating)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def action_button(text: str, accessible: str, slot: Callable[[], object], *,
                  auto_default: bool | None = None) -> QPushButton:
    """A push button labelled ``text`` (with its mnemonic) that calls ``slot()``. A screen
    reader speaks its label, in step when the text changes (WCAG 2.5.3: the spoken name
    holds the visible one), and gives ``accessible``, the longer wording, as its
    description."""
    button = QPushButton(text)
    if accessible and accessible != spoken_label(text):
        button.setAccessibleDescription(accessible)
    if auto_default is not None:
        button.setAutoDefault(auto_default)
    button.clicked.connect(lambda _checked=False: slot())
    return button


def spoken_label(text: str) -> str:
    """A button's or tab's visible text as spoken: no mnemonic ``&``, no trailing ellipsis."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").strip()


def button_row(buttons: Sequence[QPushButton]) -> QHBoxLayout:
    """``buttons`` side by side from the left, the rest of the row left empty."""
    row = QHBoxLayout()
    for button in buttons:
        row.addWidget(button)
    row.addStretch(1)
    return row


def confirm_box(parent: QWidget, title: str, text: str, *, detail: str, confirm_text: str,
                confirmed: Callable[[], object],
                answered: Callable[[], object] = lambda: None) -> QMessageBox:
    """Ask before something that cannot be undone; Cancel is the default and Escape. Opens
    window-modal; ``answered`` runs once whatever the answer, then ``confirmed`` if it was yes
    (``finished`` can arrive twice: the answer counts once)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    box.setAccessibleName(title)
    box.setText(text)
    box.setInformativeText(detail)
    confirm = box.addButton(confirm_text, QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    done: list[bool] = []

    def finished(_code: int) -> None:
        if done:
            return
        done.append(True)
        answered()
        if box.clickedButton() is confirm:
            confirmed()

    box.finished.connect(finished)
    box.open()
    return box
