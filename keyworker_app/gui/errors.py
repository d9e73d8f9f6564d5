"""The one way the GUI shows errors.

A ``UserFacingError`` is shown as it is (message and what to do next). Anything else is a bug:
the crash dialog says so without any exception text, which could contain personal data, and only
the exception's type is logged.
"""

from __future__ import annotations

import logging
import sys
from types import TracebackType

from PySide6.QtWidgets import QMessageBox, QWidget

from keyworker_app.errors import UserFacingError

log = logging.getLogger("keyworker.gui.errors")

CRASH_MESSAGE = "Something went wrong inside Keyworker."
CRASH_ADVICE = (
    "Your saved records are safe. Close and reopen Keyworker; if this keeps happening, tell "
    "your IT service desk what you were doing (do not send screenshots of case records)."
)


def _box(parent: QWidget | None, title: str, text: str, advice: str,
         icon: QMessageBox.Icon) -> QMessageBox:
    box = QMessageBox(parent)
    box.setIcon(icon)
    box.setWindowTitle(title)
    box.setText(text)
    box.setInformativeText(advice)
    box.setAccessibleName(title)
    box.setAccessibleDescription(f"{text} {advice}".strip())
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.setObjectName("errorBox")
    box.open()  # not exec(): a lock must be able to close it
    return box


def show_error(parent: QWidget | None, exc: BaseException) -> QMessageBox:
    """Show a known problem plainly, or the crash dialog for anything else."""
    if isinstance(exc, UserFacingError):
        return _box(parent, "Keyworker", exc.message, exc.advice, QMessageBox.Icon.Warning)
    log.error("unexpected error: %s", type(exc).__name__)
    return _box(parent, "Keyworker — problem", CRASH_MESSAGE, CRASH_ADVICE,
                QMessageBox.Icon.Critical)


def install_excepthook(parent: QWidget | None = None) -> None:
    """Route uncaught exceptions (including in Qt slots) to ``show_error``."""

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        show_error(parent, exc)

    sys.excepthook = hook
