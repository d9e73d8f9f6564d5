""""Discard changes?" for a form closed with Cancel or Escape while it holds unsaved typing.

The question is asked without blocking (``open``), so a lock arriving meanwhile closes it with
the form; the form's typing is then kept as a draft by the lock, never discarded.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMessageBox, QWidget

DISCARD_TITLE = "Discard changes?"


def ask_discard(parent: QWidget, discard: Callable[[], None]) -> QMessageBox:
    """Ask whether to throw away what was typed; ``discard()`` runs only on Discard."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(DISCARD_TITLE)
    box.setText("Discard the changes you have typed?")
    box.setInformativeText("They have not been saved.")
    box.setAccessibleName(DISCARD_TITLE)
    keep = box.addButton("&Keep editing", QMessageBox.ButtonRole.RejectRole)
    drop = box.addButton("&Discard", QMessageBox.ButtonRole.DestructiveRole)
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    box.setObjectName("discardPrompt")

    def answered(_code: int) -> None:
        if box.clickedButton() is drop:
            discard()

    box.finished.connect(answered)
    box.open()
    return box
