"""One Keyworker at a time per store: a lock on ``casestore.lock`` in the store folder.

The operating system holds the lock for the open file, so it goes away by itself when the
process ends, however it ends (closed, crashed, killed): there is no stale lock to clear.
Linux uses ``flock`` (a second open of the file, even in the same process, is refused);
Windows locks the file's first byte with ``msvcrt.locking``.

The lock file holds nothing and is never deleted (deleting a held lock file would let a
second copy lock a new file of the same name).
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from pathlib import Path

from keyworker_app.errors import StoreInUseError

log = logging.getLogger("keyworker.store")


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _unlock(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_UN)


class InstanceLock:
    """Held while this process has the store open; counted, so nested opens share it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None
        self._holders = 0

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        """Take the lock (or count one more holder); ``StoreInUseError`` if another has it."""
        if self._fd is not None:
            self._holders += 1
            return
        if not self.path.parent.is_dir():
            return  # no store folder yet: nothing to guard (the caller reports "no store")
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        if not _try_lock(fd):
            os.close(fd)
            log.info("store is open in another process")
            raise StoreInUseError()
        self._fd = fd
        self._holders = 1

    def release(self) -> None:
        if self._fd is None:
            return
        self._holders -= 1
        if self._holders > 0:
            return
        fd, self._fd = self._fd, None
        with contextlib.suppress(OSError):
            _unlock(fd)
        os.close(fd)

    def held_elsewhere(self) -> bool:
        """True when another process has the store open (checked without keeping the lock)."""
        if self._fd is not None or not self.path.exists():
            return False
        try:
            self.acquire()
        except StoreInUseError:
            return True
        self.release()
        return False
