"""Throttling of failed unlocks, remembered across restarts in a small JSON file.

Two limits apply together:

* a growing delay after each failure: none for the first ``FREE_FAILURES``, then
  2, 4, 8 ... seconds, capped at ``MAX_DELAY``;
* at most ``WINDOW_LIMIT`` failures in any ``WINDOW_SECONDS`` window.

The failure times are kept until a successful unlock, which returns them so the
caller can write them to the audit trail.

Decisions worth knowing:

* A *corrupt* file is treated as a full window of failures at the file's last
  modification time: the user waits at most five minutes, and an attacker cannot
  reset the counter by scribbling into the file. (Deleting it does reset it; the real
  protection against offline guessing is Argon2id plus the device secret.)
* Failure times later than "now" (the clock was set back) are treated as "now", so a
  clock change cannot lock the user out for longer than the normal limits.
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from keyworker_app.errors import UnlockThrottledError
from keyworker_app.security.atomic import atomic_write_bytes, fsync_dir

log = logging.getLogger("keyworker.vault")

FREE_FAILURES = 3
MAX_DELAY = 60.0
WINDOW_SECONDS = 300.0
WINDOW_LIMIT = 10
_KEEP = 200  # enough for the audit trail; bounds the file size
_VERSION = 1


class UnlockThrottle:
    def __init__(self, path: Path, clock: Callable[[], float] = time.time) -> None:
        self._path = Path(path)
        self._clock = clock

    def _load(self) -> tuple[list[float], bool]:
        """Failure times (oldest first) and whether they came from a readable file."""
        try:
            raw = self._path.read_bytes()
        except FileNotFoundError:
            return [], True
        try:
            data = json.loads(raw)
            if not isinstance(data, dict) or data.get("version") != _VERSION:
                raise ValueError("unknown throttle file")
            failures = data["failures"]
            if not isinstance(failures, list) or not all(
                isinstance(t, int | float) and not isinstance(t, bool) for t in failures
            ):
                raise ValueError("bad failure list")
            return sorted(float(t) for t in failures), True
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            log.warning("Unlock throttle file is unreadable; applying the full limit")
            try:
                stamp = self._path.stat().st_mtime
            except OSError:
                stamp = self._clock()
            return [min(stamp, self._clock())] * WINDOW_LIMIT, False

    def _save(self, failures: list[float]) -> None:
        body = json.dumps({"version": _VERSION, "failures": failures[-_KEEP:]})
        atomic_write_bytes(self._path, body.encode("ascii"))

    @staticmethod
    def delay_after(count: int) -> float:
        """Delay imposed after ``count`` consecutive failures."""
        if count <= FREE_FAILURES:
            return 0.0
        return min(MAX_DELAY, 2.0 ** (count - FREE_FAILURES))

    def wait_seconds(self) -> float:
        now = self._clock()
        failures = [min(t, now) for t in self._load()[0]]
        if not failures:
            return 0.0
        wait = failures[-1] + self.delay_after(len(failures)) - now
        recent = [t for t in failures if t > now - WINDOW_SECONDS]
        if len(recent) >= WINDOW_LIMIT:
            # Allowed again once the oldest of the last WINDOW_LIMIT leaves the window.
            wait = max(wait, recent[-WINDOW_LIMIT] + WINDOW_SECONDS - now)
        return max(0.0, wait)

    def check(self) -> None:
        wait = self.wait_seconds()
        if wait > 0:
            raise UnlockThrottledError(wait)

    def record_failure(self) -> None:
        failures, _ = self._load()
        failures.append(self._clock())
        self._save(failures)
        log.info("Failed unlock recorded (%d since the last success)", len(failures))

    def reset(self) -> list[datetime]:
        """Forget the failures after a successful unlock and return them for the audit."""
        failures, readable = self._load()
        with contextlib.suppress(FileNotFoundError):
            self._path.unlink()
            fsync_dir(self._path.parent)
        if not readable:
            return []  # synthetic entries from a corrupt file are not real attempts
        return [datetime.fromtimestamp(t, tz=UTC) for t in failures]
