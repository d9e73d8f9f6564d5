"""A private X display for tests and benchmarks, and waits on what the display shows.

``start_xvfb`` lets Xvfb pick a free display number (``-displayfd``), so parallel runs never
collide. ``MapWatch`` listens on the root window for top-level windows being mapped — no
polling — so a benchmark can time "process started → window on screen" to the event.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import select
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager

SCREEN = "1280x1024x24"


def start_xvfb() -> tuple[subprocess.Popen[bytes], str]:
    """Xvfb on a display number it chose itself; returns the process and ``:N``."""
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0", SCREEN,
                             "-nolisten", "tcp"], pass_fds=(write_fd,),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        number = pipe.readline().strip()
    if not number:
        proc.kill()
        proc.wait(10)
        raise RuntimeError("Xvfb did not start")
    return proc, f":{number}"


@contextmanager
def xvfb_display() -> Iterator[str]:
    """``with xvfb_display() as display:`` a fresh Xvfb for the block."""
    proc, display = start_xvfb()
    try:
        yield display
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def x_env(display: str, **extra: str) -> dict[str, str]:
    """This process's environment pointed at ``display`` (Qt on xcb, no Wayland)."""
    env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb", **extra)
    env.pop("WAYLAND_DISPLAY", None)
    return env


# -- Xlib through ctypes: only the calls a map watch needs ----------------------------------
_MAP_NOTIFY = 19
_SUBSTRUCTURE_NOTIFY_MASK = 1 << 19


class _MapEvent(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("serial", ctypes.c_ulong), ("send_event", ctypes.c_int),
                ("display", ctypes.c_void_p), ("event", ctypes.c_ulong),
                ("window", ctypes.c_ulong), ("override_redirect", ctypes.c_int)]


class _Event(ctypes.Union):
    _fields_ = [("type", ctypes.c_int), ("map", _MapEvent), ("pad", ctypes.c_long * 24)]


def _xlib() -> ctypes.CDLL:
    name = ctypes.util.find_library("X11")
    if name is None:
        raise RuntimeError("libX11 is not installed")
    lib = ctypes.CDLL(name)
    lib.XOpenDisplay.restype = ctypes.c_void_p
    lib.XOpenDisplay.argtypes = [ctypes.c_char_p]
    lib.XDefaultRootWindow.restype = ctypes.c_ulong
    lib.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
    lib.XSelectInput.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_long]
    lib.XConnectionNumber.argtypes = [ctypes.c_void_p]
    lib.XPending.argtypes = [ctypes.c_void_p]
    lib.XNextEvent.argtypes = [ctypes.c_void_p, ctypes.POINTER(_Event)]
    lib.XFlush.argtypes = [ctypes.c_void_p]
    lib.XInternAtom.restype = ctypes.c_ulong
    lib.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    lib.XGetWindowProperty.argtypes = [
        ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_long, ctypes.c_long,
        ctypes.c_int, ctypes.c_ulong, ctypes.POINTER(ctypes.c_ulong),
        ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_ulong),
        ctypes.POINTER(ctypes.c_ulong), ctypes.POINTER(ctypes.c_void_p)]
    lib.XFree.argtypes = [ctypes.c_void_p]
    lib.XCloseDisplay.argtypes = [ctypes.c_void_p]
    return lib


class MapWatch:
    """Top-level windows mapped on ``display`` from now on, as they happen."""

    def __init__(self, display: str) -> None:
        self._x = _xlib()
        end = time.monotonic() + 10
        self._dpy = self._x.XOpenDisplay(display.encode())
        while not self._dpy and time.monotonic() < end:  # a busy server may answer late
            time.sleep(0.05)
            self._dpy = self._x.XOpenDisplay(display.encode())
        if not self._dpy:
            raise RuntimeError(f"cannot open display {display}")
        root = self._x.XDefaultRootWindow(self._dpy)
        self._x.XSelectInput(self._dpy, root, _SUBSTRUCTURE_NOTIFY_MASK)
        self._x.XFlush(self._dpy)

    def _title(self, window: int) -> str:
        """The window's _NET_WM_NAME (UTF-8), as Qt sets it; empty if it has none."""
        atom = self._x.XInternAtom(self._dpy, b"_NET_WM_NAME", 0)
        kind, fmt = ctypes.c_ulong(), ctypes.c_int()
        count, after, data = ctypes.c_ulong(), ctypes.c_ulong(), ctypes.c_void_p()
        status = self._x.XGetWindowProperty(
            self._dpy, window, atom, 0, 1024, 0, 0, ctypes.byref(kind), ctypes.byref(fmt),
            ctypes.byref(count), ctypes.byref(after), ctypes.byref(data))  # 0: AnyPropertyType
        if status != 0 or not data.value:
            return ""
        try:
            return ctypes.string_at(data.value, count.value).decode("utf-8", "replace")
        finally:
            self._x.XFree(data)

    def wait_for(self, title_prefix: str, timeout: float) -> float:
        """Block until a window whose title starts with ``title_prefix`` is mapped; returns
        ``time.perf_counter()`` at that moment. Raises ``TimeoutError``."""
        end = time.perf_counter() + timeout
        fd = self._x.XConnectionNumber(self._dpy)
        event = _Event()
        while True:
            while self._x.XPending(self._dpy):
                self._x.XNextEvent(self._dpy, ctypes.byref(event))
                if event.type == _MAP_NOTIFY:
                    at = time.perf_counter()
                    if self._title(event.map.window).startswith(title_prefix):
                        return at
            left = end - time.perf_counter()
            if left <= 0:
                raise TimeoutError(f"no window titled {title_prefix!r} was mapped")
            select.select([fd], [], [], left)

    def close(self) -> None:
        if self._dpy:
            self._x.XCloseDisplay(self._dpy)
            self._dpy = None
