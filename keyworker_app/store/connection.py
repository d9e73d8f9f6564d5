"""Opening the SQLCipher file, and sorting SQLite errors into known ones and bugs."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, NoReturn, Protocol

import sqlcipher3
from sqlcipher3 import dbapi2

from keyworker_app.domain.changes import Changes
from keyworker_app.errors import UserFacingError
from keyworker_app.store.change_log import collect
from keyworker_app.store.sqlite_errors import SortedConnection, sort_error

log = logging.getLogger("keyworker.store")

# Large enough for the working set of a big caseload (5,000 families is ~20 MB),
# so encrypted reads come from decrypted pages in memory, not from disk.
CACHE_KIB = 128 * 1024
PAGE_SIZE = 4096
# How long a statement waits for another Keyworker window or command to finish writing
# before it gives up with "the store is busy". Every write is one short transaction, so
# a real wait is milliseconds; a larger value would only freeze the window for longer.
BUSY_TIMEOUT_MS = 5000



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


class StoreConnection(SortedConnection):
    """A sorted connection with a listener told, after each ``transaction`` commits, what it
    wrote (``store.change_log``). One listener: the session that owns the connection.

    ``after_commit`` is store-level work run straight after each commit, before the
    listener: the audit head kept beside the database (store/audit_head.py) catches up."""

    on_commit: Callable[[Changes], None] | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.after_commit: list[Callable[[], None]] = []


def run_after_commit(conn: Connection) -> None:
    """The connection's after-commit work; a failure there never undoes the commit."""
    for hook in getattr(conn, "after_commit", ()):
        try:
            hook()
        except Exception as exc:  # the data is committed; the hook catches up next time
            log.warning("after-commit step failed: %s", type(exc).__name__)


def connect(path: Path) -> Connection:
    """A connection to the store file whose errors are sorted (``store.sqlite_errors``)."""
    conn: Connection = sqlcipher3.connect(str(path), isolation_level=None,
                                          check_same_thread=False,
                                          factory=StoreConnection)
    # Before the key: even reading the first page may have to wait for a writer.
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return conn


def open_encrypted(path: Path, data_key: bytes) -> Connection:
    """Open (or create) the store with a raw 256-bit key and the house settings.

    Raises ``StoreDamagedError`` when the key does not fit the file; the vault tells
    a wrong key from damage before it gets here.
    """
    conn = connect(path)
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
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


# Kept for callers that sort an error themselves; the one rule lives in sqlite_errors.
map_sqlite_error = sort_error


@contextlib.contextmanager
def transaction(conn: Connection) -> Iterator[Connection]:
    """One atomic unit of work: everything in it lands, or nothing does.

    ``BEGIN IMMEDIATE`` takes the write lock up front (waiting up to the busy timeout), so
    a busy store is reported before any work is done, as ``StoreBusyError``.
    """
    try:
        conn.execute("BEGIN IMMEDIATE")
    except dbapi2.Error as exc:
        _raise_sorted(exc)
    try:
        yield conn
    except BaseException as exc:
        _rollback(conn)
        mapped = map_sqlite_error(exc)
        if mapped is not exc:
            raise mapped from exc
        raise
    else:
        try:
            conn.execute("COMMIT")
        except (dbapi2.Error, UserFacingError) as exc:
            _rollback(conn)
            _raise_sorted(exc)
        run_after_commit(conn)
        _committed(conn)


def _committed(conn: Connection) -> None:
    """Tell the connection's listener what the transaction wrote. A listener's failure is
    logged, never raised: the work is committed, and the caller must hear that it was."""
    listener = getattr(conn, "on_commit", None)
    if listener is None:
        return
    try:
        changes = collect(conn)
        if changes:
            listener(changes)
    except Exception as exc:
        log.error("change listener failed: %s", type(exc).__name__)


@contextlib.contextmanager
def read_snapshot(conn: Connection) -> Iterator[Connection]:
    """Several reads that must see one state of the store, even while another Keyworker
    window or command commits between them (a family is read table by table)."""
    if conn.in_transaction:
        yield conn
        return
    conn.execute("BEGIN")
    try:
        yield conn
    finally:
        _rollback(conn)  # read only: nothing to keep


def _rollback(conn: Connection) -> None:
    # Fails harmlessly when SQLite has already rolled back (e.g. after a full disk).
    with contextlib.suppress(dbapi2.Error, UserFacingError):
        conn.execute("ROLLBACK")


def _raise_sorted(exc: BaseException) -> NoReturn:
    mapped = map_sqlite_error(exc)
    if mapped is exc:
        raise exc
    raise mapped from exc


def scalar(conn: Connection, sql: str, params: tuple[Any, ...] = ()) -> Any:
    row = conn.execute(sql, params).fetchone()
    return None if row is None else row[0]
