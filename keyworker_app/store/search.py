"""The search index: one row per (term, family) and prefix range scans over it.

A range (``term >= p AND term < p + U+10FFFF``) rather than ``LIKE 'p%'``: LIKE is
case-insensitive by default and so cannot use the binary index; the range can.

A query is a few alternatives (every word starts a name; or it starts the reference, the
postcode, a UPN or an NHS number). The caseload wants every match, in no order (its own
sort shows them). A first page sorted by name costs what the page costs, not what the store
holds: when the query matches few families those are read and sorted; when it matches many,
the families are read in name order from the name index and the first that match are taken,
which, many matching, is soon.
"""

from __future__ import annotations

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
# Up to this many matching terms are read and sorted; beyond, the name index is walked.
FEW = 300
# An alternative whose every word is this common is probed family by family as the index is
# walked (gathering its families would cost in proportion to the store).
MANY = 5000
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

    def walk_sql(self) -> tuple[str, list[Any]]:
        """A condition on ``family`` (one index probe per word)."""
        clauses = " AND ".join(_HAS_TERM for _ in self.prefixes)
        return f"({clauses})", [v for p in self.prefixes for v in (p, p + _TOP)]

    def every_sql(self) -> tuple[str, list[Any]]:
        """The ids of every family matching (duplicates possible), computed in SQLite."""
        ranges = " INTERSECT ".join(_RANGE for _ in self.prefixes)
        return (f"SELECT family_id FROM ({ranges})",
                [v for p in self.prefixes for v in (p, p + _TOP)])

    def from_fewest_sql(self, fewest: str) -> tuple[str, list[Any]]:
        """The same ids, reading only the families of the word matching fewest and probing
        them for the other words."""
        others = [p for p in self.prefixes if p != fewest]
        probes = "".join(f" AND {_HAS_TERM.replace('family.id', 't.family_id')}"
                         for _ in others)
        return (f"SELECT t.family_id FROM search_term AS t WHERE t.term >= ? AND t.term < ?"
                f"{probes}", [fewest, fewest + _TOP, *(v for p in others
                                                        for v in (p, p + _TOP))])


_RANGE = "SELECT family_id FROM search_term WHERE term >= ? AND term < ?"


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


def _rows_with(conn: Connection, prefix: str, at_most: int) -> int:
    """How many terms start ``prefix`` (at least the families that have one), counting no
    further than one more than ``at_most``."""
    row = conn.execute(f"SELECT count(*) FROM ({_RANGE} LIMIT ?)",
                       (prefix, prefix + _TOP, at_most + 1)).fetchone()
    return int(row[0])


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
        parts = [a.every_sql() for a in alternatives]
        rows = conn.execute(" UNION ".join(sql for sql, _ in parts),
                            [v for _, values in parts for v in values]).fetchall()
        return [int(row[0]) for row in rows]
    order = "ORDER BY family_name COLLATE NOCASE, reference LIMIT ?"
    found: list[tuple[str, list[Any]]] = []  # the ids of an alternative's families
    probed: list[tuple[str, list[Any]]] = []  # a condition probed per family walked
    largest = 0
    for alternative in alternatives:
        counts = {p: _rows_with(conn, p, MANY) for p in alternative.prefixes}
        fewest = min(counts, key=counts.__getitem__)
        if not counts[fewest]:
            continue
        if counts[fewest] > MANY:
            probed.append(alternative.walk_sql())  # common: probed, not gathered
        else:
            found.append(alternative.from_fewest_sql(fewest))
            largest = max(largest, counts[fewest])
    if not found and not probed:
        return []
    conditions = [f"id IN ({' UNION ALL '.join(s for s, _ in found)})"] if found else []
    conditions += [sql for sql, _ in probed]
    params = [*(v for _, values in found for v in values),
              *(v for _, values in probed for v in values), limit]
    # Few families: read and sort them. Many: walk the name index, which soon meets the
    # first ``limit`` of them, checking each family against the ids found (in memory).
    walk = bool(probed) or largest > FEW
    rows = conn.execute(
        f"SELECT id FROM family {'INDEXED BY family_by_name ' if walk else ''}"
        f"WHERE {' OR '.join(conditions)} {order}", params).fetchall()
    return [int(row[0]) for row in rows]
