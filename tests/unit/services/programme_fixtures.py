"""A real encrypted store with a CaseSession and the programme service over it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from keyworker_app.domain.audit import Actor, Role
from keyworker_app.services.case_store import CaseSession
from keyworker_app.services.policy_loader import load_policy, shipped_policy_path
from keyworker_app.services.programme import ProgrammeService
from keyworker_app.store.connection import open_encrypted
from keyworker_app.store.schema import migrate

POLICY = load_policy(shipped_policy_path())


class TestClock:
    def __init__(self, start: datetime = datetime(2025, 3, 15, 9, 0, tzinfo=UTC)) -> None:
        self.moment = start

    def now(self) -> datetime:
        self.moment += timedelta(seconds=1)
        return self.moment

    def today(self) -> date:
        return self.moment.date()


@dataclass
class Programme:
    path: Path
    key: bytes
    session: CaseSession
    service: ProgrammeService
    clock: TestClock


@pytest.fixture
def programme(tmp_path: Path) -> Iterator[Programme]:
    key = os.urandom(32)
    path = tmp_path / "store.db"
    conn = open_encrypted(path, key)
    migrate(conn)
    clock = TestClock()
    session = CaseSession(conn, Actor("Team Lead", Role.TEAM_LEAD, "Test Council"), clock)
    yield Programme(path, key, session, session.programme(POLICY), clock)
    if session.is_open:
        session.connection.close()
