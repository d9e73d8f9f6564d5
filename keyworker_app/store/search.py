"""The search index: one row per (term, family) and prefix range scans over it.

A range (``term >= p AND term < p + U+10FFFF``) rather than ``LIKE 'p%'``: LIKE is
case-insensitive by default and so cannot use the binary index; the range can.

A query is a few alternatives (every word starts a name; or it starts the reference, the
postcode, a UPN or an NHS number). The caseload wants every match, in no order (its own
sort shows them). A first page sorted by name costs what the page costs, not what the store
holds: when each alternative matches few families those are sorted; when one matches many,
the families are read in name order from the name index and the first ones that match are
taken, which, many matching, is soon.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from keyworker_app.domain.family import Family
from keyworker_app.domain.normalise import (
    NAME_PREFIX,
    NHS_PREFIX,
    POSTCODE_PREFIX,
    REFERENCE_PREFIX,
    UPN_PREFIX,
    name_tokens,
    normalise_identifier,
    normalise_reference,
    search_terms_for,
)
from keyworker_app.store.connection import Connection

# The highest code point sorts after every character a term can hold.
_TOP = "\U0010ffff"
# Up to this many families per alternative are sorted; beyond, the name index is walked.
SORT_AT_MOST = 2000
MAX_NAME_WORDS = 8
_HAS_TERM = ("EXISTS (SELECT 1 FROM search_term AS s WHERE s.family_id = family.id "
             "AND s.term >= ? AND s.term < ?)")


def refresh_terms(conn: Connection, family_id: int, family: Family) -> None:
    """Replace the family's terms (caller's transaction)."""
    conn.execute("DELETE FROM search_term WHERE family_id = ?", (family_id,))
    conn.executemany(
        "INSERT INTO search_term (term, family_id) VALUES (?, ?)",
        [(term, family_id) for term in sorted(search_terms_for(family))],
    )


@dataclass(frozen=True, slots=True)
class _Alternative:
    """Families having a term starting with every one of ``prefixes``."""

    prefixes: tuple[str, ...]

    def sql(self) -> tuple[str, list[Any]]:
        clauses = " AND ".join(_HAS_TERM for _ in self.prefixes)
        return f"({clauses})", [v for p in self.prefixes for v in (p, p + _TOP)]


def _alternatives(text: str) -> list[_Alternative]:
    found: list[_Alternative] = []
    tokens = name_tokens(text)[:MAX_NAME_WORDS]
    if tokens:
        found.append(_Alternative(tuple(NAME_PREFIX + t for t in tokens)))
    if reference := normalise_reference(text):
        found.append(_Alternative((REFERENCE_PREFIX + reference,)))
    if any(ch.isdigit() for ch in text):  # every postcode, UPN and NHS number has one
        found.append(_Alternative((POSTCODE_PREFIX + " ".join(text.upper().split()),)))
        if identifier := normalise_identifier(text):
            found.append(_Alternative((UPN_PREFIX + identifier,)))
            found.append(_Alternative((NHS_PREFIX + identifier,)))
    return found


def _prefix_ids(conn: Connection, prefix: str, at_most: int | None = None) -> set[int]:
    """Families with a term starting ``prefix``; with ``at_most``, reading stops at one
    more than that (enough to tell "more than at_most")."""
    rows = conn.execute("SELECT family_id FROM search_term WHERE term >= ? AND term < ?",
                        (prefix, prefix + _TOP))
    if at_most is None:
        return {int(row[0]) for row in rows}
    ids: set[int] = set()
    for row in rows:  # the cursor steps through the index: stopping early reads no more
        ids.add(int(row[0]))
        if len(ids) > at_most:
            break
    return ids


def _all_ids(conn: Connection, alternatives: Sequence[_Alternative]) -> set[int]:
    hits: set[int] = set()
    for alternative in alternatives:
        found: set[int] | None = None
        for prefix in alternative.prefixes:
            ids = _prefix_ids(conn, prefix)
            found = ids if found is None else found & ids
            if not found:
                break
        hits |= found or set()
    return hits


def _few_candidates(conn: Connection, alternatives: Sequence[_Alternative]) -> set[int] | None:
    """Every family that can match, if each alternative has a word matching few; else None.
    (A family matching an alternative has a term for each of its words, so the word with the
    fewest families bounds it.)"""
    candidates: set[int] = set()
    for alternative in alternatives:
        fewest: set[int] | None = None
        for prefix in alternative.prefixes:
            ids = _prefix_ids(conn, prefix, SORT_AT_MOST)
            if len(ids) <= SORT_AT_MOST and (fewest is None or len(ids) < len(fewest)):
                fewest = ids
        if fewest is None:
            return None
        candidates |= fewest
    return candidates


def search_ids(conn: Connection, text: str, limit: int = 200, *,
               ordered: bool = True) -> list[int]:
    """Families matching ``text``, ordered by family name then reference (unless
    ``ordered`` is false: then every match, in no particular order, and ``limit`` is ignored).

    A family matches when every word of the query starts one of its names (family
    name, members' given and family names), or the query starts its reference, or —
    when the query has a digit, as every postcode does — starts its current postcode
    (typed with or without the space: "LE1" finds LE1 2AB; "LE1 2" finds LE1 2AB only)
    or a member's UPN or NHS number (spaces ignored).
    """
    text = text.strip()
    alternatives = _alternatives(text) if text else []
    if not alternatives or (ordered and limit <= 0):
        return []
    if not ordered:
        return list(_all_ids(conn, alternatives))
    parts = [alternative.sql() for alternative in alternatives]
    matches = " OR ".join(sql for sql, _ in parts)
    params = [v for _, values in parts for v in values]
    order = "ORDER BY family_name COLLATE NOCASE, reference LIMIT ?"
    candidates = _few_candidates(conn, alternatives)
    if candidates is not None:
        if not candidates:
            return []
        rows = conn.execute(
            f"SELECT id FROM family WHERE id IN (SELECT value FROM json_each(?)) "
            f"AND ({matches}) {order}", [json.dumps(sorted(candidates)), *params, limit])
    else:
        rows = conn.execute(f"SELECT id FROM family INDEXED BY family_by_name "
                            f"WHERE {matches} {order}", [*params, limit])
    return [int(row[0]) for row in rows]
