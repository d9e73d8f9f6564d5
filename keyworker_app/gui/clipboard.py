"""Copying from a record: marked so clipboard managers skip it, and cleared afterwards.

KDE Klipper (and others following it) skip data carrying ``x-kde-passwordManagerHint`` =
``secret``. Windows clipboard history and cloud clipboard honour the exclusion formats below.
The guard clears the clipboard after the policy's interval, or on lock, but only if it still holds
what Keyworker put there: it never wipes something the user copied from another program.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QMimeData, QObject, QTimer
from PySide6.QtGui import QClipboard, QGuiApplication

KDE_HINT = "x-kde-passwordManagerHint"
_WIN = 'application/x-qt-windows-mime;value="{}"'
WINDOWS_FORMATS = {
    _WIN.format("ExcludeClipboardContentFromMonitorProcessing"): b"\x00\x00\x00\x00",
    _WIN.format("CanIncludeInClipboardHistory"): b"\x00\x00\x00\x00",
    _WIN.format("CanUploadToCloudClipboard"): b"\x00\x00\x00\x00",
}


def protected_mime(text: str) -> QMimeData:
    mime = QMimeData()
    mime.setText(text)
    mime.setData(KDE_HINT, b"secret")
    if sys.platform == "win32":
        for fmt, value in WINDOWS_FORMATS.items():
            mime.setData(fmt, value)
    return mime


class ClipboardGuard(QObject):
    def __init__(self, clear_after_seconds: int = 30, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ours: str | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(max(1, clear_after_seconds) * 1000)
        self._timer.timeout.connect(self.clear)

    @staticmethod
    def _clipboard() -> QClipboard:
        return QGuiApplication.clipboard()

    def copy(self, text: str) -> None:
        self._clipboard().setMimeData(protected_mime(text))
        self._ours = text
        self._timer.start()

    def holds_ours(self) -> bool:
        if self._ours is None:
            return False
        return self._clipboard().text() == self._ours

    def clear(self) -> None:
        """Empty the clipboard if it still holds our copy; forget it either way."""
        self._timer.stop()
        if self.holds_ours():
            clipboard = self._clipboard()
            clipboard.clear(QClipboard.Mode.Clipboard)
            if clipboard.supportsSelection():
                clipboard.clear(QClipboard.Mode.Selection)
        self._ours = None
