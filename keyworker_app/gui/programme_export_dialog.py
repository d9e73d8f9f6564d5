"""Exporting a subject-access disclosure, the PbR claim or a breach record.

The same handling rules as a family report (ISA Appendix C), through
``services.programme_exports``: a secure e-mail address may receive an unprotected file, any
other address needs a password; the subject-access disclosure is always protected. The
password is typed twice, never kept after the dialog closes. Rendering and writing run off
the GUI thread; the audit event is written back on the GUI thread, and without it the file is
removed. What it shares with the family export dialog is in ``secure_export_base``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import shiboken6
from PySide6.QtWidgets import QFormLayout, QLabel, QProgressDialog, QWidget

from keyworker_app.domain.handling import Recipient, RecipientKind
from keyworker_app.domain.wording import in_sentence
from keyworker_app.errors import UserFacingError
from keyworker_app.gui.secure_export_base import PASSWORD_REMINDER, SecureExportDialog
from keyworker_app.gui.worker import StoreWork
from keyworker_app.services.programme_exports import (
    PreparedProgrammeExport,
    ProgrammeExportRequest,
    ProgrammeExportResult,
    ProgrammeExportService,
    ProgrammeReport,
)

# Drafts kept through a lock (gui.lock): the record key names the request, breach or claim.
EXPORT_FORMS = {ProgrammeReport.SUBJECT_ACCESS: "export-subject-access",
                ProgrammeReport.BREACH_RECORD: "export-breach-record",
                ProgrammeReport.PBR_CLAIM: "export-pbr-claim"}

PREPARING = {ProgrammeReport.PBR_CLAIM: "Working out the claim for every family…",
             ProgrammeReport.SUBJECT_ACCESS: "Gathering everything held about the person…",
             ProgrammeReport.BREACH_RECORD: "Reading the breach record…"}

CSV_NOTE = ("A CSV file cannot be password-protected. It lists the qualifying families by "
            "reference only, so it may go to a secure e-mail address, a printer or stay on "
            "this computer. Cells that a spreadsheet would run as formulas are made harmless.")
CSV_INSECURE_NOTE = ("Not a secure e-mail address: a CSV file cannot be protected, so it "
                     "cannot be sent there.")


class ProgrammeExportDialog(SecureExportDialog[PreparedProgrammeExport, ProgrammeExportResult]):
    # exported: Signal(ProgrammeExportResult)
    KEEP_LABEL = "&Keep on this computer"
    ADDRESS_HINT = "name@council.gcsx.gov.uk"
    PROTECT_LABEL = "P&rotect with a password (AES-256)"

    def __init__(self, service: ProgrammeExportService, request: ProgrammeExportRequest,
                 parent: QWidget | None = None, *, work: StoreWork | None = None,
                 background: Callable[[], ProgrammeExportService] | None = None) -> None:
        """``request`` carries the report, the ids and a suggested destination; the dialog
        fills in the recipient, the password and the file. With ``work`` and ``background``
        (the same service on the session's background connection) what the report reads
        — every family, for the claim — is read on a worker, with progress and Cancel."""
        self._work = work
        self._background = background
        self.preparing: QProgressDialog | None = None
        self.is_csv = request.is_csv  # read by refresh(), which the base class calls
        title = (f"Export the {in_sentence(request.report.label)}"
                 + (" as CSV" if self.is_csv else ""))
        super().__init__(service, title, parent)
        self._service = service
        self._template = request
        if self.is_csv:
            self.FILE_FILTER = "CSV files (*.csv)"
        self.path.setText(str(request.destination))
        self.browse_button.setAccessibleDescription("Choose the file")
        self.export_button.setAccessibleName("Export")

        form = QFormLayout()
        self.add_recipient_rows(form)
        self.add_save_row(form)
        header = None
        if request.report.always_protected:
            header = QLabel("A subject-access disclosure is always password-protected, "
                            "whoever receives it.")
        if self.is_csv:  # a CSV cannot be encrypted: no password rows at all
            for widget in (self.protect, self.password, self.password_again, self.strength,
                           self.reminder):
                form.setRowVisible(widget, False)
            header = QLabel(CSV_NOTE)
        if header is not None:
            header.setWordWrap(True)
        self.setMinimumWidth(520)
        self.finish_layout(form, header=header)

    def password_required(self, recipient: Recipient) -> bool:
        if self.is_csv:
            return False
        return self._template.report.always_protected or super().password_required(recipient)

    def refresh(self) -> None:
        super().refresh()
        if not self.is_csv:
            return
        self.protect.setChecked(False)
        self.protect.setEnabled(False)
        if (self.to_email.isChecked() and self.address.text().strip()
                and self.recipient().kind is not RecipientKind.SECURE_EMAIL):
            self.recipient_note.setText(CSV_INSECURE_NOTE)

    def request(self) -> ProgrammeExportRequest:
        password = self.checked_password()
        t = self._template
        return ProgrammeExportRequest(
            t.report, Path(self.path.text().strip()).expanduser(), self.recipient(),
            "" if self.is_csv else password, replace=False,
            request_id=t.request_id, breach_id=t.breach_id, as_of=t.as_of,
            file_format=t.file_format)

    def prepare(self, replace: bool) -> PreparedProgrammeExport:
        # An existing file is refused by the service's checks: nothing here asks to replace.
        return self._service.prepare(self.request())

    def start_export(self, replace: bool = False) -> None:
        work, background = self._work, self._background
        if work is None or background is None:
            super().start_export(replace)
            return
        self.show_problem("")
        if self.busy:
            return
        try:
            request = self.request()
            self._service.check(request)  # the rules first, before anything is read
        except UserFacingError as exc:
            self.show_problem(str(exc))
            return
        self.busy = True
        self.refresh()
        self.preparing = work.run(
            self, PREPARING[request.report],
            lambda progress: background().prepare_with(request, progress),
            self._prepared, self._failed)

    def _prepared(self, prepared: object) -> None:
        self.preparing = None
        if not shiboken6.isValid(self) or not self.isVisible():
            return
        self.busy = False
        self._run(prepared)  # type: ignore[arg-type]


def report_saved_text(result: ProgrammeExportResult) -> tuple[str, str]:
    text = f"The {in_sentence(result.report.label)} was saved as {result.destination.name}."
    detail = (PASSWORD_REMINDER if result.protected else
              "It is not password-protected: keep it on a secure address, printer or "
              "encrypted device.")
    return text, detail


__all__ = ["ProgrammeExportDialog", "ProgrammeReport", "report_saved_text"]
