"""The search index: one row per (term, family) and prefix range scans over it.

A range (``term >= p AND term < p + U+10FFFF``) rather than ``LIKE 'p%'``: LIKE is
case-insensitive by default and so cannot use the binary index; the range can.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from keyworker_app.domain.family import Family
from keyworker_app.domain.normalise import (
    NAME_PREFIX,
    POSTCODE_PREFIX,
    REFERENCE_PREFIX,
    name_tokens,
    normalise_reference,
    search_terms_for,
)
from keyworker_app.store.connection import Connection

# The highest code point sorts after every character a term can hold.
_TOP = "\U0010ffff"


def refresh_terms(conn: Connection, family_id: int, family: Family) -> None:
    """Replace the family's terms (caller's transaction)."""
    conn.execute("DELETE FROM search_term WHERE family_id = ?", (family_id,))
    conn.executemany(
        "INSERT INTO search_term (term, family_id) VALUES (?, ?)",
        [(term, family_id) for term in sorted(search_terms_for(family))],
    )


def _prefix_ids(conn: Connection, prefix: str) -> set[int]:
    rows = conn.execute(
        "SELECT DISTINCT family_id FROM search_term WHERE term >= ? AND term < ?",
        (prefix, prefix + _TOP),
    )
    return {int(row[0]) for row in rows}


def _all_tokens_match(conn: Connection, tokens: Iterable[str]) -> set[int]:
    found: set[int] | None = None
    for token in tokens:
        ids = _prefix_ids(conn, NAME_PREFIX + token)
        found = ids if found is None else found & ids
        if not found:
            return set()
    return found or set()


def search_ids(conn: Connection, text: str, limit: int = 200) -> list[int]:
    """Families matching ``text``, ordered by family name then reference.

    A family matches when every word of the query starts one of its names (family
    name, members' given and family names), or the query starts its reference, or —
    when the query has a digit, as every postcode does — starts its current postcode,
    typed with or without the space ("LE1" finds LE1 2AB; "LE1 2" finds LE1 2AB only).
    """
    text = text.strip()
    if not text or limit <= 0:
        return []
    hits = _all_tokens_match(conn, name_tokens(text))
    reference = normalise_reference(text)
    if reference:
        hits |= _prefix_ids(conn, REFERENCE_PREFIX + reference)
    if any(ch.isdigit() for ch in text):
        hits |= _prefix_ids(conn, POSTCODE_PREFIX + " ".join(text.upper().split()))
    if not hits:
        return []
    rows = conn.execute(
        "SELECT id FROM family WHERE id IN (SELECT value FROM json_each(?)) "
        "ORDER BY family_name COLLATE NOCASE, reference LIMIT ?",
        (json.dumps(sorted(hits)), limit),
    )
    return [int(row[0]) for row in rows]
