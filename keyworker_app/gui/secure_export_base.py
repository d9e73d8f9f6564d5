"""What every export dialog shares: where the file is going, the password, the file, and the
background write that is audited before the dialog closes.

Where the report is going decides the rules (the policy's handling rules, ISA Appendix C): a
secure e-mail address may receive it unprotected; any other address must get a
password-protected file. The password is typed twice, shown only as dots, never kept after the
dialog closes and never part of the draft a lock keeps (``keep_through_lock``). Writing runs
off the GUI thread; the audit event is written back on the GUI thread, and without it the file
is removed. ``ExportDialog`` (family reports) and
``ProgrammeExportDialog`` (subject access, PbR claim, breach record) add what they choose.
"""

from __future__ import annotations

from typing import Any, Generic, Protocol, TypeVar

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
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
from keyworker_app.domain.policy import Policy
from keyworker_app.errors import UserFacingError
from keyworker_app.gui.accessible import style_error
from keyworker_app.gui.errors import show_error
from keyworker_app.gui.form_dialog import DraftRegistry, fit_wrapped_text
from keyworker_app.gui.worker import run_in_background

PASSWORD_REMINDER = ("Send the password by another route from the file — for example by "
                     "telephone — never in the same e-mail.")

PreparedT = TypeVar("PreparedT")
ResultT = TypeVar("ResultT")
_PreparedT_contra = TypeVar("_PreparedT_contra", contravariant=True)


class SecureExports(Protocol[_PreparedT_contra, ResultT]):
    """What the dialog needs from an export service (``ExportService``,
    ``ProgrammeExportService``): the rules, and the write and audit steps."""

    @property
    def policy(self) -> Policy: ...

    def recipient_for(self, address: str) -> Recipient: ...

    def write(self, prepared: _PreparedT_contra) -> ResultT: ...

    def record(self, result: ResultT) -> None: ...


class SecureExportDialog(QDialog, Generic[PreparedT, ResultT]):
    """The shared widgets and steps. A subclass builds its own rows, lays them out around
    ``add_recipient_rows`` and ``add_save_row``, calls ``finish_layout``, and says how a
    request is prepared (``prepare``)."""

    exported = Signal(object)  # the service's result

    KEEP_LABEL = "Save for a &meeting"  # the third destination: neither e-mail nor print
    ADDRESS_HINT = "name@force.pnn.police.uk"
    PROTECT_LABEL = "Protect with a &password (AES-256)"
    SECURE_NOTE = "Secure e-mail address."
    INSECURE_NOTE = "Not a secure e-mail address: the file must be password-protected."
    BROWSE_OPTIONS = QFileDialog.Option(0)
    FILE_FILTER = "PDF files (*.pdf)"

    def __init__(self, service: SecureExports[PreparedT, ResultT], title: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setModal(True)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._exports = service
        self.busy = False
        self._password_problem = False  # the problem shown is about the password typed

        self.to_email = QRadioButton("&E-mail to")
        self.to_print = QRadioButton("&Print")
        self.to_meeting = QRadioButton(self.KEEP_LABEL)
        self.where = QButtonGroup(self)
        for button in (self.to_email, self.to_print, self.to_meeting):
            self.where.addButton(button)
        self.to_email.setChecked(True)
        self.address = QLineEdit()
        self.address.setAccessibleName("Recipient e-mail address")
        self.address.setPlaceholderText(self.ADDRESS_HINT)
        self.recipient_note = QLabel()
        self.recipient_note.setWordWrap(True)

        self.protect = QCheckBox(self.PROTECT_LABEL)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Password")
        self.password_again = QLineEdit()
        self.password_again.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_again.setAccessibleName("Password again")
        self.strength = QLabel()
        # Wrapped, with room for two lines from the start: the dialog keeps its size while a
        # password is typed, so the Export button never moves under the pointer.
        self.strength.setWordWrap(True)
        self.strength.setMinimumHeight(2 * self.strength.fontMetrics().lineSpacing() + 2)
        self.strength.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.show_password = QCheckBox("S&how the password")
        self.show_password.toggled.connect(self._show_password)
        self.generate_button = QPushButton("&Generate a passphrase")
        self.generate_button.setAccessibleDescription(
            "Fills in six random words; read them to the recipient by telephone")
        self.generate_button.clicked.connect(lambda _c=False: self.generate_passphrase())
        self.reminder = QLabel(PASSWORD_REMINDER)
        self.reminder.setWordWrap(True)

        self.path = QLineEdit()
        self.path.setAccessibleName("Save to file")
        self.browse_button = QPushButton("&Browse…")
        self.browse_button.clicked.connect(lambda _c=False: self.browse())

        self.problem = QLabel()
        self.problem.setWordWrap(True)
        style_error(self.problem)
        self.problem.setVisible(False)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = self.buttons.addButton("E&xport",
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.start_export)
        self.buttons.rejected.connect(self.reject)

    # -- layout ---------------------------------------------------------------------------
    def add_recipient_rows(self, form: QFormLayout) -> None:
        """Where it is going, then the password twice with its strength and the reminder."""
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
        form.addRow("Pass&word:", self.password)  # a form label with a mnemonic is its buddy
        form.addRow("Password &again:", self.password_again)
        tools = QHBoxLayout()
        tools.addWidget(self.show_password)
        tools.addWidget(self.generate_button)
        tools.addStretch(1)
        form.addRow("", tools)
        form.addRow("", self.strength)
        form.addRow("", self.reminder)

    def add_save_row(self, form: QFormLayout) -> None:
        path_row = QHBoxLayout()
        path_row.addWidget(self.path, 1)
        path_row.addWidget(self.browse_button)
        save_label = QLabel("&Save to:")
        save_label.setBuddy(self.path)
        form.addRow(save_label, path_row)

    def finish_layout(self, form: QFormLayout, header: QWidget | None = None) -> None:
        """Lay out the form, the problem line and the buttons, wire the refresh, refresh."""
        layout = QVBoxLayout(self)
        if header is not None:
            layout.addWidget(header)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        for signal in (self.address.textChanged, self.password.textChanged,
                       self.password_again.textChanged):
            signal.connect(lambda _t: self.refresh())
        for box in (self.password, self.password_again):
            box.textChanged.connect(lambda _t: self._password_edited())
        self.where.buttonToggled.connect(lambda _b, _on: self.refresh())
        self.protect.toggled.connect(lambda _on: self.refresh())
        self.refresh()

    # -- state ----------------------------------------------------------------------------
    def recipient(self) -> Recipient:
        if self.to_print.isChecked():
            return Recipient.printing()
        if self.to_meeting.isChecked():
            return Recipient.meeting()
        return self._exports.recipient_for(self.address.text())

    def password_required(self, recipient: Recipient) -> bool:
        return password_required(recipient.kind)

    def refresh(self) -> None:
        recipient = self.recipient()
        self.address.setEnabled(self.to_email.isChecked())
        required = self.password_required(recipient)
        handling = self._exports.policy.handling
        if not self.to_email.isChecked():
            self.recipient_note.setText("")
        elif not self.address.text().strip():
            self.recipient_note.setText("Secure addresses end with: "
                                        + ", ".join(handling.secure_email_suffixes))
        elif recipient.kind is RecipientKind.SECURE_EMAIL:
            self.recipient_note.setText(self.SECURE_NOTE)
        else:
            self.recipient_note.setText(self.INSECURE_NOTE)
        if required:
            self.protect.setChecked(True)
        self.protect.setEnabled(not required)
        protected = self.protect.isChecked()
        for widget in (self.password, self.password_again, self.strength, self.reminder,
                       self.show_password, self.generate_button):
            widget.setEnabled(protected)
        rules = handling.export_password
        if protected and self.password.text():
            strength = assess_export_password(self.password.text(), rules)
            self.strength.setText(f"Strength: {strength.label}"
                                  + (f" — {strength.problem}" if strength.problem else ""))
        elif protected:
            # Say what is needed before anything is typed, rather than leave a blank row.
            self.strength.setText(
                f"At least {rules.min_length} characters; "
                f"{rules.passphrase_min_words} or more unrelated words work well.")
        else:
            self.strength.setText("")
        self.export_button.setEnabled(not self.busy)

    def _password_edited(self) -> None:
        """What was said about the password before (too weak, the copies differ) is stale
        once it is strong and both copies match: it goes."""
        if not self._password_problem or self.password.text() != self.password_again.text():
            return
        rules = self._exports.policy.handling.export_password
        if assess_export_password(self.password.text(), rules).acceptable:
            self.show_problem("")

    def _show_password(self, shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        self.password.setEchoMode(mode)
        self.password_again.setEchoMode(mode)

    def generate_passphrase(self) -> str:
        """Six random words in both password boxes, shown so they can be read out."""
        from keyworker_app.services.passphrase_maker import make_passphrase

        try:
            made = make_passphrase()
        except UserFacingError as exc:
            show_error(self, exc)
            return ""
        self.show_password.setChecked(True)
        self.password.setText(made)
        self.password_again.setText(made)
        return made

    def checked_password(self) -> str:
        """The password to protect with ("" when not protecting); both copies must match."""
        if not self.protect.isChecked():
            return ""
        if self.password.text() != self.password_again.text():
            raise UserFacingError("The two passwords do not match.", "Type the password again.")
        return self.password.text()

    def browse(self) -> None:
        chosen, _filter = QFileDialog.getSaveFileName(
            self, "Save the report as", self.path.text(), self.FILE_FILTER,
            options=self.BROWSE_OPTIONS)
        if chosen:
            self.path.setText(chosen)

    def show_problem(self, text: str) -> None:
        # A problem shown while a password is typed is about that password (too weak, the
        # two copies differ): it goes once the password is strong.
        self._password_problem = bool(text) and self.protect.isChecked()
        self.problem.setText(text)
        self.problem.setVisible(bool(text))
        fit_wrapped_text(self)

    # -- drafts (gui.lock) -----------------------------------------------------------------
    # What a lock keeps of an export: where it is going and the file, never the password.
    DRAFT_FIELDS: dict[str, type] = {"where": str, "address": str, "path": str,
                                     "protect": bool}

    def draft_state(self) -> dict[str, Any]:
        where = ("email" if self.to_email.isChecked() else
                 "print" if self.to_print.isChecked() else "meeting")
        return {"where": where, "address": self.address.text(), "path": self.path.text(),
                "protect": self.protect.isChecked()}

    def apply_draft_state(self, draft: dict[str, Any]) -> None:
        button = {"email": self.to_email, "print": self.to_print,
                  "meeting": self.to_meeting}.get(str(draft.get("where")), self.to_email)
        button.setChecked(True)
        self.address.setText(str(draft.get("address", "")))
        if draft.get("path"):
            self.path.setText(str(draft["path"]))
        self.protect.setChecked(bool(draft.get("protect")))
        self.refresh()

    def keep_through_lock(self, registry: DraftRegistry | None, form: str, record_key: str,
                          draft: dict[str, Any] | None = None) -> None:
        """Hand what is chosen and typed to the lock as a draft (``form``, ``record_key``),
        after putting back ``draft``, what an earlier lock kept."""
        if draft is not None:
            self.apply_draft_state(draft)
        self.form, self.record_key = form, record_key
        self._draft_baseline = self.draft_state()
        self._restored = draft is not None
        if registry is not None:
            registry.register_editor(self)
            self.finished.connect(lambda _c: registry.unregister_editor(self))

    def collect_draft(self) -> tuple[str, str, dict[str, Any]] | None:
        state = self.draft_state()
        if not self._restored and state == getattr(self, "_draft_baseline", state):
            return None
        return self.form, self.record_key, state

    # -- export ---------------------------------------------------------------------------
    def prepare(self, replace: bool) -> PreparedT | None:
        """The checked request, ready to write; ``None`` when the dialog asked the user
        something first (it starts the export again itself). Raise ``UserFacingError``."""
        raise NotImplementedError

    def start_export(self, replace: bool = False) -> None:
        self.show_problem("")
        if self.busy:
            return
        try:
            prepared = self.prepare(replace)
        except UserFacingError as exc:
            self.show_problem(str(exc))
            return
        if prepared is not None:
            self._run(prepared)

    def _run(self, prepared: PreparedT) -> None:
        self.busy = True
        self.setCursor(Qt.CursorShape.BusyCursor)
        self.refresh()
        run_in_background(lambda: self._exports.write(prepared), self._written, self._failed)

    def _written(self, result: ResultT) -> None:
        # Audit first, widgets second: a lock may have closed the dialog meanwhile, and then
        # the store is closed, the audit fails and the file is removed again.
        problem = ""
        try:
            self._exports.record(result)
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

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        fit_wrapped_text(self, shrink=True)  # wrapped notes decide the height, not guesses

    def done(self, result: int) -> None:
        # Whatever closes the dialog (export, cancel, a lock), the password goes with it.
        self.password.clear()
        self.password_again.clear()
        self.show_password.setChecked(False)
        super().done(result)
