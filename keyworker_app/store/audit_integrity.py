"""Checks of the audit trail as a whole: the chain, its protecting triggers, its head.

Two depths:

* ``unlock_findings`` runs at every unlock *before* anything is appended. It checks in
  SQL that the rows are numbered 1..N with every link matching its predecessor, that
  the first row starts the chain, recomputes the hashes of the rows since the last
  recorded head, and compares the end with the head kept beside the store
  (store/audit_head.py) and the triggers with the schema's. It is cheap (milliseconds
  for 100,000 rows). Only when something is wrong does it walk the whole chain, to name
  the rows.
* ``trail_problems`` (for ``verify``) walks and recomputes every row.

Problems are sentences naming rows, never their contents.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from keyworker_app.store import meta
from keyworker_app.store.audit import GENESIS_HASH, row_hash, verify_chain
from keyworker_app.store.audit_head import AuditHead, AuditHeadFile, last_row, problem_digest
from keyworker_app.store.connection import Connection, scalar
from keyworker_app.store.schema import MIGRATIONS

# The store_meta flag that says a head file has been kept for this store since then, so
# a removed file is a finding rather than an older store meeting this feature.
HEAD_KEPT = "audit_head_kept"
_HASHED = ("seq, at, actor, actor_role, organisation, action, object_type, object_id, "
           "detail, prev_hash, hash")


def _expected_triggers() -> dict[str, str]:
    wanted: dict[str, str] = {}
    for migration in MIGRATIONS:
        for statement in migration.statements:
            words = statement.split()
            if words[:2] == ["CREATE", "TRIGGER"] and words[2].startswith("audit_"):
                wanted[words[2]] = statement
    return wanted


def trigger_problems(conn: Connection) -> list[str]:
    present = dict(conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit'"
    ).fetchall())
    problems = []
    for name, sql in _expected_triggers().items():
        if name not in present:
            problems.append(f"the audit trail's protecting trigger {name} is missing "
                            "(it was dropped)")
        elif " ".join(str(present[name]).split()) != " ".join(sql.split()):
            problems.append(f"the audit trail's protecting trigger {name} was changed")
    return problems


def _missing(first: int, last: int) -> str:
    return (f"audit row {first} is missing" if first == last
            else f"audit rows {first}-{last} are missing")


def head_problems(conn: Connection, head: AuditHead | None) -> tuple[list[str], int]:
    """(problems, rows written after the recorded head) for a head read from its file."""
    if head is None:
        return [], 0
    last = last_row(conn)
    last_seq = 0 if last is None else last[0]
    if head.seq == 0:
        return ([], last_seq) if head.hash == "" else (
            ["the audit head kept beside the store is not valid"], 0)
    stored = scalar(conn, "SELECT hash FROM audit WHERE seq = ?", (head.seq,))
    if stored is None:
        if last_seq < head.seq:
            what = _missing(last_seq + 1, head.seq)
            return [f"{what} from the end (the head kept beside the store is row "
                    f"{head.seq}; the trail was cut or the database replaced by an older "
                    "copy)"], 0
        return [f"audit row {head.seq}, the last one recorded beside the store, is missing"], 0
    if stored != head.hash:
        return [f"audit row {head.seq} is not the row recorded beside the store (the trail "
                f"was rewritten up to row {head.seq})"], 0
    return [], last_seq - head.seq


def _quick_chain_sound(conn: Connection, recheck_from: int) -> bool:
    count, lowest, highest = conn.execute(
        "SELECT count(*), min(seq), max(seq) FROM audit").fetchone()
    if not count:
        return meta.get_audit_head(conn) is None
    if lowest != 1 or highest != count:
        return False
    first = scalar(conn, "SELECT prev_hash FROM audit WHERE seq = 1")
    if first != GENESIS_HASH:
        return False
    broken = scalar(conn, "SELECT count(*) FROM audit b JOIN audit a ON a.seq = b.seq - 1 "
                          "WHERE a.hash <> b.prev_hash")
    if broken:
        return False
    for row in conn.execute(f"SELECT {_HASHED} FROM audit WHERE seq >= ? ORDER BY seq",
                            (max(1, recheck_from),)):
        if row_hash([int(row[0]), *(str(v) for v in row[1:10])]) != str(row[10]):
            return False
    return meta.get_audit_head(conn) == last_row(conn)


@dataclass
class Findings:
    problems: list[str] = field(default_factory=list)
    rows_after_head: int = 0  # rows a crash left unrecorded in the head file (not a problem)

    def new_problems(self, known: set[str]) -> list[str]:
        return [p for p in self.problems if problem_digest(p) not in known]


def _has_audit_table(conn: Connection) -> bool:
    return bool(scalar(conn, "SELECT count(*) FROM sqlite_master WHERE type = 'table' "
                             "AND name IN ('audit', 'store_meta')") == 2)


def _file_findings(conn: Connection, head_file: AuditHeadFile) -> tuple[
        list[str], int, AuditHead | None]:
    head, file_problem = head_file.read()
    if file_problem is not None:
        return [file_problem], 0, None
    if head is None:
        if meta.get_value(conn, HEAD_KEPT) is not None:
            return ["the audit head kept beside the store is missing (it was deleted)"], 0, None
        return [], 0, None
    problems, after = head_problems(conn, head)
    return problems, after, head


def _merged(chain: list[str], outside: list[str]) -> list[str]:
    """One sentence per finding: a cut tail named by the head kept beside the store is not
    repeated in the words of the head kept inside the database."""
    if any("from the end" in p for p in outside):
        chain = [p for p in chain if "from the end" not in p]
    return chain + outside


def unlock_findings(conn: Connection, head_file: AuditHeadFile) -> Findings:
    """What is wrong with the trail, found before this unlock appends anything."""
    if not _has_audit_table(conn):
        return Findings()
    problems, after, head = _file_findings(conn, head_file)
    recheck_from = head.seq if head is not None and not problems else 1
    if not _quick_chain_sound(conn, recheck_from):
        problems = _merged(verify_chain(conn), problems)
    problems += trigger_problems(conn)
    return Findings(problems, after)


def trail_problems(conn: Connection, head_file: AuditHeadFile | None) -> list[str]:
    """Everything ``verify`` reports about the trail: every row recomputed."""
    if not _has_audit_table(conn):
        return []
    outside = [] if head_file is None else _file_findings(conn, head_file)[0]
    return _merged(verify_chain(conn), outside) + trigger_problems(conn)
