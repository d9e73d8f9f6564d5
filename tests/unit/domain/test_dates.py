"""Times are kept in UTC and shown, and typed, in the computer's local time: a summer day
(BST), a winter day (GMT), and the night in October when 01:00-02:00 happens twice."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keyworker_app.domain.dates import (
    format_date,
    format_datetime,
    iso_text,
    local_day,
    parse_datetime,
    parse_iso_moment,
    start_of_day,
)
from keyworker_app.domain.family import CaseNote, ContactKind
from keyworker_app.domain.taf import Meeting, MeetingType
from tests.local_zone import LONDON, local_zone

pytestmark = pytest.mark.usefixtures("london")

SUMMER_UTC = datetime(2025, 7, 15, 9, 30, tzinfo=UTC)  # 10:30 BST
WINTER_UTC = datetime(2025, 1, 15, 10, 30, tzinfo=UTC)  # 10:30 GMT
# Sunday 27/10/2024: the clocks went back from 02:00 BST to 01:00 GMT.
FIRST_0130 = datetime(2024, 10, 27, 0, 30, tzinfo=UTC)  # 01:30 BST
SECOND_0130 = datetime(2024, 10, 27, 1, 30, tzinfo=UTC)  # 01:30 GMT, an hour later


def test_a_summer_moment_shows_and_is_typed_as_british_summer_time() -> None:
    assert format_datetime(SUMMER_UTC) == "15/07/2025 10:30"
    assert parse_datetime("15/07/2025 10:30") == SUMMER_UTC
    assert parse_datetime("15/07/2025 10:30").tzinfo is UTC  # stored in UTC


def test_a_winter_moment_is_the_same_on_the_clock_and_in_utc() -> None:
    assert format_datetime(WINTER_UTC) == "15/01/2025 10:30"
    assert parse_datetime("15/01/2025 10:30") == WINTER_UTC


def test_the_hour_that_happens_twice_says_which_it_was() -> None:
    assert format_datetime(FIRST_0130) == "27/10/2024 01:30 BST"
    assert format_datetime(SECOND_0130) == "27/10/2024 01:30 GMT"
    assert parse_datetime("27/10/2024 01:30 BST") == FIRST_0130
    assert parse_datetime("27/10/2024 01:30 gmt") == SECOND_0130
    assert parse_datetime("27/10/2024 01:30") == FIRST_0130  # no zone: the first one
    # Either side of the repeated hour, times are shown plainly.
    assert format_datetime(FIRST_0130 - timedelta(hours=1)) == "27/10/2024 00:30"
    assert format_datetime(SECOND_0130 + timedelta(hours=1)) == "27/10/2024 02:30"


def test_notes_in_the_repeated_hour_keep_their_real_order() -> None:
    later = CaseNote(ContactKind.PHONE_CALL, parse_datetime("27/10/2024 01:10 GMT"), "A", "b")
    earlier = CaseNote(ContactKind.PHONE_CALL, parse_datetime("27/10/2024 01:50 BST"), "A", "a")
    ordered = sorted([later, earlier], key=lambda n: n.occurred_at)
    assert [n.summary for n in ordered] == ["a", "b"]
    assert later.occurred_at - earlier.occurred_at == timedelta(minutes=20)


def test_a_time_the_clock_skips_is_refused_with_a_reason() -> None:
    with pytest.raises(ValueError, match="clocks go forward"):
        parse_datetime("30/03/2025 01:30")
    assert format_datetime(parse_datetime("30/03/2025 02:00")) == "30/03/2025 02:00"


def test_a_wrong_zone_for_the_time_is_refused() -> None:
    with pytest.raises(ValueError, match="BST is not the time zone"):
        parse_datetime("15/01/2025 10:30 BST")
    with pytest.raises(ValueError, match="DD/MM/YYYY HH:MM"):
        parse_datetime("15/01/2025 10:30 in the morning")


def test_the_local_day_is_not_the_utc_day_near_midnight() -> None:
    late = datetime(2025, 7, 14, 23, 30, tzinfo=UTC)  # 00:30 on the 15th in London
    assert local_day(late) == date(2025, 7, 15)
    assert format_date(late) == "15/07/2025"
    assert start_of_day(date(2025, 7, 15)) == datetime(2025, 7, 14, 23, 0, tzinfo=UTC)
    assert start_of_day(date(2025, 1, 15)) == datetime(2025, 1, 15, 0, 0, tzinfo=UTC)
    assert start_of_day(date(2024, 10, 28)) - start_of_day(date(2024, 10, 27)) == \
        timedelta(hours=25)


def test_a_time_without_a_zone_is_local_and_records_keep_it_in_utc() -> None:
    assert format_datetime(datetime(2025, 7, 15, 10, 30)) == "15/07/2025 10:30"
    meeting = Meeting(1, MeetingType.INITIAL, datetime(2025, 7, 15, 10, 30),
                      finalised_at=datetime(2025, 7, 15, 11, 0))
    assert meeting.held_at == SUMMER_UTC and meeting.held_at.tzinfo is UTC
    assert meeting.finalised_at == SUMMER_UTC + timedelta(minutes=30)


def test_files_carry_the_local_time_with_its_offset() -> None:
    assert iso_text(SUMMER_UTC) == "2025-07-15T10:30:00+01:00"
    assert iso_text(SECOND_0130) == "2024-10-27T01:30:00+00:00"
    assert parse_iso_moment("2025-07-15T10:30:00+01:00") == SUMMER_UTC
    assert parse_iso_moment("2025-07-15T10:30") == SUMMER_UTC  # no offset: local time


def test_audit_times_show_seconds_in_local_time() -> None:
    assert format_datetime(SUMMER_UTC + timedelta(seconds=7), seconds=True) == \
        "15/07/2025 10:30:07"


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2060, 1, 1),
                    timezones=st.just(UTC)))
def test_every_moment_shown_reads_back_as_the_same_moment(moment: datetime) -> None:
    minute = moment.replace(second=0, microsecond=0)
    with local_zone(LONDON):
        assert parse_datetime(format_datetime(minute)) == minute

