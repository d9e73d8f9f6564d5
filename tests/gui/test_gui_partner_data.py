"""Programme → Partner data sets on a real store (offscreen): import four generated files
through the mapping form, match, review an uncertain pair with the keyboard, create a family,
finish; the import log says when a file is overdue; an import a lock interrupts keeps its
form's values and nothing of the file."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox

from keyworker_app.gui.partner_dialogs import PATH_KEY, ReviewDialog
from keyworker_app.gui.partner_view import PartnerDataView
from keyworker_app.gui.worker import StoreWork
from tests.gui.samples import LEAD
from tests.partner_generator import DWP, HEADERS, POLICE, SCHOOL, YOS, generate
from tests.taf_session import TafStore, open_taf_store


@pytest.fixture
def taf(tmp_path: Path) -> Iterator[TafStore]:
    store = open_taf_store(tmp_path, owner=LEAD)
    store.clock.set_day(date(2025, 3, 15))
    yield store
    store.session.lock()


def make_view(qtbot: Any, taf: TafStore, registry: Any = None) -> PartnerDataView:
    session, policy = taf.session, taf.policy
    work = StoreWork()
    view = PartnerDataView(session.partners(policy), lambda: session.background().partners(
        policy), work, suggest_reference=session.suggest_reference, key_worker="Jo Lead",
        registry=registry)
    qtbot.addWidget(view)
    view.resize(1024, 768)
    view.show()
    return view


def shot(widget: Any, name: str) -> None:
    folder = os.environ.get("KEYWORKER_SHOTS")
    if folder:
        widget.grab().save(str(Path(folder) / name))


def import_file(qtbot: Any, view: PartnerDataView, exchange: str, path: Path) -> None:
    dialog = view.open_import(exchange, {PATH_KEY: str(path)})
    assert dialog is not None
    combo = dialog.editors["given_names"]
    assert isinstance(combo, QComboBox) and combo.currentData() == HEADERS[exchange][0]
    assert dialog.preview_table.rowCount() > 0  # type: ignore[attr-defined]
    if exchange == SCHOOL:
        shot(dialog, "partner-mapping.png")
    assert dialog.try_save()
    qtbot.waitUntil(lambda: view.held is None, timeout=20000)


def test_import_match_review_create_and_finish(qtbot: Any, taf: TafStore,
                                               tmp_path: Path) -> None:
    files = generate(18, seed=11)
    view = make_view(qtbot, taf)
    for exchange in (POLICE, YOS, SCHOOL, DWP):
        path = tmp_path / f"{exchange}.csv"
        path.write_bytes(files.csv_bytes(exchange))
        import_file(qtbot, view, exchange, path)
    assert view.log_model.index(0, 3).data() == "1"
    view.match()
    qtbot.waitUntil(lambda: view.result is not None, timeout=20000)
    result = view.result
    assert result is not None
    qualifying = len(result.qualifying)
    assert qualifying == len(files.qualifying)
    assert [view.results_model.index(r, 1).data() for r in range(qualifying)] == [
        "Yes"] * qualifying
    assert f"{qualifying} meet the criteria" in view.summary.text()
    shot(view, "partner-data.png")

    view.results.selectRow(0)
    chosen = view.selected()
    assert chosen is not None and chosen.qualifies
    view.create_family(chosen, taf.session.suggest_reference())
    qtbot.waitUntil(lambda: view.result is not None and len(view.result.qualifying) ==
                    qualifying - 1, timeout=20000)

    view.finish()
    qtbot.waitUntil(lambda: "Matching finished" in view.summary.text(), timeout=20000)
    assert view.results_model.rowCount() == 0


def test_review_decides_with_the_keyboard(qtbot: Any, taf: TafStore) -> None:
    view = make_view(qtbot, taf)
    service = view._service  # noqa: SLF001
    head = ",".join(HEADERS[POLICE])
    service.import_bytes(POLICE, (head + "\r\nJon,Smyth,04/07/2001,12 Mere Road,Leicester,,"
                                  "01/12/2024,Caution\r\n").encode(), "p.csv")
    service.import_bytes(YOS, (",".join(HEADERS[YOS]) + "\r\nJonathon,Smith,04/07/2001,"
                               "12 Mere Rd,Leicester,LE2 1AB,10/11/2024,Fine\r\n").encode(),
                         "y.csv")
    view.match()
    qtbot.waitUntil(lambda: view.result is not None, timeout=20000)
    dialog = view.review()
    assert isinstance(dialog, ReviewDialog)
    assert dialog.table.item(0, 0).text() == "Jon Smyth"
    assert dialog.table.item(5, 1).text() == YOS
    assert "date of birth: exact" in dialog.evidence.text()
    shot(dialog, "partner-review.png")
    qtbot.keyClick(dialog, Qt.Key.Key_S)
    assert dialog.decided == {0: True}
    assert "All 1 uncertain matches shown: 1 decided." in dialog.position.text()
    dialog.accept()
    qtbot.waitUntil(lambda: view.result is not None and not view.result.linkage.uncertain,
                    timeout=20000)


class Registry:
    def __init__(self) -> None:
        self.editors: list[Any] = []

    def register_editor(self, editor: Any) -> None:
        self.editors.append(editor)

    def unregister_editor(self, editor: Any) -> None:
        self.editors.remove(editor)


def test_an_import_a_lock_stops_keeps_its_values_and_nothing_of_the_file(
        qtbot: Any, taf: TafStore, tmp_path: Path) -> None:
    files = generate(8, seed=3)
    path = tmp_path / "police.csv"
    path.write_bytes(files.csv_bytes(POLICE))
    registry = Registry()
    view = make_view(qtbot, taf, registry)
    work = view._work  # noqa: SLF001
    dialog = view.open_import(POLICE, {PATH_KEY: str(path)})
    assert dialog is not None
    values = dialog.values()
    before = sorted(p.name for p in (tmp_path / "store").iterdir())
    dialog.try_save()  # the import starts on the worker ...
    work.stop_all()  # ... and a lock stops it at once
    kept = [e.collect_draft() for e in registry.editors if hasattr(e, "key")]
    assert kept and kept[0][0] == "partner-import" and kept[0][2] == values
    imported = view._service.files()  # noqa: SLF001
    # Stopped before its transaction ended: nothing of it; a moment too late: all of it.
    assert [f.rows_received for f in imported] in ([], [len(files.rows[POLICE])])
    after = sorted(p.name for p in (tmp_path / "store").iterdir())
    assert set(after) - set(before) <= {"casestore.db-wal", "casestore.db-shm"}


def test_import_log_says_overdue(qtbot: Any, taf: TafStore) -> None:
    view = make_view(qtbot, taf)
    files = generate(4, seed=1)
    view._service.import_bytes(POLICE, files.csv_bytes(POLICE), "p.csv")  # noqa: SLF001
    taf.clock.set_day(date(2025, 6, 1))
    view.refresh()
    row = next(r for r in range(view.log_model.rowCount())
               if view.log_model.index(r, 0).data() == POLICE)
    assert view.log_model.index(row, 5).data() == "Overdue"
    assert view.log_model.index(row, 5).data(Qt.ItemDataRole.BackgroundRole) is not None
    assert view.log_model.index(row + 1, 5).data(Qt.ItemDataRole.BackgroundRole) is None
    assert f"Overdue: {POLICE}." in view.summary.text()
    shot(view, "partner-data-overdue.png")
