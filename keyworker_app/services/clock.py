"""Time, injectable so tests can move it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Protocol

from keyworker_app.domain.dates import local_day


class Clock(Protocol):
    def now(self) -> datetime: ...

    def today(self) -> date: ...


class SystemClock:
    """Now in UTC (how moments are stored); today as the key worker's local day."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        return local_day(self.now())
