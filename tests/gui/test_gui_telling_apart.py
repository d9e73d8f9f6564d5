"""Two people with one name are told apart wherever a family member is picked (the date of
birth beside the name), and two families with one name by their postcode wherever families
are listed together (Today, the Team overview)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QComboBox

from keyworker_app.domain.family import Person
from keyworker_app.gui.clipboard import ClipboardGuard
from keyworker_app.gui.family_view import FamilyView
from keyworker_app.gui.today_view import TeamView, TodayView
from tests.gui.samples import sample_family
from tests.taf_session import TafStore, open_taf_store

DAY = date(2025, 6, 24)


@pytest.fixture
def taf(tmp_path: Path) -> Iterator[TafStore]:
    store = open_taf_store(tmp_path)
    store.clock.set_day(DAY)
    yield store
    store.session.lock()


def _with_namesake(taf: TafStore) -> int:
    """The first family gains a son with his father's name."""
    family = taf.session.view_family(taf.family_id)
    son = Person("c9", "Alex", family.family_name, date(2009, 8, 30),
                 family.members[1].household_role)
    taf.session.update_family(replace(family, members=(*family.members, son)), family)
    return taf.family_id


def _texts(combo: Any) -> list[str]:
    assert isinstance(combo, QComboBox)
    return [combo.itemText(i) for i in range(combo.count())]


def test_member_pickers_show_each_namesakes_date_of_birth(qtbot: Any, taf: TafStore) -> None:
    family_id = _with_namesake(taf)
    view = FamilyView(taf.session, family_id, None, ClipboardGuard(), today=lambda: DAY,
                      policy=taf.policy)
    qtbot.addWidget(view)
    assert view.chronology is not None
    view.tabs.setCurrentWidget(view.chronology)
    members = _texts(view.chronology.member)
    assert "Alex Ashworth (born 12/04/1985)" in members
    assert "Alex Ashworth (born 30/08/2009)" in members
    note = view.open_note_dialog()
    assert "Alex Ashworth (born 30/08/2009)" in _texts(note.editors["person_ref"])
    note.reject()
    assert view.taf is not None
    consent = view.taf.open_consent_dialog()
    pickers = _texts(consent.editors["person_ref"])
    assert pickers.count("Alex Ashworth (born 12/04/1985)") == 1
    assert "Alex Ashworth (born 30/08/2009)" in pickers


def test_families_with_one_name_show_their_postcode_on_today_and_team(
        qtbot: Any, taf: TafStore) -> None:
    namesake = taf.session.add_family(replace(sample_family("KW-0103", "Ashworth",
                                                            postcode="LE4 6AB"),
                                              review_due=date(2025, 6, 30)))
    first = taf.session.view_family(taf.family_id)
    taf.session.update_family(replace(first, review_due=date(2025, 6, 28)), first)
    service = taf.session.meetings(taf.policy)
    today = TodayView(service, lambda: DAY)
    qtbot.addWidget(today)
    shown = [today.review_model.index(r, 1).data()
             for r in range(today.review_model.rowCount())]
    assert "KW-0101 Ashworth (LS1 4AP)" in shown and "KW-0103 Ashworth (LE4 6AB)" in shown
    assert namesake.id is not None
    team = TeamView(service, lambda: DAY)
    qtbot.addWidget(team)
    names = [team.family_model.index(r, 1).data() for r in range(team.family_model.rowCount())]
    assert "Ashworth (LS1 4AP)" in names and "Ashworth (LE4 6AB)" in names
    assert "Brightwell" in names  # a name no other family has stays as it is
