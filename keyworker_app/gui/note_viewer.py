"""One case note read in full, with its amendments; amending it keeps the original text.

The contact log's table shows a note's first line or so; this window shows all of it. It
takes no typing itself (nothing to keep through a lock): "Amend…" opens a form that does.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from keyworker_app.domain.dates import format_datetime
from keyworker_app.domain.family import CaseNote
from keyworker_app.gui.form_dialog import FieldSpec
from keyworker_app.gui.widgets import action_button

AMEND_FORM = "case-note-amend"
AMEND_TEXT_MAX = 20_000


def note_text(note: CaseNote, about: str) -> str:
    """The note as the viewer shows it: heading lines, the original text, each amendment."""
    lines = [f"{note.kind.label} — {format_datetime(note.occurred_at)}",
             f"About: {about}", f"Recorded by: {note.author}", "", note.summary]
    for number, amendment in enumerate(note.amendments, 1):
        lines += ["", f"Amendment {number} — {format_datetime(amendment.amended_at)} by "
                      f"{amendment.author}", f"Reason: {amendment.reason}", "", amendment.text]
    return "\n".join(lines)


def _required(text: str, what: str) -> str | None:
    if not text.strip():
        return f"Type {what}."
    if len(text) > AMEND_TEXT_MAX:
        return f"Keep it under {AMEND_TEXT_MAX:,} characters."
    return None


def amend_fields() -> list[FieldSpec]:
    return [
        FieldSpec("text", "&Amended text", lambda t: _required(t, "the amended text"),
                  multiline=True,
                  hint="The note as it should read now. The original stays in the record."),
        FieldSpec("reason", "&Reason for the amendment",
                  lambda t: _required(t, "why the note is being amended"), multiline=True),
    ]


class NoteViewer(QDialog):
    """A read-only window over one note; ``amend`` opens the amendment form for it."""

    def __init__(self, note: CaseNote, about: str, amend: Callable[[], object],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Case note")
        self.setAccessibleName("Case note")
        self.setObjectName("noteViewer")
        self.resize(620, 480)
        heading = QLabel("The whole note, with any amendments below it (newest last).")
        heading.setWordWrap(True)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setAccessibleName("Note text")
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard
                                          | Qt.TextInteractionFlag.TextSelectableByMouse)
        self.amend_button = action_button("&Amend…", "Amend this note", amend)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.amend_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        self.show_note(note, about)

    def show_note(self, note: CaseNote, about: str) -> None:
        self.note = note
        self.text.setPlainText(note_text(note, about))
