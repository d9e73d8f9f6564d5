"""The family's chronology as a tab of the family record: every dated event, filtered by
kind and member, oldest or newest first. Built when the tab is first shown and again when
the record changes; it reads only (the record is audited as viewed when opened)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from keyworker_app.domain.chronology import Entry, EntryKind, filter_entries
from keyworker_app.domain.dates import format_date, format_time
from keyworker_app.domain.family import Family
from keyworker_app.gui.widgets import record_table

HEADERS = ("Date", "Event", "Who or which agency", "Summary")
Index = QModelIndex | QPersistentModelIndex


class ChronologyModel(QAbstractTableModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._entries: tuple[Entry, ...] = ()
        self._names: dict[str, str] = {}

    def set_entries(self, entries: tuple[Entry, ...], names: dict[str, str]) -> None:
        self.beginResetModel()
        self._entries = entries
        self._names = names
        self.endResetModel()

    def entry(self, row: int) -> Entry | None:
        return self._entries[row] if 0 <= row < len(self._entries) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(HEADERS)):
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        entry = self.entry(index.row()) if index.isValid() else None
        if entry is None or role not in (Qt.ItemDataRole.DisplayRole,
                                         Qt.ItemDataRole.ToolTipRole):
            return None
        column = index.column()
        if column == 0:
            when = format_date(entry.day)
            return f"{when} {format_time(entry.moment)}" if entry.moment else when
        if column == 1:
            return f"{entry.kind.label}: {entry.event}"
        if column == 2:
            return entry.who
        if column == 3:
            about = ", ".join(self._names.get(r, "Unknown member") for r in entry.person_refs)
            return f"{about}: {entry.summary}" if about else entry.summary
        return None


class ChronologyPage(QWidget):
    def __init__(self, build: Callable[[bool], tuple[Entry, ...]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._build = build
        self._family: Family | None = None
        self._all: tuple[Entry, ...] = ()
        self.loaded = False
        self.model = ChronologyModel(self)
        self.table: QTableView = record_table("Chronology", self.model, object_name="chronology",
                                              alternating=True)
        self.kind = QComboBox()
        self.kind.addItem("All kinds of event", "")
        for kind in EntryKind:
            self.kind.addItem(kind.label, kind.value)
        kind_label = QLabel("Kind of &event")
        kind_label.setBuddy(self.kind)
        self.member = QComboBox()
        member_label = QLabel("&Who it is about")
        member_label.setBuddy(self.member)
        self.newest_first = QCheckBox("&Newest first")
        row = QHBoxLayout()
        for widget in (kind_label, self.kind, member_label, self.member, self.newest_first):
            row.addWidget(widget)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        self.kind.currentIndexChanged.connect(lambda _i: self._show())
        self.member.currentIndexChanged.connect(lambda _i: self._show())
        self.newest_first.toggled.connect(lambda _c: self.reload())

    def set_family(self, family: Family) -> None:
        self._family = family
        chosen = self.member.currentData()
        self.member.blockSignals(True)
        self.member.clear()
        self.member.addItem("Everyone", None)
        for person in family.members:
            self.member.addItem(person.display_name, person.ref)
        found = self.member.findData(chosen)
        self.member.setCurrentIndex(max(found, 0))
        self.member.blockSignals(False)
        if self.loaded:
            self.reload()

    def ensure_loaded(self) -> None:
        if not self.loaded:
            self.reload()

    def reload(self) -> None:
        self.loaded = True
        self._all = self._build(self.newest_first.isChecked())
        self._show()

    def _show(self) -> None:
        kind = self.kind.currentData()
        kinds = frozenset({EntryKind(kind)}) if kind else None
        entries = filter_entries(self._all, kinds=kinds, person_ref=self.member.currentData())
        names = ({p.ref: p.display_name for p in self._family.members}
                 if self._family is not None else {})
        self.model.set_entries(entries, names)
        self.table.resizeColumnsToContents()

    def clear(self) -> None:
        self._all = ()
        self.model.set_entries((), {})
        self.loaded = False
