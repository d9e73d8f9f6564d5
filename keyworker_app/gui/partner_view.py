"""Programme → Partner data sets (ISA §4.3.1, Appendix B): a team lead imports the files the
partners send, matches them into households, reviews the uncertain matches, creates the
families that meet the criteria, and finishes matching, which deletes everything about the
rest at once.

Whole-store work (import, matching, finishing) runs on the session's background connection
through ``StoreWork``; a lock stops it and nothing is half-kept (each step is one
transaction). While an import runs, its form's values (the file's path and the mapping) are
held for the lock, so the form reopens after unlocking with nothing lost.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QFileDialog, QLabel, QVBoxLayout, QWidget

from keyworker_app.domain.dates import format_date, format_datetime
from keyworker_app.domain.partner_households import Candidate, LogEntry
from keyworker_app.domain.partner_match import LinkRecord, PairScore
from keyworker_app.domain.progress import OperationCancelled
from keyworker_app.domain.roles import LeadAction, who_can
from keyworker_app.errors import UserFacingError
from keyworker_app.gui.attention import attention_background, attention_foreground
from keyworker_app.gui.errors import show_error
from keyworker_app.gui.form_dialog import DraftRegistry, FormDialog
from keyworker_app.gui.partner_dialogs import (
    IMPORT_FORM,
    PATH_KEY,
    ReviewDialog,
    import_key,
    mapping_form,
    mapping_values,
)
from keyworker_app.gui.record_model import ModelIndex, RecordTableModel
from keyworker_app.gui.widgets import action_button, button_row, confirm_box, record_table
from keyworker_app.gui.worker import StoreWork
from keyworker_app.services.partner_data import MatchResult, PartnerService
from keyworker_app.services.partner_files import read_file, read_table


class _HeldImport:
    """Stands for an import's form while its job runs, so a lock keeps what was chosen."""

    def __init__(self, exchange_id: str, values: dict[str, str]) -> None:
        self.key = import_key(exchange_id)
        self.values = values

    def collect_draft(self) -> tuple[str, str, dict[str, Any]]:
        return IMPORT_FORM, self.key, dict(self.values)


_OVERDUE_COLUMNS = (4, 5)  # "Next due" and "State"


class _LogModel(RecordTableModel[LogEntry]):
    """The import log; an overdue exchange's date and state in the attention colours (the
    text says "Overdue" too)."""

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole):
            entry = self.record(index.row()) if index.isValid() else None
            if entry is not None and entry.overdue and index.column() in _OVERDUE_COLUMNS:
                return (attention_background() if role == Qt.ItemDataRole.BackgroundRole
                        else attention_foreground())
            return None
        return super().data(index, role)


class PartnerDataView(QWidget):
    def __init__(self, service: PartnerService, background: Callable[[], PartnerService],
                 work: StoreWork, *, suggest_reference: Callable[[], str], key_worker: str,
                 parent: QWidget | None = None,
                 registry: DraftRegistry | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self._background = background
        self._work = work
        self._suggest = suggest_reference
        self._key_worker = key_worker
        self._registry = registry
        self.result: MatchResult | None = None
        self.dialog: QWidget | None = None
        self.held: _HeldImport | None = None
        exchanges = {e.id: e for e in service.exchanges()}
        self._exchanges = exchanges
        self.log_model = _LogModel([
            ("Exchange", lambda e: e.exchange_id),
            ("How often", lambda e: e.frequency),
            ("Last received", lambda e: format_datetime(e.last_received)
             if e.last_received else "Never"),
            ("Files", lambda e: str(e.files)),
            ("Next due", lambda e: format_date(e.due_on) if e.due_on else "—"),
            ("State", lambda e: "Overdue" if e.overdue else "")], self)
        self.log_table = record_table("Files received per exchange", self.log_model,
                                      single_selection=True)
        self.results_model: RecordTableModel[Candidate] = RecordTableModel([
            ("Household", lambda c: str(c.household.number)),
            ("Meets the criteria", lambda c: "Yes" if c.qualifies else "No"),
            ("Why", lambda c: c.evaluation.basis),
            ("Family name", lambda c: c.family.family_name),
            ("Members", lambda c: str(len(c.family.members))),
            ("Confidence", lambda c: f"{c.household.confidence:.0%}"),
            ("Sources", lambda c: ", ".join(c.sources)),
            ("Note", _note)], self)
        self.results = record_table("Candidate households", self.results_model,
                                    single_selection=True)
        self.exchange = QComboBox()
        for e in exchanges.values():
            self.exchange.addItem(e.id, e.id)
        exchange_label = QLabel("E&xchange:")
        exchange_label.setBuddy(self.exchange)
        self.import_button = action_button("&Import a file…", "Import a file received under "
                                           "the chosen exchange", self.choose_file)
        self.match_button = action_button("&Match and evaluate", "Match every file into "
                                          "households and evaluate the criteria", self.match)
        self.review_button = action_button("&Review uncertain matches…", "Decide whether "
                                           "uncertain pairs are the same person", self.review)
        self.create_button = action_button("Create &family", "Create a family from the "
                                           "selected household", self.ask_create)
        self.finish_button = action_button("F&inish matching…", "Delete everything about "
                                           "people whose households do not meet the criteria",
                                           self.ask_finish)
        if not service.allows():
            for b in (self.import_button, self.match_button, self.review_button,
                      self.create_button, self.finish_button):
                b.setEnabled(False)
                b.setToolTip(who_can(LeadAction.PARTNER_IMPORT))
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        intro = QLabel("Files the partners send to identify families (ISA §4.3.1). When "
                       "matching is finished, everything received about people whose "
                       "households do not meet the criteria is deleted at once.")
        intro.setWordWrap(True)
        log_label = QLabel("Files &received")
        log_label.setBuddy(self.log_table)
        results_label = QLabel("Candidate &households")
        results_label.setBuddy(self.results)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(log_label)
        layout.addWidget(self.log_table, 1)
        # Two rows, so the page fits beside the caseload on a 1024-pixel-wide screen.
        row = button_row([self.import_button])
        row.insertWidget(0, self.exchange)
        row.insertWidget(0, exchange_label)
        self.exchange.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.exchange.setMinimumContentsLength(16)
        layout.addLayout(row)
        layout.addLayout(button_row([self.match_button, self.review_button,
                                     self.create_button, self.finish_button]))
        layout.addWidget(self.summary)
        layout.addWidget(results_label)
        layout.addWidget(self.results, 2)
        self.refresh()

    # -- the import log ------------------------------------------------------------------
    def refresh(self) -> None:
        entries = self._service.import_log()
        self.log_model.set_rows(entries)
        self.log_table.resizeColumnsToContents()
        overdue = [e.exchange_id for e in entries if e.overdue]
        result = self.result
        parts = []
        if overdue:
            parts.append("Overdue: " + ", ".join(overdue) + ".")
        if result is None:
            parts.append("Not matched yet: import the partners' files, then Match and "
                         "evaluate.")
        else:
            parts.append(f"{len(result.candidates) + result.single_source} households: "
                         f"{len(result.qualifying)} meet the criteria; "
                         f"{len(result.linkage.uncertain)} uncertain matches wait for review; "
                         f"{result.single_source} hold data from one kind of data set only "
                         "and cannot meet the criteria.")
        self.summary.setText(" ".join(parts))

    # -- importing -----------------------------------------------------------------------
    def choose_file(self) -> QFileDialog:
        """The file chooser, opened without blocking (not exec()): a lock closes it, and no
        platform file-dialog service can hold the window."""
        dialog = QFileDialog(self, "Import a partner's file", "",
                             "Partner files (*.csv *.xlsx)")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
        exchange_id = str(self.exchange.currentData())
        dialog.fileSelected.connect(
            lambda name: self.open_import(exchange_id, {PATH_KEY: name}))
        dialog.finished.connect(lambda _c: setattr(self, "file_dialog", None))
        self.file_dialog: QFileDialog | None = dialog
        dialog.open()
        return dialog

    def open_import(self, exchange_id: str, values: dict[str, str],
                    restored: bool = False) -> FormDialog | None:
        """The mapping form for a file under ``exchange_id`` (reopened after a lock too)."""
        exchange = self._exchanges.get(exchange_id)
        if exchange is None:
            show_error(self, UserFacingError("The policy no longer has this exchange."))
            return None
        headers: tuple[str, ...] = ()
        rows: tuple[tuple[Any, ...], ...] = ()
        initial = dict(values)
        try:
            table = read_table(read_file(Path(values.get(PATH_KEY, ""))), values[PATH_KEY])
            headers, rows = table.headers, table.rows
            if not restored:
                guess = self._service.mapping_for(exchange_id, table)
                initial.update({f.value: c for f, c in guess.items() if c in headers})
        except (UserFacingError, KeyError):
            if not restored:
                raise
        dialog = mapping_form(self, exchange, headers, rows, initial,
                              on_submit=lambda v: self._start_import(exchange_id, v),
                              registry=self._registry, restored=restored)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _start_import(self, exchange_id: str, values: dict[str, str]) -> None:
        mapping = mapping_values(values)
        path = Path(values[PATH_KEY])
        held = _HeldImport(exchange_id, values)
        if self._registry is not None:
            self._registry.register_editor(held)
        self.held = held

        def done(_result: object) -> None:
            self._release()
            self.result = None
            self.refresh()

        def failed(exc: BaseException) -> None:
            self._release()
            if not isinstance(exc, OperationCancelled):
                show_error(self, exc)

        self._work.run(self, "Importing the file…",
                       lambda progress: self._background().import_path(
                           exchange_id, path, mapping, progress), done, failed)

    def _release(self) -> None:
        if self.held is not None and self._registry is not None:
            self._registry.unregister_editor(self.held)
        self.held = None

    # -- matching ------------------------------------------------------------------------
    def match(self, then: Callable[[], object] | None = None) -> None:
        def done(result: object) -> None:
            assert isinstance(result, MatchResult)
            self.result = result
            self.results_model.set_rows(sorted(result.candidates,
                                               key=lambda c: (not c.qualifies,
                                                              c.household.number)))
            self.results.resizeColumnsToContents()
            self.refresh()
            if then is not None:
                then()

        def failed(exc: BaseException) -> None:
            if not isinstance(exc, OperationCancelled):
                show_error(self, exc)

        self._work.run(self, "Matching and evaluating…",
                       lambda progress: self._background().match(progress), done, failed)

    def review(self) -> ReviewDialog | None:
        result = self.result
        if result is None:
            self.match(then=self.review)
            return None
        files = {f.id: f.exchange_id for f in self._service.files()}

        def exchange_of(record: LinkRecord) -> str:
            return files.get(int(record.dataset), "this store") if record.dataset.isdigit() \
                else "A family in this store"

        def decide(pair: PairScore, same: bool) -> None:
            try:
                self._service.decide(result, pair, same)
            except UserFacingError as exc:
                show_error(self, exc)

        dialog = ReviewDialog(self, result.linkage.uncertain, dict(result.records),
                              exchange_of, decide)
        dialog.finished.connect(lambda _c: self.match())
        self.dialog = dialog
        dialog.open()
        return dialog

    def selected(self) -> Candidate | None:
        rows = self.results.selectionModel().selectedRows()
        return self.results_model.record(rows[0].row()) if rows else None

    def ask_create(self) -> None:
        chosen = self.selected()
        if chosen is None or not chosen.qualifies:
            show_error(self, UserFacingError("Choose a household that meets the criteria.",
                                             "Select it in the list of candidate households."))
            return
        reference = self._suggest()
        warning = (" A member of this household was deleted from the programme before: check "
                   "the retention review first." if chosen.deleted_before else "")
        confirm_box(self, "Create family",
                    f"Create family {reference} from household {chosen.household.number} "
                    f"({len(chosen.family.members)} members)?",
                    detail="Its members and the partners' facts, each with its source, become "
                    "the family's record; the partner rows about them are then removed."
                    + warning,
                    confirm_text="C&reate", confirmed=lambda: self.create_family(chosen, reference))

    def create_family(self, chosen: Candidate, reference: str) -> None:
        try:
            self._service.create_family(chosen, reference, self._key_worker,
                                        despite_deletion=True)  # the question said so
        except UserFacingError as exc:
            show_error(self, exc)
            return
        self.match()

    # -- finishing -----------------------------------------------------------------------
    def ask_finish(self) -> None:
        confirm_box(self, "Finish matching",
                    "Delete everything received about people whose households do not meet "
                    "the criteria?",
                    detail="This cannot be undone. Uncertain matches nobody decided are "
                    "treated as different people. The audit keeps, per file, its exchange, "
                    "SHA-256 and the rows received, matched, kept and deleted.",
                    confirm_text="&Delete", confirmed=self.finish)

    def finish(self) -> None:
        def done(outcomes: object) -> None:
            assert isinstance(outcomes, list)
            self.result = None
            self.results_model.clear()
            self.refresh()
            deleted = sum(o.deleted for o in outcomes)
            kept = sum(o.kept for o in outcomes)
            self.summary.setText(f"Matching finished: {deleted} rows deleted, {kept} kept for "
                                 "households that meet the criteria.")

        def failed(exc: BaseException) -> None:
            if not isinstance(exc, OperationCancelled):
                show_error(self, exc)

        self._work.run(self, "Finishing matching…",
                       lambda progress: self._background().finish(
                           undecided_as_different=True, progress=progress), done, failed)

    def apply_changes(self, _changes: object, _initiator: object = None) -> None:
        """Another page's change: the import log may have moved on."""
        self.refresh()


def _note(c: Candidate) -> str:
    notes = []
    if c.deleted_before:
        notes.append("A member was deleted from the programme before")
    if c.existing:
        notes.append("Matches family " + ", ".join(c.existing))
    return "; ".join(notes)
