"""The export dialog: which report, where it is going, the password, the purpose, the file.

Where the report is going decides the rules (the policy's handling rules, ISA Appendix C): a
secure e-mail address may receive it unprotected; any other address must get a
password-protected file. The password is typed twice, shown only as dots, never kept after the
dialog closes, and never saved as a draft. Building and writing run off the GUI thread; the
audit event is written back on the GUI thread, and without it the file is removed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
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
from keyworker_app.gui.worker import run_in_background
from keyworker_app.services.export import (
    ExportRequest,
    ExportResult,
    ExportService,
    PreparedExport,
    ReportKind,
    suggested_file_name,
)

log = logging.getLogger("keyworker.gui.export_dialog")

PASSWORD_REMINDER = ("Send the password by another route from the file — for example by "
                     "telephone — never in the same e-mail.")


class ExportDialog(QDialog):
    exported = Signal(object)  # ExportResult

    def __init__(self, service: ExportService, family_id: int, family_reference: str, *,
                 reports: tuple[ReportKind, ...] = (ReportKind.CASE_SUMMARY,),
                 meetings: Sequence[tuple[int, str]] = (),
                 report: ReportKind | None = None, meeting_id: int | None = None,
                 folder: Path | None = None, today: Callable[[], date] = date.today,
                 parent: QWidget | None = None) -> None:
        """``meetings`` are the family's meetings as (id, label), newest first: the meeting
        record is offered only when there is one. ``report`` and ``meeting_id`` preselect."""
        super().__init__(parent)
        self.setWindowTitle("Export a report")
        self.setAccessibleName("Export a report")
        self.setModal(True)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._service = service
        self._family_id = family_id
        self._reference = family_reference
        self._today = today
        self.replace_prompt: QMessageBox | None = None
        self.result_box: QMessageBox | None = None
        self.busy = False

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

        self.to_email = QRadioButton("&E-mail to")
        self.to_print = QRadioButton("&Print")
        self.to_meeting = QRadioButton("Save for a &meeting")
        self.where = QButtonGroup(self)
        for button in (self.to_email, self.to_print, self.to_meeting):
            self.where.addButton(button)
        self.to_email.setChecked(True)
        self.address = QLineEdit()
        self.address.setAccessibleName("Recipient e-mail address")
        self.address.setPlaceholderText("name@force.pnn.police.uk")
        self.recipient_note = QLabel()
        self.recipient_note.setWordWrap(True)
        self.recipient_note.setAccessibleName("Recipient rule")

        self.protect = QCheckBox("Protect with a &password (AES-256)")
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

        self.purpose = QComboBox()
        self.purpose.setAccessibleName("Purpose")
        self.purpose.addItem("Choose the purpose…", "")
        for purpose in service.policy.purposes:
            self.purpose.addItem(purpose.label, purpose.id)

        self.path = QLineEdit(str((folder or Path.home()) / suggested_file_name(
            family_reference, self.report_kind(), today())))
        self.path.setAccessibleName("Save to file")
        browse = QPushButton("&Browse…")
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
        form.addRow("&Report:", self.report)
        form.addRow(self.meeting_label, self.meeting)
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
        form.addRow("Pass&word:", self.password)
        form.addRow("Password &again:", self.password_again)
        form.addRow("", self.strength)
        form.addRow("", self.reminder)
        form.addRow("P&urpose:", self.purpose)
        save_label = QLabel("&Save to:")
        save_label.setBuddy(self.path)
        form.addRow(save_label, path_row)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = self.buttons.addButton("E&xport",
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.start_export)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)

        for signal in (self.address.textChanged, self.password.textChanged,
                       self.password_again.textChanged):
            signal.connect(lambda _t: self.refresh())
        self.where.buttonToggled.connect(lambda _b, _on: self.refresh())
        self.protect.toggled.connect(lambda _on: self.refresh())
        self.report.currentIndexChanged.connect(lambda _i: self._suggest_name())
        self.report.currentIndexChanged.connect(lambda _i: self.refresh())
        self.refresh()

    # -- state ----------------------------------------------------------------------------
    def recipient(self) -> Recipient:
        if self.to_print.isChecked():
            return Recipient.printing()
        if self.to_meeting.isChecked():
            return Recipient.meeting()
        return self._service.recipient_for(self.address.text())

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
        recipient = self.recipient()
        self.address.setEnabled(self.to_email.isChecked())
        required = password_required(recipient.kind)
        if not self.to_email.isChecked():
            self.recipient_note.setText("")
        elif not self.address.text().strip():
            self.recipient_note.setText("Secure addresses end with: "
                                        + ", ".join(self._service.policy.handling
                                                    .secure_email_suffixes))
        elif recipient.kind is RecipientKind.SECURE_EMAIL:
            self.recipient_note.setText("Secure e-mail address: the report may be sent "
                                        "without a password.")
        else:
            self.recipient_note.setText("Not a secure e-mail address: the report must be "
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

    def _suggest_name(self) -> None:
        current = Path(self.path.text())
        self.path.setText(str(current.with_name(suggested_file_name(
            self._reference, self.report_kind(), self._today()))))

    def browse(self) -> None:
        chosen, _filter = QFileDialog.getSaveFileName(
            self, "Save the report as", self.path.text(), "PDF files (*.pdf)",
            options=QFileDialog.Option.DontConfirmOverwrite)  # we ask, after the checks
        if chosen:
            self.path.setText(chosen)

    def show_problem(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.setVisible(bool(text))

    # -- export ---------------------------------------------------------------------------
    def request(self, replace: bool = False) -> ExportRequest:
        if self.protect.isChecked() and self.password.text() != self.password_again.text():
            raise UserFacingError("The two passwords do not match.", "Type the password again.")
        return ExportRequest(
            family_id=self._family_id, report=self.report_kind(),
            destination=Path(self.path.text().strip()).expanduser(),
            recipient=self.recipient(), purpose_id=str(self.purpose.currentData() or ""),
            password=self.password.text() if self.protect.isChecked() else "",
            meeting_id=self.meeting_id(), replace=replace)

    def start_export(self, replace: bool = False) -> None:
        self.show_problem("")
        if self.busy:
            return
        try:
            request = self.request(replace)
            if not self.purpose.currentData():
                raise UserFacingError("Choose the purpose the report is shared for.",
                                      "Only the agreement's purposes may be chosen.")
            if request.destination.exists() and not replace:
                self._ask_replace(request.destination)
                return
            prepared = self._service.prepare(request)
        except UserFacingError as exc:
            self.show_problem(str(exc))
            return
        self._run(prepared)

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

    def _run(self, prepared: PreparedExport) -> None:
        self.busy = True
        self.setCursor(Qt.CursorShape.BusyCursor)
        self.refresh()
        run_in_background(lambda: self._service.write(prepared), self._written, self._failed)

    def _written(self, result: object) -> None:
        assert isinstance(result, ExportResult)
        # Audit first, widgets second: a lock may have closed the dialog meanwhile, and then
        # the store is closed, the audit fails and the file is removed again.
        problem = ""
        try:
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
        # Whatever closes the dialog (export, cancel, a lock), the password goes with it.
        self.password.clear()
        self.password_again.clear()
        super().done(result)
