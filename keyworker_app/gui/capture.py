"""Screen-capture protection for every top-level window.

Windows 10 2004+ honours ``SetWindowDisplayAffinity(hwnd, WDA_EXCLUDEFROMCAPTURE)``: screenshots,
screen sharing and recording show the window as black. Linux has no equivalent (X11 lets any
client read the screen; Wayland compositors decide themselves), so on Linux this is a no-op: the
clear-screen lock and the organisation's device policy are the protection there.
"""

from __future__ import annotations

import ctypes
import logging
import sys

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QWidget

log = logging.getLogger("keyworker.gui.capture")

WDA_EXCLUDEFROMCAPTURE = 0x11


def available() -> bool:
    return sys.platform == "win32"


def protect_window(widget: QWidget) -> bool:
    """Exclude one top-level window from capture. False where the platform cannot."""
    if sys.platform != "win32" or not widget.isWindow():
        return False
    user32 = ctypes.windll.user32  # type: ignore[attr-defined,unused-ignore]
    ok = bool(user32.SetWindowDisplayAffinity(int(widget.winId()), WDA_EXCLUDEFROMCAPTURE))
    if not ok:
        log.warning("SetWindowDisplayAffinity failed")
    return ok


class CaptureGuard(QObject):
    """App-wide event filter: protect each window as it is first shown."""

    def __init__(self, enabled: bool, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.enabled = enabled and available()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if (self.enabled and event.type() == QEvent.Type.Show
                and isinstance(watched, QWidget) and watched.isWindow()):
            protect_window(watched)
        return False
