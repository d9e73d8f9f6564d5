"""A text that changes is read out: after a wrong passphrase the unlock message's accessible
text is the message shown, whole (not cut at "If you have forgotten"), and an alert and an
announcement event were sent for it; a field in error carries its message as its
accessible description."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent, QAccessibleEvent

from keyworker_app.errors import WrongPassphraseError
from keyworker_app.gui import accessible
from tests.gui.conftest import Planted, WindowFactory

SHOTS = Path(os.environ.get("KEYWORKER_SHOTS", "/tmp/keyworker-shots"))


@pytest.fixture
def events(monkeypatch: pytest.MonkeyPatch) -> list[tuple[QAccessible.Event, str, str]]:
    """(event type, the label's accessible text, announced text) for every event sent."""
    sent: list[tuple[QAccessible.Event, str, str]] = []
    real = accessible._send

    def record(event: QAccessibleEvent) -> None:
        iface = event.accessibleInterface()
        said = event.message() if isinstance(event, QAccessibleAnnouncementEvent) else ""
        sent.append((event.type(), iface.text(QAccessible.Text.Name) if iface else "", said))
        real(event)

    monkeypatch.setattr(accessible, "_send", record)
    return sent


def test_wrong_passphrase_is_read_out_whole(qtbot: Any, planted: Planted,
                                            make_window: WindowFactory,
                                            events: list[Any]) -> None:
    window = make_window()
    screen = window.lock_screen
    screen.passphrase.setText("not the passphrase")
    screen.unlock_button.click()
    qtbot.waitUntil(lambda: not screen.busy, timeout=5000)
    wrong = WrongPassphraseError()
    shown = f"{wrong.message}\n{wrong.advice}"
    assert screen.message.text() == shown
    assert "If you have forgotten" in shown
    spoken = QAccessible.queryAccessibleInterface(screen.message).text(QAccessible.Text.Name)
    assert spoken == shown  # not "Unlock message"
    assert (QAccessible.Event.Alert, shown, "") in events
    assert (QAccessible.Event.Announcement, shown, shown) in events
    # Every wrapped line shows, inside the card: the layout grows to the message's height.
    def whole() -> bool:
        needs = screen.message.heightForWidth(screen.message.width())
        return screen.message.visibleRegion().boundingRect().height() >= needs
    qtbot.waitUntil(whole, timeout=2000)
    SHOTS.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(SHOTS / "unlock-wrong-passphrase.png"))


def test_a_field_in_error_describes_its_problem(qtbot: Any, planted: Planted,
                                                make_window: WindowFactory,
                                                events: list[Any]) -> None:
    from tests.gui.conftest import unlock

    window = make_window()
    unlock(qtbot, window)
    view = window.open_family(planted.family_id)
    assert view is not None
    dialog = view.open_person_dialog(None)
    dialog.editors["given_names"].setText("Wrenna")
    dialog.editors["date_of_birth"].setText("01/02/2099")
    dialog.try_save()
    problem = dialog.problems["date_of_birth"]
    assert problem.isVisible() and problem.text()
    editor = dialog.editors["date_of_birth"]
    message = problem.text()
    assert editor.accessibleDescription() == message
    assert any(kind == QAccessible.Event.Alert and said == message
               for kind, said, _ in events)
    dialog.editors["date_of_birth"].setText("01/02/2001")
    dialog.try_save()
    assert message not in editor.accessibleDescription()
