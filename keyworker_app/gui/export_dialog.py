"""The export dialog: which report, where it is going, the password, the purpose, the file.

Where the report is going decides the rules (the policy's handling rules, ISA Appendix C): a
secure e-mail address may receive it unprotected; any other address must get a
password-protected file. The password is typed twice, shown only as dots, never kept after the
dialog closes, and never saved as a draft (the rest of the dialog is). Building and writing
run off the GUI thread; the audit event is written back on the GUI thread, and without it the
file is removed. What it shares with the programme exports is in ``secure_export_base``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QComboBox, QFileDialog, QFormLayout, QLabel, QMessageBox, QWidget

from keyworker_app.domain.disclosure import FurtherDisclosureError
from keyworker_app.errors import UserFacingError
from keyworker_app.gui.form_dialog import fit_wrapped_text
from keyworker_app.gui.further_disclosure import FurtherDisclosureFields
from keyworker_app.gui.secure_export_base import PASSWORD_REMINDER, SecureExportDialog
from keyworker_app.services.export import (
    ExportRequest,
    ExportResult,
    ExportService,
    PreparedExport,
    ReportKind,
    suggested_file_name,
)

log = logging.getLogger("keyworker.gui.export_dialog")

EXPORT_FORM = "export-family-report"  # a draft keyed "family:<id>/export"


class ExportDialog(SecureExportDialog[PreparedExport, ExportResult]):
    # exported: Signal(ExportResult)
    SECURE_NOTE = "Secure e-mail address: the report may be sent without a password."
    INSECURE_NOTE = "Not a secure e-mail address: the report must be password-protected."
    BROWSE_OPTIONS = QFileDialog.Option.DontConfirmOverwrite  # we ask, after the checks

    def __init__(self, service: ExportService, family_id: int, family_reference: str, *,
                 reports: tuple[ReportKind, ...] = (ReportKind.CASE_SUMMARY,),
                 meetings: Sequence[tuple[int, str]] = (),
                 report: ReportKind | None = None, meeting_id: int | None = None,
                 folder: Path | None = None, today: Callable[[], date] = date.today,
                 parent: QWidget | None = None) -> None:
        """``meetings`` are the family's meetings as (id, label), newest first: the meeting
        record is offered only when there is one. ``report`` and ``meeting_id`` preselect."""
        super().__init__(service, "Export a report", parent)
        self._service = service
        self._family_id = family_id
        self._reference = family_reference
        self._today = today
        self.replace_prompt: QMessageBox | None = None
        self.result_box: QMessageBox | None = None

        self.report = QComboBox()
        self.report.setAccessibleName("Report")
        for kind in reports:
            if kind is not ReportKind.MEETING_RECORD or meetings:
                self.report.addItem(kind.label, kind.value)
        if report is not None and self.report.findData(report.value) >= 0:
            self.report.setCurrentIndex(self.report.findData(report.value))
        self.meeting = QComboBox()
        self.meeting.setAccessibleName("Meeting")
        for number, label in meetings:
            self.meeting.addItem(label, number)
        if meeting_id is not None and self.meeting.findData(meeting_id) >= 0:
            self.meeting.setCurrentIndex(self.meeting.findData(meeting_id))
        self.meeting_label = QLabel("Mee&ting:")
        self.meeting_label.setBuddy(self.meeting)

        self.purpose = QComboBox()
        self.purpose.setAccessibleName("Purpose")
        self.purpose.addItem("Choose the purpose…", "")
        for purpose in service.policy.purposes:
            self.purpose.addItem(purpose.label, purpose.id)

        self.path.setText(str((folder or Path.home()) / suggested_file_name(
            family_reference, self.report_kind(), today())))

        # ISA section 5: shown once the service refuses to pass a partner's information on.
        self.disclosure = FurtherDisclosureFields(service.policy)

        form = QFormLayout()
        form.addRow("&Report:", self.report)
        form.addRow(self.meeting_label, self.meeting)
        self.add_recipient_rows(form)
        form.addRow("P&urpose:", self.purpose)
        self.add_save_row(form)
        form.addRow(self.disclosure)
        self.report.currentIndexChanged.connect(lambda _i: self._suggest_name())
        self.report.currentIndexChanged.connect(lambda _i: self.refresh())
        self.finish_layout(form)

    # -- state ----------------------------------------------------------------------------
    def report_kind(self) -> ReportKind:
        return ReportKind(self.report.currentData())

    def meeting_id(self) -> int | None:
        if self.report_kind() is not ReportKind.MEETING_RECORD:
            return None
        chosen = self.meeting.currentData()
        return int(chosen) if chosen is not None else None

    def refresh(self) -> None:
        for_meeting = self.report_kind() is ReportKind.MEETING_RECORD
        self.meeting.setVisible(for_meeting)
        self.meeting_label.setVisible(for_meeting)
        super().refresh()

    def _suggest_name(self) -> None:
        current = Path(self.path.text())
        self.path.setText(str(current.with_name(suggested_file_name(
            self._reference, self.report_kind(), self._today()))))

    # -- drafts (gui.lock) -----------------------------------------------------------------
    DRAFT_FIELDS: dict[str, type] = {**SecureExportDialog.DRAFT_FIELDS, "report": str,
                                     "meeting": str, "purpose": str,
                                     **FurtherDisclosureFields.DRAFT_FIELDS}

    def draft_state(self) -> dict[str, Any]:
        chosen = self.meeting.currentData()
        return {**super().draft_state(), "report": str(self.report.currentData()),
                "meeting": "" if chosen is None else str(chosen),
                "purpose": str(self.purpose.currentData() or ""),
                **self.disclosure.draft_state()}

    def apply_draft_state(self, draft: dict[str, Any]) -> None:
        for combo, key in ((self.report, "report"), (self.purpose, "purpose")):
            found = combo.findData(str(draft.get(key, "")))
            if found >= 0:
                combo.setCurrentIndex(found)
        meeting = str(draft.get("meeting", ""))
        found = self.meeting.findData(int(meeting)) if meeting.isdigit() else -1
        if found >= 0:
            self.meeting.setCurrentIndex(found)
        self.disclosure.apply_draft_state(draft)
        super().apply_draft_state(draft)  # the file name last: choosing a report suggests one

    # -- export ---------------------------------------------------------------------------
    def request(self, replace: bool = False) -> ExportRequest:
        password = self.checked_password()
        return ExportRequest(
            family_id=self._family_id, report=self.report_kind(),
            destination=Path(self.path.text().strip()).expanduser(),
            recipient=self.recipient(), purpose_id=str(self.purpose.currentData() or ""),
            password=password, meeting_id=self.meeting_id(), replace=replace,
            basis=self.disclosure.basis())

    def prepare(self, replace: bool) -> PreparedExport | None:
        request = self.request(replace)
        if not self.purpose.currentData():
            raise UserFacingError("Choose the purpose the report is shared for.",
                                  "Only the agreement's purposes may be chosen.")
        if request.destination.exists() and not replace:
            self._ask_replace(request.destination)
            return None
        try:
            return self._service.prepare(request)
        except FurtherDisclosureError:
            self.show_disclosure()
            raise

    def show_disclosure(self) -> None:
        """Reveal the consent and statutory fields, the first of them focused."""
        if self.disclosure.isHidden():
            self.disclosure.setVisible(True)
            fit_wrapped_text(self)
            self.disclosure.reference.setFocus()

    def _ask_replace(self, path: Path) -> None:
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Replace the file?")
        box.setText(f"A file named {path.name} already exists.")
        box.setInformativeText("Replace it with this report?")
        replace = box.addButton("&Replace", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.finished.connect(lambda _c: self._replace_answered(box.clickedButton() is replace))
        self.replace_prompt = box
        box.open()

    def _replace_answered(self, replace: bool) -> None:
        self.replace_prompt = None
        if replace:
            self.start_export(replace=True)


__all__ = ["PASSWORD_REMINDER", "ExportDialog"]
