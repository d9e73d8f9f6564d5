"""Atomic file writes: a reader sees the old file or the new one, never a mix.

Pattern (as in Electrum's storage): a temp file in the same directory, restrictive
permissions set *before* any data is written, fsync of the file, ``os.replace`` and an
fsync of the directory so the rename itself survives a power cut.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path

from keyworker_app.errors import DiskFullError

_FULL_ERRNOS = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}


def fsync_dir(directory: Path) -> None:
    """Make a rename or unlink in ``directory`` durable (no-op where unsupported)."""
    if os.name != "posix":
        return  # Windows cannot open a directory for fsync; NTFS journals renames.
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write_bytes(path: Path, data: bytes, mode: int = 0o600, *,
                       overwrite: bool = True) -> None:
    """Replace ``path`` with ``data`` atomically; on any failure no partial file remains.

    With ``overwrite=False`` an existing ``path`` is left alone and ``FileExistsError`` raised,
    decided atomically at the rename (no window between a check and the write).
    Raises ``DiskFullError`` when the disk (or quota) is full.
    """
    path = Path(path)
    directory = path.parent
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        if exc.errno in _FULL_ERRNOS:
            raise DiskFullError() from exc
        raise
    tmp = Path(tmp_name)
    try:
        # Permissions first: the data must never sit in a file others could read.
        if hasattr(os, "fchmod"):
            os.fchmod(fd, mode)
        else:  # pragma: no cover - Windows
            os.chmod(tmp, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if overwrite:
            os.replace(tmp, path)
        elif os.name == "posix":
            os.link(tmp, path)  # fails if path exists; the temp name is removed below
            tmp.unlink()
        else:  # pragma: no cover - Windows: rename never replaces an existing file
            os.rename(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(exc, OSError) and exc.errno in _FULL_ERRNOS:
            raise DiskFullError() from exc
        raise
    fsync_dir(directory)
