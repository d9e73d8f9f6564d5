"""Breach records (ISA §12) for the information-governance officer: the list with the
regulator clock, the form, and the export.

Every breach is recorded. A serious one (a risk to people) is reported to the regulator within
the policy's 72 hours of being found, or a decision not to report is recorded with its reason.
The partners whose information is involved are listed with the governance posts the policy
gives for them (Appendix E).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from keyworker_app.domain.breach import (
    Breach,
    ReportingState,
    category_label,
    hours_left,
    reporting_state,
)
from keyworker_app.domain.changes import Changes, RecordKind
from keyworker_app.domain.dates import DATETIME_HINT, format_datetime, local_day, parse_datetime
from keyworker_app.domain.handling import Recipient
from keyworker_app.domain.policy import Policy
from keyworker_app.domain.roles import LeadAction, allowed, who_can
from keyworker_app.domain.wording import plural
from keyworker_app.errors import UserFacingError, ValidationError
from keyworker_app.gui.accessible import style_error
from keyworker_app.gui.errors import show_error
from keyworker_app.gui.form_dialog import DraftRegistry, fit_wrapped_text
from keyworker_app.gui.programme_export_dialog import (
    EXPORT_FORMS,
    ProgrammeExportDialog,
    report_saved_text,
)
from keyworker_app.gui.programme_page import ProgrammePage
from keyworker_app.gui.worker import StoreWork
from keyworker_app.reports.breach_text import breach_reference, clock_text
from keyworker_app.services.programme_exports import (
    ProgrammeExportRequest,
    ProgrammeExportService,
    ProgrammeReport,
    suggested_name,
)

log = logging.getLogger("keyworker.gui.breach_view")

PARTNER_ROLE = Qt.ItemDataRole.UserRole + 1
# A draft kept through a lock (gui.lock): "breach:new" or "breach:<id>", ids only.
BREACH_FORM = "breach-record"
DRAFT_FIELDS: dict[str, type] = {
    "found": str, "summary": str, "told": str, "not_reported": str, "actions": str,
    "outcome": str, "category": str, "serious": bool, "closed": bool, "partners": list,
    "partners_told": str, "told_whom": str, "police": bool, "police_decision": str,
    "learning": str, "circulated": str}
DRAFT_VERSION = 2  # version 2 adds the §12 follow-up fields; 0 and 1 drafts still reopen


def draft_key(breach_id: int | None) -> str:
    return "breach:new" if breach_id is None else f"breach:{breach_id}"


def _local_now() -> datetime:
    return datetime.now(UTC)


def _short_clock(breach: Breach, policy: Policy, now: datetime) -> str:
    state = reporting_state(breach, policy, now)
    left = hours_left(breach, policy, now)
    if state is ReportingState.CLOCK_RUNNING:
        return f"{int(left)} h {int(left * 60) % 60:02d} min left"
    if state is ReportingState.OVERDUE:
        return f"Overdue by {int(-left)} h"
    return "—"


class BreachDialog(QDialog):
    """Record a new breach or update one. Dates and times as DD/MM/YYYY HH:MM, local time."""

    def __init__(self, policy: Policy, save: Callable[[Breach], Breach],
                 breach: Breach | None = None, now: Callable[[], datetime] = _local_now,
                 parent: QWidget | None = None, *, registry: DraftRegistry | None = None,
                 draft: dict[str, Any] | None = None, may_close: bool = True) -> None:
        super().__init__(parent)
        title = "Record a breach" if breach is None else f"Breach {breach_reference(breach)}"
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setModal(True)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._policy = policy
        self._save = save
        self._breach = breach
        self._now = now
        self.saved: Breach | None = None
        self.form = BREACH_FORM
        self.record_key = draft_key(breach.id if breach else None)
        self.category = QComboBox()
        self.category.setAccessibleName("Category")
        for c in policy.breach.categories:
            self.category.addItem(c.label, c.id)
        self.found = QLineEdit(format_datetime(breach.found_at if breach else now()))
        self.found.setAccessibleName("Date and time found")
        self.found.setPlaceholderText(DATETIME_HINT)
        self.summary = self._text("What happened")
        self.partners = QListWidget()
        self.partners.setAccessibleName("Partners whose information is involved")
        for partner in policy.partners:
            item = QListWidgetItem(partner.name)
            item.setData(PARTNER_ROLE, partner.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if breach and partner.id in breach.partners
                               else Qt.CheckState.Unchecked)
            self.partners.addItem(item)
        self.partners.setFixedHeight(120)  # its rows scroll; the next row never covers it
        self.partners.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.partners.setWordWrap(True)
        self.serious = QCheckBox("S&erious: a risk to people (the regulator clock runs)")
        self.serious.setAccessibleName("Serious: a risk to people (the regulator clock runs)")
        self.clock = QLabel()
        self.clock.setWordWrap(True)
        self.told = QLineEdit()
        self.told.setAccessibleName("Regulator told on")
        self.told.setPlaceholderText(f"{DATETIME_HINT}, or leave empty")
        self.not_reported = self._text("Decision not to report, and why")
        self.actions_taken = self._text("Actions taken")
        self.outcome = self._text("Outcome")
        self.partners_told = QLineEdit()
        self.partners_told.setAccessibleName("Partners told on")
        self.partners_told.setPlaceholderText(f"{DATETIME_HINT}, or leave empty")
        self.told_whom = self._text("Whom they were told (Appendix E posts)")
        self.police = QCheckBox("Police c&onsulted")
        self.police.setAccessibleName("Police consulted")
        self.police_decision = self._text("Police decision")
        self.learning = self._text("Learning")
        self.circulated = QLineEdit()
        self.circulated.setAccessibleName("Circulated to partners on")
        self.circulated.setPlaceholderText(f"{DATETIME_HINT}, or leave empty")
        self.closed = QCheckBox("C&losed")
        self.closed.setAccessibleName("Closed")
        if breach is not None:
            self.category.setCurrentIndex(max(0, self.category.findData(breach.category)))
            self.summary.setPlainText(breach.summary)
            self.serious.setChecked(breach.serious)
            self.told.setText(format_datetime(breach.regulator_told_at))
            self.not_reported.setPlainText(breach.not_reported_reason)
            self.actions_taken.setPlainText(breach.actions)
            self.outcome.setPlainText(breach.outcome)
            self.partners_told.setText(format_datetime(breach.partners_told_at))
            self.told_whom.setPlainText(breach.partners_told_whom)
            self.police.setChecked(breach.police_consulted)
            self.police_decision.setPlainText(breach.police_decision)
            self.learning.setPlainText(breach.learning)
            self.circulated.setText(format_datetime(breach.circulated_at))
            self.closed.setChecked(breach.closed_at is not None)
        if not may_close and (breach is None or breach.closed_at is None):
            # A team lead closes a breach (domain.roles); the box says so.
            self.closed.setEnabled(False)
            self.closed.setText(f"C&losed ({who_can(LeadAction.BREACH_CLOSURE)})")
            self.closed.setToolTip(who_can(LeadAction.BREACH_CLOSURE))
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        style_error(self.problem)
        self.problem.setVisible(False)
        form = QFormLayout()
        form.setVerticalSpacing(9)
        for label, widget in (("&Category:", self.category), ("&Found:", self.found),
                              ("&What happened:", self.summary),
                              ("&Partners involved:", self.partners)):
            self._row(form, label, widget)
        form.addRow("", self.serious)
        form.addRow("72-hour clock:", self.clock)
        for label, widget in (("Regulator &told:", self.told),
                              ("Decision &not to report:", self.not_reported),
                              ("&Actions:", self.actions_taken), ("&Outcome:", self.outcome)):
            self._row(form, label, widget)
        follow = QFormLayout()
        follow.setVerticalSpacing(9)
        hours = policy.breach.partner_notice_hours
        due = QLabel(f"A serious breach: tell the partners within {hours} hours of finding it, "
                     "through the governance posts the agreement gives (Appendix E).")
        due.setWordWrap(True)
        follow.addRow(due)
        for label, widget in (("Partners to&ld on:", self.partners_told),
                              ("W&hom told:", self.told_whom)):
            self._row(follow, label, widget)
        follow.addRow("", self.police)
        for label, widget in (("Police deci&sion:", self.police_decision),
                              ("Lea&rning:", self.learning),
                              ("C&irculated on:", self.circulated)):
            self._row(follow, label, widget)
        follow.addRow("", self.closed)
        columns = QHBoxLayout()
        for wide in (self.partners_told, self.told_whom, self.police_decision, self.learning,
                     self.circulated):
            wide.setMinimumWidth(250)
        self.partners.setMinimumWidth(360)
        self.category.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.category.setMinimumContentsLength(30)
        follow.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        columns.addLayout(form, 1)
        columns.addSpacing(16)
        columns.addLayout(follow, 1)
        columns.setAlignment(follow, Qt.AlignmentFlag.AlignTop)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setAccessibleName("Save")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setAccessibleName("Cancel")
        buttons.accepted.connect(self.try_save)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        layout = QVBoxLayout(self)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)  # never squeezed
        layout.addWidget(self.problem)
        layout.addLayout(columns)
        layout.addWidget(buttons)
        self.setMinimumWidth(900)
        for edit in (self.found, self.told):
            edit.textChanged.connect(lambda _t: self.update_clock())
        self.serious.toggled.connect(lambda _on: self.update_clock())
        self.not_reported.textChanged.connect(self.update_clock)
        self._ticker = QTimer(self)
        self._ticker.timeout.connect(self.update_clock)
        self._ticker.start(30_000)
        if draft is not None:
            self._apply_draft(draft)
        self.update_clock()
        self._baseline = self.state()
        self._restored = draft is not None
        if registry is not None:
            registry.register_editor(self)
            self.finished.connect(lambda _c: registry.unregister_editor(self))

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        fit_wrapped_text(self)  # the wrapped clock and notice lines are not squeezed

    @staticmethod
    def _text(name: str) -> QPlainTextEdit:
        edit = QPlainTextEdit()
        edit.setAccessibleName(name)
        edit.setTabChangesFocus(True)
        edit.setFixedHeight(50)
        return edit

    @staticmethod
    def _row(form: QFormLayout, label: str, widget: QWidget) -> None:
        text = QLabel(label)
        text.setBuddy(widget)
        form.addRow(text, widget)

    def _moment(self, edit: QLineEdit, field: str, required: bool) -> datetime | None:
        text = edit.text().strip()
        if not text and not required:
            return None
        try:
            return parse_datetime(text)
        except ValueError as exc:
            raise ValidationError(field, str(exc)) from None

    def breach(self) -> Breach:
        found = self._moment(self.found, "Found", required=True)
        assert found is not None
        closed_at = None
        if self.closed.isChecked():
            closed_at = (self._breach.closed_at if self._breach and self._breach.closed_at
                         else self._now())
        return Breach(
            str(self.category.currentData()), found, self.summary.toPlainText().strip(),
            tuple(str(item.data(PARTNER_ROLE)) for i in range(self.partners.count())
                  if (item := self.partners.item(i)).checkState() == Qt.CheckState.Checked),
            self.serious.isChecked(), self._moment(self.told, "Regulator told", required=False),
            self.not_reported.toPlainText().strip(), self.actions_taken.toPlainText().strip(),
            self.outcome.toPlainText().strip(), closed_at,
            self._moment(self.partners_told, "Partners told", required=False),
            self.told_whom.toPlainText().strip(), self.police.isChecked(),
            self.police_decision.toPlainText().strip(), self.learning.toPlainText().strip(),
            self._moment(self.circulated, "Circulated to partners", required=False),
            id=self._breach.id if self._breach else None)

    # -- drafts (gui.lock) ----------------------------------------------------------------------
    def _texts(self) -> dict[str, QLineEdit | QPlainTextEdit]:
        return {"found": self.found, "summary": self.summary, "told": self.told,
                "not_reported": self.not_reported, "actions": self.actions_taken,
                "outcome": self.outcome, "partners_told": self.partners_told,
                "told_whom": self.told_whom, "police_decision": self.police_decision,
                "learning": self.learning, "circulated": self.circulated}

    def state(self) -> dict[str, Any]:
        """Everything typed, as it stands (unchecked): what a lock keeps as a draft."""
        state: dict[str, Any] = {
            key: edit.text() if isinstance(edit, QLineEdit) else edit.toPlainText()
            for key, edit in self._texts().items()}
        state.update(
            category=str(self.category.currentData()), serious=self.serious.isChecked(),
            closed=self.closed.isChecked(), police=self.police.isChecked(),
            partners=[str(item.data(PARTNER_ROLE)) for i in range(self.partners.count())
                      if (item := self.partners.item(i)).checkState() == Qt.CheckState.Checked])
        return state

    def _apply_draft(self, draft: dict[str, Any]) -> None:
        self.category.setCurrentIndex(max(0, self.category.findData(draft.get("category"))))
        for key, edit in self._texts().items():
            if isinstance(edit, QLineEdit):
                edit.setText(str(draft.get(key, "")))
            else:
                edit.setPlainText(str(draft.get(key, "")))
        chosen = {str(p) for p in draft.get("partners", [])}
        for i in range(self.partners.count()):
            item = self.partners.item(i)
            item.setCheckState(Qt.CheckState.Checked if str(item.data(PARTNER_ROLE)) in chosen
                               else Qt.CheckState.Unchecked)
        self.serious.setChecked(bool(draft.get("serious")))
        self.closed.setChecked(bool(draft.get("closed")))
        self.police.setChecked(bool(draft.get("police")))

    def is_dirty(self) -> bool:
        return self._restored or self.state() != self._baseline

    def collect_draft(self) -> tuple[str, str, dict[str, Any]] | None:
        return (self.form, self.record_key, self.state()) if self.is_dirty() else None

    def update_clock(self) -> None:
        try:
            breach = self.breach()
        except ValidationError:
            self.clock.setText("Give the date and time found to start the clock.")
            return
        self.clock.setText(clock_text(breach, self._policy, self._now()))

    def try_save(self) -> bool:
        self.problem.setVisible(False)
        try:
            self.saved = self._save(self.breach())
        except ValidationError as exc:
            self.problem.setText(exc.message)
            self.problem.setVisible(True)
            fit_wrapped_text(self)
            return False
        except UserFacingError as exc:
            show_error(self, exc)
            return False
        self.accept()
        return True

    def done(self, result: int) -> None:
        self._ticker.stop()
        super().done(result)


class BreachView(ProgrammePage[Breach]):
    def __init__(self, exports: ProgrammeExportService, folder: Path | None = None,
                 now: Callable[[], datetime] = _local_now, parent: QWidget | None = None,
                 *, registry: DraftRegistry | None = None, work: StoreWork | None = None,
                 background: Callable[[], ProgrammeExportService] | None = None) -> None:
        # The record is read on the store worker for its export when these are given.
        self._work, self._background = work, background
        policy = exports.policy
        super().__init__(
            "Breach records",
            "Record every breach. A serious one is reported to the regulator within "
            f"{policy.breach.regulator_deadline_hours} hours of being found, or the decision "
            "not to report is recorded with its reason. Tell the partners involved through "
            "their governance contacts.",
            [("Breach", breach_reference),
             ("Found", lambda b: format_datetime(b.found_at)),
             ("Serious", lambda b: "Yes" if b.serious else "No"),
             ("Reporting", lambda b: reporting_state(b, policy, now()).label),
             ("72-hour clock", lambda b: _short_clock(b, policy, now())),
             ("Closed", lambda b: "Yes" if b.closed_at else "No"),
             ("Category", lambda b: category_label(b.category, policy))], parent)
        self._exports = exports
        self._rights = exports.programme.rights
        self._policy = policy
        self._folder = folder or Path.home()
        self._now = now
        self._registry = registry
        self.add_button("&New breach…", "Record a new breach", lambda: self.open_form(None),
                        False)
        self.add_button("&Open…", "Open the selected breach record",
                        lambda: self.open_form(self.selected()))
        self.add_button("E&xport for the IG officer…", "Export the breach record",
                        self.open_export)
        self.finish_buttons()
        self.table.doubleClicked.connect(lambda _i: self.open_form(self.selected()))
        self._ticker = QTimer(self)
        self._ticker.timeout.connect(self.refresh)
        self._ticker.start(60_000)  # the clock column counts down
        self.refresh()

    def refresh(self) -> None:
        try:
            breaches = self._rights.breaches()
        except UserFacingError as exc:
            show_error(self, exc)
            return
        self.set_rows(breaches, keep=lambda b: b.id)
        running = sum(1 for b in breaches if reporting_state(b, self._policy, self._now())
                      in (ReportingState.CLOCK_RUNNING, ReportingState.OVERDUE))
        self.status.setText(f"{plural(len(breaches), 'breach')} recorded; {running} waiting "
                            "for a decision on telling the regulator.")

    def apply_changes(self, changes: Changes, _initiator: object = None) -> None:
        if changes.touches(RecordKind.BREACH):
            self.refresh()

    def _saved(self, breach: Breach) -> Breach:
        saved = self._rights.record_breach(breach)
        self.refresh()
        self.select_where(lambda b: b.id == saved.id)
        return saved

    def open_form(self, breach: Breach | None,
                  draft: dict[str, Any] | None = None) -> BreachDialog:
        dialog = BreachDialog(self._policy, self._saved, breach, self._now, self,
                              registry=self._registry, draft=draft,
                              may_close=allowed(self._rights.role, LeadAction.BREACH_CLOSURE))
        return self.show_dialog(dialog)

    def open_saved(self, breach_id: int | None,
                   draft: dict[str, Any] | None = None) -> BreachDialog | None:
        """The form on a new record, or on the stored one with ``breach_id`` (selected);
        None when that record is no longer there."""
        breach: Breach | None = None
        if breach_id is not None:
            try:
                breach = self._rights.breach(breach_id)
            except UserFacingError:
                log.warning("breach form for a record that is not there")
                return None
            self.select_where(lambda b: b.id == breach_id)
        return self.open_form(breach, draft)

    def open_export(self, breach_id: int | None = None,
                    draft: dict[str, Any] | None = None) -> ProgrammeExportDialog | None:
        breach = (self.selected() if breach_id is None
                  else self.select_matching(lambda b: b.id, breach_id))
        if breach is None:
            return None
        name = suggested_name(ProgrammeReport.BREACH_RECORD, breach_reference(breach),
                              local_day(self._now()))
        dialog = ProgrammeExportDialog(self._exports, ProgrammeExportRequest(
            ProgrammeReport.BREACH_RECORD, self._folder / name, Recipient.printing(),
            breach_id=breach.id), self, work=self._work, background=self._background)
        dialog.keep_through_lock(self._registry, EXPORT_FORMS[ProgrammeReport.BREACH_RECORD],
                                 draft_key(breach.id), draft)
        dialog.exported.connect(lambda r: self.notice("Breach record exported",
                                                      *report_saved_text(r)))
        return self.show_dialog(dialog)

    def clear(self) -> None:
        self._ticker.stop()
        super().clear()
