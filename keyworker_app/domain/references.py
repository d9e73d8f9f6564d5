"""Family references for new referrals: "KW-2026-014", the year and a running number.

A suggestion only: the key worker may type their service's own reference instead; the store
refuses a reference another family already has.
"""

from __future__ import annotations

from collections.abc import Iterable

DIGITS = 3


def reference_prefix(year: int) -> str:
    return f"KW-{year}-"


def reference_placeholder(year: int) -> str:
    """What an empty reference field shows: the pattern, with this year."""
    return f"e.g. {reference_prefix(year)}{1:0{DIGITS}d}"


def next_reference(year: int, taken: Iterable[str]) -> str:
    """The year's next free reference after the highest already taken with its prefix."""
    prefix = reference_prefix(year)
    numbers = [int(tail) for ref in taken
               if ref.startswith(prefix) and (tail := ref[len(prefix):]).isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:0{DIGITS}d}"
