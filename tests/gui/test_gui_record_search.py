"""View → Search records: a word written in only one family's case note finds that family,
and Enter opens it at its contact log; an amendment's words are found too; odd input shows
no error; the search is reached by Ctrl+Shift+F and from the keyboard alone. The caseload
search finds a member's UPN and NHS number."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from keyworker_app.domain.family import CaseNote, ContactKind
from keyworker_app.domain.record_text import TextKind
from keyworker_app.gui.main_window import MainWindow
from keyworker_app.gui.record_search import RecordSearchDialog
from tests.gui.conftest import Planted, WindowFactory, unlock

SHOTS = Path("/work/coord/shots/search12")
WORD = "Marmalade"  # written in one note of the canary family only
AMENDED = "Quarrybank"  # only in an amendment to another family's note


def plant_notes(planted: Planted) -> int:
    session = planted.store.unlock(planted.passphrase)
    try:
        session.add_note(planted.family_id, CaseNote(
            ContactKind.PHONE_CALL, datetime(2025, 2, 10, 9, 30), "Sam Worker",
            f"Mum said the children like {WORD} sandwiches; school run is calmer."))
        others = [fid for fid in session.family_ids() if fid != planted.family_id]
        other = session.view_family(others[0])
        assert other.id is not None and other.notes[0].id is not None
        session.amend_note(other.id, other.notes[0].id, "School was wrong",
                           f"First home visit; the school is {AMENDED} Academy.")
        return other.id
    finally:
        session.lock()


def opened(qtbot: Any, make_window: WindowFactory) -> tuple[MainWindow, RecordSearchDialog]:
    window = make_window()
    window.resize(1024, 768)
    unlock(qtbot, window)
    qtbot.waitUntil(lambda: window.current_session() is not None)
    assert window.record_search.action.shortcut().toString() == "Ctrl+Shift+F"
    window.record_search.action.trigger()
    dialog = window.record_search.dialog
    assert dialog is not None and dialog.isVisible()
    return window, dialog


def found(qtbot: Any, dialog: RecordSearchDialog, typed: str) -> list[Any]:
    dialog.query.clear()
    qtbot.keyClicks(dialog.query, typed)
    qtbot.waitUntil(lambda: dialog.settled, timeout=5000)
    return list(dialog.model.rows())


def test_a_word_in_one_familys_note_finds_it_and_enter_opens_its_contact_log(
        qtbot: Any, make_window: WindowFactory, planted: Planted) -> None:
    plant_notes(planted)
    window, dialog = opened(qtbot, make_window)
    hits = found(qtbot, dialog, WORD.lower()[:6])  # a prefix, as while typing
    assert [(h.family_id, h.kind) for h in hits] == [(planted.family_id, TextKind.NOTE)]
    shown = [dialog.model.data(dialog.model.index(0, c)) for c in range(4)]
    assert shown[0] == planted.canary and shown[2] == "Case note"
    assert f"«{WORD}»" in shown[3]
    assert dialog.status.text().startswith("1 record in 1 family")
    SHOTS.mkdir(parents=True, exist_ok=True)
    dialog.grab().save(str(SHOTS / "record-search.png"))
    qtbot.keyClick(dialog.query, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.family_tabs.count() == 1)
    view = window.family_tabs.widget(0)
    heading = view.findChild(QLabel, "familyHeading")
    assert heading is not None and planted.canary in heading.text()
    assert view.tabs.tabText(view.tabs.currentIndex()).replace("&", "") == "Contact log"
    [selected] = view.notes.selectionModel().selectedRows()
    assert WORD in view.notes.model().record(selected.row()).summary
    window.grab().save(str(SHOTS / "record-opened-at-contact-log.png"))


def test_an_amendment_is_found_and_a_double_click_opens_its_family(
        qtbot: Any, make_window: WindowFactory, planted: Planted) -> None:
    other = plant_notes(planted)
    window, dialog = opened(qtbot, make_window)
    hits = found(qtbot, dialog, AMENDED + " academy")
    assert [(h.family_id, h.kind) for h in hits] == [(other, TextKind.AMENDMENT)]
    assert found(qtbot, dialog, WORD + " " + AMENDED) == []  # every word must be there
    assert dialog.status.text() == "No record holds all of these words."
    hits = found(qtbot, dialog, AMENDED)
    rect = dialog.table.visualRect(dialog.model.index(0, 0))
    qtbot.mouseClick(dialog.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(dialog.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: window.family_tabs.count() == 1)
    view = window.family_tabs.widget(0)
    assert view.family_id == other
    [selected] = view.notes.selectionModel().selectedRows()  # the note the amendment amends
    assert view.notes.model().record(selected.row()).amendments


def test_odd_input_shows_no_error(qtbot: Any, make_window: WindowFactory,
                                  planted: Planted) -> None:
    plant_notes(planted)
    _window, dialog = opened(qtbot, make_window)
    for typed in ('"', 'NEAR(" *', "* OR", "x" * 300, "(sandwich"):
        found(qtbot, dialog, typed)
        assert not dialog.status.text().startswith("Searching")
    assert [h.family_id for h in found(qtbot, dialog, '"sandwich*')] == [planted.family_id]
    dialog.query.setText("\ud800marmalade")
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=5000)


def test_the_caseload_search_finds_a_members_upn_and_nhs_number(
        qtbot: Any, make_window: WindowFactory, planted: Planted) -> None:
    from dataclasses import replace

    session = planted.store.unlock(planted.passphrase)
    try:
        base = session.view_family(planted.family_id)
        child = replace(base.members[1], upn="H801200001001", nhs_number="943 476 5919")
        session.update_family(replace(base, members=(base.members[0], child,
                                                     *base.members[2:])), base)
    finally:
        session.lock()
    window = make_window()
    unlock(qtbot, window)
    qtbot.waitUntil(lambda: window.current_session() is not None)
    caseload = window.caseload
    for typed in ("9434765919", "943 476", "h8012000"):
        caseload.search.clear()
        qtbot.keyClicks(caseload.search, typed)
        qtbot.waitUntil(lambda: caseload.count_label.text() == "1 of 3 families")
        assert caseload.proxy.index(0, 1).data() == planted.canary
    qtbot.keyClick(caseload.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.family_tabs.count() == 1)
    assert window.family_tabs.widget(0).family_id == planted.family_id
