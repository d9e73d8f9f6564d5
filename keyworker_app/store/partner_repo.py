"""Partner data sets in the store: files, their rows, mappings and review decisions.

SQL only; the service owns transactions, the audit and the secure erase after deletion.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from keyworker_app.domain.partner_data import PartnerField, PartnerRow
from keyworker_app.domain.partner_match import STORE, LinkRecord
from keyworker_app.store.connection import Connection, scalar


@dataclass(frozen=True, slots=True)
class PartnerFileRecord:
    id: int
    exchange_id: str
    sha256: str
    received_at: datetime
    rows_received: int
    rows_matched: int | None
    rows_kept: int | None
    rows_deleted: int | None
    finished_at: datetime | None


def _moment(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _file(row: Sequence[object]) -> PartnerFileRecord:
    def opt(v: object) -> int | None:
        return None if v is None else int(str(v))
    received = _moment(str(row[3]))
    assert received is not None
    return PartnerFileRecord(int(str(row[0])), str(row[1]), str(row[2]), received,
                             int(str(row[4])), opt(row[5]), opt(row[6]), opt(row[7]),
                             _moment(None if row[8] is None else str(row[8])))


_FILE = ("id, exchange_id, sha256, received_at, rows_received, rows_matched, rows_kept, "
         "rows_deleted, finished_at")
_ROW = ("id, file_id, row_no, given_names, family_name, date_of_birth, address, town, "
        "postcode, partner_ref, facts")


class PartnerRepository:
    def __init__(self, conn: Connection, now: Callable[[], datetime]) -> None:
        self._conn = conn
        self._now = now

    def salt(self) -> str:
        return str(scalar(self._conn, "SELECT value FROM store_meta WHERE key = "
                          "'partner-identity-salt'"))

    # -- mappings ------------------------------------------------------------------------
    def mapping(self, exchange_id: str) -> dict[PartnerField, str] | None:
        row = self._conn.execute("SELECT mapping FROM partner_mapping WHERE exchange_id = ?",
                                 (exchange_id,)).fetchone()
        if row is None:
            return None
        return {PartnerField(k): str(v) for k, v in json.loads(str(row[0])).items()}

    def save_mapping(self, exchange_id: str, mapping: dict[str, str]) -> None:
        self._conn.execute(
            "INSERT INTO partner_mapping (exchange_id, mapping, saved_at) VALUES (?, ?, ?) "
            "ON CONFLICT (exchange_id) DO UPDATE SET mapping = excluded.mapping, "
            "saved_at = excluded.saved_at",
            (exchange_id, json.dumps(mapping, sort_keys=True), self._now().isoformat()))

    # -- files and rows ------------------------------------------------------------------
    def has_file(self, sha256: str) -> bool:
        return self._conn.execute("SELECT 1 FROM partner_file WHERE sha256 = ? LIMIT 1",
                                  (sha256,)).fetchone() is not None

    def add_file(self, exchange_id: str, sha256: str, rows: Sequence[PartnerRow],
                 identities: Sequence[str]) -> int:
        cur = self._conn.execute(
            "INSERT INTO partner_file (exchange_id, sha256, received_at, rows_received) "
            "VALUES (?, ?, ?, ?)", (exchange_id, sha256, self._now().isoformat(), len(rows)))
        file_id = int(cur.lastrowid)
        self._conn.executemany(
            "INSERT INTO partner_row (file_id, row_no, given_names, family_name, "
            "date_of_birth, address, town, postcode, partner_ref, facts, identity) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(file_id, r.row, r.given_names, r.family_name, r.date_of_birth.isoformat(),
              r.address, r.town, r.postcode, r.partner_ref, json.dumps(dict(r.facts)), ident)
             for r, ident in zip(rows, identities, strict=True)])
        return file_id

    def files(self, *, open_only: bool = False) -> list[PartnerFileRecord]:
        where = " WHERE finished_at IS NULL" if open_only else ""
        rows = self._conn.execute(
            f"SELECT {_FILE} FROM partner_file{where} ORDER BY received_at, id").fetchall()
        return [_file(r) for r in rows]

    def rows(self, file_ids: Iterable[int]) -> list[PartnerRow]:
        ids = list(file_ids)
        if not ids:
            return []
        marks = ", ".join("?" * len(ids))
        found = self._conn.execute(
            f"SELECT {_ROW} FROM partner_row WHERE file_id IN ({marks}) ORDER BY id",
            ids).fetchall()
        return [PartnerRow(r[2], r[3], r[4], date.fromisoformat(r[5]), r[6], r[7], r[8],
                           r[9], tuple(json.loads(r[10]).items()), id=r[0], file_id=r[1])
                for r in found]

    def identities(self, file_ids: Iterable[int]) -> dict[int, str]:
        ids = list(file_ids)
        if not ids:
            return {}
        marks = ", ".join("?" * len(ids))
        return {int(r[0]): str(r[1]) for r in self._conn.execute(
            f"SELECT id, identity FROM partner_row WHERE file_id IN ({marks})", ids)}

    def delete_rows(self, row_ids: Iterable[int]) -> int:
        ids = [(i,) for i in row_ids]
        self._conn.executemany("DELETE FROM partner_row WHERE id = ?", ids)
        return len(ids)

    def finish_file(self, file_id: int, matched: int, kept: int, deleted: int) -> None:
        self._conn.execute(
            "UPDATE partner_file SET rows_matched = ?, rows_kept = ?, rows_deleted = ?, "
            "finished_at = ? WHERE id = ?",
            (matched, kept, deleted, self._now().isoformat(), file_id))

    # -- decisions -----------------------------------------------------------------------
    def decisions(self) -> dict[tuple[str, str], bool]:
        return {(str(r[0]), str(r[1])): bool(r[2]) for r in self._conn.execute(
            "SELECT left_identity, right_identity, same FROM partner_decision")}

    def decide(self, left: str, right: str, same: bool) -> None:
        a, b = (left, right) if left <= right else (right, left)
        self._conn.execute(
            "INSERT INTO partner_decision (left_identity, right_identity, same, decided_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (left_identity, right_identity) DO UPDATE SET "
            "same = excluded.same, decided_at = excluded.decided_at",
            (a, b, int(same), self._now().isoformat()))

    def forget_decisions(self, identities: set[str]) -> int:
        """Remove every decision about any of ``identities``."""
        doomed = [pair for pair in self.decisions()
                  if pair[0] in identities or pair[1] in identities]
        self._conn.executemany("DELETE FROM partner_decision WHERE left_identity = ? AND "
                               "right_identity = ?", doomed)
        return len(doomed)

    # -- the store's own families, to match against ----------------------------------------
    def member_records(self) -> list[LinkRecord]:
        """Every member with the family's current (or latest) address."""
        rows = self._conn.execute(
            "SELECT p.id, p.family_id, p.given_names, p.family_name, p.date_of_birth, "
            "coalesce(a.line1, ''), coalesce(a.town, ''), coalesce(a.postcode, '') "
            "FROM person p LEFT JOIN address a ON a.id = (SELECT id FROM address x "
            "WHERE x.family_id = p.family_id ORDER BY x.to_date IS NOT NULL, x.position "
            "LIMIT 1)").fetchall()
        return [LinkRecord(f"member:{r[0]}", STORE, str(r[2]), str(r[3]),
                           date.fromisoformat(str(r[4])), str(r[5]), str(r[6]), str(r[7]),
                           family_id=int(r[1])) for r in rows]

    def family_reference(self, family_id: int) -> str:
        return str(scalar(self._conn, "SELECT reference FROM family WHERE id = ?",
                          (family_id,)))
