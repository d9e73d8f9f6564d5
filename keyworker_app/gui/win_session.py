"""Lock when Windows locks the session, disconnects it or suspends the computer.

``WTSRegisterSessionNotification(hwnd, NOTIFY_FOR_THIS_SESSION)`` on the main window's native
handle makes Windows send it ``WM_WTSSESSION_CHANGE``; every top-level window gets
``WM_POWERBROADCAST`` without registering. The main window's ``nativeEvent`` passes each message
to ``SessionNotifications.native_event``, which reads the ``MSG`` and maps (message, wParam) to a
lock reason with the pure function ``lock_reason`` — the only part tested on Linux:

- ``WM_WTSSESSION_CHANGE`` with ``WTS_SESSION_LOCK`` (Win+L, Ctrl+Alt+Del → Lock, the screen
  saver's "on resume, display logon screen"), ``WTS_CONSOLE_DISCONNECT`` (switch user) or
  ``WTS_REMOTE_DISCONNECT`` (a Remote Desktop client closed with the session left running);
- ``WM_POWERBROADCAST`` with ``PBT_APMSUSPEND`` (sleep or hibernate).

What cannot be verified on Linux (the tests run there): that the ctypes calls load and succeed
(``wtsapi32.dll``), that Qt hands these messages to ``nativeEvent`` as ``windows_generic_MSG``
with a pointer to a ``MSG``, that registration follows the window when Qt recreates its native
handle (``QEvent.WinIdChange`` is handled for that), and that ``PBT_APMSUSPEND`` arrives on
Modern Standby (S0 low-power idle) machines, where Windows may only send it when the system
really suspends, not when the screen goes off; the idle lock and the session lock cover that
case. These need a manual check on Windows 10/11: lock with Win+L, sleep from the Start menu,
and disconnect a Remote Desktop session, then confirm the log line "locked (session lock)".
"""

from __future__ import annotations

import ctypes
import logging
import sys
from typing import Any

from PySide6.QtCore import QByteArray, QEvent, QObject, Signal
from PySide6.QtWidgets import QWidget

log = logging.getLogger("keyworker.gui.win_session")

WM_WTSSESSION_CHANGE = 0x02B1
WM_POWERBROADCAST = 0x0218
WTS_CONSOLE_DISCONNECT = 0x2
WTS_REMOTE_DISCONNECT = 0x4
WTS_SESSION_LOCK = 0x7
PBT_APMSUSPEND = 0x4
NOTIFY_FOR_THIS_SESSION = 0
NATIVE_EVENT_TYPE = b"windows_generic_MSG"

_REASONS = {
    (WM_WTSSESSION_CHANGE, WTS_SESSION_LOCK): "session lock",
    (WM_WTSSESSION_CHANGE, WTS_CONSOLE_DISCONNECT): "session disconnect",
    (WM_WTSSESSION_CHANGE, WTS_REMOTE_DISCONNECT): "session disconnect",
    (WM_POWERBROADCAST, PBT_APMSUSPEND): "suspend",
}


def lock_reason(message: int, wparam: int) -> str | None:
    """The reason to lock for a window message, or None for every other message."""
    return _REASONS.get((message, wparam))


def _message_and_wparam(address: int) -> tuple[int, int]:
    from ctypes import wintypes

    msg = wintypes.MSG.from_address(address)
    return int(msg.message), int(msg.wParam or 0)


class SessionNotifications(QObject):
    """Registers a window for session notifications (Windows) and reports lock reasons.

    On other platforms it neither registers nor (unless a test asks) reads messages:
    ``session_watch`` covers Linux through D-Bus.
    """

    lock_requested = Signal(str)

    def __init__(self, window: QWidget, *, enabled: bool = sys.platform == "win32") -> None:
        super().__init__(window)
        self._window = window
        self._enabled = enabled
        self._hwnd: int | None = None
        if enabled and sys.platform == "win32":  # pragma: no cover - Windows only
            self._register()
            window.installEventFilter(self)

    @property
    def registered(self) -> bool:
        return self._hwnd is not None

    def native_event(self, event_type: QByteArray | bytes | bytearray | memoryview,
                     message: Any) -> None:
        """Called from the window's ``nativeEvent``; never consumes the message.

        ``message`` is the ``MSG`` pointer: a ``shiboken6.VoidPtr`` at run time (the stubs say
        int), which ``int()`` turns into the address (it has no truth value).
        """
        if not self._enabled:
            return
        kind = event_type.data() if isinstance(event_type, QByteArray) else bytes(event_type)
        if kind != NATIVE_EVENT_TYPE:
            return
        try:
            address = int(message)
            if not address:
                return
            reason = lock_reason(*_message_and_wparam(address))
        except Exception as exc:  # a bad pointer must never take the app down
            log.error("could not read a window message: %s", type(exc).__name__)
            return
        if reason is not None:
            self.lock_requested.emit(reason)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if watched is self._window and event.type() == QEvent.Type.WinIdChange:
            self.unregister()
            self._register()
        return False

    def _register(self) -> None:  # pragma: no cover - Windows only
        hwnd = int(self._window.winId())
        try:
            wtsapi32 = ctypes.windll.wtsapi32  # type: ignore[attr-defined,unused-ignore]
            ok = bool(wtsapi32.WTSRegisterSessionNotification(hwnd, NOTIFY_FOR_THIS_SESSION))
        except (AttributeError, OSError) as exc:
            log.warning("session notifications unavailable: %s", type(exc).__name__)
            return
        if ok:
            self._hwnd = hwnd
            log.info("registered for Windows session notifications")
        else:
            log.warning("WTSRegisterSessionNotification failed")

    def unregister(self) -> None:
        hwnd, self._hwnd = self._hwnd, None
        if hwnd is None:
            return
        try:  # pragma: no cover - Windows only
            ctypes.windll.wtsapi32.WTSUnRegisterSessionNotification(  # type: ignore[attr-defined,unused-ignore]
                hwnd)
        except (AttributeError, OSError) as exc:  # pragma: no cover
            log.warning("could not unregister session notifications: %s", type(exc).__name__)
