"""How dates and times are written, read and shown: the one place that formats them.

Moments are kept in UTC (timezone-aware) and shown in the computer's local time zone;
a date or time the key worker types is read as local time. Days are DD/MM/YYYY. Nothing
else in the app formats a date or a time (a test scans for it), so a screen, a report
and the command line always agree about when something happened.

A naive moment (no zone: an older store, a test, a demo) is taken to be local wall time.
Where a local time happens twice (the hour the clocks go back in October), it is shown with
its zone abbreviation ("01:30 BST", "01:30 GMT") and typed the same way; without one, the
earlier of the two is meant. A time that never happens on the clock (the hour skipped in
March) is refused. Pure functions: the local zone is the one the system reports.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time

DATE_FORMAT = "%d/%m/%Y"
DATETIME_FORMAT = "%d/%m/%Y %H:%M"
_SECONDS_FORMAT = "%d/%m/%Y %H:%M:%S"
_FILE_DATE_FORMAT = "%Y-%m-%d"
DATE_HINT = "DD/MM/YYYY"
DATETIME_HINT = "DD/MM/YYYY HH:MM"


# -- moments: stored in UTC, shown in local time -----------------------------------------------

def as_utc(moment: datetime) -> datetime:
    """The same moment in UTC (aware). A naive moment is read as local wall time."""
    return moment.astimezone(UTC)


def to_local(moment: datetime) -> datetime:
    """The same moment in the computer's local time zone (aware)."""
    return moment.astimezone()


def local_day(moment: datetime) -> date:
    """The local calendar day a moment falls on."""
    return to_local(moment).date()


def start_of_day(day: date) -> datetime:
    """Local midnight at the start of ``day``, in UTC."""
    return as_utc(datetime.combine(day, time()))


def _occurs_twice(wall: datetime) -> bool:
    return as_utc(wall.replace(fold=0)) != as_utc(wall.replace(fold=1))


def format_datetime(moment: datetime | None, *, seconds: bool = False) -> str:
    """DD/MM/YYYY HH:MM in local time (with the zone where that time occurs twice), or ''."""
    if moment is None:
        return ""
    local = to_local(moment)
    text = local.strftime(_SECONDS_FORMAT if seconds else DATETIME_FORMAT)
    if _occurs_twice(local.replace(tzinfo=None)):
        text += " " + local.strftime("%Z")
    return text


def format_time(moment: datetime) -> str:
    """HH:MM in local time."""
    return to_local(moment).strftime("%H:%M")


# -- days ------------------------------------------------------------------------------------

def format_date(day: date | None) -> str:
    """DD/MM/YYYY, or an empty string for no date. A moment gives its local day."""
    if isinstance(day, datetime):
        day = local_day(day)
    return "" if day is None else day.strftime(DATE_FORMAT)


def weekday_name(day: date) -> str:
    """Monday, Tuesday, ..."""
    return day.strftime("%A")


def file_date(day: date) -> str:
    """YYYY-MM-DD, for file names (sorts by date)."""
    return day.strftime(_FILE_DATE_FORMAT)


def file_stamp(moment: datetime) -> str:
    """YYYYMMDD-HHMMSS in UTC, for file names the app makes itself (sorts by time, and
    the same moment gives the same name whatever the computer's zone)."""
    return as_utc(moment).strftime("%Y%m%d-%H%M%S")


# -- reading what the key worker typed --------------------------------------------------------

_DATE_SHAPE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")
_TIME_SHAPE = re.compile(r"([0-9]{1,2}):([0-9]{2})")


def _impossible(day_text: str) -> str | None:
    """For a day written the right way that the calendar does not have: "31/02/2026 is not a
    date." It repeats what was typed, as the user sees it beside the field they typed it in
    (these messages are shown in forms, never logged). None if it is a real day."""
    match = _DATE_SHAPE.fullmatch(day_text)
    if match is None:
        return None
    try:
        datetime.strptime(day_text, DATE_FORMAT)
    except ValueError:
        day, month, year = (int(part) for part in match.groups())
        return f"{day:02d}/{month:02d}/{year} is not a date."
    return None


def _is_clock_time(match: re.Match[str]) -> bool:
    try:
        time(int(match[1]), int(match[2]))
    except ValueError:
        return False
    return True


def parse_date(text: str) -> date:
    """Read DD/MM/YYYY (also D/M/YYYY). Raises ValueError with a message safe to show:
    "31/02/2026 is not a date." for a day the calendar does not have."""
    text = text.strip()
    try:
        return datetime.strptime(text, DATE_FORMAT).date()
    except ValueError:
        raise ValueError(_impossible(text) or f"Enter a date as {DATE_HINT}, for example "
                         "07/03/2015.") from None


def parse_datetime(text: str) -> datetime:
    """Read DD/MM/YYYY HH:MM as local time (optionally followed by the zone, e.g. "GMT");
    returns the moment in UTC. Raises ValueError with a message safe to show."""
    words = text.split()
    zone = words.pop().upper() if len(words) == 3 else ""  # noqa: PLR2004 (day, time, zone)
    try:
        wall = datetime.strptime(" ".join(words), DATETIME_FORMAT)
    except ValueError:
        if words and (problem := _impossible(words[0])):
            raise ValueError(problem) from None
        clock = _TIME_SHAPE.fullmatch(words[-1]) if len(words) > 1 else None
        if clock and _DATE_SHAPE.fullmatch(words[0]) and not _is_clock_time(clock):
            raise ValueError(f"{words[1]} is not a time of day: use the 24-hour clock, "
                             "00:00 to 23:59.") from None
        raise ValueError(
            f"Enter the date and time as {DATETIME_HINT}, for example 07/03/2025 14:30."
        ) from None
    choices = [wall.replace(fold=fold) for fold in (0, 1)]
    real = [c for c in choices if to_local(c).replace(tzinfo=None) == wall]
    if not real:
        raise ValueError(f"{text.strip()} never shows on the clock: the clocks go forward "
                         "that night. Enter the time the clock showed.")
    if zone:
        real = [c for c in real if to_local(c).strftime("%Z").upper() == zone]
        if not real:
            raise ValueError(f"{zone} is not the time zone in force at {words[1]} on "
                             f"{words[0]}. Leave it out or use the zone shown.")
    return as_utc(real[0])


# -- machine formats (files other programs read; the store keeps its own) ----------------------

def iso_text(value: date | datetime) -> str:
    """ISO 8601: a day as YYYY-MM-DD; a moment as local time with its UTC offset."""
    if isinstance(value, datetime):
        return to_local(value).isoformat()
    return value.isoformat()


def parse_iso_date(text: str) -> date:
    """YYYY-MM-DD. Raises ValueError."""
    return date.fromisoformat(text.strip())


def parse_iso_moment(text: str) -> datetime:
    """An ISO 8601 moment; without an offset it is local time. Returns it in UTC."""
    return as_utc(datetime.fromisoformat(text.strip()))


def age_on(date_of_birth: date, day: date) -> int:
    """Whole years between a date of birth and a day."""
    years = day.year - date_of_birth.year
    if (day.month, day.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years
