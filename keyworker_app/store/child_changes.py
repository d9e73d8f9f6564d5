"""Writing what the user changed in an owner's child rows, and nothing else.

A window holds a copy of a record read earlier (the *base*) and the user's edited copy.
Saving compares the two and writes only the difference:

* a record without an id is new: it is inserted after the rows stored now;
* a record in the base but not in the edit was removed by the user: it is deleted;
* a record whose values differ was edited: it is updated.

Rows added since the base was read (by another window or command) are never touched.
An update or delete applies only if the stored row still holds the values the base
read (compare-and-set on the whole row); otherwise the row was changed elsewhere and the
save is refused with ``StaleRecordError``, leaving the user's edit unsaved but intact.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from keyworker_app.errors import RecordNotFoundError, StaleRecordError
from keyworker_app.store.connection import Connection, scalar
from keyworker_app.store.rows import R


def _exists(conn: Connection, table: str, row_id: int) -> bool:
    return bool(scalar(conn, f"SELECT count(*) FROM {table} WHERE id = ?", (row_id,)))


def write_changes(conn: Connection, rows: tuple[str, str], owner: tuple[str, int],
                  base: Sequence[R], edited: Sequence[R], *,
                  values: Callable[[R], tuple[Any, ...]],
                  stored: Callable[[R], tuple[Any, ...]] | None = None,
                  kind: str = "family") -> list[int]:
    """Apply the user's change from ``base`` to ``edited``; returns the ids of ``edited``.

    ``rows`` is (table, columns) and ``owner`` (owner column, owner id).

    ``stored(record)`` gives the values a base record is expected to have in the store now
    (default ``values``); it differs when this same save already changed them through a
    cascade (a member's renamed ref in their relationships). ``kind`` names the record the
    user is saving, for the refusal message.
    """
    table, columns = rows
    owner_column, owner_id = owner
    expected = stored or values
    names = [c.strip() for c in columns.split(",")]
    still = " AND ".join(f"{n} IS ?" for n in names)
    base_by_id = {r.id: r for r in base if r.id is not None}
    given = [r.id for r in edited]
    known = [i for i in given if i is not None]
    if len(set(known)) != len(known):
        raise ValueError(f"{table}: the same id appears twice")
    unknown = set(known) - set(base_by_id)
    if unknown:
        raise RecordNotFoundError(table.replace("_", " "), min(unknown))

    for gone in [i for i in base_by_id if i not in set(known)]:
        cur = conn.execute(
            f"DELETE FROM {table} WHERE id = ? AND {owner_column} = ? AND {still}",
            (gone, owner_id, *expected(base_by_id[gone])))
        if cur.rowcount == 0 and _exists(conn, table, gone):
            raise StaleRecordError(kind, owner_id)  # the user removed a row edited elsewhere

    assignments = ", ".join(f"{n} = ?" for n in names)
    for record in edited:
        if record.id is None:
            continue
        before = expected(base_by_id[record.id])
        after = values(record)
        if after == before:
            continue
        cur = conn.execute(
            f"UPDATE {table} SET {assignments} WHERE id = ? AND {owner_column} = ? AND {still}",
            (*after, record.id, owner_id, *before))
        if cur.rowcount == 0:
            raise StaleRecordError(kind, owner_id)  # changed or removed elsewhere

    # New rows go after everything stored now, unless the user reordered what they saw.
    base_order = [i for i in base_by_id if i in set(known)]
    in_place = given == [*base_order, *([None] * (len(given) - len(known)))]
    insert = (f"INSERT INTO {table} ({owner_column}, position, {columns}) "
              f"VALUES ({', '.join('?' * (len(names) + 2))})")
    position = int(scalar(conn, f"SELECT coalesce(max(position), -1) + 1 FROM {table} "
                                f"WHERE {owner_column} = ?", (owner_id,)))
    ids: list[int] = []
    for index, record in enumerate(edited):
        if record.id is None:
            at = position if in_place else index
            position += 1
            ids.append(int(conn.execute(insert, (owner_id, at, *values(record))).lastrowid))
        else:
            if not in_place:
                conn.execute(f"UPDATE {table} SET position = ? WHERE id = ?", (index, record.id))
            ids.append(record.id)
    return ids
