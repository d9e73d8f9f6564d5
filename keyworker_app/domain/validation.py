"""The formats of identifiers and postcodes, for the rules in ``domain.family_rules`` and the
forms' checks as they are typed. The ``is_valid_*`` predicates judge the format alone.
"""

from __future__ import annotations

import re

# The Royal Mail rules for which letters may stand where, plus two special cases: GIR 0AA and
# the NHS pseudo-postcodes ZZ99 9ZZ that records use for people of no fixed abode (the strict
# rules would reject those, and they are real in case files).
_POSTCODE_RE = re.compile(
    r"^(?:GIR 0AA|ZZ99 [0-9][A-Z]{2}|[A-PR-UWYZ](?:[0-9][0-9A-HJKPSTUW]?"
    r"|[A-HK-Y][0-9][0-9ABEHMNPRVWXY]?) [0-9][ABD-HJLNP-UW-Z]{2})$"
)
_NI_RE = re.compile(r"^(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z][0-9]{6}[A-D]$")
_UPN_RE = re.compile(r"^[A-Z][0-9]{11}[0-9A-Z]$")


def canonical_postcode(text: str) -> str:
    """Upper case with one space before the inward code, so "le1 6zg" and "LE16ZG" match."""
    compact = re.sub(r"\s+", "", text).upper()
    if len(compact) < 5:
        return compact
    return f"{compact[:-3]} {compact[-3:]}"


def is_valid_uk_postcode(text: str) -> bool:
    """True for a UK postcode in any spacing or case (e.g. "LE1 6ZG", "ZZ99 3WZ", "sw1a1aa")."""
    return bool(_POSTCODE_RE.fullmatch(canonical_postcode(text)))


def is_valid_nhs_number(text: str) -> bool:
    """Ten digits (spaces allowed) whose last digit is the modulus-11 check digit."""
    digits = re.sub(r"\s+", "", text)
    if not re.fullmatch(r"[0-9]{10}", digits):
        return False
    total = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9]))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def is_valid_ni_number(text: str) -> bool:
    """A National Insurance number: two letters, six digits, A-D (spaces allowed).

    The prefix QQ is never issued but is the one HMRC uses in examples; it is accepted so that
    training and demo records can be plainly fictitious.
    """
    compact = re.sub(r"\s+", "", text).upper()
    return bool(_NI_RE.fullmatch(compact) or re.fullmatch(r"QQ[0-9]{6}[A-D]", compact))


def is_valid_upn(text: str) -> bool:
    """A Unique Pupil Number's shape: a check letter, eleven digits, a digit or letter."""
    return bool(_UPN_RE.fullmatch(text.strip().upper()))
