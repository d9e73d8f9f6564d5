"""What the repositories share: the clock, and keeping an owner's child rows in step.

A family's members, addresses and notes, a person's indicators and a meeting's attendees,
decisions and actions are all stored the same way: rows in their own table keyed by the
owner, in the order given, matched to the records by id.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

from keyworker_app.errors import RecordNotFoundError
from keyworker_app.store.connection import Connection


class HasId(Protocol):
    @property
    def id(self) -> int | None: ...


R = TypeVar("R", bound=HasId)


def utc_now() -> datetime:
    return datetime.now(UTC)


def utc_text(moment: datetime) -> str:
    """How a moment is stored: UTC, to the second."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def saved_id(record: HasId) -> int:
    assert record.id is not None  # set by sync_rows
    return record.id


def sync_rows(conn: Connection, table: str, columns: str, owner: tuple[str, int, bool],
              records: Sequence[R], *, values: Callable[[R], tuple[Any, ...]]) -> list[R]:
    """Make ``table``'s rows for one owner match ``records``: rows whose id is absent are
    deleted, rows with an id updated, rows without one inserted; returns them with ids.

    ``owner`` is (column, id, fresh); a fresh owner has no rows yet, so every record is
    inserted and any ids it carries are ignored.
    """
    owner_column, owner_id, fresh = owner
    names = [c.strip() for c in columns.split(",")]
    keep: list[int | None] = [None] * len(records) if fresh else [r.id for r in records]
    if not fresh:
        existing = {int(row[0]) for row in conn.execute(
            f"SELECT id FROM {table} WHERE {owner_column} = ?", (owner_id,))}
        wanted = [i for i in keep if i is not None]
        if len(set(wanted)) != len(wanted):
            raise ValueError(f"{table}: the same id appears twice")
        unknown = set(wanted) - existing
        if unknown:
            raise RecordNotFoundError(table.replace("_", " "), min(unknown))
        for gone in sorted(existing - set(wanted)):
            conn.execute(f"DELETE FROM {table} WHERE id = ?", (gone,))
    insert = (f"INSERT INTO {table} ({owner_column}, position, {columns}) "
              f"VALUES ({', '.join('?' * (len(names) + 2))})")
    update = (f"UPDATE {table} SET position = ?, {', '.join(n + ' = ?' for n in names)} "
              "WHERE id = ?")
    saved: list[R] = []
    for position, (record, given_id) in enumerate(zip(records, keep, strict=True)):
        if given_id is None:
            cur = conn.execute(insert, (owner_id, position, *values(record)))
            record_id = int(cur.lastrowid)
        else:
            conn.execute(update, (position, *values(record), given_id))
            record_id = given_id
        saved.append(replace(record, id=record_id))  # type: ignore[type-var]
    return saved
