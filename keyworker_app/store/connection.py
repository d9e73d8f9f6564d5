"""Opening the SQLCipher file, and sorting SQLite errors into known ones and bugs."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

import sqlcipher3
from sqlcipher3 import dbapi2

from keyworker_app.errors import DiskFullError, StoreBusyError, StoreDamagedError

log = logging.getLogger("keyworker.store")

# Large enough for the working set of a big caseload (5,000 families is ~20 MB),
# so encrypted reads come from decrypted pages in memory, not from disk.
CACHE_KIB = 128 * 1024
PAGE_SIZE = 4096



class Cursor(Protocol):
    """The part of a DB-API cursor the store uses (sqlcipher3 ships no type information)."""

    @property
    def rowcount(self) -> int: ...
    @property
    def lastrowid(self) -> int: ...  # read only after an INSERT, where it is set
    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...
    def __iter__(self) -> Iterator[Any]: ...


class Connection(Protocol):
    """The part of a sqlcipher3 connection the store uses."""

    @property
    def in_transaction(self) -> bool: ...
    def execute(self, sql: str, parameters: Sequence[Any] | Mapping[str, Any] = ...,
                /) -> Cursor: ...
    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]], /) -> Cursor: ...
    def executescript(self, script: str, /) -> Cursor: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...
    def close(self) -> None: ...

DatabaseError = dbapi2.DatabaseError


def key_pragma(data_key: bytes) -> str:
    if len(data_key) != 32:
        raise ValueError("data key must be 32 bytes")
    return f"PRAGMA key = \"x'{data_key.hex()}'\""


def sqlcipher_version() -> str:
    """The SQLCipher library in use, e.g. ``4.6.1 community`` (for --version and About)."""
    conn = sqlcipher3.connect(":memory:")
    try:
        row = conn.execute("PRAGMA cipher_version").fetchone()
    finally:
        conn.close()
    return str(row[0]) if row and row[0] else "unknown"


def open_encrypted(path: Path, data_key: bytes) -> Connection:
    """Open (or create) the store with a raw 256-bit key and the house settings.

    Raises ``dbapi2.DatabaseError`` ("file is not a database") when the key does not
    fit the file; the vault turns that into a message for the user.
    """
    conn: Connection = sqlcipher3.connect(str(path), isolation_level=None,
                                          check_same_thread=False)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(key_pragma(data_key))
        # The first read is where a wrong key or a foreign file shows itself.
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        configure(conn)
    except BaseException:
        conn.close()
        raise
    return conn


def configure(conn: Connection) -> None:
    conn.execute("PRAGMA journal_mode = WAL").fetchone()
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA secure_delete = ON")
    conn.execute("PRAGMA temp_store = MEMORY")  # no plaintext temp files
    conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    conn.execute("PRAGMA busy_timeout = 5000")


def map_sqlite_error(exc: BaseException) -> BaseException:
    """Known environment errors become user-facing; anything else stays a bug."""
    if isinstance(exc, dbapi2.OperationalError | dbapi2.DatabaseError):
        text = str(exc).lower()
        if "database or disk is full" in text or "disk i/o error" in text and "full" in text:
            return DiskFullError()
        if "database is locked" in text or "database is busy" in text:
            return StoreBusyError()
        if "malformed" in text or "not a database" in text or "hmac" in text:
            return StoreDamagedError("a page could not be read")
    return exc


@contextlib.contextmanager
def transaction(conn: Connection) -> Iterator[Connection]:
    """One atomic unit of work: everything in it lands, or nothing does."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException as exc:
        with contextlib.suppress(dbapi2.Error):
            conn.execute("ROLLBACK")
        mapped = map_sqlite_error(exc)
        if mapped is not exc:
            raise mapped from exc
        raise
    else:
        try:
            conn.execute("COMMIT")
        except dbapi2.Error as exc:
            with contextlib.suppress(dbapi2.Error):
                conn.execute("ROLLBACK")
            raise map_sqlite_error(exc) from exc


def scalar(conn: Connection, sql: str, params: tuple[Any, ...] = ()) -> Any:
    row = conn.execute(sql, params).fetchone()
    return None if row is None else row[0]
