"""The computer's time zone for a test: ``TZ`` set and ``time.tzset()`` called, both undone
afterwards, so a test can stand in London in summer, in winter and across the clock change."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

LONDON = "Europe/London"


@contextmanager
def local_zone(name: str) -> Iterator[None]:
    previous = os.environ.get("TZ")
    os.environ["TZ"] = name
    time.tzset()
    try:
        yield
    finally:
        if previous is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = previous
        time.tzset()


@pytest.fixture
def london() -> Iterator[None]:
    """The computer keeps UK time (GMT in winter, BST in summer)."""
    with local_zone(LONDON):
        assert time.tzname == ("GMT", "BST"), "the system has no Europe/London zone (tzdata)"
        yield
