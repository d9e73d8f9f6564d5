"""The key worker's Today view and the team lead's Team view.

Both are pages in the main window's tab area (View → Today, Ctrl+1; View → Team, Ctrl+2). Enter
or double-click on a row opens that family's record. "Today" comes from the injected clock.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, Protocol

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal, SignalInstance
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QTableView, QVBoxLayout, QWidget

from keyworker_app.domain.changes import Changes, RecordKind
from keyworker_app.domain.dates import format_date, format_datetime, weekday_name
from keyworker_app.domain.member_labels import family_label, shared_names, with_postcode
from keyworker_app.domain.taf import DueAction, ReviewDue, UpcomingMeeting, due_state
from keyworker_app.domain.team import TeamFamily, TeamOverview, WorkerLoad, worker_loads
from keyworker_app.domain.wording import plural
from keyworker_app.errors import UserFacingError
from keyworker_app.gui.attention import (
    attention_background,
    attention_font,
    attention_foreground,
)
from keyworker_app.gui.errors import show_error
from keyworker_app.gui.record_model import RecordTableModel
from keyworker_app.gui.taf_forms import agency_label
from keyworker_app.gui.taf_pages import HighlightTableModel, make_table
from keyworker_app.services.meetings import TEAM_WINDOW_DAYS, MeetingService

ModelIndex = QModelIndex | QPersistentModelIndex


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
        self._shared: frozenset[str] = frozenset()  # family names two listed families share
        self.models: list[RecordTableModel[Any]] = []
        self.layout_ = QVBoxLayout(self)
        self.suspension_label = QLabel()
        self.suspension_label.setObjectName("suspensionBanner")
        self.suspension_label.setWordWrap(True)
        self.suspension_label.setStyleSheet("font-weight: bold")
        self.suspension_label.hide()

    def show_suspensions(self, day: date) -> None:
        """The agreement's suspensions in force, and when their meeting is due (ISA §15)."""
        try:
            lines = self.service.suspension_notices(day)
        except UserFacingError:
            lines = []
        self.suspension_label.setText("\n".join(lines))
        self.suspension_label.setVisible(bool(lines))

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


class DueActionModel(RecordTableModel[DueAction]):
    """Actions due: an overdue one has its date and state cells washed in the palette's
    attention colour and its state in bold ("Overdue by 3 days"); the rest of the row is plain."""

    MARKED_COLUMNS = (0, 1)

    def is_highlighted(self, row: int) -> bool:
        record = self.record(row)
        return record is not None and record.overdue

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole,
                    Qt.ItemDataRole.FontRole):
            if (not index.isValid() or index.column() not in self.MARKED_COLUMNS
                    or not self.is_highlighted(index.row())):
                return None
            if role == Qt.ItemDataRole.BackgroundRole:
                return attention_background()
            if role == Qt.ItemDataRole.ForegroundRole:
                return attention_foreground()
            return attention_font() if index.column() == 1 else None
        return super().data(index, role)


class TodayView(_FamilyPage):
    """Actions due within a week or overdue (the worker's own first), meetings this week not
    yet finalised, reviews falling due."""

    SHOWS = frozenset({RecordKind.ACTION, RecordKind.MEETING, RecordKind.FAMILY,
                       RecordKind.CASELOAD, RecordKind.BREACH})

    def __init__(self, service: MeetingService, today: Callable[[], date],
                 parent: QWidget | None = None) -> None:
        super().__init__(service, today, parent)
        self.setObjectName("todayView")
        self.setAccessibleName("Today")
        policy = service.policy

        self.action_model = DueActionModel([
            ("Due", lambda d: format_date(d.action.due)), ("Overdue", due_state),
            ("Family", self._family),
            ("What", lambda d: d.action.what), ("Who", lambda d: d.action.owner),
            ("Agency", lambda d: agency_label(policy, d.action.agency))], self)
        self.meeting_model = RecordTableModel[Any]([
            ("When", lambda m: format_datetime(m.held_at)),
            ("Family", self._family),
            ("Type", lambda m: m.kind.label), ("Chair", lambda m: m.chair)], self)
        self.review_model = RecordTableModel[Any]([
            ("Review due", lambda r: format_date(r.due)),
            ("Family", self._family)], self)
        self.date_label = QLabel()
        self.action_table = self._table("Actions due or overdue", self.action_model)
        self.meeting_table = self._table("Meetings this week", self.meeting_model)
        self.review_table = self._table("Reviews due", self.review_model)
        self.breach_label = QLabel()
        self.breach_label.setObjectName("breachFollowUps")
        self.breach_label.setWordWrap(True)
        self.breach_label.hide()
        self.layout_.addWidget(self.date_label)
        self.layout_.addWidget(self.suspension_label)
        self.layout_.addWidget(self.breach_label)
        for title, table, stretch in (
                ("Actions due or overdue — yours first", self.action_table, 3),
                ("Meetings this week", self.meeting_table, 2),
                ("Reviews due with no meeting booked", self.review_table, 1)):
            self.layout_.addWidget(_heading(title))
            self.layout_.addWidget(table, stretch)
        self.refresh()

    def _family(self, row: DueAction | UpcomingMeeting | ReviewDue) -> str:
        return family_label(row.family_reference, row.family_name, row.family_postcode,
                            self._shared)

    def refresh(self) -> None:
        day = self._today()
        try:
            data = self.service.today(day)
        except UserFacingError as exc:
            show_error(self, exc)
            return
        self._shown_day = day
        self.show_suspensions(day)
        self.show_breach_follow_ups()
        self.date_label.setText(f"Today is {weekday_name(day)} {format_date(day)}.")
        rows: list[DueAction | UpcomingMeeting | ReviewDue] = [
            *data.actions, *data.meetings, *data.reviews]
        self._shared = shared_names((r.family_reference, r.family_name) for r in rows)
        self.action_model.set_rows(data.actions)
        self.meeting_model.set_rows(data.meetings)
        self.review_model.set_rows(data.reviews)
        for table in (self.action_table, self.meeting_table, self.review_table):
            table.resizeColumnsToContents()

    def show_breach_follow_ups(self) -> None:
        """Breaches whose ISA §12 steps are overdue: in words, and in the attention colour."""
        try:
            lines = self.service.breach_notices()
        except UserFacingError:
            lines = []
        text = "\n".join(["Breach follow-up overdue (ISA §12) — open Programme → Breach "
                          "records:", *lines]) if lines else ""
        self.breach_label.setText(text)
        self.breach_label.setVisible(bool(lines))
        if lines:
            palette = self.breach_label.palette()
            palette.setColor(self.breach_label.backgroundRole(), attention_background().color())
            palette.setColor(self.breach_label.foregroundRole(), attention_foreground().color())
            self.breach_label.setPalette(palette)
            self.breach_label.setAutoFillBackground(True)

    def clear(self) -> None:
        super().clear()
        self.date_label.clear()
        self.breach_label.clear()
        self.breach_label.hide()


SIZE_FROM_ROWS = 60  # column widths are measured on this many rows


class CriteriaCache(Protocol):
    """The caseload's "meets criteria" cache (``CaseloadModel``): answers known so far, and
    a way to have the rest worked out on the store worker."""

    criteria_worked_out: SignalInstance

    def meets(self, family_id: int) -> bool | None: ...

    def work_out_all(self, done: Callable[[], None]) -> None: ...


def _ready(load: WorkerLoad) -> str:
    if not load.meetings:
        return "—"
    return f"{load.meetings_ready} of {load.meetings}"


def _criteria_text(load: WorkerLoad) -> str:
    if load.criteria_unknown:
        return f"{load.meeting_criteria} so far ({load.criteria_unknown} to work out)"
    return str(load.meeting_criteria)


class TeamView(_FamilyPage):
    """The team lead's overview: per key worker, their open families, overdue actions, reviews
    and meetings coming up (and how ready), families meeting the criteria; then the families and
    the TAF meetings in the next 14 days, filtered by the key worker chosen."""

    SHOWS = frozenset({RecordKind.MEETING, RecordKind.ACTION, RecordKind.SHARED,
                       RecordKind.FAMILY, RecordKind.CASELOAD})

    def __init__(self, service: MeetingService, today: Callable[[], date],
                 parent: QWidget | None = None, criteria: CriteriaCache | None = None) -> None:
        super().__init__(service, today, parent)
        self.setObjectName("teamView")
        self.setAccessibleName("Team")
        self._criteria = criteria
        self._overview: TeamOverview | None = None
        self._meetings: list[UpcomingMeeting] = []

        def unprepared(m: UpcomingMeeting) -> bool:
            return m.previous_finalised is False

        days = TEAM_WINDOW_DAYS
        self.worker_model = RecordTableModel[WorkerLoad]([
            ("Key worker", lambda w: w.key_worker),
            ("Open families", lambda w: str(w.families_open)),
            ("Overdue actions", lambda w: str(w.actions_overdue)),
            (f"Reviews, {days} days", lambda w: str(w.reviews_due)),
            (f"Meetings, {days} days", lambda w: str(w.meetings)),
            ("Record finalised", _ready),
            ("Meet criteria", _criteria_text)], self)
        self.family_model = RecordTableModel[TeamFamily]([
            ("Reference", lambda f: f.reference), ("Family", self._team_family),
            ("Key worker", lambda f: f.worker),
            ("Overdue actions", lambda f: str(f.actions_overdue) if f.actions_overdue else ""),
            ("Next review", self._review_text),
            (f"Meetings, {days} days", lambda f: str(f.meetings_ahead) if f.meetings_ahead
             else ""),
            ("Meets criteria", self._meets_text)], self)
        self.model = HighlightTableModel([
            ("When", lambda m: format_datetime(m.held_at)),
            ("Family", lambda m: family_label(m.family_reference, m.family_name,
                                              m.family_postcode, self._shared)),
            ("Type", lambda m: m.kind.label), ("Chair", lambda m: m.chair),
            ("Last record finalised?", lambda m: _yes_no(m.previous_finalised)),
            ("Open actions", lambda m: str(m.open_actions)),
            ("New information", lambda m: str(m.new_information))],
            unprepared, self)
        self.worker_filter = QComboBox()
        self.worker_filter.setObjectName("teamWorkerFilter")
        self.worker_filter.currentIndexChanged.connect(lambda _i: self._show_filtered())
        choose = QLabel("&Key worker:")
        choose.setBuddy(self.worker_filter)
        filter_row = QHBoxLayout()
        filter_row.addWidget(choose)
        filter_row.addWidget(self.worker_filter, 1)
        filter_row.addStretch(2)
        self.team_summary = QLabel()
        self.team_summary.setWordWrap(True)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.worker_table = make_table("Key workers", self.worker_model)
        self.models.append(self.worker_model)
        self.worker_table.doubleClicked.connect(self._worker_chosen)
        self.worker_table.activated.connect(self._worker_chosen)
        self.family_table = self._table("Families", self.family_model)
        self.table = self._table(f"Meetings in the next {days} days", self.model)
        for table in (self.family_table, self.table):  # widths from the first rows, not 5,000
            table.horizontalHeader().setResizeContentsPrecision(SIZE_FROM_ROWS)
        self._unknown = 0  # families whose criteria were not yet known at the last count
        self.layout_.addWidget(self.suspension_label)
        self.layout_.addWidget(_heading("Team overview"))
        self.layout_.addLayout(filter_row)
        self.layout_.addWidget(self.team_summary)
        self.layout_.addWidget(self.worker_table, 2)
        self.layout_.addWidget(_heading("Families (double-click to open)"))
        self.layout_.addWidget(self.family_table, 3)
        self.layout_.addWidget(_heading(f"TAF meetings in the next {days} days"))
        self.layout_.addWidget(self.summary)
        self.layout_.addWidget(self.table, 2)
        if criteria is not None:
            criteria.criteria_worked_out.connect(self._criteria_known)
        self.refresh()

    # -- reading ---------------------------------------------------------------------------
    def refresh(self) -> None:
        day = self._today()
        try:
            overview = self.service.team_overview(day)
            meetings = self.service.team(day)
        except UserFacingError as exc:
            show_error(self, exc)
            return
        self._shown_day = day
        self.show_suspensions(day)
        self._overview, self._meetings = overview, meetings
        chosen = self.chosen_worker()
        self.worker_filter.blockSignals(True)
        self.worker_filter.clear()
        self.worker_filter.addItem("All key workers", None)
        for worker in overview.workers():
            self.worker_filter.addItem(worker, worker)
        found = self.worker_filter.findData(chosen) if chosen is not None else 0
        self.worker_filter.setCurrentIndex(max(found, 0))
        self.worker_filter.blockSignals(False)
        self._show_filtered()
        if self._criteria is not None:  # heavy: on the store worker, into the caseload's cache
            self._criteria.work_out_all(self._criteria_known)

    def chosen_worker(self) -> str | None:
        data = self.worker_filter.currentData()
        return data if isinstance(data, str) else None

    def choose_worker(self, worker: str | None) -> None:
        index = self.worker_filter.findData(worker) if worker is not None else 0
        if index >= 0:
            self.worker_filter.setCurrentIndex(index)

    def loads(self) -> list[WorkerLoad]:
        """The per-worker figures as shown (after the filter)."""
        overview = self._overview
        if overview is None:
            return []
        return worker_loads(overview, self._meets, overview.of_worker(self.chosen_worker()))

    def _meets(self, family_id: int) -> bool | None:
        return None if self._criteria is None else self._criteria.meets(family_id)

    def _meets_text(self, family: TeamFamily) -> str:
        if self._criteria is None:
            return ""
        answer = self._criteria.meets(family.family_id)
        return "Working out…" if answer is None else "Yes" if answer else "No"

    def _team_family(self, family: TeamFamily) -> str:
        """The family's name, with its postcode when another open family has that name."""
        return with_postcode(family.family_name, family.postcode, self._shared)

    def _review_text(self, family: TeamFamily) -> str:
        if family.next_review is None:
            return "None set"
        text = format_date(family.next_review)
        return f"{text} (overdue)" if family.next_review < self._today() else text

    def _show_filtered(self) -> None:
        overview = self._overview
        if overview is None:
            return
        worker = self.chosen_worker()
        families = overview.of_worker(worker)
        ids = {f.family_id for f in families}
        self._shared = shared_names((f.reference, f.family_name) for f in overview.families)
        loads = self.loads()
        self._unknown = sum(w.criteria_unknown for w in loads)
        self.worker_model.set_rows(loads)
        self.family_model.set_rows(families)
        meetings = [m for m in self._meetings if m.family_id in ids]
        self.model.set_rows(meetings)
        self.team_summary.setText(self._team_text(loads, worker))
        unready = sum(1 for m in meetings if m.previous_finalised is False)
        self.summary.setText(f"{plural(len(meetings), 'meeting')}; {unready} with the last "
                             "meeting's record not yet finalised (highlighted).")
        for table in (self.worker_table, self.family_table, self.table):
            table.resizeColumnsToContents()

    def _team_text(self, loads: list[WorkerLoad], worker: str | None) -> str:
        who = "the team" if worker is None else worker
        return (f"For {who}: {plural(sum(w.families_open for w in loads), 'open family')}, "
                f"{plural(sum(w.actions_overdue for w in loads), 'action')} overdue, "
                f"{plural(sum(w.reviews_due for w in loads), 'review')} due in the next "
                f"{TEAM_WINDOW_DAYS} days.")

    def _criteria_known(self) -> None:
        """More of the caseload's criteria are known: recount (cheap, from the cache)."""
        if self._overview is None or not self._unknown:
            return
        loads = self.loads()
        self._unknown = sum(w.criteria_unknown for w in loads)
        self.worker_model.set_rows(loads)
        rows = self.family_model.rowCount()
        if rows:
            column = self.family_model.columnCount() - 1
            self.family_model.dataChanged.emit(self.family_model.index(0, column),
                                               self.family_model.index(rows - 1, column))

    def _worker_chosen(self, index: QModelIndex) -> None:
        load = self.worker_model.record(index.row())
        if load is not None:
            self.choose_worker(load.key_worker)
            self.family_table.setFocus()

    def clear(self) -> None:
        super().clear()
        self._overview, self._meetings = None, []
        self.worker_filter.clear()
        self.summary.clear()
        self.team_summary.clear()
