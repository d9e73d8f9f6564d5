"""Throttling of failed unlocks that a second process, a clock change or a deleted file
cannot get round.

Two limits apply together:

* a growing delay after each failure: none for the first ``FREE_FAILURES``, then
  2, 4, 8 ... seconds, capped at ``MAX_DELAY``;
* at most ``WINDOW_LIMIT`` failures in any ``WINDOW_SECONDS`` window.

How it holds:

* **Counted before it is tried.** ``begin`` takes an exclusive lock on
  ``unlock-attempts.lock``, checks the limits, writes the attempt down as a failure and only
  then lets the caller try the passphrase; ``succeeded`` takes it off again. Parallel
  processes therefore queue at the lock and each sees the others' attempts: no more
  guesses get through than one process could make. A process killed mid-try leaves its
  attempt counted.
* **Clock changes do not shorten the wait.** Each attempt keeps the wall-clock time (for the
  audit trail) *and* the boot id with the seconds since boot, read from ``/proc`` (which
  neither ``date -s`` nor an ``LD_PRELOAD`` time faker changes). Within one boot the wait
  is measured in seconds since boot; an attempt from an earlier boot is taken to be only as
  old as the current boot. Where there is no boot clock (not Linux) the wall clock is used
  and a clock that moved back behind the latest time seen is not trusted: the wait starts
  again from now (once, so nobody is locked out for the size of the change).
* **Deleting or editing the record does not reset it.** The record carries an HMAC-SHA256
  tag whose key is derived (HKDF) from the copy's device secret, and a second copy of it is
  kept in the keyring beside that secret. The newest valid copy wins, so deleting the file
  or putting back an old one changes nothing. If no valid copy is left the store counts as
  throttled (a full window from now), never as fresh, and the loss is reported to the audit
  trail at the next successful unlock. A new store, a restored copy and a recovered one
  start with a valid empty record (``start_fresh``), so none of them starts throttled.
* Stores from before this record (headers without a device-secret id) have no key for the
  tag; for them the plain file is used as before until their first successful unlock.

Failure times stay in the record (``unaudited``) after a success until the caller confirms
with ``audited`` that they are in the audit trail, so a crash in between loses no evidence.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import logging
import os
import secrets
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from hashlib import sha256
from pathlib import Path
from typing import Any, Protocol

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from keyworker_app.errors import UnlockThrottledError
from keyworker_app.security.atomic import atomic_write_bytes

log = logging.getLogger("keyworker.vault")

FREE_FAILURES = 3
MAX_DELAY = 60.0
WINDOW_SECONDS = 300.0
WINDOW_LIMIT = 10
_KEEP = 200  # enough for the audit trail; bounds the record's size
_VERSION = 2

BootReading = tuple[str | None, float]  # (boot id or None, seconds since that boot)
BootClock = Callable[[], BootReading]


def system_boot() -> BootReading:
    """This boot's id and the seconds since it began, suspend included (Linux)."""
    try:
        boot_id = Path("/proc/sys/kernel/random/boot_id").read_text("ascii").strip()
        uptime = float(Path("/proc/uptime").read_text("ascii").split()[0])
    except (OSError, ValueError, IndexError, UnicodeDecodeError):
        return None, time.monotonic()
    return boot_id or None, uptime


def attempts_key(device_secret: bytes, label: str) -> bytes:
    """The record's HMAC key: HKDF-SHA256 of the device secret, bound to one copy."""
    return HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=None,
        info=f"keyworker/unlock-attempts/{label}".encode("ascii"),
    ).derive(device_secret)


class AttemptCopy(Protocol):
    """Where the second, authenticated copy of the record lives (the keyring)."""

    def load(self) -> str | None: ...

    def save(self, record: str) -> None: ...


@dataclass(frozen=True)
class Guard:
    key: bytes
    copy: AttemptCopy


@dataclass(frozen=True)
class Moment:
    wall: float
    boot: str | None
    up: float

    def to_json(self) -> dict[str, Any]:
        return {"at": self.wall, "boot": self.boot, "up": self.up}


@dataclass
class _Failure:
    moment: Moment
    token: str


@dataclass
class _State:
    seq: int = 0
    failures: list[_Failure] = field(default_factory=list)
    unaudited: list[float] = field(default_factory=list)
    seen: float = 0.0
    synthetic: bool = False  # the failures stand in for a lost record, not real attempts
    lost: bool = False  # a record went missing or was altered since the last audit

    def to_json(self) -> dict[str, Any]:
        return {
            "version": _VERSION,
            "seq": self.seq,
            "failures": [{**f.moment.to_json(), "token": f.token} for f in self.failures],
            "unaudited": self.unaudited[-_KEEP:],
            "seen": self.seen,
            "synthetic": self.synthetic,
            "lost": self.lost,
        }


@dataclass(frozen=True)
class Outcome:
    """What a successful unlock hands to the audit trail."""

    failures: list[datetime]
    record_lost: bool


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("not a number")
    return float(value)


def _parse(data: Any) -> _State:
    if not isinstance(data, dict):
        raise ValueError("not an object")
    if data.get("version") == 1:  # the older file: failure times only
        return _State(failures=[_Failure(Moment(_number(t), None, 0.0), "")
                                for t in data["failures"]])
    if data.get("version") != _VERSION:
        raise ValueError("unknown version")
    failures = []
    for item in data["failures"]:
        boot = item["boot"]
        if boot is not None and not isinstance(boot, str):
            raise ValueError("bad boot id")
        failures.append(_Failure(Moment(_number(item["at"]), boot, _number(item["up"])),
                                 str(item["token"])))
    seq = data["seq"]
    if isinstance(seq, bool) or not isinstance(seq, int):
        raise ValueError("bad sequence")
    return _State(seq, failures, [_number(t) for t in data["unaudited"]],
                  _number(data["seen"]), bool(data["synthetic"]), bool(data["lost"]))


def delay_after(count: int) -> float:
    """Delay imposed after ``count`` consecutive failures."""
    if count <= FREE_FAILURES:
        return 0.0
    return min(MAX_DELAY, 2.0 ** (count - FREE_FAILURES))


@contextlib.contextmanager
def _exclusive(path: Path) -> Iterator[None]:
    """Hold an OS lock on ``path`` (released by the OS if the process dies)."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        if sys.platform == "win32":  # pragma: no cover - Windows
            import msvcrt

            msvcrt.locking(fd, msvcrt.LK_LOCK, 1)  # retries for 10 s, then OSError
            try:
                yield
            finally:
                os.lseek(fd, 0, os.SEEK_SET)
                msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX)
            yield  # closing the descriptor releases the lock
    finally:
        os.close(fd)


class UnlockThrottle:
    """The record of failed unlocks for one copy of a store.

    ``guard=None`` is the mode for stores without a device-secret id (and for the recovery
    key when the keyring has lost the device secret): the plain file only.
    """

    def __init__(
        self,
        path: Path,
        clock: Callable[[], float] = time.time,
        boot: BootClock = system_boot,
        guard: Guard | None = None,
    ) -> None:
        self._path = Path(path)
        self._lock_path = self._path.with_suffix(".lock")
        self._clock = clock
        self._boot = boot
        self._guard = guard
        # The record this object last wrote. Under the lock, a file that still holds it
        # means nobody has written since (writers update the keyring copy before the file),
        # so the keyring copy need not be read again: one D-Bus round trip saved.
        self._last_written: bytes | None = None

    delay_after = staticmethod(delay_after)

    # ---- storage ---------------------------------------------------------------------

    def _now(self) -> Moment:
        boot, up = self._boot()
        return Moment(self._clock(), boot, up)

    def _encode(self, state: _State) -> str:
        body = state.to_json()
        if self._guard is not None:
            body["mac"] = self._tag(body)
        return json.dumps(body, sort_keys=True)

    def _tag(self, body: dict[str, Any]) -> str:
        assert self._guard is not None
        canonical = json.dumps({k: v for k, v in body.items() if k != "mac"},
                               sort_keys=True, separators=(",", ":"))
        return hmac.new(self._guard.key, canonical.encode("ascii"), sha256).hexdigest()

    def _decode(self, text: str | bytes | None) -> _State | None:
        """The state in ``text``, or None when it is unreadable or fails its tag."""
        if text is None:
            return None
        try:
            data = json.loads(text)
            if self._guard is not None:
                tag = data.get("mac") if isinstance(data, dict) else None
                if not isinstance(tag, str) or not hmac.compare_digest(tag, self._tag(data)):
                    return None
            return _parse(data)
        except (ValueError, KeyError, TypeError, UnicodeDecodeError, RecursionError):
            return None

    def _read_file(self) -> bytes | None:
        try:
            return self._path.read_bytes()
        except FileNotFoundError:
            return None

    def _lost(self, now: Moment, reason: str) -> _State:
        log.warning("Unlock attempt record %s; applying the full limit", reason)
        failures = [_Failure(now, "") for _ in range(WINDOW_LIMIT)]
        return _State(failures=failures, seen=now.wall, synthetic=True, lost=True)

    def _load(self, now: Moment) -> tuple[_State, bool]:
        """The current state and whether it must be written back (call under the lock)."""
        raw = self._read_file()
        from_file = self._decode(raw)
        if self._guard is None:
            if raw is None:
                return _State(seen=now.wall), False
            if from_file is None:
                return self._lost(now, "is unreadable"), True
            return from_file, False
        if from_file is not None and raw == self._last_written:
            return from_file, False
        copies = [s for s in (from_file, self._decode(self._guard.copy.load())) if s]
        if not copies:
            return self._lost(now, "is missing or altered"), True
        state = max(copies, key=lambda s: s.seq)
        return state, len(copies) < 2 or raw is None

    def _save(self, state: _State) -> None:
        state.seq += 1
        state.failures = state.failures[-_KEEP:]
        text = self._encode(state)
        if self._guard is not None:
            self._guard.copy.save(text)
        atomic_write_bytes(self._path, text.encode("ascii"))
        self._last_written = text.encode("ascii")

    @contextlib.contextmanager
    def _locked(self) -> Iterator[tuple[_State, Moment]]:
        with _exclusive(self._lock_path):
            now = self._now()
            state, dirty = self._load(now)
            if self._rebase_if_clock_went_back(state, now):
                dirty = True
            before = state.to_json()
            try:
                yield state, now
            finally:
                # Also when the caller raised (throttled): a record standing in for a lost
                # one must be kept, or every look would start the wait again.
                if dirty or state.to_json() != before:
                    self._save(state)

    # ---- time ------------------------------------------------------------------------

    @staticmethod
    def _age(then: Moment, now: Moment) -> float:
        if then.boot is not None and now.boot is not None:
            if then.boot == now.boot:
                return max(0.0, now.up - then.up)
            return max(0.0, now.up)  # from an earlier boot: at least as old as this one
        return max(0.0, now.wall - then.wall)

    @staticmethod
    def _rebase_if_clock_went_back(state: _State, now: Moment) -> bool:
        if now.wall >= state.seen:
            state.seen = now.wall
            return False
        log.warning("The clock moved back since the last unlock attempt; not trusting it")
        for f in state.failures:
            if f.moment.boot is None or now.boot is None:
                f.moment = Moment(now.wall, f.moment.boot, f.moment.up)
        state.seen = now.wall
        return True

    def _wait(self, state: _State, now: Moment) -> float:
        if not state.failures:
            return 0.0
        ages = [self._age(f.moment, now) for f in state.failures]
        wait = delay_after(len(ages)) - ages[-1]
        youngest_first = sorted(ages)
        if len([a for a in ages if a < WINDOW_SECONDS]) >= WINDOW_LIMIT:
            # Allowed again once the oldest of the last WINDOW_LIMIT leaves the window.
            wait = max(wait, WINDOW_SECONDS - youngest_first[WINDOW_LIMIT - 1])
        return max(0.0, wait)

    # ---- the life of an attempt ------------------------------------------------------

    def wait_seconds(self) -> float:
        with self._locked() as (state, now):
            return self._wait(state, now)

    def check(self) -> None:
        wait = self.wait_seconds()
        if wait > 0:
            raise UnlockThrottledError(wait)

    def begin(self) -> str:
        """Count an attempt before it is tried; raises ``UnlockThrottledError`` if too soon."""
        with self._locked() as (state, now):
            wait = self._wait(state, now)
            if wait > 0:
                raise UnlockThrottledError(wait)
            token = secrets.token_hex(8)
            state.failures.append(_Failure(now, token))
        return token

    def record_failure(self) -> None:
        """Count a failed attempt that was not announced with ``begin``."""
        with self._locked() as (state, now):
            state.failures.append(_Failure(now, secrets.token_hex(8)))
        log.info("Failed unlock recorded")

    def succeeded(self, token: str | None = None) -> Outcome:
        """Forget the failures (all but attempt ``token``, which succeeded) for throttling;
        they stay in the record for the audit trail until ``audited``."""
        with self._locked() as (state, _now):
            if not state.synthetic:
                state.unaudited.extend(f.moment.wall for f in state.failures
                                       if f.token != token)
            state.failures = []
            state.synthetic = False
            outcome = Outcome([datetime.fromtimestamp(t, tz=UTC) for t in state.unaudited],
                              state.lost)
        if outcome.failures:
            log.warning("Unlocked after %d failed attempts", len(outcome.failures))
        return outcome

    def audited(self) -> None:
        """The failures returned by ``succeeded`` are now in the audit trail."""
        with self._locked() as (state, _now):
            state.unaudited = []
            state.lost = False

    def start_fresh(self, carry: Outcome | None = None) -> None:
        """A valid empty record for a new copy (nothing is waiting to be tried)."""
        with _exclusive(self._lock_path):
            now = self._now()
            state = _State(seen=now.wall)
            if carry is not None:
                state.unaudited = [t.timestamp() for t in carry.failures]
                state.lost = carry.record_lost
            self._save(state)
