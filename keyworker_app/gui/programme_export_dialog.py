"""Exporting a subject-access disclosure, the PbR claim or a breach record.

The same handling rules as a family report (ISA Appendix C), through
``services.programme_exports``: a secure e-mail address may receive an unprotected file, any
other address needs a password; the subject-access disclosure is always protected. The
password is typed twice, never kept after the dialog closes. Rendering and writing run off
the GUI thread; the audit event is written back on the GUI thread, and without it the file is
removed.
"""

from __future__ import annotations

from pathlib import Path

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from keyworker_app.domain.handling import (
    Recipient,
    RecipientKind,
    assess_export_password,
    password_required,
)
from keyworker_app.errors import UserFacingError
from keyworker_app.gui.errors import show_error
from keyworker_app.gui.export_dialog import PASSWORD_REMINDER
from keyworker_app.gui.worker import run_in_background
from keyworker_app.services.programme_exports import (
    PreparedProgrammeExport,
    ProgrammeExportRequest,
    ProgrammeExportResult,
    ProgrammeExportService,
    ProgrammeReport,
)


class ProgrammeExportDialog(QDialog):
    exported = Signal(object)  # ProgrammeExportResult

    def __init__(self, service: ProgrammeExportService, request: ProgrammeExportRequest,
                 parent: QWidget | None = None) -> None:
        """``request`` carries the report, the ids and a suggested destination; the dialog
        fills in the recipient, the password and the file."""
        super().__init__(parent)
        report = request.report
        self.setWindowTitle(f"Export the {report.label.lower()}")
        self.setAccessibleName(f"Export the {report.label.lower()}")
        self.setModal(True)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._service = service
        self._template = request
        self.busy = False

        self.to_email = QRadioButton("&E-mail to")
        self.to_print = QRadioButton("&Print")
        self.to_meeting = QRadioButton("&Keep on this computer")
        self.where = QButtonGroup(self)
        for button in (self.to_email, self.to_print, self.to_meeting):
            self.where.addButton(button)
        self.to_email.setChecked(True)
        self.address = QLineEdit()
        self.address.setAccessibleName("Recipient e-mail address")
        self.address.setPlaceholderText("name@council.gcsx.gov.uk")
        self.recipient_note = QLabel()
        self.recipient_note.setWordWrap(True)
        self.recipient_note.setAccessibleName("Recipient rule")
        self.protect = QCheckBox("P&rotect with a password (AES-256)")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Password")
        self.password_again = QLineEdit()
        self.password_again.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_again.setAccessibleName("Password again")
        self.strength = QLabel()
        self.strength.setAccessibleName("Password strength")
        self.reminder = QLabel(PASSWORD_REMINDER)
        self.reminder.setWordWrap(True)
        self.path = QLineEdit(str(request.destination))
        self.path.setAccessibleName("Save to file")
        browse = QPushButton("&Browse…")
        browse.setAccessibleName("Choose the file")
        browse.clicked.connect(lambda _c=False: self.browse())
        path_row = QHBoxLayout()
        path_row.addWidget(self.path, 1)
        path_row.addWidget(browse)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setAccessibleName("Problem")
        self.problem.setStyleSheet("color: #a4262c;")
        self.problem.setVisible(False)

        form = QFormLayout()
        where_box = QVBoxLayout()
        email_row = QHBoxLayout()
        email_row.addWidget(self.to_email)
        email_row.addWidget(self.address, 1)
        where_box.addLayout(email_row)
        where_box.addWidget(self.recipient_note)
        where_box.addWidget(self.to_print)
        where_box.addWidget(self.to_meeting)
        form.addRow("Going to:", where_box)
        form.addRow("", self.protect)
        password_label = QLabel("Pass&word:")
        password_label.setBuddy(self.password)
        form.addRow(password_label, self.password)
        again_label = QLabel("Password &again:")
        again_label.setBuddy(self.password_again)
        form.addRow(again_label, self.password_again)
        form.addRow("", self.strength)
        form.addRow("", self.reminder)
        save_label = QLabel("&Save to:")
        save_label.setBuddy(self.path)
        form.addRow(save_label, path_row)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = self.buttons.addButton("E&xport",
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setAccessibleName("Export")
        self.buttons.accepted.connect(self.start_export)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        if report.always_protected:
            always = QLabel("A subject-access disclosure is always password-protected, "
                            "whoever receives it.")
            always.setWordWrap(True)
            layout.addWidget(always)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)
        for signal in (self.address.textChanged, self.password.textChanged,
                       self.password_again.textChanged):
            signal.connect(lambda _t: self.refresh())
        self.where.buttonToggled.connect(lambda _b, _on: self.refresh())
        self.protect.toggled.connect(lambda _on: self.refresh())
        self.refresh()

    def recipient(self) -> Recipient:
        if self.to_print.isChecked():
            return Recipient.printing()
        if self.to_meeting.isChecked():
            return Recipient.meeting()
        return self._service.recipient_for(self.address.text())

    def refresh(self) -> None:
        recipient = self.recipient()
        self.address.setEnabled(self.to_email.isChecked())
        required = (self._template.report.always_protected
                    or password_required(recipient.kind))
        if not self.to_email.isChecked():
            self.recipient_note.setText("")
        elif not self.address.text().strip():
            self.recipient_note.setText("Secure addresses end with: " + ", ".join(
                self._service.policy.handling.secure_email_suffixes))
        elif recipient.kind is RecipientKind.SECURE_EMAIL:
            self.recipient_note.setText("Secure e-mail address.")
        else:
            self.recipient_note.setText("Not a secure e-mail address: the file must be "
                                        "password-protected.")
        if required:
            self.protect.setChecked(True)
        self.protect.setEnabled(not required)
        protected = self.protect.isChecked()
        for widget in (self.password, self.password_again, self.strength, self.reminder):
            widget.setEnabled(protected)
        if protected and self.password.text():
            strength = assess_export_password(self.password.text(),
                                              self._service.policy.handling.export_password)
            self.strength.setText(f"Strength: {strength.label}"
                                  + (f" — {strength.problem}" if strength.problem else ""))
        else:
            self.strength.setText("")
        self.export_button.setEnabled(not self.busy)

    def browse(self) -> None:
        chosen, _filter = QFileDialog.getSaveFileName(self, "Save the report as",
                                                      self.path.text(), "PDF files (*.pdf)")
        if chosen:
            self.path.setText(chosen)

    def show_problem(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.setVisible(bool(text))

    def request(self) -> ProgrammeExportRequest:
        if self.protect.isChecked() and self.password.text() != self.password_again.text():
            raise UserFacingError("The two passwords do not match.", "Type the password again.")
        t = self._template
        return ProgrammeExportRequest(
            t.report, Path(self.path.text().strip()).expanduser(), self.recipient(),
            self.password.text() if self.protect.isChecked() else "", replace=False,
            request_id=t.request_id, breach_id=t.breach_id, as_of=t.as_of)

    def start_export(self) -> None:
        self.show_problem("")
        if self.busy:
            return
        try:
            prepared = self._service.prepare(self.request())
        except UserFacingError as exc:
            self.show_problem(str(exc))
            return
        self._run(prepared)

    def _run(self, prepared: PreparedProgrammeExport) -> None:
        self.busy = True
        self.setCursor(Qt.CursorShape.BusyCursor)
        self.refresh()
        run_in_background(lambda: self._service.write(prepared), self._written, self._failed)

    def _written(self, result: object) -> None:
        assert isinstance(result, ProgrammeExportResult)
        problem = ""
        try:  # audit first: a lock may have closed the dialog and the store meanwhile
            self._service.record(result)
        except UserFacingError as exc:
            problem = (f"{exc} The file was removed because the export could not be recorded "
                       "in the audit trail.")
        if not shiboken6.isValid(self) or not self.isVisible():
            return
        self.busy = False
        self.unsetCursor()
        if problem:
            self.show_problem(problem)
            self.refresh()
            return
        self.password.clear()
        self.password_again.clear()
        self.exported.emit(result)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        if not shiboken6.isValid(self):
            return
        self.busy = False
        self.unsetCursor()
        self.refresh()
        if isinstance(exc, UserFacingError):
            self.show_problem(str(exc))
        else:
            show_error(self, exc)

    def done(self, result: int) -> None:
        self.password.clear()
        self.password_again.clear()
        super().done(result)


def report_saved_text(result: ProgrammeExportResult) -> tuple[str, str]:
    text = f"The {result.report.label.lower()} was saved as {result.destination.name}."
    detail = (PASSWORD_REMINDER if result.protected else
              "It is not password-protected: keep it on a secure address, printer or "
              "encrypted device.")
    return text, detail


__all__ = ["ProgrammeExportDialog", "ProgrammeReport", "report_saved_text"]
