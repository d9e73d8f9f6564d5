"""The desktop's own lock signals lock Keyworker (needs a D-Bus session bus).

``make test`` runs the suite inside a private ``dbus-run-session``, so this runs there;
a plain ``pytest`` without a session bus skips it.
"""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtDBus import QDBusConnection, QDBusMessage

from keyworker_app.gui.session_watch import SessionWatcher


@pytest.fixture
def session_bus() -> QDBusConnection:
    bus = QDBusConnection.sessionBus()
    if not bus.isConnected():
        pytest.skip("no D-Bus session bus (make test provides one)")
    return bus


@pytest.mark.parametrize("interface", ["org.freedesktop.ScreenSaver", "org.gnome.ScreenSaver"])
def test_screen_saver_starting_requests_a_lock(qtbot: Any, session_bus: QDBusConnection,
                                               interface: str) -> None:
    # Play the screen saver: own its well-known name, as the real one does, so the
    # watcher's match on the sending service applies to our signals.
    assert session_bus.registerService(interface)
    watcher = SessionWatcher()
    assert f"{interface}.ActiveChanged" in watcher.connected
    path = "/" + interface.replace(".", "/")

    def emit(active: bool) -> None:
        message = QDBusMessage.createSignal(path, interface, "ActiveChanged")
        message.setArguments([active])
        assert session_bus.send(message)

    with qtbot.assertNotEmitted(watcher.lock_requested, wait=300):
        emit(False)  # the screen saver stopping is no reason to lock
    with qtbot.waitSignal(watcher.lock_requested, timeout=3000) as blocker:
        emit(True)
    assert blocker.args == ["screen saver"]
    session_bus.unregisterService(interface)
