"""British date formats for display and entry (DD/MM/YYYY). Pure functions, no I/O."""

from __future__ import annotations

from datetime import date, datetime

DATE_FORMAT = "%d/%m/%Y"
DATETIME_FORMAT = "%d/%m/%Y %H:%M"
DATE_HINT = "DD/MM/YYYY"
DATETIME_HINT = "DD/MM/YYYY HH:MM"


def format_date(day: date | None) -> str:
    """DD/MM/YYYY, or an empty string for no date."""
    return "" if day is None else day.strftime(DATE_FORMAT)


def format_datetime(moment: datetime | None) -> str:
    return "" if moment is None else moment.strftime(DATETIME_FORMAT)


def parse_date(text: str) -> date:
    """Read DD/MM/YYYY (also D/M/YYYY). Raises ValueError with a message safe to show."""
    try:
        return datetime.strptime(text.strip(), DATE_FORMAT).date()
    except ValueError:
        raise ValueError(f"Enter a real date as {DATE_HINT}, for example 07/03/2015.") from None


def parse_datetime(text: str) -> datetime:
    try:
        return datetime.strptime(text.strip(), DATETIME_FORMAT)
    except ValueError:
        raise ValueError(
            f"Enter the date and time as {DATETIME_HINT}, for example 07/03/2025 14:30."
        ) from None


def age_on(date_of_birth: date, day: date) -> int:
    """Whole years between a date of birth and a day."""
    years = day.year - date_of_birth.year
    if (day.month, day.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years
