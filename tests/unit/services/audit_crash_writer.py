"""A writer for the audit crash test: appends audit events one transaction at a time,
keeping the head file beside the store, and prints each seq once committed.

Usage: python audit_crash_writer.py STORE_DIR DATA_KEY_HEX STORE_ID [KILL_AT_HEAD_WRITE]
With KILL_AT_HEAD_WRITE = n the process SIGKILLs itself at its n-th head write, after the
commit and before the file is written: the worst moment.
"""

from __future__ import annotations

import os
import signal
import sys
from datetime import UTC, datetime
from pathlib import Path

from keyworker_app.domain.audit import Actor, AuditAction, Role
from keyworker_app.paths import StorePaths
from keyworker_app.security.audit_keys import HEAD, derive_audit_key
from keyworker_app.store import audit_head
from keyworker_app.store.audit import AuditLog
from keyworker_app.store.connection import open_encrypted, transaction


def main() -> None:
    paths = StorePaths(Path(sys.argv[1]))
    key, store_id = bytes.fromhex(sys.argv[2]), sys.argv[3]
    kill_at = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    conn = open_encrypted(paths.database, key)
    head = audit_head.AuditHeadFile(paths.audit_head, store_id,
                                    derive_audit_key(key, store_id, HEAD))
    writes = 0
    real_write = audit_head.AuditHeadFile._write

    def write(self: audit_head.AuditHeadFile, record: audit_head.AuditHead) -> None:
        nonlocal writes
        writes += 1
        if writes == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
        real_write(self, record)

    audit_head.AuditHeadFile._write = write  # type: ignore[method-assign]
    head.attach(conn)
    actor = Actor("Crash Test", Role.KEY_WORKER, "Test organisation")
    print("ready", flush=True)
    for index in range(100_000):
        with transaction(conn):
            log = AuditLog(conn, actor, lambda: datetime.now(UTC))
            seq = log.record(AuditAction.VIEW, "family", index)
            log.record(AuditAction.VIEW, "family", index, "second")
        print(seq, flush=True)


if __name__ == "__main__":
    main()
