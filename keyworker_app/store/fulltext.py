"""Full-text search over the records' free text (the FTS5 table of store.schema_fulltext).

What a key worker types never reaches FTS5 as syntax: it is cut into words the way the
index's tokenizer cuts text (letters and digits; everything else separates), each word is
quoted, and the last one becomes a prefix while it is being typed. So quotes, ``*``, ``NEAR``,
``AND``, brackets or a lone surrogate are only ever words or separators, never an error.
"""

from __future__ import annotations

import re

from keyworker_app.domain.record_text import HIT_END, HIT_START, RecordHit, TextKind
from keyworker_app.store.connection import Connection
from keyworker_app.store.schema_fulltext import TABLE

MAX_WORDS = 12
MAX_WORD = 64  # characters kept of one word: FTS5 has no longer words worth finding
SNIPPET_WORDS = 14
# A word as unicode61 sees one: letters, digits and marks, not the underscore.
_WORD = re.compile(r"[^\W_]+")
_SURROGATES = re.compile("[\ud800-\udfff]")


def match_expression(text: str) -> str | None:
    """The FTS5 query for what was typed, or None when it holds no word to look for.

    Every word must occur (FTS5's implicit AND); the last word is also a prefix ("safeg"
    finds "safeguarding") unless the text ends with a space or the word is one character.
    """
    clean = _SURROGATES.sub(" ", text[: MAX_WORDS * (MAX_WORD + 1) * 4])
    words = [w[:MAX_WORD] for w in _WORD.findall(clean)][:MAX_WORDS]
    if not words:
        return None
    quoted = [f'"{w}"' for w in words]  # no quote can be inside: words are letters/digits
    still_typing = not clean[-1:].isspace()
    if still_typing and len(words[-1]) > 1:
        quoted[-1] += " *"
    return " ".join(quoted)


def search_records(conn: Connection, text: str, limit: int = 200) -> list[RecordHit]:
    """Records holding every word of ``text``, the most recently written of each kind first.

    Ordered by the index's rowid (record id within its kind), not by relevance: ranking every
    match would cost time in proportion to the matches, and a key worker mostly wants the
    recent records. At most ``limit`` hits.
    """
    query = match_expression(text)
    if query is None or limit <= 0:
        return []
    rows = conn.execute(
        f"SELECT t.family_id, f.reference, f.family_name, t.kind, t.record_id, t.snip "
        f"FROM (SELECT family_id, kind, record_id, rowid AS rid, "
        f"snippet({TABLE}, 0, ?, ?, '…', ?) AS snip FROM {TABLE} WHERE {TABLE} MATCH ? "
        f"ORDER BY rowid DESC LIMIT ?) AS t JOIN family AS f ON f.id = t.family_id "
        f"ORDER BY t.rid DESC",
        (HIT_START, HIT_END, SNIPPET_WORDS, query, limit),
    ).fetchall()
    return [RecordHit(int(r[0]), str(r[1]), str(r[2]), TextKind(int(r[3])), int(r[4]),
                      str(r[5])) for r in rows]


def indexed_words(conn: Connection, word: str) -> int:
    """How many records hold ``word`` (for checks that a word is or is not indexed)."""
    query = match_expression(word + " ")
    if query is None:
        return 0
    row = conn.execute(f"SELECT count(*) FROM {TABLE} WHERE {TABLE} MATCH ?",
                       (query,)).fetchone()
    return int(row[0])


def optimise(conn: Connection) -> None:
    """Merge the index into one segment (after a large deletion; caller's transaction)."""
    conn.execute(f"INSERT INTO {TABLE} ({TABLE}) VALUES ('optimize')")
