"""The audit chain's head kept beside the database, where cutting the table cannot reach it.

``casestore.audit-head`` (JSON) records the last audit row's seq (= the number of rows)
and hash, authenticated with an HMAC under a key derived from the data key
(security/audit_keys.py). Deleting the last rows, rolling the database file back to an
older copy, or rewriting the chain then disagrees with this file.

Crash safety: the file is written (atomically) straight *after* each commit that moved
the chain, under a lock so that two processes never move it backwards. A process killed
between the commit and the file write leaves the table a few rows *ahead* of the file,
never behind it; such rows still chain onto the recorded head, so they are accepted and
the file is brought up to date (and the catch-up audited). The table being *behind* the
file, or the file's row having another hash, is never the result of a crash.

``known`` holds short digests of chain problems already reported and audited, so the next
unlock warns only about new ones (``verify`` reports them all, every time).

During a key rotation the file carries a MAC under the old key and one under the new
key, so it verifies whichever key the database ends up with if the process dies.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from keyworker_app.security.atomic import atomic_write_bytes
from keyworker_app.security.audit_keys import derive_audit_key, mac, mac_matches
from keyworker_app.store.connection import Connection

log = logging.getLogger("keyworker.store")

FORMAT = "keyworker-audit-head"
VERSION = 1
_MAX_BYTES = 256 * 1024
_MAX_KNOWN = 200


@dataclass(frozen=True, slots=True)
class AuditHead:
    seq: int
    hash: str
    known: tuple[str, ...] = ()


def problem_digest(problem: str) -> str:
    return hashlib.sha256(problem.encode("utf-8")).hexdigest()[:16]


@contextlib.contextmanager
def _exclusive(lock_path: Path) -> Iterator[None]:
    """An OS lock (released if the process dies) so head writes are ordered."""
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        if sys.platform == "win32":  # pragma: no cover
            import msvcrt

            msvcrt.locking(fd, msvcrt.LK_LOCK, 1)
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock on both systems


def last_row(conn: Connection) -> tuple[int, str] | None:
    row = conn.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    return None if row is None else (int(row[0]), str(row[1]))


class AuditHeadFile:
    """The head file of one store, with the key that vouches for it."""

    def __init__(self, path: Path, store_id: str, key: bytes) -> None:
        if not key:
            raise ValueError("the audit head needs its key")
        self.path = path
        self.store_id = store_id
        self._keys = [bytearray(key)]
        self._known: set[str] = set()
        self._written: AuditHead | None = None
        # Set once problems found at unlock are audited: the next write may re-anchor.
        self._reanchor = False

    @property
    def lock_path(self) -> Path:
        return self.path.with_name(self.path.name + ".lock")

    # ---- reading --------------------------------------------------------------------

    def read(self) -> tuple[AuditHead | None, str | None]:
        """(head, None), (None, None) when there is no file, or (None, problem)."""
        try:
            with open(self.path, "rb") as handle:
                raw = handle.read(_MAX_BYTES + 1)
        except FileNotFoundError:
            return None, None
        except OSError:
            return None, "the audit head kept beside the store cannot be read"
        bad = "the audit head kept beside the store was altered or made with another key"
        try:
            data = json.loads(raw)
            if not isinstance(data, dict) or data.get("format") != FORMAT:
                return None, bad
            if data.get("store_id") != self.store_id:
                return None, "the audit head kept beside the store belongs to another store"
            tags = data["macs"]
            message = _signed_part(data)
            if not isinstance(tags, list) or not any(
                isinstance(t, str) and mac_matches(self._keys[0], message, t) for t in tags
            ):
                return None, bad
            head = AuditHead(int(data["seq"]), str(data["hash"]),
                             tuple(str(k) for k in data.get("known", [])))
        except (ValueError, KeyError, TypeError, UnicodeDecodeError, RecursionError):
            return None, bad
        self._known.update(head.known)
        return head, None

    # ---- writing --------------------------------------------------------------------

    def remember(self, problems: Iterable[str]) -> None:
        """Mark problems as reported (and audited); they are kept with the next write,
        which may then re-anchor the head on the trail as it now is."""
        digests = {problem_digest(p) for p in problems}
        self._known.update(digests)
        self._reanchor = self._reanchor or bool(digests)

    def _extends(self, conn: Connection) -> bool:
        """Whether the table still holds the recorded head row: the head only ever moves
        forward along the chain. If the trail was cut or rewritten while the store was
        open, the file keeps the old head, so the next unlock reports it."""
        head, problem = self.read()
        if problem is not None:
            return False
        if head is None or head.seq == 0:
            return True
        row = conn.execute("SELECT hash FROM audit WHERE seq = ?", (head.seq,)).fetchone()
        return row is not None and str(row[0]) == head.hash

    def known(self) -> set[str]:
        return set(self._known)

    def _write(self, head: AuditHead) -> None:
        data: dict[str, Any] = {"format": FORMAT, "version": VERSION,
                                "store_id": self.store_id, "seq": head.seq,
                                "hash": head.hash, "known": list(head.known)}
        message = _signed_part(data)
        data["macs"] = [mac(k, message) for k in self._keys]
        atomic_write_bytes(self.path, (json.dumps(data, indent=2) + "\n").encode("ascii"))
        self._written = head

    def sync(self, conn: Connection) -> None:
        """Record the table's current end (after a commit; also the after-commit hook)."""
        with _exclusive(self.lock_path):
            if not self._reanchor and not self._extends(conn):
                log.warning("audit head not moved: the trail no longer extends it")
                return
            last = last_row(conn)
            seq, digest = last if last is not None else (0, "")
            known = tuple(sorted(self._known))[-_MAX_KNOWN:]
            head = AuditHead(seq, digest, known)
            if head != self._written:
                self._write(head)
            self._reanchor = False

    def attach(self, conn: Connection) -> None:
        """Keep the file up to date after every commit on ``conn``."""
        hooks = getattr(conn, "after_commit", None)
        if hooks is None:
            raise TypeError("the connection cannot run work after a commit")
        hooks.append(lambda: self.sync(conn))

    # ---- key rotation ---------------------------------------------------------------

    def add_key(self, key: bytes, conn: Connection) -> None:
        """Before a rekey: vouch under the old and the new key."""
        self._keys.append(bytearray(key))
        self._written = None
        self.sync(conn)

    def use_only(self, key: bytes, conn: Connection) -> None:
        """After a rekey: vouch under the new key alone."""
        self.wipe()
        self._keys = [bytearray(key)]
        self._written = None
        self.sync(conn)

    def derived_key(self, purpose: str) -> bytes:
        """A further key for another audit purpose (e.g. checkpoints), from this one."""
        return derive_audit_key(self._keys[-1], self.store_id, purpose)

    def wipe(self) -> None:
        for k in self._keys:
            for i in range(len(k)):
                k[i] = 0


def _signed_part(data: dict[str, Any]) -> bytes:
    fields = {k: data[k] for k in ("format", "version", "store_id", "seq", "hash")}
    fields["known"] = data.get("known", [])
    return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode("utf-8")
