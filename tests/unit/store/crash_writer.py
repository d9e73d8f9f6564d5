"""A writer process for the crash-safety test: adds families one transaction at a
time and prints each reference only after its transaction committed.

Usage: python crash_writer.py DB_PATH KEY_HEX FIRST_INDEX
"""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

from keyworker_app.domain.audit import Actor, AuditAction, Role
from keyworker_app.services.demo_data import generate_families
from keyworker_app.store.audit import AuditLog
from keyworker_app.store.connection import open_encrypted, transaction
from keyworker_app.store.repositories import FamilyRepository


def main() -> None:
    db, key_hex, first = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    conn = open_encrypted(db, bytes.fromhex(key_hex))
    actor = Actor("Crash Test", Role.KEY_WORKER, "Test organisation")
    families = generate_families(200, seed=first, today=date(2026, 1, 1))
    print("ready", flush=True)
    for index, family in enumerate(families):
        ref = f"CRASH-{first:03d}-{index:04d}"
        with transaction(conn):
            saved = FamilyRepository(conn).add(replace(family, reference=ref))
            AuditLog(conn, actor, lambda: datetime.now(UTC)).record(
                AuditAction.CREATE, "family", saved.id or 0)
        print(ref, flush=True)


if __name__ == "__main__":
    main()
