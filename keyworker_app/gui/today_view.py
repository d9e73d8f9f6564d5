"""The key worker's Today view and the team lead's Team view.

Both are pages in the main window's tab area (View → Today, Ctrl+1; View → Team, Ctrl+2). Enter
or double-click on a row opens that family's record. "Today" comes from the injected clock.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import QLabel, QTableView, QVBoxLayout, QWidget

from keyworker_app.domain.changes import Changes, RecordKind
from keyworker_app.domain.dates import format_date, format_datetime, weekday_name
from keyworker_app.domain.taf import DueAction, UpcomingMeeting
from keyworker_app.errors import UserFacingError
from keyworker_app.gui.errors import show_error
from keyworker_app.gui.record_model import RecordTableModel
from keyworker_app.gui.taf_forms import agency_label
from keyworker_app.gui.taf_pages import HighlightTableModel, make_table
from keyworker_app.services.meetings import TEAM_WINDOW_DAYS, MeetingService


def _yes_no(value: bool | None) -> str:
    return "No earlier meeting" if value is None else "Yes" if value else "No — not finalised"


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * 1.15)
    label.setFont(font)
    return label


class _FamilyPage(QWidget):
    family_chosen = Signal(int)
    SHOWS: frozenset[RecordKind] = frozenset()  # the kinds of record a change must name

    def refresh(self) -> None:
        raise NotImplementedError

    def follow_the_day(self) -> None:
        """Shown again on another day: what is due or overdue has moved with the date."""
        if self._shown_day != self._today():
            self.refresh()

    def apply_changes(self, changes: Changes, _initiator: object = None) -> None:
        """Read again if the committed change names what this page shows."""
        if changes.touches(*self.SHOWS):
            self.refresh()

    def __init__(self, service: MeetingService, today: Callable[[], date],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self._today = today
        self._shown_day: date | None = None
        self.models: list[RecordTableModel[Any]] = []
        self.layout_ = QVBoxLayout(self)

    def _table(self, name: str, model: RecordTableModel[Any]) -> QTableView:
        self.models.append(model)
        table = make_table(name, model)
        table.activated.connect(lambda index, m=model: self._chosen(m, index))
        table.doubleClicked.connect(lambda index, m=model: self._chosen(m, index))
        return table

    def _chosen(self, model: RecordTableModel[Any], index: QModelIndex) -> None:
        record = model.record(index.row())
        family_id = getattr(record, "family_id", None)
        if isinstance(family_id, int):
            self.family_chosen.emit(family_id)

    def clear(self) -> None:
        for model in self.models:
            model.clear()


class TodayView(_FamilyPage):
    """Actions due within a week or overdue, meetings this week, reviews falling due."""

    SHOWS = frozenset({RecordKind.ACTION, RecordKind.MEETING, RecordKind.FAMILY,
                       RecordKind.CASELOAD})

    def __init__(self, service: MeetingService, today: Callable[[], date],
                 parent: QWidget | None = None) -> None:
        super().__init__(service, today, parent)
        self.setObjectName("todayView")
        self.setAccessibleName("Today")
        policy = service.policy

        def state(d: DueAction) -> str:
            return "Overdue" if d.overdue else "Due"

        self.action_model = HighlightTableModel([
            ("Due", lambda d: format_date(d.action.due)), ("", state),
            ("Family", lambda d: f"{d.family_reference} {d.family_name}"),
            ("What", lambda d: d.action.what), ("Who", lambda d: d.action.owner),
            ("Agency", lambda d: agency_label(policy, d.action.agency))],
            lambda d: d.overdue, self)
        self.meeting_model = RecordTableModel[Any]([
            ("When", lambda m: format_datetime(m.held_at)),
            ("Family", lambda m: f"{m.family_reference} {m.family_name}"),
            ("Type", lambda m: m.kind.label), ("Chair", lambda m: m.chair)], self)
        self.review_model = RecordTableModel[Any]([
            ("Review due", lambda r: format_date(r.due)),
            ("Family", lambda r: f"{r.family_reference} {r.family_name}")], self)
        self.date_label = QLabel()
        self.date_label.setAccessibleName("Today's date")
        self.action_table = self._table("Actions due or overdue", self.action_model)
        self.meeting_table = self._table("Meetings this week", self.meeting_model)
        self.review_table = self._table("Reviews due", self.review_model)
        self.layout_.addWidget(self.date_label)
        for title, table, stretch in (("Actions due or overdue", self.action_table, 3),
                                      ("Meetings this week", self.meeting_table, 2),
                                      ("Reviews due with no meeting booked", self.review_table, 1)):
            self.layout_.addWidget(_heading(title))
            self.layout_.addWidget(table, stretch)
        self.refresh()

    def refresh(self) -> None:
        day = self._today()
        try:
            data = self.service.today(day)
        except UserFacingError as exc:
            show_error(self, exc)
            return
        self._shown_day = day
        self.date_label.setText(f"Today is {weekday_name(day)} {format_date(day)}.")
        self.action_model.set_rows(data.actions)
        self.meeting_model.set_rows(data.meetings)
        self.review_model.set_rows(data.reviews)
        for table in (self.action_table, self.meeting_table, self.review_table):
            table.resizeColumnsToContents()

    def clear(self) -> None:
        super().clear()
        self.date_label.clear()


class TeamView(_FamilyPage):
    """Meetings in the next 14 days across the caseload, with their preparation state."""

    SHOWS = frozenset({RecordKind.MEETING, RecordKind.ACTION, RecordKind.SHARED,
                       RecordKind.FAMILY, RecordKind.CASELOAD})

    def __init__(self, service: MeetingService, today: Callable[[], date],
                 parent: QWidget | None = None) -> None:
        super().__init__(service, today, parent)
        self.setObjectName("teamView")
        self.setAccessibleName("Team")

        def unprepared(m: UpcomingMeeting) -> bool:
            return m.previous_finalised is False

        self.model = HighlightTableModel([
            ("When", lambda m: format_datetime(m.held_at)),
            ("Family", lambda m: f"{m.family_reference} {m.family_name}"),
            ("Type", lambda m: m.kind.label), ("Chair", lambda m: m.chair),
            ("Last record finalised?", lambda m: _yes_no(m.previous_finalised)),
            ("Open actions", lambda m: str(m.open_actions)),
            ("New information", lambda m: str(m.new_information))],
            unprepared, self)
        self.summary = QLabel()
        self.summary.setAccessibleName("Team summary")
        self.table = self._table("Meetings in the next 14 days", self.model)
        self.layout_.addWidget(_heading(f"TAF meetings in the next {TEAM_WINDOW_DAYS} days"))
        self.layout_.addWidget(self.summary)
        self.layout_.addWidget(self.table, 1)
        self.refresh()

    def refresh(self) -> None:
        day = self._today()
        try:
            rows = self.service.team(day)
        except UserFacingError as exc:
            show_error(self, exc)
            return
        self._shown_day = day
        self.model.set_rows(rows)
        unready = sum(1 for m in rows if m.previous_finalised is False)
        self.summary.setText(f"{len(rows)} meetings; {unready} with the last meeting's record "
                             "not yet finalised (highlighted).")
        self.table.resizeColumnsToContents()

    def clear(self) -> None:
        super().clear()
        self.summary.clear()
