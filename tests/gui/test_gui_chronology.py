"""The Key events tab (the family's chronology): every dated event of the record, filtered
by kind and member, oldest or newest first; its model passes Qt's model tester."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QPlainTextEdit

from keyworker_app.domain.chronology import EntryKind
from keyworker_app.gui.main_window import MainWindow
from tests.gui.screenshot import settle

SHOTS = os.environ.get("KEYWORKER_SHOTS", "")


def test_chronology_tab_lists_the_record_in_date_order_and_filters(
        qtbot: Any, qtmodeltester: Any, programme_window: MainWindow,
        programme_stored: tuple[Any, int]) -> None:
    window = programme_window
    view = window.open_family(programme_stored[1])
    assert view is not None and view.chronology is not None
    page = view.chronology
    assert not page.loaded  # nothing is read until the tab is shown
    view.tabs.setCurrentWidget(page)
    assert view.tabs.tabText(view.tabs.currentIndex()) == "&Key events"
    assert page.loaded
    model = page.model
    qtmodeltester.check(model)
    rows = [model.entry(r) for r in range(model.rowCount())]
    assert rows and all(e is not None for e in rows)
    days = [e.day for e in rows if e is not None]
    assert days == sorted(days)
    kinds = {e.kind for e in rows if e is not None}
    assert {EntryKind.ALLOCATION, EntryKind.NOTE} <= kinds
    texts = [str(model.index(r, 1).data()) for r in range(model.rowCount())]
    assert any(t.startswith("Allocation: Allocated to key worker") for t in texts)
    page.set_newest_first(True)
    newest = [model.entry(r) for r in range(model.rowCount())]
    assert [e.day for e in newest if e is not None] == sorted(days, reverse=True)
    page.kind.setCurrentIndex(page.kind.findData(EntryKind.NOTE.value))
    assert model.rowCount() >= 1
    assert all(str(model.index(r, 1).data()).startswith("Case note")
               for r in range(model.rowCount()))
    page.kind.setCurrentIndex(0)
    if SHOTS:
        page.set_newest_first(False)
        window.resize(1024, 768)
        settle(0.05)
        window.grab().save(str(Path(SHOTS) / "chronology_tab.png"))


def test_worker_marks_an_event_significant_and_filters_to_significant_ones(
        qtbot: Any, programme_window: MainWindow, programme_stored: tuple[Any, int]) -> None:
    view = programme_window.open_family(programme_stored[1])
    assert view is not None and view.chronology is not None
    page = view.chronology
    view.tabs.setCurrentWidget(page)
    assert not page.mark_button.isEnabled()  # nothing chosen yet
    row = next(r for r in range(page.model.rowCount())
               if (e := page.model.entry(r)) is not None and e.kind is EntryKind.NOTE)
    page.table.selectRow(row)
    chosen = page.selected()
    assert chosen is not None and page.mark_button.isEnabled()
    page.mark_button.click()
    qtbot.waitUntil(lambda: bool(view.dialogs))
    dialog = view.dialogs[-1]
    assert dialog.windowTitle().startswith("Significant event: Case note, ")
    reason = dialog.editors["reason"]
    assert isinstance(reason, QPlainTextEdit)
    reason.setPlainText("Dad named the risk to the children for the first time")
    assert dialog.try_save()
    shown = page.selected()
    assert shown is not None and shown.key == chosen.key  # the cursor stays on it
    text = str(page.model.index(page.table.currentIndex().row(), 3).data())
    assert text == "Significant: Dad named the risk to the children for the first time"
    assert page.mark_button.text() == "Edit the reaso&n…" and page.unmark_button.isEnabled()
    page.significant_only.setChecked(True)
    assert page.model.rowCount() == 1 and "1 marked significant" in page.count.text()
    if SHOTS:
        programme_window.resize(1024, 768)
        settle(0.05)
        programme_window.grab().save(str(Path(SHOTS) / "chronology_significant.png"))
    page.significant_only.setChecked(False)
    assert page.select(chosen.key)
    page.unmark_button.click()
    assert page.model.rowCount() > 1 and "0 marked significant" in page.count.text()
    assert view._session.chronology_marks(programme_stored[1]) == ()
