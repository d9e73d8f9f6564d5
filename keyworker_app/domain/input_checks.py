"""Checks for what a key worker types into a form. Pure functions, no I/O.

Each ``*_problem`` function returns ``None`` when the text is acceptable, else a short message
that names what is wrong (never echoing the value back, which may be personal data).
"""

from __future__ import annotations

import re
from datetime import date

from keyworker_app.domain.dates import parse_date, parse_datetime
from keyworker_app.domain.passphrase import assess
from keyworker_app.domain.validation import is_valid_uk_postcode


def postcode_problem(text: str) -> str | None:
    if not text.strip():
        return "Enter a postcode."
    if not is_valid_uk_postcode(text):
        return "Enter a UK postcode, for example SW1A 1AA."
    return None


def required_problem(text: str, what: str = "this") -> str | None:
    return f"Enter {what}." if not text.strip() else None


def date_problem(text: str, *, required: bool = True, not_after: date | None = None,
                 future_message: str = "The date cannot be in the future.") -> str | None:
    if not text.strip():
        return "Enter a date." if required else None
    try:
        day = parse_date(text)
    except ValueError as exc:
        return str(exc)
    if not_after is not None and day > not_after:
        return future_message
    return None


def date_of_birth_problem(text: str, today: date) -> str | None:
    return date_problem(text, not_after=today,
                        future_message="A date of birth cannot be in the future.")


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
