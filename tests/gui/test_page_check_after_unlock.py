"""Unlocking opens the caseload without reading every page; the full page check runs after it,
off the GUI thread, and damage is shown as soon as it is found."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QApplication, QMessageBox

from keyworker_app.store import page_check
from tests.gui.conftest import Planted, WindowFactory, unlock


def _fill_and_damage_the_tail(planted: Planted) -> None:
    """Rows no screen reads at unlock, then one flipped byte in the file's last page."""
    session = planted.store.unlock(planted.passphrase)
    conn = session.connection  # type: ignore[attr-defined]
    conn.execute("CREATE TABLE filler(id INTEGER PRIMARY KEY, body TEXT)")
    conn.executemany("INSERT INTO filler(body) VALUES (?)", [("x" * 400,) for _ in range(200)])
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    session.lock()
    db = planted.store.paths.database  # type: ignore[attr-defined]
    data = bytearray(db.read_bytes())
    data[len(data) - 4096 + 500] ^= 0xFF
    db.write_bytes(bytes(data))


def _shown_boxes() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.isVisible()]


def test_damage_is_reported_after_the_caseload_opens(
        qtbot: Any, planted: Planted, make_window: WindowFactory) -> None:
    _fill_and_damage_the_tail(planted)
    window = make_window()
    unlock(qtbot, window)
    # The caseload is open and usable: unlock did not wait for the whole file.
    assert window.stack.currentWidget() is window.work
    assert window.caseload.model.rowCount() == 3
    qtbot.waitUntil(lambda: bool(_shown_boxes()), timeout=10_000)
    box = _shown_boxes()[0]
    assert "The case store is damaged (1 page(s) failed the integrity check)." == box.text()
    assert "Restore the most recent backup" in box.informativeText()
    box.close()


def test_a_sound_store_shows_nothing(
        qtbot: Any, planted: Planted, make_window: WindowFactory) -> None:
    window = make_window()
    unlock(qtbot, window)
    assert QThreadPool.globalInstance().waitForDone(10_000)
    QApplication.processEvents()
    assert _shown_boxes() == []
    assert window.stack.currentWidget() is window.work


def test_damage_found_after_a_lock_is_not_shown_on_the_lock_screen(
        qtbot: Any, planted: Planted, make_window: WindowFactory,
        monkeypatch: pytest.MonkeyPatch) -> None:
    _fill_and_damage_the_tail(planted)
    release = threading.Event()
    real = page_check.bad_pages

    def held_back(conn: object) -> list[str]:
        release.wait(10)  # the check is still reading when the store locks
        return real(conn)

    monkeypatch.setattr(page_check, "bad_pages", held_back)
    window = make_window()
    unlock(qtbot, window)
    window.lock.lock("menu")
    release.set()
    assert QThreadPool.globalInstance().waitForDone(10_000)
    QApplication.processEvents()
    assert _shown_boxes() == []
    assert window.stack.currentWidget() is window.lock_screen
