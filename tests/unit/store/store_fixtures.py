"""Fixtures for tests that need a real, migrated SQLCipher store in a temporary directory.

Kept in their own module (imported by this directory's conftest.py) so other fixture
sets can live beside them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from keyworker_app.domain.audit import Actor, Role
from keyworker_app.store.connection import Connection, open_encrypted
from keyworker_app.store.schema import migrate

OpenStore = Callable[[], Connection]


def open_migrated(path: Path, key: bytes) -> Connection:
    conn = open_encrypted(path, key)
    migrate(conn)
    return conn


@pytest.fixture
def store_key() -> bytes:
    return os.urandom(32)


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "s.db"


@pytest.fixture
def open_store(store_path: Path, store_key: bytes) -> Iterator[OpenStore]:
    """Opens (again) the test store, migrated; every connection is closed at teardown."""
    opened: list[Connection] = []

    def _open() -> Connection:
        conn = open_migrated(store_path, store_key)
        opened.append(conn)
        return conn

    yield _open
    for conn in opened:
        conn.close()


@pytest.fixture
def conn(open_store: OpenStore) -> Connection:
    return open_store()


@pytest.fixture
def actor() -> Actor:
    return Actor(name="Test Worker", role=Role.KEY_WORKER, organisation="Test Council")


class StepClock:
    """A clock that moves one second per reading, so audit times are distinct."""

    def __init__(self, start: datetime = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


@pytest.fixture
def clock() -> StepClock:
    return StepClock()
