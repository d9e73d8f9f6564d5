"""Suspensions of the agreement (schema v9). No transactions here: services own them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from keyworker_app.domain.suspension import Suspension
from keyworker_app.errors import RecordNotFoundError
from keyworker_app.store.connection import Connection
from keyworker_app.store.family_read import day, iso, required_day
from keyworker_app.store.rows import utc_text

_COLUMNS = "id, partner_id, starts_on, evidence, recorded_by, lifted_on"


def _suspension(r: tuple[Any, ...]) -> Suspension:
    return Suspension(r[1], required_day(r[2]), r[3], r[4], day(r[5]), id=int(r[0]))


class SuspensionRepository:
    def __init__(self, conn: Connection, clock: Callable[[], datetime]) -> None:
        self._conn = conn
        self._clock = clock

    def add(self, suspension: Suspension) -> Suspension:
        cur = self._conn.execute(
            "INSERT INTO suspension (partner_id, starts_on, evidence, recorded_by, lifted_on, "
            "recorded_at) VALUES (?, ?, ?, ?, ?, ?)",
            (suspension.partner_id, iso(suspension.starts_on), suspension.evidence,
             suspension.recorded_by, iso(suspension.lifted_on), utc_text(self._clock())))
        return self.get(int(cur.lastrowid))

    def lift(self, suspension_id: int, on: date) -> Suspension:
        cur = self._conn.execute("UPDATE suspension SET lifted_on = ? WHERE id = ?",
                                 (iso(on), suspension_id))
        if cur.rowcount == 0:
            raise RecordNotFoundError("suspension", suspension_id)
        return self.get(suspension_id)

    def get(self, suspension_id: int) -> Suspension:
        row = self._conn.execute(f"SELECT {_COLUMNS} FROM suspension WHERE id = ?",
                                 (suspension_id,)).fetchone()
        if row is None:
            raise RecordNotFoundError("suspension", suspension_id)
        return _suspension(row)

    def all(self) -> list[Suspension]:
        rows = self._conn.execute(
            f"SELECT {_COLUMNS} FROM suspension ORDER BY starts_on DESC, id DESC").fetchall()
        return [_suspension(r) for r in rows]
