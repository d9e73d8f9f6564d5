"""Checks for what a key worker types into a form. Pure functions, no I/O.

Each ``*_problem`` function returns ``None`` when the text is acceptable, else a short message
that names what is wrong (never echoing the value back, which may be personal data).
"""

from __future__ import annotations

import re
from datetime import date

from keyworker_app.domain.dates import parse_date, parse_datetime

# The GOV.UK / Royal Mail shape of a postcode: outward code (area, district) and inward code.
_POSTCODE = re.compile(
    r"^(GIR ?0AA|[A-PR-UWYZ](?:[0-9][0-9A-HJKPSTUW]?|[A-HK-Y][0-9][0-9ABEHMNPRVWXY]?)"
    r" ?[0-9][ABD-HJLNP-UW-Z]{2})$"
)


def normalise_postcode(text: str) -> str:
    """Upper case with one space before the inward code: ``sw1a1aa`` → ``SW1A 1AA``."""
    compact = re.sub(r"\s+", "", text).upper()
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact


def postcode_problem(text: str) -> str | None:
    if not text.strip():
        return "Enter a postcode."
    if not _POSTCODE.match(normalise_postcode(text)):
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

    Length and unrelated words matter most; this is guidance, the store enforces its own rule.
    """
    if not passphrase:
        return 0, "Enter a passphrase."
    words = [w for w in re.split(r"[\s\-_.,]+", passphrase) if w]
    classes = sum(
        bool(re.search(pattern, passphrase))
        for pattern in (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^A-Za-z0-9\s]")
    )
    if len(set(passphrase)) <= 2:
        return 0, "It repeats the same characters."
    if len(words) >= 5 and len(passphrase) >= 24:
        return 4, "Very strong: five or more words."
    if len(words) >= 4 and len(passphrase) >= 16:
        return 3, "Strong: four unrelated words are hard to guess and easy to remember."
    if len(passphrase) >= 16 and classes >= 3:
        return 3, "Strong: long and mixes kinds of character."
    if len(passphrase) >= 12 and classes >= 2:
        return 2, "Fair: add another word or two to make it strong."
    if len(passphrase) >= 8:
        return 1, "Weak: too short. Use four or more unrelated words."
    return 0, "Too short. Use four or more unrelated words."
