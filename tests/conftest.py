"""Shared test set-up: Qt offscreen, logs and temp files inside the test's own folder."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator

import pytest

# Before anything imports Qt: without a display Qt would abort the whole run.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

pytest_plugins = ["tests.conftest_vault", "tests.cli_harness", "tests.local_zone"]

# How fast examples are generated or run depends on how busy the machine is, never on
# whether the product is right: no Hypothesis deadline or speed health check anywhere.
from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile(
    "keyworker", deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.large_base_example])
settings.load_profile("keyworker")


@pytest.fixture(autouse=True)
def _collect_garbage() -> Iterator[None]:
    """Stores, windows and worker threads a test left in reference cycles are freed before
    the next test: hundreds of unclosed connections (each with its file maps) would
    otherwise pile up until a 64 MiB key derivation can no longer be mapped."""
    yield
    gc.collect()
