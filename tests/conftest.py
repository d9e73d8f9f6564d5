"""Shared test set-up: Qt offscreen, logs and temp files inside the test's own folder."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator

import pytest

# Before anything imports Qt: without a display Qt would abort the whole run. The offscreen
# screen is a common 1920 x 1080 desktop (Qt's own default is 800 x 800), so the window
# takes the 1280 x 800 it is designed for; tests/gui/test_gui_screen_sizes.py tries others.
SCREEN_CONFIG = os.path.join(os.path.dirname(__file__), "fixtures", "screen-1920x1080.json")
if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={SCREEN_CONFIG}"

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
