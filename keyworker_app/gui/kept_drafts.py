"""Unsaved work that could not reopen its form: listed, readable as text, kept until dismissed.

A draft lands here when it no longer fits its form (the app has changed since it was typed) or
its record is no longer there. Nothing is lost and nothing is raised: the user reads what was
typed ("Show what was typed"), may copy it (through the clipboard guard, so it is cleared
again), and dismisses it when done. Closing the list keeps everything for the next unlock and
for File → Unsaved work kept. The lock closes both dialogs like every other window.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from keyworker_app.gui.form_dialog import fit_wrapped_text
from keyworker_app.gui.widgets import action_button, button_row, confirm_box

TITLE = "Unsaved work kept"
INTRO = ("This work was typed before the screen locked but could not be put back into its "
         "form. It is kept, encrypted in the case store, until you dismiss it. Read what was "
         "typed, enter it again where it belongs, then dismiss it.")


@dataclass(frozen=True, slots=True)
class KeptEntry:
    draft_id: int
    heading: str  # what it was and where: "Case note — KW-0002"
    saved: str  # when, local time as shown everywhere: "01/12/2026 21:40"
    reason: str  # why it could not reopen, in plain words
    text: str  # everything typed, as text


def _wrapping(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


class TypedTextDialog(QDialog):
    """What was typed in one kept draft, read-only and selectable."""

    def __init__(self, entry: KeptEntry, copy: Callable[[str], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("What was typed")
        self.setAccessibleName(f"What was typed: {entry.heading}")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setModal(True)
        heading = _wrapping(entry.heading)
        font = QFont(heading.font())
        font.setBold(True)
        heading.setFont(font)
        saved = _wrapping(f"Kept when the screen locked at {entry.saved}. {entry.reason}")
        self.text = QPlainTextEdit(entry.text)
        self.text.setReadOnly(True)
        self.text.setAccessibleName("What was typed")
        self.text.setTabChangesFocus(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard
                                          | Qt.TextInteractionFlag.TextSelectableByMouse)
        self.copy_button = action_button("&Copy all", "Copy everything that was typed",
                                         lambda: copy(entry.text))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(saved)
        layout.addWidget(self.text, 1)
        row = button_row([self.copy_button])
        row.addWidget(buttons)
        layout.addLayout(row)
        self.resize(560, 420)
        self.text.setFocus()


class KeptDraftsDialog(QDialog):
    def __init__(self, entries: Sequence[KeptEntry], *, dismiss: Callable[[int], bool],
                 copy: Callable[[str], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.setAccessibleName(TITLE)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setModal(True)
        self._dismiss = dismiss
        self._copy = copy
        self.entries: list[KeptEntry] = list(entries)
        self.text_dialog: TypedTextDialog | None = None
        self.confirm: QMessageBox | None = None
        intro = _wrapping(INTRO)
        self.list = QListWidget()
        self.list.setAccessibleName(TITLE)
        self.reason = _wrapping()
        label = QLabel("&Kept work")
        label.setBuddy(self.list)
        self.show_button = action_button("&Show what was typed",
                                         "Show what was typed in the selected work",
                                         self.show_typed)
        self.dismiss_button = action_button("&Dismiss…", "Dismiss the selected work",
                                            self.ask_dismiss)
        self.close_button = QPushButton("Keep and c&lose")
        self.close_button.setAccessibleDescription("Keep it all and close")
        self.close_button.clicked.connect(lambda _c=False: self.reject())
        self.show_button.setDefault(True)
        row = button_row([self.show_button, self.dismiss_button])
        row.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(label)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.reason)
        layout.addLayout(row)
        self.list.currentRowChanged.connect(lambda _r: self._selected_changed())
        self.list.itemActivated.connect(lambda _i: self.show_typed())
        self._fill()
        self.resize(600, 380)
        self.list.setFocus()

    def _fill(self) -> None:
        self.list.clear()
        for entry in self.entries:
            item = QListWidgetItem(f"{entry.heading} — kept {entry.saved}")
            item.setData(Qt.ItemDataRole.UserRole, entry.draft_id)
            self.list.addItem(item)
        if self.entries:
            self.list.setCurrentRow(0)
        self._selected_changed()

    def _selected_changed(self) -> None:
        entry = self.selected()
        self.reason.setText(entry.reason if entry else "")
        for button in (self.show_button, self.dismiss_button):
            button.setEnabled(entry is not None)
        fit_wrapped_text(self)

    def selected(self) -> KeptEntry | None:
        row = self.list.currentRow()
        return self.entries[row] if 0 <= row < len(self.entries) else None

    def show_typed(self) -> TypedTextDialog | None:
        entry = self.selected()
        if entry is None:
            return None
        dialog = TypedTextDialog(entry, self._copy, self)
        dialog.finished.connect(lambda _c: setattr(self, "text_dialog", None))
        self.text_dialog = dialog
        dialog.open()
        return dialog

    def ask_dismiss(self) -> QMessageBox | None:
        entry = self.selected()
        if entry is None:
            return None
        def confirmed() -> None:
            if entry in self.entries and self._dismiss(entry.draft_id):
                self.entries.remove(entry)
                self._fill()
                if not self.entries:
                    self.accept()

        box = confirm_box(self, "Dismiss unsaved work", f"Dismiss “{entry.heading}”?",
                          detail="What was typed is deleted from the case store and cannot "
                          "be brought back.", confirm_text="&Dismiss", confirmed=confirmed,
                          answered=lambda: setattr(self, "confirm", None))
        self.confirm = box
        return box
