"""View → Team as a team lead uses it: a line per key worker, a filter by worker, the families
behind the figures (double-click opens one), and figures that follow a change made elsewhere."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt

from keyworker_app.gui.main_window import MainWindow


def _column(model: Any, column: int) -> list[str]:
    return [model.index(r, column).data() for r in range(model.rowCount())]


def test_team_overview_per_worker_filter_and_open(qtbot: Any, qtmodeltester: Any,
                                                  programme_window: MainWindow) -> None:
    window = programme_window
    session = window.current_session()
    assert session is not None
    team = window.show_team()
    assert team is not None
    assert team.worker_filter.currentText() == "All key workers"
    workers_before = _column(team.worker_model, 0)
    open_before = sum(w.families_open for w in team.loads())
    assert open_before == len(_column(team.family_model, 0)) > 1

    # Reassigned elsewhere (another window, the command line): the one change signal brings it.
    reference = "KW-0102"
    fid = next(f.family_id for f in team.family_model.rows() if f.reference == reference)
    family = session.view_family(fid)
    session.update_family(replace(family, key_worker="Priya Shah"), family)
    qtbot.waitUntil(lambda: "Priya Shah" in _column(team.worker_model, 0))
    assert len(_column(team.worker_model, 0)) == len(workers_before) + 1
    assert team.worker_filter.findText("Priya Shah") >= 0

    team.choose_worker("Priya Shah")
    assert _column(team.worker_model, 0) == ["Priya Shah"]
    assert _column(team.worker_model, 1) == ["1"]
    assert _column(team.family_model, 0) == [reference]
    assert "For Priya Shah: 1 open family" in team.team_summary.text()
    # "Meets the criteria" comes from the caseload's cache, worked out on the store worker.
    qtbot.waitUntil(lambda: all(w.criteria_unknown == 0 for w in team.loads()), timeout=10000)
    expected = 1 if window.caseload.model.meets(fid) else 0
    assert _column(team.worker_model, 6) == [str(expected)]
    assert _column(team.family_model, 6) == ["Yes" if expected else "No"]
    for model in (team.worker_model, team.family_model, team.model):
        qtmodeltester.check(model)

    team.choose_worker(None)
    assert sum(w.families_open for w in team.loads()) == open_before
    table = team.family_table
    row = _column(team.family_model, 0).index(reference)
    rect = table.visualRect(team.family_model.index(row, 1))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: getattr(window.family_tabs.currentWidget(), "family_id", None) == fid)
