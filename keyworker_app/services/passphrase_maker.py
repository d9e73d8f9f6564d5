"""Passphrases made for an export's recipient: words drawn with ``secrets`` from the shipped
list (``resources/words/passphrase-words.txt``), easy to read out over the telephone."""

from __future__ import annotations

import math
import secrets
from functools import cache

from keyworker_app.errors import UserFacingError
from keyworker_app.resources import resource_path

WORDS_FILE = ("words", "passphrase-words.txt")
WORD_COUNT = 6  # with the shipped list, about 56 bits
MIN_WORDS_IN_LIST = 500


@cache
def word_list() -> tuple[str, ...]:
    path = resource_path(*WORDS_FILE)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise UserFacingError("The word list for passphrases is missing from this copy of "
                              "Keyworker.", "Type a passphrase yourself, or reinstall the "
                              "app.") from exc
    words = tuple(dict.fromkeys(w.strip() for w in lines if w.strip() and not w.startswith("#")))
    if len(words) < MIN_WORDS_IN_LIST:
        raise UserFacingError("The word list for passphrases is too short to be safe.",
                              "Type a passphrase yourself, or reinstall the app.")
    return words


def make_passphrase(count: int = WORD_COUNT, words: tuple[str, ...] | None = None) -> str:
    """``count`` words chosen independently and uniformly, joined by hyphens."""
    chosen = words if words is not None else word_list()
    return "-".join(secrets.choice(chosen) for _ in range(count))


def passphrase_bits(count: int = WORD_COUNT, words: tuple[str, ...] | None = None) -> float:
    return count * math.log2(len(words if words is not None else word_list()))
