"""File-level checks of the SQLCipher database and the one-file backup container.

Backup container (all integers big-endian)::

    b"KWBACKUP1"                 9 bytes magic
    header_length                4 bytes
    database_length              8 bytes
    header                       the key header JSON, its db_salt set to the copy's salt
    database                     an SQLCipher copy encrypted with the same data key
    sha256                       32 bytes over everything before it

The database part is made with ``sqlcipher_export`` inside one read transaction, so it
is a consistent snapshot; it is never plaintext (checked before writing).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import shutil
import struct
import tempfile
from pathlib import Path

from sqlcipher3 import dbapi2

from keyworker_app.errors import DiskFullError, NotAKeyworkerStoreError, StoreDamagedError
from keyworker_app.security.atomic import atomic_write_bytes
from keyworker_app.security.keyslots import Header, parse_header
from keyworker_app.store.connection import PAGE_SIZE, Connection, scalar
from keyworker_app.store.page_check import bad_pages
from keyworker_app.store.sqlite_errors import SQLITE_ERROR, primary_code

SQLITE_MAGIC = b"SQLite format 3\x00"
SALT_BYTES = 16
BACKUP_MAGIC = b"KWBACKUP1"
_LENGTHS = struct.Struct(">IQ")
_DIGEST = 32
# Encrypted pages look random: a 4 KiB page of ciphertext has ~250 distinct byte values;
# text, zeros or most file formats have far fewer.
_MIN_DISTINCT_BYTES = 160


def check_db_bytes(first_page: bytes, size: int) -> None:
    """Refuse what cannot be an SQLCipher store, before any key is tried."""
    if first_page.startswith(SQLITE_MAGIC):
        raise NotAKeyworkerStoreError("the database is a plain, unencrypted SQLite file")
    if size < PAGE_SIZE or size % PAGE_SIZE:
        raise NotAKeyworkerStoreError("the database file has the wrong size")
    if len(set(first_page[:PAGE_SIZE])) < _MIN_DISTINCT_BYTES:
        raise NotAKeyworkerStoreError("the database file is not encrypted data")


def check_db_file(path: Path) -> None:
    with open(path, "rb") as handle:
        first_page = handle.read(PAGE_SIZE)
    check_db_bytes(first_page, path.stat().st_size)


def read_db_salt(path: Path) -> bytes:
    with open(path, "rb") as handle:
        salt = handle.read(SALT_BYTES)
    if len(salt) != SALT_BYTES:
        raise NotAKeyworkerStoreError("the database file has the wrong size")
    return salt


def _export_copy(conn: Connection, target: Path) -> bytes:
    # Owner-only from the start; ATTACH without KEY reuses the main database's raw key.
    os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    conn.execute("ATTACH DATABASE ? AS kw_backup", (str(target),))
    try:
        version = conn.execute("PRAGMA main.user_version").fetchone()[0]
        conn.execute("BEGIN")
        try:
            _export(conn, target)
            # sqlcipher_export copies schema and rows, not the migration counter.
            conn.execute(f"PRAGMA kw_backup.user_version = {int(version)}")
            conn.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(Exception):
                conn.execute("ROLLBACK")
            raise
    finally:
        conn.execute("DETACH DATABASE kw_backup")
    return target.read_bytes()


def _export(conn: Connection, target: Path) -> None:
    """``sqlcipher_export`` reports every failure as a generic error (its result code is
    lost), so when it fails, look at what is wrong instead of reading its message."""
    try:
        conn.execute("SELECT sqlcipher_export('kw_backup')").fetchall()
    except dbapi2.Error as exc:
        if primary_code(exc) not in (None, SQLITE_ERROR):
            raise  # already sorted by the store's connection
        if bad_pages(conn):
            raise StoreDamagedError("a page could not be read") from exc
        needed = int(scalar(conn, "PRAGMA main.page_count")) * PAGE_SIZE
        if shutil.disk_usage(target.parent).free < needed:
            raise DiskFullError() from exc
        raise


def write_backup(conn: Connection, header: Header, dest: Path, *, replace: bool = True) -> None:
    """Write a consistent encrypted copy of the store plus its header to ``dest``
    (``FileExistsError`` if it exists and ``replace`` is False)."""
    dest = Path(dest)
    work = Path(tempfile.mkdtemp(prefix=".kw-backup-", dir=dest.parent))
    try:
        db_bytes = _export_copy(conn, work / "copy.db")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if db_bytes.startswith(SQLITE_MAGIC) or len(db_bytes) < PAGE_SIZE:
        raise StoreDamagedError("the backup copy was not encrypted")  # never write it
    check_db_bytes(db_bytes[:PAGE_SIZE], len(db_bytes))
    copy_header = dataclasses.replace(header, db_salt=db_bytes[:SALT_BYTES],
                                      slots=list(header.slots))
    header_bytes = copy_header.to_bytes()
    body = BACKUP_MAGIC + _LENGTHS.pack(len(header_bytes), len(db_bytes)) + header_bytes + db_bytes
    atomic_write_bytes(dest, body + hashlib.sha256(body).digest(), overwrite=replace)


def read_backup(src: Path) -> tuple[Header, bytes]:
    """Validate a backup file and return its header and database bytes."""
    try:
        data = Path(src).read_bytes()
    except FileNotFoundError:
        raise NotAKeyworkerStoreError("the backup file does not exist") from None
    if not data.startswith(BACKUP_MAGIC):
        raise NotAKeyworkerStoreError("the file is not a Keyworker backup")
    fixed = len(BACKUP_MAGIC) + _LENGTHS.size
    if len(data) < fixed + _DIGEST:
        raise StoreDamagedError("the backup file is truncated")
    header_len, db_len = _LENGTHS.unpack_from(data, len(BACKUP_MAGIC))
    if fixed + header_len + db_len + _DIGEST != len(data):
        raise StoreDamagedError("the backup file is truncated or has extra data")
    body, digest = data[:-_DIGEST], data[-_DIGEST:]
    if hashlib.sha256(body).digest() != digest:
        raise StoreDamagedError("the backup file failed its checksum")
    header = parse_header(body[fixed : fixed + header_len])
    db_bytes = body[fixed + header_len :]
    check_db_bytes(db_bytes[:PAGE_SIZE], len(db_bytes))
    if db_bytes[:SALT_BYTES] != header.db_salt:
        raise StoreDamagedError("the backup's header and database do not belong together")
    return header, db_bytes
