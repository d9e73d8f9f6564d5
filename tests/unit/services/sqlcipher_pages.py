"""Decrypt every page of a SQLCipher 4 store file and its WAL, for leak tests.

The store is opened with a raw 256-bit key (``PRAGMA key = "x'…'"``), which SQLCipher uses
directly as the AES-256-CBC page key. SQLCipher 4's defaults: 4096-byte pages, each ending
in a reserved area of a 16-byte IV and a 64-byte HMAC-SHA512; page 1 starts with the 16-byte
salt. Decrypting every page (live, free, and every WAL frame) is the only way to see what
the file really still holds: ``sqlcipher_export`` would copy only live rows.
"""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

PAGE = 4096
RESERVE = 16 + 64
SALT = 16
WAL_HEADER = 32
FRAME_HEADER = 24


def _decrypt_page(page: bytes, key: bytes, first: bool) -> bytes:
    start = SALT if first else 0
    iv = page[PAGE - RESERVE:PAGE - RESERVE + 16]
    body = page[start:PAGE - RESERVE]
    decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    return decryptor.update(body) + decryptor.finalize()


def plaintext_pages(db: Path, key: bytes) -> list[bytes]:
    """Every page of the database file and of its WAL (if any), decrypted."""
    pages: list[bytes] = []
    data = db.read_bytes()
    for number, offset in enumerate(range(0, len(data) - PAGE + 1, PAGE), start=1):
        pages.append(_decrypt_page(data[offset:offset + PAGE], key, number == 1))
    wal = db.with_name(db.name + "-wal")
    if wal.exists():
        raw = wal.read_bytes()
        offset = WAL_HEADER
        while offset + FRAME_HEADER + PAGE <= len(raw):
            page_number = int.from_bytes(raw[offset:offset + 4], "big")
            frame = raw[offset + FRAME_HEADER:offset + FRAME_HEADER + PAGE]
            pages.append(_decrypt_page(frame, key, page_number == 1))
            offset += FRAME_HEADER + PAGE
    return pages


def found_in(db: Path, key: bytes, needle: str) -> bool:
    wanted = [needle.encode("utf-8"), needle.encode("utf-16-le")]
    return any(w in page for page in plaintext_pages(db, key) for w in wanted)
