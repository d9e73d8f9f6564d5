"""Today's "meetings this week" and the Team window follow the key worker's calendar, not
UTC's: in summer a meeting at 23:30 on Sunday is this week and one at 00:30 on Monday is
next week, and the Team window holds across the night the clocks go back."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from keyworker_app.domain.dates import format_datetime, parse_datetime
from keyworker_app.domain.taf import Meeting, MeetingType
from keyworker_app.services.meetings import MeetingService
from tests.taf_session import TafStore, open_taf_store


@pytest.fixture
def taf(tmp_path: Path, london: None) -> Iterator[TafStore]:
    store = open_taf_store(tmp_path)
    yield store
    store.session.lock()


def book(taf: TafStore, *typed: str) -> MeetingService:
    service = taf.session.meetings(taf.policy)
    for when in typed:
        service.save_meeting(Meeting(taf.family_id, MeetingType.REVIEW, parse_datetime(when),
                                     chair="Sam Worker"))
    return service


def test_this_week_is_monday_to_sunday_on_the_local_calendar(taf: TafStore) -> None:
    service = book(taf, "13/07/2025 23:30", "14/07/2025 00:30", "20/07/2025 23:30",
                   "21/07/2025 00:30")
    week = service.today(date(2025, 7, 15)).meetings  # Tuesday
    assert [format_datetime(m.held_at) for m in week] == ["14/07/2025 00:30",
                                                          "20/07/2025 23:30"]


def test_the_team_window_counts_local_days_across_the_clock_change(taf: TafStore) -> None:
    # Two weeks from Sunday 20/10/2024 (BST) to the end of Saturday 02/11/2024 (GMT).
    service = book(taf, "20/10/2024 00:15", "27/10/2024 01:30 BST", "27/10/2024 01:30 GMT",
                   "02/11/2024 23:45", "03/11/2024 00:15", "19/10/2024 23:45")
    shown = [format_datetime(m.held_at) for m in service.team(date(2024, 10, 20), days=14)]
    assert shown == ["20/10/2024 00:15", "27/10/2024 01:30 BST", "27/10/2024 01:30 GMT",
                     "02/11/2024 23:45"]
