"""The caseload shows each family's current postcode, and says in words (as well as colour)
when a review date or the next action has passed."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from keyworker_app.domain.family import Address
from keyworker_app.domain.taf import Action, Attendee, Meeting, MeetingType
from keyworker_app.gui.attention import attention_background
from keyworker_app.gui.caseload import CaseloadView
from tests.gui.samples import sample_family
from tests.taf_session import TafStore, open_taf_store

TODAY = date(2026, 12, 1)


@pytest.fixture
def taf(tmp_path: Path) -> Iterator[TafStore]:
    store = open_taf_store(tmp_path)
    yield store
    store.session.lock()


def _rows(view: CaseloadView) -> list[list[str]]:
    proxy = view.proxy
    return [[proxy.index(r, c).data() for c in range(proxy.columnCount())]
            for r in range(proxy.rowCount())]


def test_caseload_shows_current_postcode_and_overdue_dates_in_words(
        qtbot: Any, taf: TafStore) -> None:
    moved = replace(sample_family("KW-0103", "Carrow", postcode="LE1 5WW"),
                    review_due=date(2026, 11, 24))
    moved = replace(moved, addresses=(
        Address("9 Old Road", "Leeds", "LS6 2AA", from_date=date(2018, 1, 1),
                to_date=date(2019, 12, 31)), *moved.addresses))
    taf.session.add_family(moved)
    taf.session.add_family(replace(sample_family("KW-0104", "Dunmore", postcode="LE2 1AB"),
                                   review_due=date(2026, 12, 20)))
    taf.session.meetings(taf.policy).save_meeting(Meeting(
        family_id=taf.family_id, kind=MeetingType.INITIAL,
        held_at=datetime(2025, 3, 12, 10, 0, tzinfo=UTC), venue="Family home",
        chair="Sam Worker",
        attendees=(Attendee("Pat Teacher", "leicester-city", "Head of year"),),
        actions=(Action("Morning routine chart", "Sam Worker", "leicester-city",
                        date(2025, 3, 20)),)))

    view = CaseloadView(today=lambda: TODAY)
    qtbot.addWidget(view)
    view.resize(1024, 768)
    view.load(taf.session)
    view.show()

    headers = [view.proxy.headerData(c, Qt.Orientation.Horizontal)
               for c in range(view.proxy.columnCount())]
    assert headers[:4] == ["Reference", "Family name", "Postcode", "Members"]
    rows = _rows(view)
    assert [(r[0], r[2], r[6], r[7]) for r in rows] == [
        ("KW-0101", "LS1 4AP", "20/03/2025 (overdue)", "01/07/2025 (overdue)"),
        ("KW-0102", "LS1 4AP", "", "01/07/2025 (overdue)"),
        ("KW-0103", "LE1 5WW", "", "24/11/2026 (overdue)"),  # not the old LS6 address
        ("KW-0104", "LE2 1AB", "", "20/12/2026"),
    ]
    wash = attention_background().color()
    review = view.proxy.index(2, 7)
    assert review.data(Qt.ItemDataRole.BackgroundRole).color() == wash
    assert view.proxy.index(3, 7).data(Qt.ItemDataRole.BackgroundRole) is None
    assert view.proxy.index(2, 1).data(Qt.ItemDataRole.BackgroundRole) is None

    view.search.setText("LE1 5WW")
    view.apply_search()
    assert [r[0] for r in _rows(view)] == ["KW-0103"]

    shots = os.environ.get("KEYWORKER_SHOTS")
    if shots:
        view.search.clear()
        view.apply_search()
        view.grab().save(str(Path(shots) / "caseload.png"))
