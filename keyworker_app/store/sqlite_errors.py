"""Sorting SQLite errors into the ones a key worker can act on and the ones that are bugs.

The one place that decides. Errors are told apart by SQLite's result code, never by their
message text (which changes between versions and languages of the library):

* busy / locked (another Keyworker window or command is writing) -> ``StoreBusyError``
* disk or quota full -> ``DiskFullError``
* a page that fails its check, or a file that is not a store -> ``StoreDamagedError``
* the file cannot be read or written (I/O error, read-only, no permission) ->
  ``StoreUnavailableError``

Anything else (a constraint, a syntax error, misuse) stays what it is: a bug, for the crash
dialog. Every connection the store opens is a ``SortedConnection``, so reads are sorted just
like writes: a damaged page met while browsing gives the same advice as one met at unlock.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NoReturn

from sqlcipher3 import dbapi2

from keyworker_app.errors import (
    DiskFullError,
    StoreBusyError,
    StoreDamagedError,
    StoreUnavailableError,
)

# Primary result codes (https://sqlite.org/rescode.html); an extended code carries its
# primary code in the low byte.
SQLITE_ERROR = 1
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14
SQLITE_PERM = 3
SQLITE_NOLFS = 22
SQLITE_NOTADB = 26

_BUSY = frozenset({SQLITE_BUSY, SQLITE_LOCKED})
_DAMAGED = frozenset({SQLITE_CORRUPT, SQLITE_NOTADB})
_UNAVAILABLE = frozenset({SQLITE_IOERR, SQLITE_READONLY, SQLITE_CANTOPEN, SQLITE_PERM,
                          SQLITE_NOLFS})


def primary_code(exc: BaseException) -> int | None:
    """SQLite's primary result code of an error raised by sqlcipher3, or None."""
    code = getattr(exc, "sqlite_errorcode", None)
    if not isinstance(exc, dbapi2.Error) or not isinstance(code, int):
        return None
    return code & 0xFF


def is_damage(exc: BaseException) -> bool:
    """True for "this page or file is not what the key expects" (wrong key or damage)."""
    return primary_code(exc) in _DAMAGED or isinstance(exc, StoreDamagedError)


def sort_error(exc: BaseException) -> BaseException:
    """The user-facing error for a known environment problem; ``exc`` itself otherwise."""
    code = primary_code(exc)
    if code is None:
        return exc
    if code in _BUSY:
        return StoreBusyError()
    if code == SQLITE_FULL:
        return DiskFullError()
    if code in _DAMAGED:
        return StoreDamagedError("a page could not be read")
    if code in _UNAVAILABLE:
        return StoreUnavailableError()
    return exc


def _reraise(exc: dbapi2.Error) -> NoReturn:
    mapped = sort_error(exc)
    if mapped is exc:
        raise exc
    raise mapped from exc


class SortedCursor(dbapi2.Cursor):  # type: ignore[misc]
    """A cursor whose every step raises sorted errors (reads fail while fetching too)."""

    def execute(self, sql: str, parameters: Any = ()) -> SortedCursor:
        try:
            super().execute(sql, parameters)
        except dbapi2.Error as exc:
            _reraise(exc)
        return self

    def executemany(self, sql: str, seq_of_parameters: Iterable[Any]) -> SortedCursor:
        try:
            super().executemany(sql, seq_of_parameters)
        except dbapi2.Error as exc:
            _reraise(exc)
        return self

    def fetchone(self) -> Any:
        try:
            return super().fetchone()
        except dbapi2.Error as exc:
            _reraise(exc)

    def fetchmany(self, size: int | None = None) -> list[Any]:
        try:
            return list(super().fetchmany(self.arraysize if size is None else size))
        except dbapi2.Error as exc:
            _reraise(exc)

    def fetchall(self) -> list[Any]:
        try:
            return list(super().fetchall())
        except dbapi2.Error as exc:
            _reraise(exc)

    def __iter__(self) -> SortedCursor:
        return self

    def __next__(self) -> Any:
        try:
            return super().__next__()
        except dbapi2.Error as exc:
            _reraise(exc)


class SortedConnection(dbapi2.Connection):  # type: ignore[misc]
    """A connection whose statements raise sorted errors (pass as ``factory=``)."""

    def cursor(self, factory: Any = None) -> Any:
        return super().cursor(factory or SortedCursor)

    def execute(self, sql: str, parameters: Any = ()) -> SortedCursor:
        cursor: SortedCursor = self.cursor()
        return cursor.execute(sql, parameters)

    def executemany(self, sql: str, seq_of_parameters: Iterable[Any]) -> SortedCursor:
        cursor: SortedCursor = self.cursor()
        return cursor.executemany(sql, seq_of_parameters)

    def commit(self) -> None:
        try:
            super().commit()
        except dbapi2.Error as exc:
            _reraise(exc)
