from __future__ import annotations

import stat
from pathlib import Path

import pytest

from keyworker_app.errors import UnlockThrottledError
from keyworker_app.security.throttle import UnlockThrottle
from tests.conftest_vault import FakeClock


def test_first_failures_are_free_then_delays_grow_and_cap(
    tmp_path: Path, fake_clock: FakeClock
) -> None:
    throttle = UnlockThrottle(tmp_path / "t.json", fake_clock)
    waits = []
    for _ in range(9):
        throttle.record_failure()
        waits.append(throttle.wait_seconds())
        fake_clock.advance(throttle.wait_seconds())
    assert waits == [0, 0, 0, 2, 4, 8, 16, 32, 60]
    assert UnlockThrottle.delay_after(30) == 60


def test_at_most_ten_failures_in_five_minutes(tmp_path: Path, fake_clock: FakeClock) -> None:
    path = tmp_path / "t.json"
    # Failures written by a patient attacker who always waits out the delay.
    start = fake_clock.now
    for i in range(10):
        UnlockThrottle(path, fake_clock).check()
        UnlockThrottle(path, fake_clock).record_failure()
        if i < 9:
            fake_clock.advance(UnlockThrottle(path, fake_clock).wait_seconds())
    throttle = UnlockThrottle(path, fake_clock)
    # The delay schedule alone would allow a try 60 s after the 10th failure (at +182 s);
    # the window forbids one until the first failure is 300 s old.
    assert fake_clock.now - start == 122
    assert throttle.wait_seconds() == pytest.approx(start + 300 - fake_clock.now)
    with pytest.raises(UnlockThrottledError):
        throttle.check()


def test_survives_restart_and_reset_returns_failures(tmp_path: Path, fake_clock: FakeClock) -> None:
    path = tmp_path / "t.json"
    for _ in range(5):
        UnlockThrottle(path, fake_clock).record_failure()
        fake_clock.advance(1)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = UnlockThrottle(path, fake_clock)
    assert again.wait_seconds() > 0
    failures = again.reset()
    assert len(failures) == 5 and failures[0].tzinfo is not None
    assert UnlockThrottle(path, fake_clock).wait_seconds() == 0
    assert not path.exists()


def test_corrupt_file_means_full_window(tmp_path: Path, fake_clock: FakeClock) -> None:
    path = tmp_path / "t.json"
    path.write_text("{not json")
    import os

    os.utime(path, (fake_clock.now, fake_clock.now))
    throttle = UnlockThrottle(path, fake_clock)
    assert throttle.wait_seconds() == pytest.approx(300)
    fake_clock.advance(301)
    assert throttle.wait_seconds() == 0
    assert throttle.reset() == []


def test_clock_set_back_does_not_lock_out_forever(tmp_path: Path, fake_clock: FakeClock) -> None:
    path = tmp_path / "t.json"
    throttle = UnlockThrottle(path, fake_clock)
    for _ in range(5):
        throttle.record_failure()
    fake_clock.advance(-86400)
    assert throttle.wait_seconds() <= 60
