"""Back up, Change passphrase and Use recovery key from the app: the command line's
``backup``, ``passwd`` and ``recover`` with the same checks (the store's own) and the same
messages, including what they say about older copies.

Each runs its slow part (a key derivation, a copy of the store) on a worker thread. Nothing
typed here is ever kept as a draft: a lock closes the dialog and forgets the passphrases.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from keyworker_app.errors import UserFacingError, ValidationError
from keyworker_app.gui.accessible import style_error
from keyworker_app.gui.discard_prompt import ask_discard
from keyworker_app.gui.errors import show_error
from keyworker_app.gui.form_dialog import DraftRegistry, fit_wrapped_text
from keyworker_app.gui.widgets import action_button
from keyworker_app.gui.worker import run_in_background

PASSWD_DONE = (
    "Passphrase changed. The old passphrase no longer opens this store.",
    "Older copies are not changed: a backup made before now (or a saved copy of the key "
    "header) still opens with the OLD passphrase on this computer, and with the recovery key "
    "anywhere. Next step: make a fresh backup now (File → Back up…) and destroy the older "
    "backups.")
RECOVERED = ("Store recovered and bound to this computer.",
             "Use your new passphrase from now on.")


def backup_done(dest: Path) -> tuple[str, str]:
    return (f"Encrypted backup written to {dest}.", "On this computer it restores with "
            "today's passphrase; on another computer it needs the recovery key.")


@dataclass(frozen=True, slots=True)
class Field:
    key: str
    label: str
    secret: bool = True
    path: bool = False  # a file to write, with a Browse… button


class StoreTaskDialog(QDialog):
    """A few fields, one action run off the GUI thread, the outcome said in plain words."""

    completed = Signal(object)  # what the work returned

    def __init__(self, parent: QWidget | None, title: str, intro: str, fields: list[Field], *,
                 action: str, work: Callable[[dict[str, str]], Any],
                 check: Callable[[dict[str, str]], dict[str, str]] | None = None,
                 registry: DraftRegistry | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setModal(True)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._work = work
        self._check = check
        self._for_lock = False
        self.busy = False
        self.discard_box: QMessageBox | None = None
        self.editors: dict[str, QLineEdit] = {}
        self.problems: dict[str, QLabel] = {}
        text = QLabel(intro)
        text.setWordWrap(True)
        form = QFormLayout()
        for spec in fields:
            editor = QLineEdit()
            editor.setObjectName(f"field_{spec.key}")
            editor.setAccessibleName(spec.label.replace("&", ""))
            if spec.secret:
                editor.setEchoMode(QLineEdit.EchoMode.Password)
            label = QLabel(spec.label)
            label.setBuddy(editor)
            problem = QLabel()
            problem.setWordWrap(True)
            style_error(problem)
            problem.setVisible(False)
            column = QVBoxLayout()
            row = QHBoxLayout()
            row.addWidget(editor, 1)
            if spec.path:
                row.addWidget(action_button("&Browse…", "Choose the file",
                                            self._browser(editor)))
            column.addLayout(row)
            column.addWidget(problem)
            form.addRow(label, column)
            self.editors[spec.key] = editor
            self.problems[spec.key] = problem
        self.general = QLabel()
        self.general.setWordWrap(True)
        style_error(self.general)
        self.general.setVisible(False)
        self.problems[""] = self.general
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.action_button = self.buttons.addButton(action,
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.action_button.setAccessibleName(action.replace("&", ""))
        self.action_button.setDefault(True)
        self.buttons.accepted.connect(self.run)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addLayout(form)
        layout.addWidget(self.general)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)
        if registry is not None:  # only so a lock closes it without asking; nothing kept
            registry.register_editor(self)
            self.finished.connect(lambda _c: registry.unregister_editor(self))

    def _browser(self, editor: QLineEdit) -> Callable[[], None]:
        def browse() -> None:
            dialog = QFileDialog(self, "Back up to", editor.text() or str(Path.home()))
            dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
            dialog.fileSelected.connect(editor.setText)
            dialog.open()
        return browse

    def values(self) -> dict[str, str]:
        return {key: editor.text() for key, editor in self.editors.items()}

    def collect_draft(self) -> None:
        self._for_lock = True  # a passphrase is never kept; the lock closes this next

    def show_problems(self, problems: dict[str, str]) -> None:
        for key, label in self.problems.items():
            label.setText(problems.get(key, ""))
            label.setVisible(key in problems)
        fit_wrapped_text(self)  # a message that wraps gets the lines it needs
        first = next((self.editors[k] for k in self.editors if k in problems), None)
        if first is not None:
            first.setFocus()

    def run(self) -> None:
        if self.busy:
            return
        values = self.values()
        problems = self._check(values) if self._check else {}
        if problems:
            self.show_problems(problems)
            return
        self.show_problems({})
        self.busy = True
        self.action_button.setEnabled(False)
        self.setCursor(Qt.CursorShape.BusyCursor)
        run_in_background(lambda: self._work(values), self._succeeded, self._failed)

    def _succeeded(self, result: object) -> None:
        self.busy = False
        self.completed.emit(result)
        if self.isVisible():
            super().accept()

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self.unsetCursor()
        self.action_button.setEnabled(True)
        if not self.isVisible():
            return
        if isinstance(exc, ValidationError):  # by its field when the message names one
            key = next((k for k, e in self.editors.items()
                        if e.accessibleName().lower() == exc.field.lower()), "")
            text = exc.problem[:1].upper() + exc.problem[1:] if key else exc.message
            self.show_problems({key: text if text.endswith(".") else f"{text}."})
        elif isinstance(exc, UserFacingError):  # said here, beside what was typed
            self.show_problems({"": f"{exc.message} {exc.advice}".strip()})
        else:
            show_error(self, exc)

    def reject(self) -> None:
        changed = any(self.values().values())
        if self._for_lock or not changed or not self.isVisible():
            super().reject()
        elif self.discard_box is None:
            self.discard_box = ask_discard(self, super().reject)
            self.discard_box.finished.connect(lambda _c: setattr(self, "discard_box", None))


def new_passphrase_check(values: dict[str, str]) -> dict[str, str]:
    """Both copies of the new passphrase agree (its strength is the store's check)."""
    problems = {key: "This cannot be empty." for key in values if not values[key]}
    if not problems and values["new"] != values["again"]:
        problems["again"] = "The two new passphrases are not the same."
    return problems
