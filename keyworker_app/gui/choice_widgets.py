"""Two pickers the form dialog builds from a field's choices: a tick list (several of a fixed
set, e.g. the partners a consent covers) and a combo box whose long choices wrap in its list
and show in full below it (e.g. a row of the agreement's Appendix B)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QListView, QListWidget, QListWidgetItem

ALL = "all"  # a value meaning every choice (what older drafts and the CLI say)
VISIBLE_ROWS = 6


class TickList(QListWidget):
    """Choices with a tick box each; its value is the ticked choices' values joined by
    commas ('' when none is ticked)."""

    def __init__(self, choices: Sequence[tuple[str, str]], value: str = "") -> None:
        super().__init__()
        for choice, text in choices:
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, choice)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable
                          | Qt.ItemFlag.ItemIsSelectable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.addItem(item)
        self.setWordWrap(True)
        self.setUniformItemSizes(False)
        row = self.sizeHintForRow(0) if self.count() else 20
        self.setMinimumHeight(row * min(self.count(), 5) + 2 * self.frameWidth())
        self.setMaximumHeight(row * VISIBLE_ROWS + 2 * self.frameWidth())
        self.set_value(value)

    def _items(self) -> list[QListWidgetItem]:
        return [self.item(i) for i in range(self.count())]

    def value(self) -> str:
        return ",".join(str(item.data(Qt.ItemDataRole.UserRole)) for item in self._items()
                        if item.checkState() == Qt.CheckState.Checked)

    def ticked(self) -> list[str]:
        return [v for v in self.value().split(",") if v]

    def set_value(self, value: str) -> None:
        chosen = {part.strip() for part in value.split(",") if part.strip()}
        every = value.strip().lower() == ALL
        for item in self._items():
            on = every or str(item.data(Qt.ItemDataRole.UserRole)) in chosen
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def keyPressEvent(self, event: object) -> None:  # noqa: N802
        # Space ticks the current row, as in every tick list; the rest as usual.
        from PySide6.QtGui import QKeyEvent

        if isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_Space:
            item = self.currentItem()
            if item is not None:
                item.setCheckState(Qt.CheckState.Unchecked
                                   if item.checkState() == Qt.CheckState.Checked
                                   else Qt.CheckState.Checked)
                return
        super().keyPressEvent(event)  # type: ignore[arg-type]


def wrap_choices(combo: QComboBox, least_characters: int = 28) -> None:
    """Long choices wrap in the open list instead of widening the dialog."""
    view = QListView()
    view.setWordWrap(True)
    view.setUniformItemSizes(False)
    view.setTextElideMode(Qt.TextElideMode.ElideNone)
    combo.setView(view)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(least_characters)


def refill(combo: QComboBox, choices: Sequence[tuple[str, str]], keep: str | None) -> None:
    """Replace the choices, keeping ``keep`` chosen if it is offered. With no ``keep`` (the
    field it follows was changed), the current choice stays only if it is one of the new
    ones other than the last, catch-all choice; otherwise the first choice is taken."""
    current = combo.currentData()
    wanted = keep if keep is not None else (
        current if current in [c for c, _t in choices[:-1]] else None)
    combo.blockSignals(True)
    combo.clear()
    for choice, text in choices:
        combo.addItem(text, choice)
        combo.setItemData(combo.count() - 1, text, Qt.ItemDataRole.ToolTipRole)
    combo.setCurrentIndex(max(combo.findData(wanted), 0))
    combo.blockSignals(False)
    combo.currentIndexChanged.emit(combo.currentIndex())
