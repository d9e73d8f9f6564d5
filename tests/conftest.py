"""Shared test set-up: Qt offscreen, logs and temp files inside the test's own folder."""

from __future__ import annotations

import os

# Before anything imports Qt: without a display Qt would abort the whole run.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

pytest_plugins = ["tests.conftest_vault", "tests.cli_harness", "tests.local_zone"]
