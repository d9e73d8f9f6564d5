"""Windows session lock and suspend: the message mapping and the nativeEvent path.

The ctypes registration itself only runs on Windows (see the module docstring of
``keyworker_app.gui.win_session`` for what these Linux tests cannot show).
"""

from __future__ import annotations

import ctypes
from ctypes import wintypes
from typing import Any

import pytest
import shiboken6

from keyworker_app.gui import win_session as ws
from tests.gui.conftest import WindowFactory, unlock


@pytest.mark.parametrize(("message", "wparam", "reason"), [
    (ws.WM_WTSSESSION_CHANGE, ws.WTS_SESSION_LOCK, "session lock"),
    (ws.WM_WTSSESSION_CHANGE, ws.WTS_REMOTE_DISCONNECT, "session disconnect"),
    (ws.WM_WTSSESSION_CHANGE, ws.WTS_CONSOLE_DISCONNECT, "session disconnect"),
    (ws.WM_POWERBROADCAST, ws.PBT_APMSUSPEND, "suspend"),
    (ws.WM_WTSSESSION_CHANGE, 0x8, None),  # WTS_SESSION_UNLOCK
    (ws.WM_WTSSESSION_CHANGE, 0x1, None),  # WTS_CONSOLE_CONNECT
    (ws.WM_POWERBROADCAST, 0x7, None),  # PBT_APMRESUMESUSPEND
    (ws.WM_POWERBROADCAST, 0x12, None),  # PBT_APMRESUMEAUTOMATIC
    (0x0010, ws.WTS_SESSION_LOCK, None),  # WM_CLOSE with a look-alike wParam
    (0x0100, ws.PBT_APMSUSPEND, None),  # WM_KEYDOWN
])
def test_lock_reason(message: int, wparam: int, reason: str | None) -> None:
    assert ws.lock_reason(message, wparam) == reason


def _ptr(msg: wintypes.MSG) -> shiboken6.VoidPtr:
    """What Qt hands nativeEvent: a VoidPtr to the MSG."""
    return shiboken6.VoidPtr(ctypes.addressof(msg))


def _msg(message: int, wparam: int) -> wintypes.MSG:
    msg = wintypes.MSG()
    msg.message = message
    msg.wParam = wparam
    return msg


def test_native_event_locks_the_window(qtbot: Any, make_window: WindowFactory) -> None:
    window = make_window()
    unlock(qtbot, window)
    notifications = ws.SessionNotifications(window, enabled=True)
    assert not notifications.registered  # registration is Windows-only
    window.session_notifications = notifications
    notifications.lock_requested.connect(window.lock.lock)

    unlock_msg = _msg(ws.WM_WTSSESSION_CHANGE, 0x8)
    window.nativeEvent(ws.NATIVE_EVENT_TYPE, _ptr(unlock_msg))
    window.nativeEvent(b"xcb_generic_event_t", _ptr(_msg(
        ws.WM_WTSSESSION_CHANGE, ws.WTS_SESSION_LOCK)))  # not a Windows message
    assert not window.lock.is_locked

    lock_msg = _msg(ws.WM_WTSSESSION_CHANGE, ws.WTS_SESSION_LOCK)
    with qtbot.waitSignal(notifications.lock_requested) as blocker:
        handled = window.nativeEvent(ws.NATIVE_EVENT_TYPE, _ptr(lock_msg))
    assert blocker.args == ["session lock"]
    assert window.lock.is_locked
    assert handled == (False, 0)  # never consumed: Windows' own handling goes on

    unlock(qtbot, window)
    suspend = _msg(ws.WM_POWERBROADCAST, ws.PBT_APMSUSPEND)
    window.nativeEvent(ws.NATIVE_EVENT_TYPE, _ptr(suspend))
    assert window.lock.is_locked


def test_disabled_off_windows(qtbot: Any, make_window: WindowFactory) -> None:
    window = make_window()
    notifications = ws.SessionNotifications(window)  # the platform default
    assert not notifications.registered
    emitted: list[str] = []
    notifications.lock_requested.connect(emitted.append)
    lock_msg = _msg(ws.WM_WTSSESSION_CHANGE, ws.WTS_SESSION_LOCK)
    notifications.native_event(ws.NATIVE_EVENT_TYPE, _ptr(lock_msg))
    notifications.native_event(ws.NATIVE_EVENT_TYPE, shiboken6.VoidPtr(0))
    assert emitted == []
    notifications.unregister()  # harmless when never registered
