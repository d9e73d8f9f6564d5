"""How long the whole computer has been idle, where the platform can say.

X11: the MIT-SCREEN-SAVER extension (``XScreenSaverQueryInfo`` in libXss) reports the display's
idle milliseconds — every application's input counts. Only used when Qt runs on xcb: under
Wayland the X server (XWayland) does not see input to other clients.
Windows: ``GetLastInputInfo``. Elsewhere ``None``: the lock falls back to input seen by the app.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import sys
from collections.abc import Callable

from PySide6.QtGui import QGuiApplication

log = logging.getLogger("keyworker.gui.idle")

IdleSource = Callable[[], float | None]  # seconds idle, or None when it cannot tell now


class _XScreenSaverInfo(ctypes.Structure):
    _fields_ = [  # noqa: RUF012 - ctypes layout
        ("window", ctypes.c_ulong),
        ("state", ctypes.c_int),
        ("kind", ctypes.c_int),
        ("til_or_since", ctypes.c_ulong),
        ("idle", ctypes.c_ulong),
        ("event_mask", ctypes.c_ulong),
    ]


def x11_idle_source() -> IdleSource | None:
    if QGuiApplication.platformName() != "xcb":
        return None
    try:
        xlib = ctypes.CDLL(ctypes.util.find_library("X11") or "libX11.so.6")
        xss = ctypes.CDLL(ctypes.util.find_library("Xss") or "libXss.so.1")
    except OSError:
        log.info("libXss not available; idle time counts input to Keyworker only")
        return None
    xlib.XOpenDisplay.restype = ctypes.c_void_p
    xlib.XOpenDisplay.argtypes = [ctypes.c_char_p]
    xlib.XDefaultRootWindow.restype = ctypes.c_ulong
    xlib.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
    xss.XScreenSaverQueryExtension.argtypes = [
        ctypes.c_void_p, ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_int)]
    xss.XScreenSaverAllocInfo.restype = ctypes.POINTER(_XScreenSaverInfo)
    xss.XScreenSaverQueryInfo.argtypes = [
        ctypes.c_void_p, ctypes.c_ulong, ctypes.POINTER(_XScreenSaverInfo)]
    display = xlib.XOpenDisplay(None)
    if not display:
        log.info("cannot open the X display for idle time")
        return None
    event_base, error_base = ctypes.c_int(), ctypes.c_int()
    if not xss.XScreenSaverQueryExtension(display, ctypes.byref(event_base),
                                          ctypes.byref(error_base)):
        log.info("X server has no MIT-SCREEN-SAVER extension")
        return None
    root = xlib.XDefaultRootWindow(display)
    info = xss.XScreenSaverAllocInfo()

    def idle_seconds() -> float | None:
        if not xss.XScreenSaverQueryInfo(display, root, info):
            return None
        return float(info.contents.idle) / 1000.0

    log.info("whole-computer idle time from the X screensaver extension")
    return idle_seconds


def windows_idle_source() -> IdleSource | None:
    if sys.platform != "win32":
        return None

    class _LastInputInfo(ctypes.Structure):
        _fields_ = [("cbSize", ctypes.c_uint), ("dwTime", ctypes.c_uint)]  # noqa: RUF012

    user32 = ctypes.windll.user32  # type: ignore[attr-defined,unused-ignore]
    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined,unused-ignore]

    def idle_seconds() -> float | None:
        lii = _LastInputInfo()
        lii.cbSize = ctypes.sizeof(_LastInputInfo)
        if not user32.GetLastInputInfo(ctypes.byref(lii)):
            return None
        ticks = int(kernel32.GetTickCount()) & 0xFFFFFFFF
        return ((ticks - lii.dwTime) & 0xFFFFFFFF) / 1000.0

    return idle_seconds


def system_idle_source() -> IdleSource | None:
    """The platform's whole-computer idle clock, or None to count app input only."""
    return x11_idle_source() or windows_idle_source()
