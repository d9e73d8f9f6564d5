"""The audit trail's tail cannot be cut unnoticed: real stores, the real command line.

Each tampering is done the way someone holding the data key would do it (straight SQL on
the SQLCipher file, triggers dropped first), then ``verify`` and the next unlock must
say what is wrong, while the store still opens.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

from keyworker_app.domain.audit import AuditAction
from keyworker_app.paths import StorePaths
from keyworker_app.security.device_secret import DeviceSecrets
from keyworker_app.security.kdf import FAST_TEST_KDF
from keyworker_app.security.keyslots import read_header, unwrap_passphrase
from keyworker_app.store.connection import Connection
from keyworker_app.store.schema import MIGRATIONS
from keyworker_app.store.vault import Vault
from tests.cli_harness import CliHarness
from tests.unit.test_cli import PASS, init

WRITER = Path(__file__).with_name("audit_crash_writer.py")
TRIGGERS = [s for m in MIGRATIONS for s in m.statements if s.startswith("CREATE TRIGGER audit_")]


def raw(h: CliHarness) -> Connection:
    """The store opened with its data key and nothing else: no audit, no checks."""
    vault = Vault(StorePaths(h.store), DeviceSecrets(h.keyring), kdf=FAST_TEST_KDF)
    return vault.unlock(PASS).conn


def used_store(h: CliHarness, unlocks: int = 3) -> None:
    init(h)
    for _ in range(unlocks):
        assert h.run("audit", KEYWORKER_PASSPHRASE=PASS).code == 0


def careful_cut(h: CliHarness, rows: int) -> int:
    """Delete the last rows and fix everything inside the database that would show it."""
    conn = raw(h)
    try:
        conn.execute("DROP TRIGGER audit_no_delete")
        last = conn.execute("SELECT max(seq) FROM audit").fetchone()[0]
        conn.execute("DELETE FROM audit WHERE seq > ?", (last - rows,))
        seq, digest = conn.execute("SELECT seq, hash FROM audit ORDER BY seq DESC "
                                   "LIMIT 1").fetchone()
        conn.execute("UPDATE store_meta SET value = ? WHERE key = 'audit_head_seq'", (str(seq),))
        conn.execute("UPDATE store_meta SET value = ? WHERE key = 'audit_head_hash'", (digest,))
        conn.execute(next(t for t in TRIGGERS if "audit_no_delete" in t))
    finally:
        conn.close()
    return int(last)


def audit_lines(h: CliHarness) -> tuple[str, str]:
    result = h.run("audit", KEYWORKER_PASSPHRASE=PASS)
    assert result.code == 0, "the store must still open"
    return result.out, result.err


def test_deleting_the_last_row_is_reported_by_the_next_unlock(harness: CliHarness) -> None:
    used_store(harness)
    last = careful_cut(harness, 1)
    out, err = audit_lines(harness)
    assert "WARNING: The audit trail has been changed" in err
    assert f"audit row {last} is missing from the end" in err
    assert "information-governance officer" in err
    assert "audit-problem" in out and f"audit row {last} is missing" in out
    # Shown once; the finding stays in the trail and in every verify.
    assert "WARNING" not in audit_lines(harness)[1]
    verify = harness.run("verify", KEYWORKER_PASSPHRASE=PASS)
    assert verify.code == 1
    assert "found at an earlier unlock" in verify.out
    assert f"audit row {last} is missing from the end" in verify.out


def test_deleting_the_last_rows_is_named_by_verify(harness: CliHarness) -> None:
    used_store(harness)
    last = careful_cut(harness, 2)
    verify = harness.run("verify", KEYWORKER_PASSPHRASE=PASS)
    assert verify.code == 1
    assert f"audit rows {last - 1}-{last} are missing from the end" in verify.out
    assert "STORE PROBLEMS FOUND" in verify.out


def test_reordering_two_rows_is_reported(harness: CliHarness) -> None:
    used_store(harness)
    conn = raw(harness)
    try:
        conn.execute("DROP TRIGGER audit_no_update")
        conn.execute("UPDATE audit SET seq = -1 WHERE seq = 2")
        conn.execute("UPDATE audit SET seq = 2 WHERE seq = 3")
        conn.execute("UPDATE audit SET seq = 3 WHERE seq = -1")
        conn.execute(next(t for t in TRIGGERS if "audit_no_update" in t))
    finally:
        conn.close()
    verify = harness.run("verify", KEYWORKER_PASSPHRASE=PASS)
    assert verify.code == 1
    assert "audit row 2: hash does not match its contents" in verify.out
    assert "audit row 3: hash does not match its contents" in verify.out
    out, _ = audit_lines(harness)  # verify's own unlock audited the finding
    assert "audit row 2: hash does not match its contents" in out


def test_reordering_is_reported_by_the_unlock_itself(harness: CliHarness) -> None:
    used_store(harness)
    conn = raw(harness)
    try:
        conn.execute("DROP TRIGGER audit_no_update")
        conn.execute("UPDATE audit SET seq = -1 WHERE seq = 2")
        conn.execute("UPDATE audit SET seq = 2 WHERE seq = 3")
        conn.execute("UPDATE audit SET seq = 3 WHERE seq = -1")
        conn.execute(next(t for t in TRIGGERS if "audit_no_update" in t))
    finally:
        conn.close()
    _, err = audit_lines(harness)
    assert "WARNING: The audit trail has been changed" in err
    assert "audit row 2" in err


def test_a_dropped_trigger_is_reported(harness: CliHarness) -> None:
    used_store(harness)
    conn = raw(harness)
    try:
        conn.execute("DROP TRIGGER audit_no_delete")
    finally:
        conn.close()
    _, err = audit_lines(harness)
    assert "trigger audit_no_delete is missing (it was dropped)" in err
    verify = harness.run("verify", KEYWORKER_PASSPHRASE=PASS)
    assert verify.code == 1
    assert "trigger audit_no_delete is missing (it was dropped)" in verify.out


def test_a_deleted_or_forged_head_is_reported(harness: CliHarness) -> None:
    used_store(harness)
    head = StorePaths(harness.store).audit_head
    text = head.read_text()
    head.write_text(text.replace('"seq": ', '"seq": 1', 1))
    assert "altered or made with another key" in audit_lines(harness)[1]
    head.unlink()
    assert "audit head kept beside the store is missing" in audit_lines(harness)[1]


def test_an_older_copy_of_the_database_is_reported(harness: CliHarness) -> None:
    used_store(harness)
    paths = StorePaths(harness.store)
    old = harness.root / "old.db"
    shutil.copy(paths.database, old)  # the store is locked: no WAL outstanding
    for _ in range(2):
        audit_lines(harness)
    shutil.copy(old, paths.database)
    _, err = audit_lines(harness)
    assert "missing from the end" in err
    assert "database replaced by an older copy" in err


def test_a_sound_store_stays_sound_through_key_changes(harness: CliHarness) -> None:
    used_store(harness, unlocks=1)
    assert harness.run("rotate-key", KEYWORKER_PASSPHRASE=PASS).code == 0
    backup = harness.root / "b.kwbackup"
    assert harness.run("backup", str(backup), KEYWORKER_PASSPHRASE=PASS).code == 0
    verify = harness.run("verify", KEYWORKER_PASSPHRASE=PASS)
    assert verify.code == 0, verify.out
    assert "WARNING" not in verify.err
    target = harness.root / "restored"
    restored = harness.run("--store", str(target), "restore", str(backup), "--same-computer",
                           KEYWORKER_PASSPHRASE=PASS)
    assert restored.code == 0, restored.err
    verify = harness.run("--store", str(target), "verify", KEYWORKER_PASSPHRASE=PASS)
    assert verify.code == 0, verify.out


def test_verify_checks_before_its_own_unlock_is_recorded(harness: CliHarness) -> None:
    used_store(harness)
    last = careful_cut(harness, 1)
    verify = harness.run("verify", KEYWORKER_PASSPHRASE=PASS)
    # Had verify's own unlock been appended first, the cut would have been papered over.
    assert f"audit row {last} is missing from the end" in verify.out


def head_path(h: CliHarness) -> Path:
    return StorePaths(h.store).audit_head


def _writer(h: CliHarness, *extra: str) -> subprocess.Popen[str]:
    paths = StorePaths(h.store)
    header = read_header(paths.header)
    secret = DeviceSecrets(h.keyring).get(header.store_id, header.secret_id)
    key = unwrap_passphrase(header, PASS, secret)
    return subprocess.Popen(
        [sys.executable, str(WRITER), str(h.store), key.hex(), header.store_id, *extra],
        stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[3])


def _rows_and_head(h: CliHarness) -> tuple[int, int]:
    conn = raw(h)
    try:
        rows = int(conn.execute("SELECT count(*) FROM audit").fetchone()[0])
    finally:
        conn.close()
    return rows, int(json.loads(head_path(h).read_text())["seq"])


def _sound_after_crash(h: CliHarness) -> None:
    verify = h.run("verify", KEYWORKER_PASSPHRASE=PASS)
    assert verify.code == 0, verify.out
    assert "WARNING" not in verify.err
    assert "WARNING" not in h.run("audit", KEYWORKER_PASSPHRASE=PASS).err


def test_a_kill_between_commit_and_head_write_is_not_a_finding(harness: CliHarness) -> None:
    used_store(harness, unlocks=1)
    writer = _writer(harness, "4")
    out, _ = writer.communicate(timeout=120)
    assert writer.returncode == -signal.SIGKILL
    committed = [int(line) for line in out.split()[1:]]
    rows, head = _rows_and_head(harness)
    # The fourth transaction committed (two rows), then the process died before its
    # head write: the table is one step ahead of the head, never behind it.
    assert rows == committed[-1] + 1 + 2 and head == rows - 2
    _sound_after_crash(harness)
    events = harness.run("audit", KEYWORKER_PASSPHRASE=PASS).out
    assert "audit-head-caught-up" in events and "rows=2" in events


def test_kills_at_any_moment_never_leave_a_false_finding(harness: CliHarness) -> None:
    used_store(harness, unlocks=1)
    for delay in (0.05, 0.2, 0.35, 0.5, 0.8):
        writer = _writer(harness)
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "ready"
        writer.stdout.readline()  # at least one commit
        threading.Event().wait(delay)  # a moment of varying length, not a timing assertion
        writer.send_signal(signal.SIGKILL)
        writer.communicate(timeout=60)
        rows, head = _rows_and_head(harness)
        assert rows - 2 <= head <= rows
        _sound_after_crash(harness)


def test_a_cut_while_the_store_is_open_is_not_papered_over(harness: CliHarness) -> None:
    from keyworker_app.services.case_store import CaseStore

    used_store(harness)
    store = CaseStore(StorePaths(harness.store), DeviceSecrets(harness.keyring),
                      kdf=FAST_TEST_KDF)
    session = store.unlock(PASS, exclusive=False)
    last = careful_cut(harness, 2)  # by another process holding the key, meanwhile
    session.record(AuditAction.VIEW, "family", 1)  # the open store writes on
    session.lock()
    _, err = audit_lines(harness)
    assert "WARNING: The audit trail has been changed" in err
    # The head file kept row {last} as it was; the open store's new rows reused its number.
    assert f"audit row {last} is not the row recorded beside the store" in err
