"""Schema migration: a full-text index of the records' free text, inside the store.

Listed in ``schema.MIGRATIONS``. One FTS5 table, ``record_text``, holds the text of case notes,
their amendments, TAF meetings (the discussion, each member's views, decisions, plan actions,
information shared and addenda), concerns and offences, with the family and the record it
came from. It lives in the encrypted file like every other table, and triggers on each source
table keep it in step whatever writes the rows (a save, an import, a cascade when a family is
deleted). Its rowid is ``record id * 16 + kind``, so a trigger finds the one row to drop.

FTS5's ``secure-delete`` option makes a delete remove the words from the index's pages at
once (by default it only adds a tombstone until a later merge), so a family deleted under the
retention schedule leaves none of its words in the index's shadow tables.
"""

from __future__ import annotations

from dataclasses import dataclass

from keyworker_app.domain.record_text import TextKind

TABLE = "record_text"
_SLOTS = 16  # room for the kind codes in the rowid


@dataclass(frozen=True, slots=True)
class _Source:
    kind: TextKind
    table: str
    body: str  # SQL over ``R.`` (the row), replaced by NEW./OLD. or the table
    family: str
    columns: tuple[str, ...]  # an update of any of these re-indexes the row


def _join(*columns: str) -> str:
    return " || char(10) || ".join(f"R.{c}" for c in columns)


_BY_MEETING = "(SELECT family_id FROM meeting WHERE id = R.meeting_id)"
SOURCES: tuple[_Source, ...] = (
    _Source(TextKind.NOTE, "case_note", "R.summary", "R.family_id", ("summary", "family_id")),
    _Source(TextKind.AMENDMENT, "note_amendment", _join("text", "reason"), "R.family_id",
            ("text", "reason", "family_id")),
    _Source(TextKind.MEETING, "meeting",
            _join("child_voice", "strengths", "worries", "needs", "outcome_reason"),
            "R.family_id",
            ("child_voice", "strengths", "worries", "needs", "outcome_reason", "family_id")),
    _Source(TextKind.MEMBER_VIEWS, "meeting_member", "R.views", _BY_MEETING,
            ("views", "meeting_id")),
    _Source(TextKind.DECISION, "decision", "R.text", _BY_MEETING, ("text", "meeting_id")),
    _Source(TextKind.ACTION, "action", _join("what", "outcome"), "R.family_id",
            ("what", "outcome", "family_id")),
    _Source(TextKind.CONCERN, "concern", "R.detail", "R.family_id", ("detail", "family_id")),
    _Source(TextKind.OFFENCE, "offence", "R.description",
            "(SELECT family_id FROM person WHERE id = R.person_id)",
            ("description", "person_id")),
    _Source(TextKind.SHARED, "shared_item", "R.summary", "R.family_id",
            ("summary", "family_id")),
    _Source(TextKind.ADDENDUM, "addendum", "R.text", _BY_MEETING, ("text", "meeting_id")),
)


def _insert(source: _Source, row: str) -> str:
    def on(expr: str) -> str:
        return expr.replace("R.", f"{row}.")

    rowid = f"{row}.id * {_SLOTS} + {int(source.kind)}"
    return (f"INSERT INTO {TABLE} (rowid, body, family_id, kind, record_id) VALUES "
            f"({rowid}, {on(source.body)}, {on(source.family)}, {int(source.kind)}, {row}.id);")


def _delete(source: _Source, row: str) -> str:
    return f"DELETE FROM {TABLE} WHERE rowid = {row}.id * {_SLOTS} + {int(source.kind)};"


def _triggers(source: _Source) -> tuple[str, ...]:
    name = f"{TABLE}_{source.table}"
    return (
        f"CREATE TRIGGER {name}_insert AFTER INSERT ON {source.table} "
        f"BEGIN {_insert(source, 'NEW')} END",
        f"CREATE TRIGGER {name}_delete AFTER DELETE ON {source.table} "
        f"BEGIN {_delete(source, 'OLD')} END",
        f"CREATE TRIGGER {name}_update AFTER UPDATE OF {', '.join(source.columns)} "
        f"ON {source.table} BEGIN {_delete(source, 'OLD')} {_insert(source, 'NEW')} END",
    )


def _fill(source: _Source) -> str:
    """The rows already in the store (a store made before this migration)."""
    def on(expr: str) -> str:
        return expr.replace("R.", "src.")

    return (f"INSERT INTO {TABLE} (rowid, body, family_id, kind, record_id) "
            f"SELECT src.id * {_SLOTS} + {int(source.kind)}, {on(source.body)}, "
            f"{on(source.family)}, {int(source.kind)}, src.id FROM {source.table} AS src")


FULLTEXT_STATEMENTS: tuple[str, ...] = (
    # unicode61 with diacritics folded ("Zoë" is found by "zoe"); prefix indexes of 2 and 3
    # characters keep the as-you-type prefix on the last word quick.
    f"""CREATE VIRTUAL TABLE {TABLE} USING fts5(
        body, family_id UNINDEXED, kind UNINDEXED, record_id UNINDEXED,
        tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
    )""",
    f"INSERT INTO {TABLE} ({TABLE}, rank) VALUES ('secure-delete', 1)",
    *(_fill(source) for source in SOURCES),
    *(statement for source in SOURCES for statement in _triggers(source)),
    # The caseload search also finds a member's UPN and NHS number (search.py); the terms
    # of stores made before are added here, normalised as domain.normalise does for the
    # ASCII identifiers these are (letters and digits, upper case).
    *(f"INSERT OR IGNORE INTO search_term (term, family_id) SELECT '{prefix}' || "
      f"upper(replace(replace(replace({column}, ' ', ''), '-', ''), char(9), '')), family_id "
      f"FROM person WHERE trim({column}) <> ''"
      for prefix, column in (("u:", "upn"), ("h:", "nhs_number"))),
)
