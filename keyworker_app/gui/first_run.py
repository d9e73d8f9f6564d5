"""First run: check the keyring, ask who owns the store, set the passphrase, show the recovery key.

The recovery key is shown once. The user may save it to a file only they can read, or print it,
and must confirm they have given it to their information-governance officer before finishing.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase, QTextDocument
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from keyworker_app.domain.audit import Actor, Role
from keyworker_app.domain.input_checks import passphrase_strength
from keyworker_app.gui.errors import show_error
from keyworker_app.gui.worker import run_in_background
from keyworker_app.services.api import CaseStoreService, Session

log = logging.getLogger("keyworker.gui.first_run")

MIN_SCORE = 2
WHY_PASSPHRASE = (
    "This passphrase is the only thing between a lost or stolen laptop and the families' "
    "records. Four or more unrelated words are strong and easy to remember."
)


def group_key(key: str, size: int = 4) -> str:
    compact = "".join(ch for ch in key if ch.isalnum())
    return " ".join(compact[i:i + size] for i in range(0, len(compact), size))


def _label(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label


class KeyringPage(QWizardPage):
    def __init__(self, store: CaseStoreService) -> None:
        super().__init__()
        self.setTitle("Secure keyring")
        self._problem = store.keyring_problem()
        layout = QVBoxLayout(self)
        if self._problem:
            text = (f"Keyworker cannot continue: {self._problem}\n\nInstall or unlock the "
                    "system keyring, then start Keyworker again. Ask your IT service desk if "
                    "you are unsure.")
        else:
            text = "The system keyring is available. Keyworker keeps a device secret there."
        self.message = _label(text)
        layout.addWidget(self.message)

    def isComplete(self) -> bool:  # noqa: N802
        return self._problem is None


class OwnerPage(QWizardPage):
    def __init__(self, partner_names: Sequence[str]) -> None:
        super().__init__()
        self.setTitle("About you")
        self.setSubTitle("The store belongs to you; every record you change is logged in "
                         "your name.")
        self.name = QLineEdit()
        self.name.setAccessibleName("Your name")
        self.role = QComboBox()
        self.role.setAccessibleName("Your role")
        for role in Role:
            self.role.addItem(role.label, role.value)
        self.organisation = QComboBox()
        self.organisation.setEditable(True)
        self.organisation.addItems(list(partner_names))
        self.organisation.setAccessibleName("Your organisation")
        edit = self.organisation.lineEdit()
        if edit is not None:  # the typing part is a control of its own to a screen reader
            edit.setAccessibleName("Your organisation")
        form = QFormLayout(self)
        for text, widget in (("Your na&me", self.name), ("&Role", self.role),
                             ("&Organisation", self.organisation)):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, widget)
        self.name.textChanged.connect(self.completeChanged)
        self.organisation.editTextChanged.connect(self.completeChanged)

    def isComplete(self) -> bool:  # noqa: N802
        return bool(self.name.text().strip() and self.organisation.currentText().strip())

    def actor(self) -> Actor:
        return Actor(self.name.text().strip(), Role(self.role.currentData()),
                     self.organisation.currentText().strip())


class PassphrasePage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Choose a passphrase")
        self.setSubTitle(WHY_PASSPHRASE)
        self.first = QLineEdit()
        self.first.setEchoMode(QLineEdit.EchoMode.Password)
        self.first.setAccessibleName("Passphrase")
        self.second = QLineEdit()
        self.second.setEchoMode(QLineEdit.EchoMode.Password)
        self.second.setAccessibleName("Passphrase again")
        self.meter = QProgressBar()
        self.meter.setRange(0, 4)
        self.meter.setTextVisible(False)
        self.meter.setAccessibleName("Passphrase strength")
        self.reason = _label("")
        self.match = _label("")
        form = QFormLayout(self)
        for text, widget in (("&Passphrase", self.first), ("Passphrase &again", self.second)):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, widget)
        form.addRow("Strength", self.meter)
        form.addRow("", self.reason)
        form.addRow("", self.match)
        self.first.textChanged.connect(self._changed)
        self.second.textChanged.connect(self._changed)
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, "&Create store")
        self._changed()

    def _changed(self) -> None:
        score, reason = passphrase_strength(self.first.text())
        self.meter.setValue(score)
        self.meter.setAccessibleDescription(reason)
        self.reason.setText(reason)
        if self.second.text() and self.second.text() != self.first.text():
            self.match.setText("The two passphrases are different.")
        else:
            self.match.clear()
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802
        score, _ = passphrase_strength(self.first.text())
        return score >= MIN_SCORE and self.first.text() == self.second.text()


class RecoveryPage(QWizardPage):
    def __init__(self, wizard: FirstRunWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle("Your recovery key")
        self.setSubTitle("It is shown only now. It opens the store if the passphrase is "
                         "forgotten, so keep it away from the laptop.")
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setAccessibleName("Creating the store")
        self.key = QLabel()
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSizeF(font.pointSizeF() * 1.4)
        self.key.setFont(QFont(font))
        self.key.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.save_button = QPushButton("&Save as protected file…")
        self.save_button.setAccessibleDescription("Save the recovery key to a protected file")
        self.print_button = QPushButton("&Print…")
        self.print_button.setAccessibleDescription("Print the recovery key")
        self.given = QCheckBox("I have given this to my information-governance &officer")
        self.given.setAccessibleName("I have given this to my information-governance officer")
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.print_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.busy)
        layout.addWidget(self.key)
        layout.addLayout(buttons)
        layout.addWidget(_label("A saved file is readable only by your account; move it to "
                                "removable media or print it, then delete it."))
        layout.addWidget(self.given)
        self.given.toggled.connect(self.completeChanged)
        self.save_button.clicked.connect(self.save_to_file)
        self.print_button.clicked.connect(self.print_key)

    def show_key(self, key: str) -> None:
        self.busy.setVisible(False)
        self.key.setText(group_key(key))

    def isComplete(self) -> bool:  # noqa: N802
        return self._wizard.session is not None and self.given.isChecked()

    def save_to_file(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save the recovery key",
                                              "keyworker-recovery-key.txt", "Text (*.txt)")
        if path:
            write_private_file(Path(path), self._wizard.recovery_text())

    def print_key(self) -> None:
        try:
            from PySide6.QtPrintSupport import QPrintDialog, QPrinter
        except ImportError:
            self.save_to_file()
            return
        printer = QPrinter()
        dialog = QPrintDialog(printer, self)
        if dialog.exec() == QPrintDialog.DialogCode.Accepted:
            document = QTextDocument()
            document.setPlainText(self._wizard.recovery_text())
            document.print_(printer)


def write_private_file(path: Path, text: str) -> None:
    """Write with owner-only permissions set before any data, then replace atomically."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


class FirstRunWizard(QWizard):
    created = Signal(object)  # the open Session, after the user confirmed the recovery key

    def __init__(self, store: CaseStoreService, partner_names: Sequence[str] = (),
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyworker — set up")
        self.setAccessibleName("Set up Keyworker")
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButton, True)
        # Alt+F is the File menu and Alt+N "Next": Finish takes a letter of its own.
        self.setButtonText(QWizard.WizardButton.FinishButton, "F&inish")
        self._store = store
        self.session: Session | None = None
        self._recovery_key = ""
        self.keyring = KeyringPage(store)
        self.owner = OwnerPage(partner_names)
        self.passphrase = PassphrasePage()
        self.recovery = RecoveryPage(self)
        for page in (self.keyring, self.owner, self.passphrase, self.recovery):
            self.addPage(page)
        self.currentIdChanged.connect(self._page_changed)
        self.accepted.connect(self._finished)

    def recovery_text(self) -> str:
        return ("Keyworker recovery key\n\n" + group_key(self._recovery_key) + "\n\nKeep this "
                "with your information-governance officer. It opens the case store.\n")

    def _page_changed(self, page_id: int) -> None:
        if self.page(page_id) is self.recovery and self.session is None:
            passphrase, owner = self.passphrase.first.text(), self.owner.actor()
            self.passphrase.first.clear()
            self.passphrase.second.clear()
            store = self._store
            run_in_background(lambda: store.create(passphrase, owner), self._created,
                              self._failed)

    def _created(self, result: object) -> None:
        assert isinstance(result, tuple)
        self.session, self._recovery_key = result
        self.recovery.show_key(self._recovery_key)
        self.recovery.completeChanged.emit()

    def _failed(self, exc: BaseException) -> None:
        show_error(self, exc)
        self.restart()

    def _finished(self) -> None:
        self._recovery_key = ""
        self.recovery.key.clear()
        if self.session is not None:
            self.created.emit(self.session)
