"""Lock when the OS session locks, the screen saver starts or the computer suspends (Linux).

Listens on D-Bus through QtDBus: ``org.freedesktop.ScreenSaver`` / ``org.gnome.ScreenSaver``
``ActiveChanged(true)`` on the session bus; logind's ``Session.Lock`` and
``Manager.PrepareForSleep(true)`` on the system bus. No bus (a container, Windows) is not an
error: the watcher logs one line and does nothing.
"""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QObject, Signal, Slot

log = logging.getLogger("keyworker.gui.session_watch")

_SESSION_SIGNALS = (
    ("org.freedesktop.ScreenSaver", "/org/freedesktop/ScreenSaver",
     "org.freedesktop.ScreenSaver", "ActiveChanged", "on_active_changed(bool)"),
    ("org.gnome.ScreenSaver", "/org/gnome/ScreenSaver",
     "org.gnome.ScreenSaver", "ActiveChanged", "on_active_changed(bool)"),
)
_SYSTEM_SIGNALS = (
    # Any of our seat's sessions: logind sends Lock on the session object's own path.
    ("org.freedesktop.login1", "", "org.freedesktop.login1.Session", "Lock", "on_lock()"),
    ("org.freedesktop.login1", "/org/freedesktop/login1",
     "org.freedesktop.login1.Manager", "PrepareForSleep", "on_prepare_for_sleep(bool)"),
)


class SessionWatcher(QObject):
    """Emits ``lock_requested`` when the desktop says the screen should be locked."""

    lock_requested = Signal(str)  # the reason, for the log

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.connected: list[str] = []
        if sys.platform.startswith("linux"):
            self._connect()

    def _connect(self) -> None:
        try:
            from PySide6.QtCore import SLOT
            from PySide6.QtDBus import QDBusConnection
        except ImportError:
            log.info("QtDBus not available; not watching for session lock or suspend")
            return
        for bus, signals in ((QDBusConnection.sessionBus(), _SESSION_SIGNALS),
                             (QDBusConnection.systemBus(), _SYSTEM_SIGNALS)):
            if not bus.isConnected():
                log.info("no D-Bus %s bus; skipping its lock signals", bus.name())
                continue
            for service, path, interface, name, slot in signals:
                # The stubs say bytes, but PySide6 only accepts the str SLOT() returns.
                if bus.connect(service, path, interface, name, self,  # type: ignore[call-overload]
                               SLOT(slot)):
                    self.connected.append(f"{interface}.{name}")
        log.info("watching %d desktop lock signals", len(self.connected))

    @Slot(bool)
    def on_active_changed(self, active: bool) -> None:
        if active:
            self.lock_requested.emit("screen saver")

    @Slot()
    def on_lock(self) -> None:
        self.lock_requested.emit("session lock")

    @Slot(bool)
    def on_prepare_for_sleep(self, sleeping: bool) -> None:
        if sleeping:
            self.lock_requested.emit("suspend")
