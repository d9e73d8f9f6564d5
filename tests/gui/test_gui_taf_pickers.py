"""The TAF forms pick from the agreement instead of asking for ids: attendees come from the
family, a named school, a partner or another named organisation; the exchange picker shows
each Appendix B row in full (from and to partners) and only those the chosen "From" partner
sends; consent's partners are ticked from the agreement's list. A review is the default type
once the family has had a meeting, and the editor's title names the family."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox

from keyworker_app.domain.taf import (
    OUTSIDE_EXCHANGES,
    SCHOOL_AGENCY,
    ConsentState,
    Meeting,
    MeetingType,
)
from keyworker_app.gui.choice_widgets import TickList
from keyworker_app.gui.clipboard import ClipboardGuard
from keyworker_app.gui.family_view import FamilyView
from keyworker_app.gui.taf_pages import TafPages
from tests.taf_session import TafStore, open_taf_store

SHOTS = os.environ.get("KEYWORKER_SHOTS", "")


@pytest.fixture
def taf(tmp_path: Path) -> Iterator[TafStore]:
    store = open_taf_store(tmp_path)
    yield store
    store.session.lock()


def _pages(qtbot: Any, taf: TafStore) -> tuple[FamilyView, TafPages]:
    view = FamilyView(taf.session, taf.family_id, None, ClipboardGuard(), policy=taf.policy)
    qtbot.addWidget(view)
    assert view.taf is not None
    return view, view.taf


def _items(combo: Any) -> list[tuple[str, str]]:
    assert isinstance(combo, QComboBox)
    return [(str(combo.itemData(i)), combo.itemText(i)) for i in range(combo.count())]


def test_exchange_picker_shows_whole_rows_sent_by_the_chosen_partner(
        qtbot: Any, taf: TafStore) -> None:
    _view, pages = _pages(qtbot, taf)
    dialog = pages.open_shared_dialog()
    source = dialog.editors["from_partner"]
    assert isinstance(source, QComboBox)
    source.setCurrentIndex(source.findData("leicestershire-police"))
    police = [e for e in taf.policy.exchanges if "leicestershire-police" in e.from_partners]
    offered = _items(dialog.editors["exchange"])
    assert [i for i, _t in offered] == [*(e.id for e in police), OUTSIDE_EXCHANGES]
    first = offered[0][1]
    assert first.startswith("Leicestershire Police → ")
    assert police[0].information in first  # the whole row, never cut at 70 characters
    assert dialog.whole_texts["exchange"].text() == first  # in full below the picker
    source.setCurrentIndex(source.findData("probation"))
    assert all(("probation" in e.from_partners) for e in taf.policy.exchanges
               if e.id in {i for i, _t in _items(dialog.editors["exchange"])})
    source.setCurrentIndex(source.findData("other"))
    assert [i for i, _t in _items(dialog.editors["exchange"])] == [OUTSIDE_EXCHANGES]
    assert dialog.width() <= 1024
    if SHOTS:
        source.setCurrentIndex(source.findData("leicestershire-police"))
        dialog.grab().save(str(Path(SHOTS) / "shared_exchange_picker.png"))
    dialog.reject()


def test_consent_partners_are_ticked_from_the_agreement(qtbot: Any, taf: TafStore) -> None:
    _view, pages = _pages(qtbot, taf)
    dialog = pages.open_consent_dialog()
    scope = dialog.editors["scope"]
    assert isinstance(scope, TickList)
    assert scope.count() == len(taf.policy.partners)
    assert scope.ticked() == [p.id for p in taf.policy.partners]  # all, to start with
    for row in range(scope.count()):
        item = scope.item(row)
        if item.data(Qt.ItemDataRole.UserRole) not in ("leicestershire-police", "nhs-lpt"):
            item.setCheckState(Qt.CheckState.Unchecked)
    state = dialog.editors["state"]
    assert isinstance(state, QComboBox)
    state.setCurrentIndex(state.findData(ConsentState.GIVEN.value))
    if SHOTS:
        dialog.grab().save(str(Path(SHOTS) / "consent_tick_list.png"))
    assert dialog.try_save()
    [consent] = taf.session.meetings(taf.policy).consents(taf.family_id)
    assert set(consent.scope) == {"leicestershire-police", "nhs-lpt"}
    again = pages.open_consent_dialog()
    none = again.editors["scope"]
    assert isinstance(none, TickList)
    none.set_value("")
    state = again.editors["state"]
    assert isinstance(state, QComboBox)
    state.setCurrentIndex(state.findData(ConsentState.GIVEN.value))
    assert not again.try_save()
    assert "Tick at least one partner" in again.problems["scope"].text()
    again.reject()


def test_attendees_can_be_the_family_a_named_school_or_another_named_body(
        qtbot: Any, taf: TafStore) -> None:
    _view, pages = _pages(qtbot, taf)
    editor = pages.open_meeting(None)
    assert editor is not None
    assert editor.windowTitle() == "Record a TAF meeting — KW-0101 Ashworth"
    assert editor.kind.currentData() == MeetingType.INITIAL.value  # no meeting yet
    dialog = editor.add_attendee()
    agencies = _items(dialog.editors["agency"])
    ids = [i for i, _t in agencies]
    assert ids[:2] == ["family", SCHOOL_AGENCY] and ids[-1] == "other"
    assert "Other organisation (name it below)" in dict(agencies).values()
    dialog.editors["name"].setText("Mrs Patel")  # type: ignore[union-attr]
    agency = dialog.editors["agency"]
    assert isinstance(agency, QComboBox)
    agency.setCurrentIndex(agency.findData(SCHOOL_AGENCY))
    assert not dialog.try_save()  # a school is named
    assert dialog.problems["agency_name"].text() == "Name the school."
    dialog.editors["agency_name"].setText("Braunstone Primary")  # type: ignore[union-attr]
    assert dialog.try_save()
    cell = editor.attendee_table.model().index(0, 2).data()
    assert cell == "Braunstone Primary"
    editor._for_lock = True
    editor.reject()


def test_a_family_with_a_meeting_gets_a_review_by_default(qtbot: Any, taf: TafStore) -> None:
    service = taf.session.meetings(taf.policy)
    service.save_meeting(Meeting(taf.family_id, MeetingType.INITIAL,
                                 datetime(2025, 3, 3, 10, 0, tzinfo=UTC), chair="Sam Worker"))
    _view, pages = _pages(qtbot, taf)
    editor = pages.open_meeting(None)
    assert editor is not None and editor.kind.currentData() == MeetingType.REVIEW.value
    editor._for_lock = True
    editor.reject()


def test_editor_records_progress_note_taker_and_consent_explained(
        qtbot: Any, taf: TafStore) -> None:
    _view, pages = _pages(qtbot, taf)
    editor = pages.open_meeting(None)
    assert editor is not None
    editor.note_taker.setText("Pat Teacher")
    editor.consent_explained.setChecked(True)
    editor.progress.setPlainText("Mornings calmer since the new routine.")
    texts = editor.texts()
    assert (texts["note_taker"], texts["consent_explained"]) == ("Pat Teacher", "yes")
    editor.save_button.click()
    [saved] = taf.session.meetings(taf.policy).meetings_of_family(taf.family_id)
    assert saved.note_taker == "Pat Teacher" and saved.consent_explained
    assert saved.progress == "Mornings calmer since the new routine."
