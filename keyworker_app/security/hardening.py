"""Keep decrypted case data out of crash dumps and away from debuggers.

On Linux the process is marked non-dumpable (``prctl(PR_SET_DUMPABLE, 0)``): the kernel
writes no core file for it and other processes of the same user cannot attach a debugger
or read its memory through ``/proc``. The core-file size limit is also set to zero, which
covers systems where a crash handler ignores the dumpable flag. On Windows, Windows Error
Reporting is told not to show its dialog (dumps are governed by the organisation's WER
policy, which the deployment notes mention). Everything here is best effort: a failure is
logged by kind and never stops the app.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import sys

log = logging.getLogger("keyworker.security")

PR_SET_DUMPABLE = 4
PR_GET_DUMPABLE = 3
SEM_NOGPFAULTERRORBOX = 0x0002


def harden_process() -> list[str]:
    """Apply what this platform supports; returns what was applied (for the log and tests)."""
    applied: list[str] = []
    if sys.platform.startswith("linux"):
        try:
            import resource

            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
            applied.append("no-core-files")
        except (ImportError, ValueError, OSError) as exc:
            log.warning("could not limit core files: %s", type(exc).__name__)
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            if libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == 0:
                applied.append("not-dumpable")
            else:
                log.warning("prctl(PR_SET_DUMPABLE) failed: errno %d", ctypes.get_errno())
        except OSError as exc:
            log.warning("could not load libc for prctl: %s", type(exc).__name__)
    elif sys.platform == "win32":
        try:
            kernel32 = ctypes.WinDLL("kernel32")  # type: ignore[attr-defined,unused-ignore]
            kernel32.SetErrorMode(SEM_NOGPFAULTERRORBOX)
            applied.append("no-error-box")
        except (AttributeError, OSError) as exc:
            log.warning("could not set the error mode: %s", type(exc).__name__)
    if applied:
        log.info("process hardening: %s", ", ".join(applied))
    return applied


def is_dumpable() -> bool | None:
    """Linux only: whether the kernel would write a core file (None elsewhere)."""
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    return bool(libc.prctl(PR_GET_DUMPABLE, 0, 0, 0, 0))
