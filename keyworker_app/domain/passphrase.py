"""How strong a passphrase is, judged without sending it anywhere.

A rough entropy estimate that punishes the usual weaknesses (short, one kind of
character, repeats, keyboard runs, well-known passwords). It is the same rule for
the store passphrase and, with the policy's own minimum, for export passwords.
"""

from __future__ import annotations

import math
import re
import string
from dataclasses import dataclass

# A few of the most common choices; a passphrase built around one scores low.
COMMON = frozenset({
    "password", "passw0rd", "letmein", "welcome", "qwerty", "qwertyuiop", "abc123",
    "iloveyou", "admin", "monkey", "dragon", "football", "baseball", "sunshine",
    "princess", "keyworker", "leicester", "leicestershire", "troubled", "families",
    "secret", "changeme", "123456", "12345678", "123456789", "1234567890", "111111",
})
RUNS = ("abcdefghijklmnopqrstuvwxyz", "qwertyuiopasdfghjklzxcvbnm", "01234567890")

MIN_LENGTH = 12
MIN_BITS = 50.0


@dataclass(frozen=True, slots=True)
class Strength:
    bits: float
    score: int  # 0 (very weak) .. 4 (strong), for a meter
    acceptable: bool
    problem: str  # empty when acceptable; otherwise what to fix, in plain English

    @property
    def label(self) -> str:
        return ("Very weak", "Weak", "Fair", "Good", "Strong")[self.score]


def _alphabet_size(text: str) -> int:
    size = 0
    if any(c in string.ascii_lowercase for c in text):
        size += 26
    if any(c in string.ascii_uppercase for c in text):
        size += 26
    if any(c in string.digits for c in text):
        size += 10
    if any(c == " " for c in text):
        size += 1
    if any(not c.isalnum() and c != " " for c in text):
        size += 33
    return max(size, 1)


def _effective_length(text: str) -> float:
    """Length after discounting repeats and keyboard or alphabet runs."""
    lowered = text.lower()
    length = 0.0
    previous = ""
    for index, char in enumerate(lowered):
        if char == previous:
            length += 0.25
        elif index and any(lowered[index - 1: index + 1] in run for run in RUNS):
            length += 0.35
        else:
            length += 1.0
        previous = char
    return length


def assess(passphrase: str, min_length: int = MIN_LENGTH, min_bits: float = MIN_BITS) -> Strength:
    text = passphrase
    words = [w for w in re.split(r"[^a-zA-Z]+", text.lower()) if w]
    bits = _effective_length(text) * math.log2(_alphabet_size(text))
    if any(w in COMMON for w in words) or text.lower() in COMMON:
        bits = min(bits, 28.0 if len(words) <= 2 else bits - 20.0)
    # Four or more separate words of 3+ letters: credit a word-based estimate too.
    long_words = [w for w in words if len(w) >= 3]
    if len(set(long_words)) >= 4:
        bits = max(bits, 11.0 * len(set(long_words)))
    score = 0 if bits < 28 else 1 if bits < 40 else 2 if bits < min_bits else 3 if bits < 70 else 4
    problem = ""
    if len(text) < min_length:
        problem = f"it must be at least {min_length} characters long"
    elif text.strip() != text or not text.strip():
        problem = "it must not start or end with spaces"
    elif bits < min_bits:
        problem = "it is too easy to guess; add more unrelated words or characters"
    if problem:
        score = min(score, 2)
    return Strength(bits=round(bits, 1), score=score, acceptable=not problem, problem=problem)
