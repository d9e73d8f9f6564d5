"""Folding names, references and postcodes into the forms search compares.

Pure functions: no I/O. Search terms carry a kind prefix so that each kind of query
only meets its own kind of term (see ``search_terms_for``).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from keyworker_app.domain.family import Family
from keyworker_app.domain.validation import is_valid_uk_postcode

NAME_PREFIX = "n:"
REFERENCE_PREFIX = "r:"
POSTCODE_PREFIX = "p:"
UPN_PREFIX = "u:"
NHS_PREFIX = "h:"

# Letters NFKD leaves whole, spelled the way an English keyboard user would type them.
_LETTER_FOLDS = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i",
     "ŧ": "t", "ħ": "h"}
)
# Apostrophes vanish (O'Brien is typed "obrien" as often as "o'brien").
_APOSTROPHES = "'’‘ʼ`´"
_HYPHENS = "-‐‑‒–—"



def _fold(text: str) -> str:
    # Compatibility forms first ("𝕬" -> "A"), then casefold, then decompose again so
    # that e.g. "İ" becomes "i" + a combining mark we then drop.
    compatible = unicodedata.normalize("NFKD", text)
    decomposed = unicodedata.normalize("NFKD", compatible.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.translate(_LETTER_FOLDS)


def normalise_name(text: str) -> str:
    """Casefolded, accent-free, apostrophes removed; hyphens kept; other marks become spaces."""
    out: list[str] = []
    for ch in _fold(text):
        if ch in _APOSTROPHES:
            continue
        if ch in _HYPHENS:
            out.append("-")
        elif ch.isalnum():
            out.append(ch)
        else:
            out.append(" ")
    return " ".join("".join(out).split())


def name_tokens(text: str) -> list[str]:
    """Words of a name, in order, without duplicates.

    A hyphenated word gives its parts and the parts run together, so "Smith-Jones"
    is found by "smith", "jones" and "smithjones".
    """
    tokens: list[str] = []
    for word in normalise_name(text).split():
        parts = [p for p in word.split("-") if p]
        candidates = parts + (["".join(parts)] if len(parts) > 1 else [])
        for token in candidates:
            if token not in tokens:
                tokens.append(token)
    return tokens


def normalise_reference(text: str) -> str:
    """Casefolded letters and digits only: "LC-2024 / 12" and "lc202412" are the same."""
    return "".join(ch for ch in _fold(text) if ch.isalnum())


def normalise_postcode(text: str) -> str:
    """Upper case without any whitespace: " le1 7rh " -> "LE17RH"."""
    return "".join(text.split()).upper()


def format_postcode(text: str) -> str:
    """The usual written form with one space before the inward code, for valid postcodes.

    Anything that is not a valid postcode comes back normalised but unspaced.
    """
    compact = normalise_postcode(text)
    if not is_valid_uk_postcode(compact):
        return compact
    return f"{compact[:-3]} {compact[-3:]}"


def postcode_terms(postcode: str) -> list[str]:
    """Index terms for a postcode: spaced (so "LE1 2" matches only LE1) and compact."""
    compact = normalise_postcode(postcode)
    if not compact:
        return []
    # An invalid postcode keeps the spacing it was typed with, so it is found either way.
    valid = is_valid_uk_postcode(compact)
    spaced = format_postcode(compact) if valid else " ".join(postcode.upper().split())
    terms = [POSTCODE_PREFIX + spaced]
    if spaced != compact:
        terms.append(POSTCODE_PREFIX + compact)
    return terms


def normalise_identifier(text: str) -> str:
    """A UPN or NHS number as compared: letters and digits only, upper case
    ("943 476 5919" -> "9434765919")."""
    return "".join(ch for ch in text if ch.isascii() and ch.isalnum()).upper()


def search_terms_for(family: Family) -> set[str]:
    """Every term a family is found by: names (family and members), reference, postcode,
    and members' UPN and NHS number.

    Only the current address's postcode: the caseload shows that one, and a hit on a
    postcode the row does not show would look like a wrong result.
    """
    names: list[str] = [family.family_name]
    for person in family.members:
        names.extend((person.given_names, person.family_name))
    return set(
        _prefixed(NAME_PREFIX, (t for name in names for t in name_tokens(name)))
        + _prefixed(REFERENCE_PREFIX, [normalise_reference(family.reference)])
        + (postcode_terms(current.postcode) if (current := family.current_address) else [])
        + _prefixed(UPN_PREFIX, [normalise_identifier(p.upn) for p in family.members])
        + _prefixed(NHS_PREFIX, [normalise_identifier(p.nhs_number) for p in family.members])
    )


def _prefixed(prefix: str, terms: Iterable[str]) -> list[str]:
    return [prefix + t for t in terms if t]
