"""The torture suite's short version (the full one is ``make torture``): every part
runs with small counts and must report no failure. Parts join this file as the store
passes them (see run.py for the whole list)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.torture import parts
from tests.torture.run import SHORT

SEED = 20261201


def _clean(outcome: parts.Outcome) -> None:
    assert outcome.tried > 0, f"{outcome.part}: nothing was tried"
    assert outcome.failures == 0, f"{outcome.part}: {outcome.examples}"



def test_two_writers_on_one_family(tmp_path: Path) -> None:
    _clean(parts.two_writers(SHORT["two"], SEED, tmp_path))


def test_damaged_headers(tmp_path: Path) -> None:
    _clean(parts.damaged_headers(SHORT["headers"], SEED, tmp_path))


@pytest.mark.slow
def test_sigkill_during_mixed_writes(tmp_path: Path) -> None:
    _clean(parts.kill_during_writes(SHORT["kill"], SEED, tmp_path))
