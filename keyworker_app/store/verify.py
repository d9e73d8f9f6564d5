"""One check of everything the store promises: encryption, structure, links, audit chain.

Problems are plain sentences naming pages, tables and row numbers, never contents.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from keyworker_app.domain.audit import AuditAction
from keyworker_app.errors import StoreDamagedError
from keyworker_app.store.audit_head import AuditHeadFile
from keyworker_app.store.audit_integrity import trail_problems
from keyworker_app.store.connection import Connection, DatabaseError, scalar
from keyworker_app.store.schema import SCHEMA_VERSION, current_version

log = logging.getLogger("keyworker.store")


@dataclass(frozen=True, slots=True)
class VerifyReport:
    ok: bool
    problems: list[str] = field(default_factory=list)
    # Facts that are not faults, e.g. an older schema that opening will upgrade.
    notes: list[str] = field(default_factory=list)
    schema_version: int = 0
    families: int = 0
    people: int = 0
    audit_rows: int = 0


def _table_exists(conn: Connection, name: str) -> bool:
    return bool(
        scalar(conn, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?",
               (name,))
    )


def _recorded_findings(conn: Connection) -> list[str]:
    """Problems an earlier unlock found and wrote to the trail: they stay findings even
    once the trail runs on soundly from there (a cut tail leaves nothing else behind)."""
    rows = conn.execute("SELECT seq, detail FROM audit WHERE action = ? ORDER BY seq",
                        (AuditAction.AUDIT_PROBLEM.value,)).fetchall()
    return [f"found at an earlier unlock (audit event {seq}): {detail}" for seq, detail in rows]


def verify_store(conn: Connection, head: AuditHeadFile | None = None) -> VerifyReport:
    """Reads only: never migrates, never appends.

    Every page is checked; pages that fail their HMAC are named first. If one of them is
    where the later checks need to read, the report says so instead of ending with an error
    (unlocking reads only the first pages, so this is where such damage is found)."""
    problems = [f"encryption check: {page_problem}"
                for (page_problem,) in conn.execute("PRAGMA cipher_integrity_check").fetchall()]
    try:
        return _verify_structure(conn, head, problems)
    except (StoreDamagedError, DatabaseError):
        if not problems:
            raise
        problems.append("the other checks stopped at a damaged page")
        log.info("verify: %d problem(s)", len(problems))
        return VerifyReport(ok=False, problems=problems)


def _verify_structure(conn: Connection, head: AuditHeadFile | None,
                      problems: list[str]) -> VerifyReport:
    notes: list[str] = []
    integrity = [str(r[0]) for r in conn.execute("PRAGMA integrity_check").fetchall()]
    if integrity != ["ok"]:
        problems.extend(f"integrity check: {line}" for line in integrity)
    for table, rowid, parent, _fk in conn.execute("PRAGMA foreign_key_check").fetchall():
        problems.append(f"{table} row {rowid} points to a missing {parent} record")

    version = current_version(conn)
    if version > SCHEMA_VERSION:
        problems.append(
            f"schema version is {version}; this version of Keyworker expects {SCHEMA_VERSION}"
        )
    elif version < SCHEMA_VERSION:
        notes.append(f"schema v{version}: will be upgraded to v{SCHEMA_VERSION} when opened "
                     "(an encrypted backup is made first)")
    counts = {"family": 0, "person": 0, "audit": 0}
    for table in counts:
        if _table_exists(conn, table):
            counts[table] = int(scalar(conn, f"SELECT count(*) FROM {table}"))
        elif version >= 1:
            problems.append(f"table {table} is missing")
    if _table_exists(conn, "audit") and _table_exists(conn, "store_meta"):
        problems.extend(trail_problems(conn, head))
        problems.extend(_recorded_findings(conn))

    log.info("verify: %d problem(s)", len(problems))
    return VerifyReport(
        ok=not problems,
        problems=problems,
        notes=notes,
        schema_version=version,
        families=counts["family"],
        people=counts["person"],
        audit_rows=counts["audit"],
    )
