"""Checks for what a key worker types into a form, as it is typed. Pure functions, no I/O.

Each ``*_problem`` function returns ``None`` when the text is acceptable, else a short message
that names what is wrong (never echoing the value back, which may be personal data, except a
date the calendar does not have). They read the text; where a rule about the value applies
(not in the future, a plausible year) they ask ``domain.family_rules``, whose rules the saved
record must keep anyway, so a field and its record never disagree.
"""

from __future__ import annotations

import re
from datetime import date

from keyworker_app.domain import family_rules as rules
from keyworker_app.domain.dates import parse_date, parse_datetime
from keyworker_app.domain.passphrase import assess


def postcode_problem(text: str) -> str | None:
    return rules.postcode_problem(text)


def required_problem(text: str, what: str = "this") -> str | None:
    return f"Enter {what}." if not text.strip() else None


def date_problem(text: str, *, required: bool = True, not_after: date | None = None,
                 what: str = "The date") -> str | None:
    """A DD/MM/YYYY date; with ``not_after``, the domain's "not in the future" for ``what``
    ("The offence date")."""
    if not text.strip():
        return "Enter a date." if required else None
    try:
        day = parse_date(text)
    except ValueError as exc:
        return str(exc)
    if not_after is not None:
        return rules.not_future_problem(day, what, not_after)
    return None


def date_of_birth_problem(text: str, today: date) -> str | None:
    problem = date_problem(text)
    return problem or rules.date_of_birth_problem(parse_date(text), today)


def datetime_problem(text: str) -> str | None:
    if not text.strip():
        return "Enter a date and time."
    try:
        parse_datetime(text)
    except ValueError as exc:
        return str(exc)
    return None


def passphrase_strength(passphrase: str) -> tuple[int, str]:
    """A 0–4 score and the reason, for the meter on the first-run screen.

    The same rule the store enforces (``domain.passphrase.assess``), so the meter never calls
    "strong" a passphrase that set-up would then refuse.
    """
    if not passphrase:
        return 0, "Enter a passphrase."
    strength = assess(passphrase)
    if not strength.acceptable:
        return strength.score, f"{strength.label}: {strength.problem}."
    words = [w for w in re.split(r"[\s\-_.,]+", passphrase) if len(w) >= 3]
    if len(set(words)) >= 4:
        return strength.score, (f"{strength.label}: four or more unrelated words are hard to "
                                "guess and easy to remember.")
    return strength.score, f"{strength.label}: long and varied enough."


def parse_academic_year(text: str) -> int:
    """"2025/26" (also "2025/2026" or "2025-26") → 2025, the year the academic year starts.

    Raises ValueError with a message safe to show.
    """
    match = re.fullmatch(r"\s*(\d{4})\s*[/-]\s*(\d{2}|\d{4})\s*", text)
    if match is None:
        raise ValueError("Enter the academic year as YYYY/YY, for example 2025/26.")
    start, end = int(match[1]), int(match[2])
    if end % 100 != (start + 1) % 100 or (end >= 100 and end != start + 1):
        raise ValueError("The second year must follow the first, for example 2025/26.")
    return start


def academic_year_problem(text: str, today: date) -> str | None:
    if not text.strip():
        return "Enter the academic year, for example 2025/26."
    try:
        start = parse_academic_year(text)
    except ValueError as exc:
        return str(exc)
    return rules.academic_year_problem(start, today)


def parse_percentage(text: str) -> float:
    """"12.5" or "12.5%" → 12.5. Raises ValueError with a message safe to show."""
    cleaned = text.strip().removesuffix("%").strip()
    try:
        value = float(cleaned)
    except ValueError:
        raise ValueError("Enter a number, for example 12.5.") from None
    if not 0 <= value <= 100:  # also refuses NaN, which fails every comparison
        raise ValueError("Enter a percentage from 0 to 100.")
    return value


def percentage_problem(text: str) -> str | None:
    if not text.strip():
        return "Enter a percentage from 0 to 100 (0 if none)."
    try:
        parse_percentage(text)
    except ValueError as exc:
        return str(exc)
    return None


def count_problem(text: str, most: int = rules.MOST_FIXED_EXCLUSIONS) -> str | None:
    """A whole number from 0 to ``most``."""
    if not text.strip():
        return "Enter a number (0 if none)."
    if not re.fullmatch(r"\s*\d+\s*", text) or int(text) > most:
        return f"Enter a whole number from 0 to {most}."
    return None
