"""The caseload: a table model over family ids with lazily fetched rows, and its search box.

The model holds ids only; summaries are fetched in batches the first time a row is painted
and cached. Sorting asks the store for the id order (``session.family_ids``) so it never needs
every row; searching asks the store for matching ids (``session.search``) and the proxy shows
only those. ``data()`` never raises: a failing fetch shows an empty cell and logs the type.

"Meets criteria" (ISA Appendix D) is worked out per family, which reads the whole record, so
it is never done for every row at once on the GUI thread: a painted row queues its family,
and the queue is worked through on the store worker (``gui.worker.StoreWork``, on the
session's background connection) a batch at a time — or, without a worker, by a zero-delay
timer in slices of about ``SLICE_SECONDS`` — caching each answer until that family changes
(``apply_changes``) or the store locks. The filter "Only families that qualify for the
programme" queues every family and shows the ones known so far, with progress, until the
last is done.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from keyworker_app.domain.changes import FAMILY_RECORD, Changes
from keyworker_app.domain.dates import format_date
from keyworker_app.domain.family import FamilySummary
from keyworker_app.errors import UserFacingError
from keyworker_app.gui.attention import attention_background, attention_foreground
from keyworker_app.gui.widgets import record_table
from keyworker_app.services.api import Session

log = logging.getLogger("keyworker.gui.caseload")

ModelIndex = QModelIndex | QPersistentModelIndex
FAMILY_ID_ROLE = Qt.ItemDataRole.UserRole + 1
BATCH = 200
COLUMNS: tuple[tuple[str, str | None], ...] = (
    ("Reference", "reference"),
    ("Family name", "family_name"),
    ("Postcode", None),  # the current address's
    ("Members", "members"),
    ("Status", "status"),
    ("Key worker", "key_worker"),
    ("Next action due", None),
    ("Review due", "review_due"),
    ("Meets criteria", None),
)
CRITERIA_COLUMN = len(COLUMNS) - 1
SLICE_SECONDS = 0.02
CRITERIA_CHUNK = 4
CriteriaSource = Callable[[Sequence[int]], dict[int, bool]]
# Works out a batch on the store worker, then calls one of the two back on the GUI thread.
BackgroundCriteria = Callable[
    [list[int], Callable[[dict[int, bool]], None], Callable[[], None]], None]
BACKGROUND_BATCH = 100


MEMBERS_COLUMN, ACTION_COLUMN, REVIEW_COLUMN = 3, 6, 7
_ROLES = frozenset({FAMILY_ID_ROLE, Qt.ItemDataRole.TextAlignmentRole,
                    Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole,
                    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole})


def _overdue(summary: FamilySummary, column: int, today: date) -> bool:
    """The next action or the review date has passed."""
    due = (summary.next_action_due if column == ACTION_COLUMN
           else summary.review_due if column == REVIEW_COLUMN else None)
    return due is not None and due < today


def _due_text(due: date | None, overdue: bool) -> str:
    return f"{format_date(due)} (overdue)" if overdue else format_date(due)


def _cell(summary: FamilySummary, column: int, today: date) -> str:
    match column:
        case 0:
            return summary.reference
        case 1:
            return summary.family_name
        case 2:
            return summary.postcode
        case 3:
            return str(summary.member_count)
        case 4:
            return summary.status.label
        case 5:
            return summary.key_worker
        case 6:
            return _due_text(summary.next_action_due, _overdue(summary, column, today))
        case 7:
            return _due_text(summary.review_due, _overdue(summary, column, today))
    return ""


class CaseloadModel(QAbstractTableModel):
    criteria_worked_out = Signal()  # after each slice of the criteria queue
    # A known problem met while painting rows (a damaged page, a busy store): data() must
    # not raise, so the window is told once, queued, and shows the advice.
    problem = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session: Session | None = None
        self._ids: list[int] = []  # the rows shown: the store's order, filtered by a search
        self._order: list[int] = []  # every family, in the store's order
        self._matching: set[int] | None = None  # the search's hits (None: no search)
        self._sort_key, self._descending = "reference", False
        self._rows: dict[int, FamilySummary] = {}
        self._criteria: CriteriaSource | None = None
        self._background: BackgroundCriteria | None = None
        self._flight: set[int] = set()  # the batch the worker is on
        self._stale: set[int] = set()  # changed while in flight: work out again
        self._generation = 0  # a batch from before a clear() is dropped
        self._meets: dict[int, bool] = {}
        self._queue: dict[int, None] = {}  # ordered set of family ids to work out
        self._on_criteria_done: list[Callable[[], None]] = []
        self._criteria_timer = QTimer(self)
        self._criteria_timer.setSingleShot(True)
        self._criteria_timer.setInterval(0)
        self._criteria_timer.timeout.connect(self._work_out_slice)
        self._problem_told = False
        self.today: Callable[[], date] = date.today  # what "overdue" is measured from
        self._day: tuple[float, date] | None = None  # (when asked, today) for painting

    # -- criteria -------------------------------------------------------------------------
    def set_criteria_source(self, source: CriteriaSource | None,
                            background: BackgroundCriteria | None = None) -> None:
        """``source`` works a batch out on the GUI thread, in short slices; ``background``
        (when given) on the store worker instead, a batch at a time."""
        self._criteria = source
        self._background = background if source is not None else None
        self._generation += 1
        self._flight, self._stale = set(), set()
        self._meets = {}
        self._queue = {}

    @property
    def has_criteria(self) -> bool:
        return self._criteria is not None

    def meets(self, family_id: int) -> bool | None:
        """Cached answer, or None while not yet worked out (the family is then queued)."""
        answer = self._meets.get(family_id)
        if (answer is None and self._criteria is not None and family_id not in self._queue
                and family_id not in self._flight):
            self._queue[family_id] = None
            self._criteria_timer.start()
        return answer

    def meeting_ids(self) -> set[int]:
        return {fid for fid, yes in self._meets.items() if yes}

    def criteria_progress(self) -> tuple[int, int]:
        return sum(1 for fid in self._order if fid in self._meets), len(self._order)

    def work_out_all(self, done: Callable[[], None]) -> None:
        """Queue every family; ``done`` runs when all are known (at once if they are)."""
        for fid in self._order:
            if fid not in self._meets and fid not in self._flight:
                self._queue[fid] = None
        if not self._queue and not self._flight:
            done()
            return
        if done not in self._on_criteria_done:
            self._on_criteria_done.append(done)
        self._criteria_timer.start()

    def _work_out_slice(self) -> None:
        source = self._criteria
        if source is None:
            self._queue = {}
            return
        if self._background is not None:
            self._send_batch(self._background)
            return
        started = time.perf_counter()
        changed: list[int] = []
        while self._queue and time.perf_counter() - started < SLICE_SECONDS:
            batch = list(self._queue)[:CRITERIA_CHUNK]
            for fid in batch:
                del self._queue[fid]
            try:
                answers = source(batch)
            except Exception as exc:  # a failing family must not stop the queue
                log.error("criteria for the caseload failed: %s", type(exc).__name__)
                answers = dict.fromkeys(batch, False)
            self._meets.update(answers)
            changed += batch
        self._answered(changed)

    def _send_batch(self, background: BackgroundCriteria) -> None:
        if self._flight or not self._queue:
            return
        batch = list(self._queue)[:BACKGROUND_BATCH]
        for fid in batch:
            del self._queue[fid]
        self._flight = set(batch)
        generation = self._generation

        def done(answers: dict[int, bool]) -> None:
            if generation != self._generation:
                return  # cleared (a lock) or a new source since
            stale, self._stale, self._flight = self._stale, set(), set()
            for fid in stale:  # changed while the worker read it: its answer may be old
                answers.pop(fid, None)
                self._queue[fid] = None
            self._meets.update(answers)
            self._answered(list(answers))

        def failed() -> None:
            log.error("criteria for the caseload failed on the worker")
            done(dict.fromkeys(batch, False))

        background(batch, done, failed)

    def _answered(self, changed: list[int]) -> None:
        rows = {fid: row for row, fid in enumerate(self._ids)}
        for fid in changed:
            row = rows.get(fid)
            if row is not None:
                index = self.index(row, CRITERIA_COLUMN)
                self.dataChanged.emit(index, index)
        self.criteria_worked_out.emit()
        if self._queue:
            self._criteria_timer.start()
            return
        callbacks, self._on_criteria_done = self._on_criteria_done, []
        for callback in callbacks:
            callback()

    # -- loading --------------------------------------------------------------------------
    def load(self, session: Session, sort_key: str = "reference",
             descending: bool = False) -> None:
        self.beginResetModel()
        self._session = session
        self._sort_key, self._descending = sort_key, descending
        self._order = session.family_ids(sort_key, descending)
        self._matching = None
        self._ids = self._order
        self._rows = {}
        self._problem_told = False
        self.endResetModel()

    def clear(self) -> None:
        """Forget the session, the ids and every cached row (on lock)."""
        self.beginResetModel()
        self._session = None
        self._ids, self._order, self._matching = [], [], None
        self._rows = {}
        self._criteria_timer.stop()
        self._criteria = None
        self._background = None
        self._generation += 1
        self._flight, self._stale = set(), set()
        self._meets = {}
        self._queue = {}
        self._on_criteria_done = []
        self.endResetModel()

    def refresh_family(self, family_id: int) -> None:
        self._rows.pop(family_id, None)
        self._meets.pop(family_id, None)
        if family_id in self._flight:
            self._stale.add(family_id)
        if family_id in self._ids:
            row = self._ids.index(family_id)
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def reload_ids(self) -> None:
        """Families were added or removed: read the row order again, keeping the rows and
        criteria already known for the families that stay (a model reset: the view keeps
        its sort and the proxy its filter)."""
        if self._session is None:
            return
        ids = self._session.family_ids(self._sort_key, self._descending)
        kept = set(ids)
        self.beginResetModel()
        self._order = ids
        self._ids = self._shown()
        self._rows = {fid: row for fid, row in self._rows.items() if fid in kept}
        self._meets = {fid: yes for fid, yes in self._meets.items() if fid in kept}
        self.endResetModel()

    def sort_by(self, column: int, order: Qt.SortOrder) -> bool:
        key = COLUMNS[column][1] if 0 <= column < len(COLUMNS) else None
        if key is None or self._session is None:
            return False
        self.layoutAboutToBeChanged.emit()
        self._sort_key, self._descending = key, order == Qt.SortOrder.DescendingOrder
        self._order = self._session.family_ids(key, self._descending)
        old_ids = self._ids
        persistent = self.persistentIndexList()
        self._ids = ids = self._shown()
        new = {fid: row for row, fid in enumerate(ids)}
        for index in persistent:
            old_row = index.row()
            fid = old_ids[old_row] if 0 <= old_row < len(old_ids) else None
            row = new.get(fid, -1) if fid is not None else -1
            target = self.index(row, index.column()) if row >= 0 else QModelIndex()
            self.changePersistentIndex(index, target)
        self.layoutChanged.emit()
        return True

    def set_matching(self, ids: set[int] | None) -> None:
        """Show only these families (None: every one), in the store's order. One list built
        here rather than a filter asked row by row: a keystroke costs one pass in Python."""
        if ids is None and self._matching is None:
            return
        self.beginResetModel()
        self._matching = ids
        self._ids = self._shown()
        self.endResetModel()

    def _shown(self) -> list[int]:
        matching = self._matching
        return self._order if matching is None else [f for f in self._order if f in matching]

    @property
    def total(self) -> int:
        """Every family in the caseload, shown or not."""
        return len(self._order)

    def day(self) -> date:
        """``today()``, asked again at most once a second (a paint asks for every cell)."""
        now = time.monotonic()
        if self._day is None or now - self._day[0] > 1.0:
            self._day = (now, self.today())
        return self._day[1]

    def family_id(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    @property
    def ids(self) -> list[int]:
        """Every family, in the row order (a search shows some of them). Replaced (never
        mutated) whenever the order changes."""
        return self._order

    @property
    def shown_ids(self) -> list[int]:
        """The families of the rows, in order."""
        return self._ids

    def summary(self, row: int) -> FamilySummary | None:
        fid = self.family_id(row)
        if fid is None:
            return None
        if fid not in self._rows and self._session is not None:
            batch = [i for i in self._ids[row:row + BATCH] if i not in self._rows]
            for s in self._session.summaries(batch):
                self._rows[s.id] = s
        return self._rows.get(fid)

    # -- Qt model API ---------------------------------------------------------------------
    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(COLUMNS)):
            return COLUMNS[section][0]
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in _ROLES:  # a paint asks each cell for a dozen roles: most are not ours
            return None
        try:
            if not index.isValid() or not 0 <= index.column() < len(COLUMNS):
                return None
            if role == FAMILY_ID_ROLE:
                return self.family_id(index.row())
            if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == MEMBERS_COLUMN:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole):
                return self._attention(index, role)
            if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
                return None
            if index.column() == CRITERIA_COLUMN:
                fid = self.family_id(index.row())
                if fid is None or not self.has_criteria:
                    return ""
                answer = self.meets(fid)
                if answer is None:
                    return "…" if role == Qt.ItemDataRole.DisplayRole else "Working out"
                return "Yes" if answer else "No"
            summary = self.summary(index.row())
            return _cell(summary, index.column(), self.day()) if summary is not None else None
        except Exception as exc:  # data() must never raise into Qt
            log.error("caseload row fetch failed: %s", type(exc).__name__)
            if isinstance(exc, UserFacingError) and not self._problem_told:
                self._problem_told = True
                self.problem.emit(exc)
            return None


    def _attention(self, index: ModelIndex, role: int) -> Any:
        """An overdue date is washed in the palette's attention colour (its text says so)."""
        if index.column() not in (ACTION_COLUMN, REVIEW_COLUMN):
            return None
        summary = self.summary(index.row())
        if summary is None or not _overdue(summary, index.column(), self.day()):
            return None
        if role == Qt.ItemDataRole.BackgroundRole:
            return attention_background()
        return attention_foreground()


class CaseloadProxy(QSortFilterProxyModel):
    """The view's model over the caseload: sorting is delegated to the store's id order and
    a search's hits are chosen by the source model (``CaseloadModel.set_matching``), so Qt
    never calls into Python once per row to filter."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._source: CaseloadModel | None = None
        self.setDynamicSortFilter(False)

    def setSourceModel(self, model: QAbstractItemModel) -> None:  # noqa: N802
        super().setSourceModel(model)
        self._source = model if isinstance(model, CaseloadModel) else None

    def set_matching_ids(self, ids: set[int] | None) -> None:
        if self._source is not None:
            self._source.set_matching(ids)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        source = self.sourceModel()
        if isinstance(source, CaseloadModel):
            source.sort_by(column, order)


class CaseloadView(QWidget):
    """Search box and table. Emits ``family_chosen(id)`` on Enter or double-click."""

    family_chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None, *,
                 criteria: Callable[[Session], CriteriaSource] | None = None,
                 background: Callable[[Session], BackgroundCriteria] | None = None,
                 today: Callable[[], date] | None = None) -> None:
        super().__init__(parent)
        self._session: Session | None = None
        self._criteria = criteria  # how to work out "meets criteria" (needs the policy)
        self._background = background  # the same on the store worker
        self.model = CaseloadModel(self)
        if today is not None:
            self.model.today = today
        self.proxy = CaseloadProxy(self)
        self.proxy.setSourceModel(self.model)
        label = QLabel("&Search by name, reference or postcode")
        self.search = QLineEdit()
        self.search.setObjectName("caseloadSearch")
        self.search.setAccessibleName("Search the caseload")
        self.search.setPlaceholderText("A name, reference, postcode, UPN or NHS number")
        self.search.setClearButtonEnabled(True)
        label.setBuddy(self.search)
        self.table = record_table("Caseload", self.proxy, object_name="caseloadTable",
                                  single_selection=True, alternating=True)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.criteria_only = QCheckBox("Only families that &qualify for the programme")
        self.criteria_only.setAccessibleName("Only families that qualify for the programme")
        self.criteria_only.setVisible(criteria is not None)
        self.criteria_only.toggled.connect(lambda _on: self.apply_search())
        self.model.criteria_worked_out.connect(self._show_criteria_progress)
        self.count_label = QLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.search)
        layout.addWidget(self.table, 1)
        # Below the table, so Tab still goes from the search box straight to the results.
        layout.addWidget(self.criteria_only)
        layout.addWidget(self.count_label)
        # Coalesce keystrokes typed faster than one event-loop pass; no fixed debounce delay.
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(0)
        self._search_timer.timeout.connect(self.apply_search)
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        self.table.doubleClicked.connect(self._chosen)
        self.table.activated.connect(self._chosen)
        self.search.returnPressed.connect(self.open_first_match)

    def load(self, session: Session) -> None:
        self._session = session
        self.model.load(session)
        self.model.set_criteria_source(
            self._criteria(session) if self._criteria else None,
            self._background(session) if self._background else None)
        for col, width in enumerate((90, 150, 80, 70, 80, 130, 150, 150)):
            self.table.setColumnWidth(col, width)
        self.apply_search()

    def clear(self) -> None:
        self._session = None
        self._search_timer.stop()
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.criteria_only.blockSignals(True)
        self.criteria_only.setChecked(False)
        self.criteria_only.blockSignals(False)
        self.model.clear()
        self.count_label.clear()

    def apply_changes(self, changes: Changes, _initiator: object = None) -> None:
        """Families added or removed: the rows are read again; a family's record changed:
        its row and its criteria answer are (the other answers stay cached)."""
        if self._session is None:
            return
        if changes.caseload_changed:
            self.model.reload_ids()
            for fid in changes.families:
                self.model.refresh_family(fid)
            self.apply_search()
            return
        if changes.touches(*FAMILY_RECORD):
            for fid in changes.families:
                self.model.refresh_family(fid)
            if self.search.text().strip():  # a new name or postcode may (not) match now
                self.apply_search()

    def apply_search(self) -> None:
        text = self.search.text().strip()
        ids = None if self._session is None or not text else set(self._session.search(text))
        pending = ""
        if self._session is not None and self.criteria_only.isChecked() and (
                self.model.has_criteria):
            known, total = self.model.criteria_progress()
            if known < total:
                pending = f" (working out the criteria: {known} of {total} families done)"
                self.model.work_out_all(self._criteria_progress)
            meets = self.model.meeting_ids()
            ids = meets if ids is None else ids & meets
        self.model.set_matching(ids)
        shown, total = self.proxy.rowCount(), self.model.total
        self.count_label.setText(f"{shown} of {total} families{pending}")

    def _show_criteria_progress(self) -> None:
        known, total = self.model.criteria_progress()
        if self.criteria_only.isChecked() and known < total:
            self.count_label.setText(f"{self.proxy.rowCount()} of {total} families (working "
                                     f"out the criteria: {known} of {total} families done)")

    def _criteria_progress(self) -> None:
        if self._session is not None and self.criteria_only.isChecked():
            self.apply_search()

    def open_first_match(self) -> None:
        """Enter in the search box opens the first family shown (the search is applied
        first if a keystroke is still pending)."""
        if self._search_timer.isActive():
            self._search_timer.stop()
            self.apply_search()
        if self.proxy.rowCount() == 0:
            return
        first = self.proxy.index(0, 0)
        self.table.setCurrentIndex(first)
        self._chosen(first)

    def _chosen(self, index: QModelIndex) -> None:
        fid = self.proxy.data(index, FAMILY_ID_ROLE)
        if isinstance(fid, int):
            self.family_chosen.emit(fid)
