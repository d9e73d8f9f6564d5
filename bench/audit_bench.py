"""What checking the audit trail costs: the check every unlock runs before it writes, and
verify's full recomputation, over a trail of 100,000 events on a real SQLCipher store, plus
one head-file write (made after every commit that adds audit events).

Not a test: nothing here asserts time.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import timed  # noqa: E402
from keyworker_app.domain.audit import Actor, AuditAction, Role  # noqa: E402
from keyworker_app.store.audit import AuditLog  # noqa: E402
from keyworker_app.store.audit_head import AuditHeadFile  # noqa: E402
from keyworker_app.store.audit_integrity import trail_problems, unlock_findings  # noqa: E402
from keyworker_app.store.connection import open_encrypted, transaction  # noqa: E402
from keyworker_app.store.schema import migrate  # noqa: E402

EVENTS = 100_000


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        conn = open_encrypted(Path(tmp) / "s.db", os.urandom(32))
        migrate(conn)
        start = datetime(2026, 1, 5, 9, tzinfo=UTC)
        ticks = iter(range(10 * EVENTS))
        log = AuditLog(conn, Actor("Bench Worker", Role.KEY_WORKER, "Bench Council"),
                       lambda: start + timedelta(seconds=next(ticks)))
        for batch in range(EVENTS // 1000):
            with transaction(conn):
                for i in range(1000):
                    log.record(AuditAction.VIEW, "family", batch * 1000 + i)
        head = AuditHeadFile(Path(tmp) / "casestore.audit-head", "0" * 32, os.urandom(32))
        head.sync(conn)
        quick = timed(lambda: unlock_findings(conn, head), 5)
        full = timed(lambda: trail_problems(conn, head), 2)
        writes = []
        for _ in range(20):
            head._written = None  # force the write the after-commit hook makes
            writes += timed(lambda: head.sync(conn), 1)
        conn.close()
    print(f"audit trail of {EVENTS:,} events")
    print(f"  check at every unlock (before writing): median {statistics.median(quick):.0f} ms")
    print(f"  verify's full recomputation:            median {statistics.median(full):.0f} ms")
    print(f"  head file write after a commit:         median {statistics.median(writes):.1f} ms")


if __name__ == "__main__":
    main()
