"""What the store benchmarks share: the passphrase, timing, and the plain copy.

Each benchmark times the same work on the encrypted store and on an unencrypted copy made in
the same run, so the ratio between them is the cost of encryption on this machine.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import sqlcipher3

from keyworker_app.store.connection import Connection, configure

PASSPHRASE = "bench lantern orbit 4711 tangerine"


def elapsed_ms(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    """``repeat`` runs of ``fn``, each in milliseconds."""
    return [elapsed_ms(fn) for _ in range(repeat)]


def plain_copy(conn: Connection, dest: Path) -> Connection:
    """An unencrypted copy of the open store at ``dest``, opened and configured alike."""
    conn.execute(f"ATTACH DATABASE '{dest}' AS plain KEY ''")
    conn.execute("SELECT sqlcipher_export('plain')")
    conn.execute("DETACH DATABASE plain")
    plain = sqlcipher3.connect(str(dest), isolation_level=None, check_same_thread=False)
    configure(plain)
    return plain
