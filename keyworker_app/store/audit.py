"""The append-only, hash-chained audit trail.

Each row's hash covers its own fields and the previous row's hash, so changing,
removing or reordering a row breaks the chain from that point. SQL triggers stop
accidental UPDATE/DELETE; the chain catches deliberate ones (someone with the key
who drops the triggers). The head (last seq and hash) is also kept in store_meta,
because removing the *last* row leaves an otherwise intact chain.

Never personal data here: ``detail`` holds ids, counts and report kinds.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from keyworker_app.domain.audit import Actor, AuditAction, AuditEvent
from keyworker_app.store import meta
from keyworker_app.store.connection import Connection

log = logging.getLogger("keyworker.store")

GENESIS_HASH = "0" * 64

_COLUMNS = (
    "seq, at, actor, actor_role, organisation, action, object_type, object_id, detail, "
    "prev_hash, hash"
)


def row_hash(fields: Sequence[str | int]) -> str:
    """SHA-256 over a canonical encoding of (seq, at, actor, actor_role, organisation,
    action, object_type, object_id, detail, prev_hash): a JSON array, so no field can
    bleed into the next."""
    if len(fields) != 10:
        raise ValueError("an audit row has ten hashed fields")
    canonical = json.dumps(list(fields), ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class AuditLog:
    def __init__(self, conn: Connection, actor: Actor, clock: Callable[[], datetime]) -> None:
        self._conn = conn
        self._actor = actor
        self._clock = clock

    def record(
        self,
        action: AuditAction,
        object_type: str,
        object_id: str | int,
        detail: str = "",
    ) -> int:
        """Append one event in the caller's transaction; returns its seq."""
        if not self._conn.in_transaction:
            # The row and the chain head must land together, or the head lies.
            raise RuntimeError("AuditLog.record must run inside transaction(conn)")
        at = self._clock()
        if at.tzinfo is None:
            raise ValueError("the audit clock must return timezone-aware times")
        at_text = at.astimezone(UTC).isoformat(timespec="microseconds")
        last = self._conn.execute(
            "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        seq, prev_hash = (1, GENESIS_HASH) if last is None else (int(last[0]) + 1, str(last[1]))
        fields = (
            seq,
            at_text,
            self._actor.name,
            self._actor.role.value,
            self._actor.organisation,
            AuditAction(action).value,
            object_type,
            str(object_id),
            detail,
            prev_hash,
        )
        digest = row_hash(fields)
        self._conn.execute(
            f"INSERT INTO audit ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (*fields, digest),
        )
        meta.set_audit_head(self._conn, seq, digest)
        log.debug("audit %d: %s %s %s", seq, action, object_type, object_id)
        return seq

    def events(self, limit: int = 100, offset: int = 0, newest_first: bool = True) -> list[
        AuditEvent
    ]:
        order = "DESC" if newest_first else "ASC"
        rows = self._conn.execute(
            "SELECT seq, at, actor, actor_role, organisation, action, object_type, object_id, "
            f"detail FROM audit ORDER BY seq {order} LIMIT ? OFFSET ?",
            (limit, offset),
        ).fetchall()
        return [
            AuditEvent(
                seq=int(r[0]),
                at=datetime.fromisoformat(r[1]),
                actor=r[2],
                actor_role=r[3],
                organisation=r[4],
                action=AuditAction(r[5]),
                object_type=r[6],
                object_id=r[7],
                detail=r[8],
            )
            for r in rows
        ]

    def count(self) -> int:
        return int(self._conn.execute("SELECT count(*) FROM audit").fetchone()[0])


def verify_chain(conn: Connection) -> list[str]:
    """Every problem found in the audit chain, each naming the row; empty when intact."""
    problems: list[str] = []
    prev_seq = 0
    prev_hash = GENESIS_HASH
    for row in conn.execute(f"SELECT {_COLUMNS} FROM audit ORDER BY seq"):
        seq = int(row[0])
        text = [str(v) for v in row[1:10]]
        stored_hash = str(row[10])
        gap = seq != prev_seq + 1
        if gap:
            problems.append(_gap_problem(prev_seq, seq))
        if row_hash([seq, *text]) != stored_hash:
            problems.append(f"audit row {seq}: hash does not match its contents")
        # After a gap the link cannot match; the gap is already the finding.
        if not gap and text[8] != prev_hash:
            problems.append(
                f"audit row {seq}: its link to row {prev_seq} does not match "
                f"(row {prev_seq} was changed or replaced)"
            )
        prev_seq, prev_hash = seq, stored_hash
    problems.extend(_head_problems(conn, prev_seq, prev_hash))
    return problems


def _gap_problem(prev_seq: int, seq: int) -> str:
    if seq <= prev_seq:
        return f"audit row {seq} is out of order (after row {prev_seq})"
    what = _missing(prev_seq + 1, seq - 1)
    if prev_seq == 0:
        return f"{what} (chain broken before row {seq})"
    return f"{what} (chain broken between {prev_seq} and {seq})"


def _missing(first: int, last: int) -> str:
    if first == last:
        return f"audit row {first} is missing"
    return f"audit rows {first}-{last} are missing"


def _head_problems(conn: Connection, last_seq: int, last_hash: str) -> list[str]:
    head = meta.get_audit_head(conn)
    if head is None:
        return [f"audit row {last_seq}: no chain head recorded"] if last_seq else []
    head_seq, head_hash = head
    if head_seq > last_seq:
        what = _missing(last_seq + 1, head_seq)
        return [f"{what} from the end (the chain head is row {head_seq})"]
    if head_seq < last_seq:
        return [f"audit row {last_seq} was added after the chain head ({head_seq})"]
    if head_hash != last_hash:
        return [f"audit row {last_seq}: does not match the recorded chain head"]
    return []
