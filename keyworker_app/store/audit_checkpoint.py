"""Audit checkpoints: the trail's end written to a small file kept off the laptop.

A checkpoint names the store, the number of audit rows and the last row's hash. Because
each row's hash covers the one before it, that hash stands for the whole history up to
it: later, ``check_checkpoint`` recomputes rows 1..N and compares row N's hash. Anyone
who rewrites any of those rows (even holding the data key, rebuilding the whole chain)
changes row N's hash, so the checkpoint no longer matches. Events *after* the checkpoint
are not covered, and a checkpoint kept on the laptop itself proves nothing.

The file also carries an HMAC under a key derived from the data key (via the audit head
key), which shows it was made by this store; after ``rotate-key`` that seal can no longer
be confirmed, but the history comparison still holds. No personal data is in the file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from keyworker_app.security.audit_keys import mac, mac_matches
from keyworker_app.store.audit import GENESIS_HASH, row_hash
from keyworker_app.store.audit_head import last_row
from keyworker_app.store.connection import Connection

FORMAT = "keyworker-audit-checkpoint"
VERSION = 1
_MAX_BYTES = 64 * 1024
_HASHED = ("seq, at, actor, actor_role, organisation, action, object_type, object_id, "
           "detail, prev_hash, hash")


@dataclass(frozen=True, slots=True)
class Checkpoint:
    store_id: str
    rows: int
    head_hash: str
    made_at: str  # ISO 8601, UTC


@dataclass
class CheckpointResult:
    checkpoint: Checkpoint
    problems: list[str] = field(default_factory=list)
    sealed: bool = True  # the HMAC verified under this store's current key

    @property
    def history_unchanged(self) -> bool:
        return not self.problems


def _signed(fields: dict[str, Any]) -> bytes:
    return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode("utf-8")


def make_checkpoint(conn: Connection, store_id: str, key: bytes, at: datetime
                    ) -> tuple[Checkpoint, bytes]:
    last = last_row(conn)
    rows, digest = last if last is not None else (0, GENESIS_HASH)
    point = Checkpoint(store_id, rows, digest, at.isoformat(timespec="seconds"))
    fields = {"format": FORMAT, "version": VERSION, "store_id": store_id, "rows": rows,
              "head_hash": digest, "made_at": point.made_at}
    data = dict(fields, mac=mac(key, _signed(fields)))
    return point, (json.dumps(data, indent=2) + "\n").encode("ascii")


def parse_checkpoint(raw: bytes) -> tuple[Checkpoint, dict[str, Any], str]:
    """(checkpoint, signed fields, mac); ValueError with a plain reason when it is not one."""
    if len(raw) > _MAX_BYTES:
        raise ValueError("it is too large to be a Keyworker audit checkpoint")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise ValueError("it is not a Keyworker audit checkpoint") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError("it is not a Keyworker audit checkpoint")
    if data.get("version") != VERSION:
        raise ValueError("it is a checkpoint version this Keyworker cannot read")
    try:
        fields = {k: data[k] for k in ("format", "version", "store_id", "rows", "head_hash",
                                       "made_at")}
        rows = fields["rows"]
        if not isinstance(rows, int) or isinstance(rows, bool) or rows < 0:
            raise TypeError("rows")
        point = Checkpoint(str(fields["store_id"]), rows, str(fields["head_hash"]),
                           str(fields["made_at"]))
        tag = str(data["mac"])
    except (KeyError, TypeError):
        raise ValueError("the checkpoint is incomplete") from None
    return point, fields, tag


def check_checkpoint(conn: Connection, store_id: str, key: bytes, raw: bytes
                     ) -> CheckpointResult:
    """Compare the store's history with a checkpoint. ValueError for a foreign file."""
    point, fields, tag = parse_checkpoint(raw)
    if point.store_id != store_id:
        raise ValueError("it was made for another case store")
    result = CheckpointResult(point, sealed=mac_matches(key, _signed(fields), tag))
    if point.rows == 0:
        return result
    prev_hash, expected = GENESIS_HASH, 1
    for row in conn.execute(f"SELECT {_HASHED} FROM audit WHERE seq <= ? ORDER BY seq",
                            (point.rows,)):
        seq = int(row[0])
        if seq != expected:
            result.problems.append(f"audit row {expected} is missing or out of order")
            return result
        text = [str(v) for v in row[1:10]]
        if text[8] != prev_hash or row_hash([seq, *text]) != str(row[10]):
            result.problems.append(f"audit row {seq} was changed since the checkpoint")
            return result
        prev_hash, expected = str(row[10]), seq + 1
    if expected <= point.rows:
        result.problems.append(f"audit rows {expected}-{point.rows} are missing (the "
                               f"checkpoint covers {point.rows} rows)")
    elif prev_hash != point.head_hash:
        result.problems.append(f"the history up to audit row {point.rows} was rewritten "
                               "(its hash differs from the checkpoint's)")
    return result
