"""File → Import families… imports the documented JSON format from the app, off the GUI
thread, all or nothing, and shows the refusal with the file, the line and the field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QMessageBox

from keyworker_app.gui.main_window import MainWindow
from tests.gui.conftest import Planted, WindowFactory, unlock

EXAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "families.json"


def _window(qtbot: Any, make_window: WindowFactory) -> MainWindow:
    window = make_window()
    unlock(qtbot, window)
    qtbot.waitUntil(lambda: window.current_session() is not None)
    assert window.file_actions.import_action.isEnabled()
    return window


def _error_box(window: MainWindow) -> QMessageBox | None:
    boxes = [w for w in window.findChildren(QMessageBox)
             if w.objectName() == "errorBox" and w.isVisible()]
    return boxes[-1] if boxes else None


def test_the_documented_example_is_imported_and_said_so(
        qtbot: Any, make_window: WindowFactory, planted: Planted) -> None:
    window = _window(qtbot, make_window)
    session = window.current_session()
    assert session is not None
    count = len(json.loads(EXAMPLE.read_text(encoding="utf-8"))["families"])
    before = len(session.family_ids())
    window.file_actions.start_import(EXAMPLE)
    qtbot.waitUntil(lambda: window.file_actions.result_box is not None, timeout=10_000)
    box = window.file_actions.result_box
    assert box is not None
    assert box.text() == f"Imported {count} families from families.json."
    assert len(session.family_ids()) == before + count
    qtbot.waitUntil(lambda: window.caseload.model.rowCount() == before + count)
    events = session.audit().events(limit=5)  # type: ignore[attr-defined]
    assert [(e.action, e.object_id, e.detail) for e in events if e.action == "import"] == [
        ("import", "families.json", f"families={count}")]


def test_a_bad_file_is_refused_whole_with_its_line_and_field(
        qtbot: Any, make_window: WindowFactory, planted: Planted, tmp_path: Path) -> None:
    window = _window(qtbot, make_window)
    session = window.current_session()
    assert session is not None
    before = session.family_ids()
    document = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    document["families"][-1]["members"][0]["date_of_birth"] = "2014-02-31"
    bad = tmp_path / "partner-families.json"
    bad.write_text(json.dumps(document, indent=2), encoding="utf-8")
    window.file_actions.start_import(bad)
    qtbot.waitUntil(lambda: _error_box(window) is not None, timeout=10_000)
    box = _error_box(window)
    assert box is not None
    last = len(document["families"]) - 1
    assert box.text().startswith("partner-families.json, line ")
    assert f"families[{last}].members[0].date_of_birth" in box.text()
    assert "Nothing was imported" in box.informativeText()
    assert session.family_ids() == before
