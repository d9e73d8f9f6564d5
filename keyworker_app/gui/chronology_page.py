"""The family's chronology as a tab of the family record: every dated event, filtered by
kind, member and significance, oldest or newest first. Built when the tab is first shown and
again when the record changes; it reads the record (audited as viewed when opened) and writes
only the worker's "significant event" marks, through the callbacks the family view gives."""

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

from keyworker_app.domain.chronology import (
    Entry,
    EntryKind,
    filter_entries,
    significance_text,
)
from keyworker_app.domain.dates import format_date, format_time
from keyworker_app.domain.family import Family
from keyworker_app.domain.member_labels import member_label
from keyworker_app.gui.form_dialog import FieldSpec
from keyworker_app.gui.widgets import action_button, record_table

HEADERS = ("Date", "Event", "Who or which agency", "Significance", "Summary")
SIGNIFICANCE_COLUMN = 3
COLUMN_CAPS = {1: 240, 2: 150, SIGNIFICANCE_COLUMN: 180}  # event, who, significance
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
        if column == SIGNIFICANCE_COLUMN:
            return significance_text(entry)
        if column == 4:
            about = ", ".join(self._names.get(r, "Unknown member") for r in entry.person_refs)
            return f"{about}: {entry.summary}" if about else entry.summary
        return None


class ChronologyPage(QWidget):
    def __init__(self, build: Callable[[bool], tuple[Entry, ...]],
                 parent: QWidget | None = None, *,
                 mark: Callable[[Entry], object] | None = None,
                 unmark: Callable[[Entry], object] | None = None) -> None:
        super().__init__(parent)
        self._build = build
        self._mark = mark
        self._unmark = unmark
        self._family: Family | None = None
        self._all: tuple[Entry, ...] = ()
        self.loaded = False
        self.model = ChronologyModel(self)
        self.table: QTableView = record_table("Chronology", self.model, object_name="chronology",
                                              alternating=True)
        # Column widths from the rows on screen and a hundred more, not from 1,000 of a long
        # chronology's rows: a rebuild of 2,000 events otherwise spends ~0.25 s measuring text.
        self.table.horizontalHeader().setResizeContentsPrecision(100)
        self.kind = QComboBox()
        self.kind.addItem("All kinds of event", "")
        for kind in EntryKind:
            self.kind.addItem(kind.label, kind.value)
        kind_label = QLabel("Kind of &event")
        kind_label.setBuddy(self.kind)
        self.member = QComboBox()
        for combo in (self.kind, self.member):  # long names never widen the family record
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(16)
        member_label = QLabel("&Who it is about")
        member_label.setBuddy(self.member)
        self.significant_only = QCheckBox("&Just the significant events")
        self.order = QComboBox()
        self.order.addItem("Oldest first", False)
        self.order.addItem("Newest first", True)
        order_label = QLabel("Or&der")
        order_label.setBuddy(self.order)
        row = QHBoxLayout()  # what to show, then how: two rows, so a narrow window fits
        for widget in (kind_label, self.kind, member_label, self.member):
            row.addWidget(widget)
        row.addStretch(1)
        second = QHBoxLayout()
        second.addWidget(self.significant_only)
        second.addWidget(order_label)
        second.addWidget(self.order)
        second.addStretch(1)
        self.mark_button = action_button("Mark as sig&nificant…",
                                         "Mark the chosen event as significant",
                                         self.mark_selected)
        self.unmark_button = action_button("&Unmark", "Take the significance mark "
                                           "off the chosen event", self.unmark_selected)
        self.count = QLabel()
        buttons = QHBoxLayout()
        buttons.addWidget(self.mark_button)
        buttons.addWidget(self.unmark_button)
        buttons.addStretch(1)
        buttons.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addLayout(second)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.kind.currentIndexChanged.connect(lambda _i: self._show())
        self.member.currentIndexChanged.connect(lambda _i: self._show())
        self.significant_only.toggled.connect(lambda _c: self._show())
        self.order.currentIndexChanged.connect(lambda _i: self.reload())
        self.table.selectionModel().selectionChanged.connect(
            lambda _s, _d: self._enable_buttons())
        self.table.doubleClicked.connect(lambda _i: self.mark_selected())
        self._enable_buttons()

    @property
    def newest_first(self) -> bool:
        return bool(self.order.currentData())

    def set_newest_first(self, newest: bool) -> None:
        self.order.setCurrentIndex(self.order.findData(newest))

    def selected(self) -> Entry | None:
        index = self.table.currentIndex()
        rows = self.table.selectionModel().selectedRows()
        return self.model.entry(index.row()) if rows and index.isValid() else None

    def entry_with(self, key: tuple[EntryKind, str]) -> Entry | None:
        """The entry with ``key`` in the whole chronology (shown or filtered out)."""
        return next((e for e in self._all if e.key == key), None)

    def select(self, key: tuple[EntryKind, str]) -> bool:
        """Put the cursor on the entry with ``key``; False when it is not shown."""
        for row in range(self.model.rowCount()):
            entry = self.model.entry(row)
            if entry is not None and entry.key == key:
                self.table.selectRow(row)
                return True
        return False

    def mark_selected(self) -> None:
        entry = self.selected()
        if entry is not None and entry.can_be_marked and self._mark is not None:
            self._mark(entry)

    def unmark_selected(self) -> None:
        entry = self.selected()
        if entry is not None and entry.significance is not None and self._unmark is not None:
            self._unmark(entry)

    def _enable_buttons(self) -> None:
        entry = self.selected()
        can = entry is not None and entry.can_be_marked
        self.mark_button.setEnabled(can and self._mark is not None)
        self.mark_button.setText("Edit the reaso&n…" if entry is not None
                                 and entry.significance is not None
                                 else "Mark as sig&nificant…")
        self.unmark_button.setEnabled(entry is not None and entry.significance is not None
                                      and self._unmark is not None)

    def set_family(self, family: Family) -> None:
        self._family = family
        chosen = self.member.currentData()
        self.member.blockSignals(True)
        self.member.clear()
        self.member.addItem("Everyone", None)
        for person in family.members:
            self.member.addItem(member_label(person), person.ref)
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
        self._all = self._build(self.newest_first)
        self._show()

    def _show(self) -> None:
        chosen = self.selected()
        kind = self.kind.currentData()
        kinds = frozenset({EntryKind(kind)}) if kind else None
        entries = filter_entries(self._all, kinds=kinds, person_ref=self.member.currentData(),
                                 significant_only=self.significant_only.isChecked())
        names = ({p.ref: p.display_name for p in self._family.members}
                 if self._family is not None else {})
        self.model.set_entries(entries, names)
        self.table.resizeColumnsToContents()
        # Capped, so the summary stays in view in a narrow window (a cell's tooltip has all).
        for column, widest in COLUMN_CAPS.items():
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), widest))
        if chosen is not None:
            self.select(chosen.key)
        marked = sum(1 for e in self._all if e.significance is not None)
        shown = len(entries)
        self.count.setText(f"{shown} event{'' if shown == 1 else 's'} shown; {marked} marked "
                           "significant")
        self._enable_buttons()

    def clear(self) -> None:
        self._all = ()
        self.model.set_entries((), {})
        self.count.clear()
        self.loaded = False
        self._enable_buttons()


SIGNIFICANCE_FORM = "chronology-significance"
REASON_MAX = 2_000


def event_key(entry_key: tuple[EntryKind, str]) -> str:
    """The draft key part naming a chronology entry: 'event:note.12'."""
    kind, record = entry_key
    return f"event:{kind.value}.{record}"


def parse_event(value: str | None) -> tuple[EntryKind, str] | None:
    """The entry a draft key's 'event:' part names; None when it names none."""
    kind, sep, record = (value or "").partition(".")
    if not sep or not record or kind not in {k.value for k in EntryKind}:
        return None
    return (EntryKind(kind), record)


def _reason_problem(text: str) -> str | None:
    if not text.strip():
        return "Type why this event is significant."
    if len(text) > REASON_MAX:
        return f"Keep it under {REASON_MAX:,} characters."
    return None


def significance_fields() -> list[FieldSpec]:
    return [FieldSpec("reason", "&Why it is significant", _reason_problem, multiline=True,
                      hint="Shown in the Significance column here and in the exported "
                           "chronology.")]
