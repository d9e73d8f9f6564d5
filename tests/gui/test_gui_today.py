"""Today: the worker's own actions first, overdue ones saying by how many days (and washed in
the palette's attention colour, not the whole row), finalised meetings not listed as coming."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QPalette

from keyworker_app.domain.taf import Action, Attendee, Meeting, MeetingOutcome, MeetingType
from keyworker_app.gui.attention import attention_background
from keyworker_app.gui.today_view import TodayView
from tests.taf_session import TafStore, open_taf_store

DAY = date(2025, 3, 24)  # a Monday


@pytest.fixture
def taf(tmp_path: Path) -> Iterator[TafStore]:
    store = open_taf_store(tmp_path)
    yield store
    store.session.lock()


def _meeting(family_id: int, held_at: datetime, kind: MeetingType,
             actions: tuple[Action, ...] = ()) -> Meeting:
    return Meeting(family_id=family_id, kind=kind, held_at=held_at, venue="Family home",
                   chair="Sam Worker",
                   attendees=(Attendee("Pat Teacher", "leicester-city", "Head of year"),),
                   actions=actions)


def _cells(model: Any) -> list[list[str]]:
    return [[model.index(r, c).data() for c in range(model.columnCount())]
            for r in range(model.rowCount())]


def test_today_lists_own_actions_first_and_only_meetings_still_to_finalise(
        qtbot: Any, taf: TafStore) -> None:
    service = taf.session.meetings(taf.policy)
    service.save_meeting(_meeting(taf.family_id, datetime(2025, 3, 12, 10, 0, tzinfo=UTC),
                                  MeetingType.INITIAL, (
        Action("Book the school meeting", "Pat Teacher", "leicester-city", date(2025, 3, 14)),
        Action("Morning routine chart", "Sam Worker", "leicester-city", date(2025, 3, 20)),
        Action("Parenting course place", "sam  worker", "leicester-city", date(2025, 3, 26)),
    )))
    taf.clock.set_day(DAY)
    held = service.save_meeting(replace(_meeting(
        taf.family_id, datetime(2025, 3, 24, 8, 0, tzinfo=UTC), MeetingType.REVIEW),
        outcome=MeetingOutcome.CONTINUE, outcome_reason="Plan working; keep going."))
    assert held.id is not None
    service.finalise_meeting(held.id)
    service.save_meeting(_meeting(
        taf.other_family_id, datetime(2025, 3, 26, 10, 0, tzinfo=UTC), MeetingType.INITIAL))

    today = TodayView(service, lambda: DAY)
    qtbot.addWidget(today)
    today.resize(1024, 768)
    today.show()

    actions = _cells(today.action_model)
    assert [row[:2] + row[3:5] for row in actions] == [
        ["20/03/2025", "Overdue by 4 days", "Morning routine chart", "Sam Worker"],
        ["26/03/2025", "Due", "Parenting course place", "sam  worker"],
        ["14/03/2025", "Overdue by 10 days", "Book the school meeting", "Pat Teacher"],
    ]
    model = today.action_model
    wash = attention_background().color()
    assert wash != QGuiApplication.palette().color(QPalette.ColorRole.Base)
    assert model.index(0, 1).data(Qt.ItemDataRole.BackgroundRole).color() == wash
    assert model.index(0, 1).data(Qt.ItemDataRole.FontRole).bold()
    # The rest of an overdue row, and every cell of one not overdue, is plain.
    assert model.index(0, 3).data(Qt.ItemDataRole.BackgroundRole) is None
    assert model.index(0, 3).data(Qt.ItemDataRole.FontRole) is None
    assert all(model.index(1, c).data(Qt.ItemDataRole.BackgroundRole) is None
               and model.index(1, c).data(Qt.ItemDataRole.FontRole) is None
               for c in range(model.columnCount()))

    # The finalised review this morning has taken place: one row, for the one to come.
    assert [row[1:3] for row in _cells(today.meeting_model)] == [
        ["KW-0102 Brightwell", "Initial TAF"]]

    shots = os.environ.get("KEYWORKER_SHOTS")
    if shots:
        today.grab().save(str(Path(shots) / "today.png"))


def test_today_shows_overdue_breach_follow_up_until_the_partners_are_told(
        qtbot: Any, taf: TafStore) -> None:
    from datetime import timedelta

    from keyworker_app.domain.breach import Breach
    from keyworker_app.domain.changes import Changes, RecordKind

    rights = taf.session.programme(taf.policy).rights
    found = taf.clock.now()
    police = next(p.id for p in taf.policy.partners if "police" in p.id)
    saved = rights.record_breach(Breach(taf.policy.breach.categories[0].id, found,
                                        "Letter to the wrong address", (police,), serious=True))
    view = TodayView(taf.session.meetings(taf.policy), lambda: DAY)
    qtbot.addWidget(view)
    assert view.breach_label.isHidden()  # within the hours the policy gives
    taf.clock.moment = found + timedelta(hours=taf.policy.breach.partner_notice_hours, minutes=5)
    view.refresh()
    assert not view.breach_label.isHidden()
    text = view.breach_label.text()
    assert "Breach BR-" in text and "have not been told" in text
    assert "Letter" not in text

    rights.record_breach(replace(saved, partners_told_at=found + timedelta(hours=1),
                                 partners_told_whom="Information Governance, the police"))
    view.apply_changes(Changes(frozenset({RecordKind.BREACH})))
    assert view.breach_label.isHidden()
