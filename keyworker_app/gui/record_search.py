"""View → Search records (Ctrl+Shift+F): any word from the caseload's case notes (with their
amendments), TAF meetings and indicator details, and the families whose records hold it.

Each hit shows the family, the kind of record and a snippet with the words found between
« and »; Enter or a double-click opens the family at the tab holding that record. The search
runs on the store worker (the session's background connection) when there is one, so a slow
query never freezes the window; a reply to an older query than the one now typed is dropped.
The words typed are kept through a lock (they are typing) and the box reopens with them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from keyworker_app.domain.progress import Progress
from keyworker_app.domain.record_text import RecordHit, TextKind
from keyworker_app.errors import UserFacingError
from keyworker_app.gui.record_model import RecordTableModel
from keyworker_app.gui.widgets import record_table

if TYPE_CHECKING:
    from keyworker_app.gui.form_dialog import DraftRegistry
    from keyworker_app.gui.worker import StoreWork
    from keyworker_app.services.api import Session

log = logging.getLogger("keyworker.gui.record_search")

FORM = "record-search"
RECORD_KEY = "store"
# The family record's tab holding each kind of record (its text, without the mnemonic).
TAB_OF: dict[TextKind, str] = {
    TextKind.NOTE: "Contact log", TextKind.AMENDMENT: "Contact log",
    TextKind.CONCERN: "Indicators", TextKind.OFFENCE: "Indicators",
    TextKind.MEETING: "Meetings", TextKind.MEMBER_VIEWS: "Meetings",
    TextKind.DECISION: "Meetings", TextKind.ADDENDUM: "Meetings",
    TextKind.ACTION: "Family plan", TextKind.SHARED: "Sharing",
}
COLUMNS = (
    ("Family", lambda h: h.family_name),
    ("Reference", lambda h: h.reference),
    ("Record", lambda h: h.kind.label),
    ("Where the words are", lambda h: h.snippet_text()),
)
Search = Callable[[str], list[RecordHit]]


def hits_text(hits: list[RecordHit], limit: int, typed: str) -> str:
    if not typed.strip():
        return "Type a word from a note, a meeting, a concern or an offence."
    if not hits:
        return "No record holds all of these words."
    families = len({h.family_id for h in hits})
    records = f"{len(hits)} record{'s' if len(hits) != 1 else ''}"
    found = f"{records} in {families} famil{'ies' if families != 1 else 'y'}"
    if len(hits) >= limit:
        return f"The latest {found} are shown: add a word to narrow the search."
    return f"{found.capitalize()}. Enter opens the family at that record."


class RecordSearchDialog(QDialog):
    """The words typed and the records found; Enter or a double-click opens a record's
    family through ``open_hit``."""

    def __init__(self, run: Callable[[str, Callable[[list[RecordHit]], None]], None],
                 open_hit: Callable[[RecordHit], None], parent: QWidget | None = None, *,
                 limit: int = 200, registry: DraftRegistry | None = None,
                 initial: str = "") -> None:
        super().__init__(parent)
        self.form, self.record_key = FORM, RECORD_KEY
        self.setWindowTitle("Search records")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._run, self._open_hit, self._limit = run, open_hit, limit
        self._asked = 0  # the newest query sent; older replies are dropped
        self._shown = 0  # the query whose reply is on screen
        self.query = QLineEdit()
        self.query.setObjectName("recordSearch")
        self.query.setPlaceholderText("Any words: the last may be the start of a word")
        self.query.setClearButtonEnabled(True)
        label = QLabel("&Words to find in notes, meetings, concerns and offences:")
        label.setBuddy(self.query)
        self.model: RecordTableModel[RecordHit] = RecordTableModel(COLUMNS, self)
        self.table = record_table("Records found", self.model, object_name="recordHits",
                                  single_selection=True, alternating=True)
        for column, width in enumerate((130, 100, 170)):
            self.table.setColumnWidth(column, width)
        self.status = QLabel(hits_text([], limit, ""))
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.query)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        self._timer = QTimer(self)  # keystrokes typed within one event-loop pass: one query
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.run_search)
        self.query.textChanged.connect(lambda _t: self._timer.start())
        self.query.returnPressed.connect(self.open_first)
        self.table.doubleClicked.connect(self._chosen)
        self.table.activated.connect(self._chosen)
        self.resize(820, 460)
        if registry is not None:
            registry.register_editor(self)
            self.finished.connect(lambda _c: registry.unregister_editor(self))
        if initial:
            self.query.setText(initial)
            self.run_search()

    def collect_draft(self) -> tuple[str, str, dict[str, Any]] | None:
        """The words typed are kept through a lock, like any typing."""
        text = self.query.text()
        return (self.form, self.record_key, {"query": text}) if text.strip() else None

    def run_search(self) -> None:
        self._timer.stop()
        self._asked += 1
        asked, typed = self._asked, self.query.text()
        if not typed.strip():
            self.show_hits(asked, typed, [])
            return
        self.status.setText("Searching…")
        self._run(typed, lambda hits: self.show_hits(asked, typed, hits))

    def show_hits(self, asked: int, typed: str, hits: list[RecordHit]) -> None:
        if asked != self._asked:
            return  # a reply to what was typed before
        self._shown = asked
        self.model.set_rows(hits)
        self.status.setText(hits_text(hits, self._limit, typed))
        if hits:
            self.table.selectRow(0)

    @property
    def settled(self) -> bool:
        """What is shown answers what is typed (nothing is pending)."""
        return not self._timer.isActive() and self._shown == self._asked

    def show_problem(self, exc: UserFacingError) -> None:
        self.status.setText(str(exc))

    def open_first(self) -> None:
        """Enter in the box: the search as typed now, then the selected (or first) record."""
        if self._timer.isActive():
            self.run_search()
        current = self.table.currentIndex()
        row = current.row() if current.isValid() else 0
        hit = self.model.record(row)
        if hit is not None:
            self._open_hit(hit)

    def _chosen(self, index: QModelIndex) -> None:
        hit = self.model.record(index.row())
        if hit is not None:
            self._open_hit(hit)


class RecordSearch:
    """The menu item and the one dialog, for the main window."""

    def __init__(self, window: Any, menu: QMenu, work: StoreWork,
                 session: Callable[[], Session | None]) -> None:
        self._window, self._work, self._session = window, work, session
        self.dialog: RecordSearchDialog | None = None
        self.action = QAction("&Search records…", window)
        self.action.setShortcut(QKeySequence("Ctrl+Shift+F"))
        self.action.triggered.connect(lambda _c=False: self.open())
        menu.addAction(self.action)

    def open(self, initial: str = "") -> RecordSearchDialog | None:
        if self._session() is None:
            return None
        if self.dialog is not None:
            self.dialog.show()
            self.dialog.raise_()
            self.dialog.activateWindow()
            if initial:
                self.dialog.query.setText(initial)
            return self.dialog
        from keyworker_app.services.case_store import RECORD_HITS

        dialog = RecordSearchDialog(self._search, self._open_hit, self._window,
                                    limit=RECORD_HITS, registry=self._window.lock,
                                    initial=initial)
        dialog.destroyed.connect(lambda _o=None: setattr(self, "dialog", None))
        dialog.finished.connect(lambda _c: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.show()
        dialog.query.setFocus()
        return dialog

    def _search(self, typed: str, done: Callable[[list[RecordHit]], None]) -> None:
        session = self._session()
        if session is None:
            return

        def work(_progress: Progress) -> list[RecordHit]:
            return session.background().search_records(typed)

        def delivered(hits: list[RecordHit]) -> None:
            if self.dialog is not None and shiboken6.isValid(self.dialog):
                done(hits)

        def failed(exc: BaseException) -> None:
            if (isinstance(exc, UserFacingError) and self.dialog is not None
                    and shiboken6.isValid(self.dialog)):
                self.dialog.show_problem(exc)
            else:
                log.warning("record search failed: %s", type(exc).__name__)

        self._work.run_quietly(work, delivered, failed)

    def _open_hit(self, hit: RecordHit) -> None:
        view = self._window.open_family(hit.family_id)
        if view is None:
            return
        tabs = view.tabs
        wanted = TAB_OF.get(hit.kind, "")
        for i in range(tabs.count()):
            if tabs.tabText(i).replace("&", "") == wanted:
                tabs.setCurrentIndex(i)
                tabs.widget(i).setFocus()
                break
        if hit.kind in (TextKind.NOTE, TextKind.AMENDMENT):
            _select_note(view.notes, hit)


def _select_note(table: QTableView, hit: RecordHit) -> None:
    """The contact log's row of the note found (or of the note the amendment found amends)."""
    model = table.model()
    if not isinstance(model, RecordTableModel):
        return
    for row, note in enumerate(model.rows()):
        ids = {note.id} if hit.kind is TextKind.NOTE else {a.id for a in note.amendments}
        if hit.record_id in ids:
            table.selectRow(row)
            table.setFocus()
            return
