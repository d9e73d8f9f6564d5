"""The torture suite's short version (the full one is ``make torture``): every part
runs with small counts and must report no failure."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.torture import disk, parts
from tests.torture.run import SHORT

SEED = 20261201


def _clean(outcome: parts.Outcome) -> None:
    assert outcome.tried > 0, f"{outcome.part}: nothing was tried"
    assert outcome.failures == 0, f"{outcome.part}: {outcome.examples}"


def test_mutated_import_files(tmp_path: Path) -> None:
    _clean(parts.mutated_imports(SHORT["imports"], SEED, tmp_path))


def test_mutated_policy_files(tmp_path: Path) -> None:
    _clean(parts.mutated_policies(SHORT["policies"], SEED, tmp_path))


def test_damaged_headers(tmp_path: Path) -> None:
    _clean(parts.damaged_headers(SHORT["headers"], SEED, tmp_path))


def test_two_writers_on_one_family(tmp_path: Path) -> None:
    _clean(parts.two_writers(SHORT["two"], SEED, tmp_path))


@pytest.mark.slow
def test_sigkill_during_mixed_writes(tmp_path: Path) -> None:
    _clean(parts.kill_during_writes(SHORT["kill"], SEED, tmp_path))


@pytest.mark.slow
@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a small tmpfs needs root")
def test_full_disk_during_save_export_backup_and_import(tmp_path: Path) -> None:
    _clean(disk.full_disk(SHORT["disk"], SEED, tmp_path))
