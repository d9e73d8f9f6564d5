"""An open serious breach's 72-hour clock shows in the status bar, whatever page is open,
until the regulator is told; a lock clears it."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from keyworker_app.gui.main_window import MainWindow
from tests.gui.programme_samples import NOW


def test_status_bar_shows_the_breach_clock_until_reported(
        qtbot: Any, programme_window: MainWindow) -> None:
    window = programme_window
    clock = window.breach_clock
    assert clock is not None and clock.label.isVisible()
    text = clock.label.text()
    # The sample's serious breach was found 60 hours ago: 12 hours are left.
    assert text.startswith("Serious breach: 12 h 00 min left to tell the regulator"), text
    assert "Programme → Breach records" in text
    session = window.current_session()
    assert session is not None and window.policy is not None
    rights = session.programme(window.policy).rights
    [open_one] = [b for b in rights.breaches() if b.serious and b.closed_at is None]
    rights.record_breach(replace(open_one, regulator_told_at=NOW))
    qtbot.waitUntil(lambda: not clock.label.isVisible(), timeout=3000)
    window.lock.lock("test")
    assert clock.label.text() == ""
