"""Every page of the store read once and its HMAC checked, after unlock rather than during it.

The key slot's AES-GCM tag already tells a wrong passphrase, and unlocking reads the first page
and the store id, so an unlock stays as quick with 25,000 families as with ten. The full check
(``PRAGMA cipher_integrity_check``) reads the whole file; it runs on its own connection, opened
at unlock while the data key is still at hand, so the caller can run it on a worker thread while
the caseload is in use. ``keyworker verify`` still runs it in the foreground (``store.verify``).

SQLCipher does the whole check inside one statement preparation, which cannot be interrupted:
``cancel`` during a run only means the result is dropped and the connection (with its copy of
the key) is closed as soon as the run ends.
"""

from __future__ import annotations

import contextlib
import logging
import threading

from keyworker_app.errors import StoreDamagedError
from keyworker_app.store.connection import Connection

log = logging.getLogger("keyworker.store")

# A checkpoint writing a page while the check reads it could look like damage for one run;
# real damage stays, so a page must fail every attempt to be reported.
ATTEMPTS = 3


def bad_pages(conn: Connection) -> list[str]:
    """SQLCipher's sentences about pages that fail their HMAC (empty: every page is sound)."""
    return [str(row[0]) for row in conn.execute("PRAGMA cipher_integrity_check").fetchall()]


class PageCheck:
    """One full page check on a connection of its own; run once, from any thread."""

    def __init__(self, conn: Connection, store_id: str) -> None:
        self._conn: Connection | None = conn
        self._store_id = store_id
        self._running = False
        self._cancelled = False
        self._guard = threading.Lock()

    @property
    def pending(self) -> bool:
        """True until it has run or been cancelled."""
        with self._guard:
            return self._conn is not None and not self._running

    def run(self) -> bool:
        """Check every page. False if it was cancelled (or already run) and checked nothing;
        raises ``StoreDamagedError`` naming how many pages failed, never what they hold."""
        with self._guard:
            conn = self._conn
            if conn is None or self._running:
                return False
            self._running = True
        try:
            bad: list[str] = []
            for _ in range(ATTEMPTS):
                bad = bad_pages(conn)
                if not bad or self._cancelled:
                    break
        finally:
            with self._guard:
                self._conn = None
                self._running = False
            with contextlib.suppress(Exception):
                conn.close()
        if self._cancelled:
            return False
        if bad:
            log.error("Store %s: %d page(s) failed the integrity check", self._store_id,
                      len(bad))
            raise StoreDamagedError(f"{len(bad)} page(s) failed the integrity check")
        log.info("Store %s: every page passed the integrity check", self._store_id)
        return True

    def cancel(self) -> None:
        """Drop the check (the store is locking). A run in progress closes its connection
        when it ends; one not started closes it now."""
        with self._guard:
            self._cancelled = True
            conn = self._conn
            if conn is None or self._running:
                return
            self._conn = None
        with contextlib.suppress(Exception):
            conn.close()
