from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from keyworker_app.errors import UnlockThrottledError
from keyworker_app.security.throttle import (
    FREE_FAILURES,
    Guard,
    UnlockThrottle,
    attempts_key,
)
from tests.conftest_vault import FakeClock

KEY = attempts_key(b"\x01" * 32, "store/copy")


class MemoryCopy:
    """Stands in for the keyring copy of the record."""

    def __init__(self) -> None:
        self.record: str | None = None

    def load(self) -> str | None:
        return self.record

    def save(self, record: str) -> None:
        self.record = record


def plain(path: Path, clock: FakeClock) -> UnlockThrottle:
    return UnlockThrottle(path, clock, clock.boot)


def guarded(path: Path, clock: FakeClock, copy: MemoryCopy) -> UnlockThrottle:
    return UnlockThrottle(path, clock, clock.boot, Guard(KEY, copy))


def fail(throttle: UnlockThrottle, times: int = 1) -> None:
    for _ in range(times):
        throttle.record_failure()  # as if each waited its turn and guessed wrong


def test_first_failures_are_free_then_delays_grow_and_cap(
    tmp_path: Path, fake_clock: FakeClock
) -> None:
    throttle = plain(tmp_path / "t.json", fake_clock)
    waits = []
    for _ in range(9):
        throttle.begin()
        waits.append(throttle.wait_seconds())
        fake_clock.advance(throttle.wait_seconds())
    assert waits == [0, 0, 0, 2, 4, 8, 16, 32, 60]
    assert UnlockThrottle.delay_after(30) == 60


def test_at_most_ten_failures_in_five_minutes(tmp_path: Path, fake_clock: FakeClock) -> None:
    path = tmp_path / "t.json"
    start = fake_clock.now
    for i in range(10):
        plain(path, fake_clock).begin()
        if i < 9:
            fake_clock.advance(plain(path, fake_clock).wait_seconds())
    throttle = plain(path, fake_clock)
    # The delay schedule alone would allow a try 60 s after the 10th failure (at +182 s);
    # the window forbids one until the first failure is 300 s old.
    assert fake_clock.now - start == 122
    assert throttle.wait_seconds() == pytest.approx(start + 300 - fake_clock.now)
    with pytest.raises(UnlockThrottledError):
        throttle.begin()


def test_success_hands_over_failures_until_they_are_audited(
    tmp_path: Path, fake_clock: FakeClock
) -> None:
    path = tmp_path / "t.json"
    copy = MemoryCopy()
    guarded(path, fake_clock, copy).start_fresh()
    for _ in range(5):
        fail(guarded(path, fake_clock, copy))
        fake_clock.advance(60)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = guarded(path, fake_clock, copy)
    token = again.begin()
    outcome = again.succeeded(token)
    assert len(outcome.failures) == 5 and outcome.failures[0].tzinfo is not None
    assert not outcome.record_lost
    assert again.wait_seconds() == 0
    # A crash before the audit rows are written loses nothing ...
    assert len(guarded(path, fake_clock, copy).succeeded().failures) == 5
    # ... and once they are written they are not handed over again.
    again.audited()
    assert guarded(path, fake_clock, copy).succeeded().failures == []


def test_deleting_the_file_keeps_the_count(tmp_path: Path, fake_clock: FakeClock) -> None:
    path = tmp_path / "t.json"
    copy = MemoryCopy()
    guarded(path, fake_clock, copy).start_fresh()
    fail(guarded(path, fake_clock, copy), 4)
    path.unlink()
    throttle = guarded(path, fake_clock, copy)
    with pytest.raises(UnlockThrottledError):
        throttle.begin()
    assert path.exists()  # written back from the keyring copy
    fake_clock.advance(2)
    outcome = throttle.succeeded(throttle.begin())
    assert len(outcome.failures) == 4 and not outcome.record_lost


def test_an_old_or_edited_file_does_not_reset_the_count(
    tmp_path: Path, fake_clock: FakeClock
) -> None:
    path = tmp_path / "t.json"
    copy = MemoryCopy()
    guarded(path, fake_clock, copy).start_fresh()
    fresh = path.read_bytes()
    fail(guarded(path, fake_clock, copy), 6)
    path.write_bytes(fresh)  # put back the copy from before the failures
    assert guarded(path, fake_clock, copy).wait_seconds() == pytest.approx(8)
    data = json.loads(path.read_bytes())
    data["failures"] = []
    path.write_text(json.dumps(data))  # edited, tag no longer fits
    assert guarded(path, fake_clock, copy).wait_seconds() == pytest.approx(8)


def test_no_valid_record_means_throttled_not_fresh(tmp_path: Path, fake_clock: FakeClock) -> None:
    path = tmp_path / "t.json"
    copy = MemoryCopy()
    guarded(path, fake_clock, copy).start_fresh()
    assert guarded(path, fake_clock, copy).wait_seconds() == 0  # a new store: no wait
    fail(guarded(path, fake_clock, copy), 2)
    path.unlink()
    copy.record = None
    throttle = guarded(path, fake_clock, copy)
    assert throttle.wait_seconds() == pytest.approx(300)
    fake_clock.advance(100)
    assert guarded(path, fake_clock, copy).wait_seconds() == pytest.approx(200)
    fake_clock.advance(301)
    outcome = throttle.succeeded(throttle.begin())
    assert outcome.failures == [] and outcome.record_lost  # the loss itself is reported


def test_unreadable_plain_file_means_full_window(tmp_path: Path, fake_clock: FakeClock) -> None:
    path = tmp_path / "t.json"
    path.write_text("{not json")
    throttle = plain(path, fake_clock)
    assert throttle.wait_seconds() == pytest.approx(300)
    fake_clock.advance(301)
    assert throttle.wait_seconds() == 0
    assert throttle.succeeded().failures == []


def test_older_plain_file_is_still_read(tmp_path: Path, fake_clock: FakeClock) -> None:
    path = tmp_path / "unlock-attempts.json"
    path.write_text(json.dumps({"version": 1, "failures": [fake_clock.now] * 4}))
    throttle = UnlockThrottle(path, fake_clock, lambda: (None, 0.0))
    assert throttle.wait_seconds() == pytest.approx(2)


def test_clock_set_forward_or_back_does_not_shorten_the_wait(
    tmp_path: Path, fake_clock: FakeClock
) -> None:
    path = tmp_path / "t.json"
    fail(plain(path, fake_clock), 6)
    assert plain(path, fake_clock).wait_seconds() == pytest.approx(8)
    fake_clock.set_wall(+3600)
    assert plain(path, fake_clock).wait_seconds() == pytest.approx(8)
    fake_clock.set_wall(-7200)
    assert plain(path, fake_clock).wait_seconds() == pytest.approx(8)
    fake_clock.advance(8)
    assert plain(path, fake_clock).wait_seconds() == 0


def test_after_a_restart_an_attempt_counts_as_only_as_old_as_this_boot(
    tmp_path: Path, fake_clock: FakeClock
) -> None:
    path = tmp_path / "t.json"
    fail(plain(path, fake_clock), 8)  # 32 s wait
    fake_clock.reboot(after=3600)  # and the clock moved on an hour meanwhile
    assert plain(path, fake_clock).wait_seconds() == pytest.approx(32 - 5)


def test_without_a_boot_clock_a_clock_set_back_is_not_trusted(
    tmp_path: Path, fake_clock: FakeClock
) -> None:
    fake_clock.boot_id = None
    path = tmp_path / "t.json"
    fail(plain(path, fake_clock), 6)
    fake_clock.advance(3)
    fake_clock.set_wall(-86400)
    # The wait starts again from now: not shortened, and not a day long either.
    assert plain(path, fake_clock).wait_seconds() == pytest.approx(8)
    fake_clock.advance(8)
    assert plain(path, fake_clock).wait_seconds() == 0


GUESSER = """
import sys
from pathlib import Path
from keyworker_app.errors import UnlockThrottledError
from keyworker_app.security.throttle import Guard, UnlockThrottle

class Copy:
    def load(self): return None
    def save(self, record): pass

path, key, wall, boot, up = sys.argv[1:]
throttle = UnlockThrottle(Path(path), lambda: float(wall), lambda: (boot, float(up)),
                          Guard(bytes.fromhex(key), Copy()))
try:
    throttle.begin()
except UnlockThrottledError:
    print("throttled")
else:
    print("guessed")
"""


def test_parallel_processes_get_no_more_guesses_than_one(
    tmp_path: Path, fake_clock: FakeClock
) -> None:
    """Twenty processes started together, all at one frozen moment: only the free
    guesses and the one after them get through (with real processes and the OS lock)."""
    path = tmp_path / "t.json"
    guarded(path, fake_clock, MemoryCopy()).start_fresh()
    script = tmp_path / "guesser.py"
    script.write_text(GUESSER)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3])}
    args = [str(path), KEY.hex(), str(fake_clock.now), "boot-1", str(fake_clock.uptime)]
    procs = [
        subprocess.Popen([sys.executable, str(script), *args], stdout=subprocess.PIPE,
                         text=True, env=env)
        for _ in range(20)
    ]
    results = [p.communicate(timeout=120)[0].strip() for p in procs]
    assert all(p.returncode == 0 for p in procs)
    assert results.count("guessed") == FREE_FAILURES + 1
    assert results.count("throttled") == 20 - (FREE_FAILURES + 1)
    outcome = guarded(path, fake_clock, MemoryCopy()).succeeded()
    assert len(outcome.failures) == FREE_FAILURES + 1
