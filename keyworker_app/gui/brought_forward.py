"""A review meeting's "Brought forward" part: the last meeting's open actions, each marked done,
carried forward or dropped, with a note. Carried ones become this meeting's actions
(``domain.taf.carry_forward``); saving records what became of each, with the meeting."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from keyworker_app.domain.dates import format_date, format_datetime
from keyworker_app.domain.taf import Action, ActionStatus, Meeting, carry_forward
from keyworker_app.gui.record_model import RecordTableModel
from keyworker_app.gui.widgets import action_button, button_row, record_table

CARRIED_DAYS = 14
CHOICES: tuple[tuple[str, ActionStatus], ...] = (
    ("Carried forward", ActionStatus.CARRIED_OVER), ("Done", ActionStatus.DONE),
    ("Dropped", ActionStatus.CANCELLED))


@dataclass(frozen=True, slots=True)
class Decided:
    action: Action
    status: ActionStatus = ActionStatus.CARRIED_OVER
    note: str = ""

    @property
    def label(self) -> str:
        return next(text for text, status in CHOICES if status is self.status)


class BroughtForward(QWidget):
    def __init__(self, last: Meeting, actions: list[Action],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows = [Decided(a) for a in actions]
        self.model = RecordTableModel[Decided]([
            ("What", lambda d: d.action.what), ("Who", lambda d: d.action.owner),
            ("Was due", lambda d: format_date(d.action.due)),
            ("What became of it", lambda d: d.label), ("Note", lambda d: d.note)], self)
        self.table = record_table("Actions brought forward", self.model,
                                  single_selection=True, alternating=True)
        self.choice = QComboBox()
        for text, status in CHOICES:
            self.choice.addItem(text, status.value)
        self.note = QLineEdit()
        self.note.setPlaceholderText("What happened, or why it is carried or dropped")
        form = QFormLayout()
        for text, widget in (("What &became of it", self.choice), ("N&ote", self.note)):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, widget)
        record = action_button("&Record for the selected action",
                               "Record what became of the selected action", self.record)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(
            f"Open actions from the last meeting ({format_datetime(last.held_at)}). Each is "
            "carried forward unless marked done or dropped."))
        layout.addWidget(self.table, 1)
        layout.addLayout(form)
        layout.addLayout(button_row([record]))
        self.model.set_rows(self.rows)
        self.table.resizeColumnsToContents()
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _p: self._show(cur.row()))
        if self.rows:
            self.table.selectRow(0)

    def _show(self, row: int) -> None:
        if 0 <= row < len(self.rows):
            decided = self.rows[row]
            self.choice.setCurrentIndex(max(self.choice.findData(decided.status.value), 0))
            self.note.setText(decided.note)

    def record(self) -> None:
        row = self.table.currentIndex().row()
        if not 0 <= row < len(self.rows):
            return
        self.set_decision(row, ActionStatus(str(self.choice.currentData())), self.note.text())

    def set_decision(self, row: int, status: ActionStatus, note: str) -> None:
        self.rows[row] = Decided(self.rows[row].action, status, note.strip())
        self.model.set_rows(self.rows)
        self.table.selectRow(row)

    def decisions(self) -> dict[int, tuple[ActionStatus, str]]:
        return {d.action.id: (d.status, d.note) for d in self.rows if d.action.id is not None}

    def carried(self, held_on: date) -> tuple[Action, ...]:
        """This meeting's actions continuing the carried ones; one already past its date is
        given a fortnight from this meeting (an action is not due before its meeting)."""
        later = held_on + timedelta(days=CARRIED_DAYS)
        return tuple(a if a.due >= held_on else replace(a, due=later) for a in carry_forward(
            d.action for d in self.rows if d.status is ActionStatus.CARRIED_OVER))

    def state(self) -> list[tuple[str, str]]:
        return [(d.status.value, d.note) for d in self.rows]
