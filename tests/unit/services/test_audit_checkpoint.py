"""Audit checkpoints kept off the laptop, and backups that fail plainly: real stores and
the real command line."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from keyworker_app.paths import StorePaths
from keyworker_app.security.audit_keys import HEAD, derive_audit_key
from keyworker_app.security.device_secret import DeviceSecrets
from keyworker_app.security.keyslots import read_header, unwrap_passphrase
from keyworker_app.store import meta
from keyworker_app.store.audit import row_hash
from keyworker_app.store.audit_head import AuditHead, AuditHeadFile
from keyworker_app.store.connection import open_encrypted
from tests.cli_harness import CliHarness
from tests.unit.test_cli import PASS, init

_FIELDS = ("seq, at, actor, actor_role, organisation, action, object_type, object_id, "
           "detail, prev_hash")


def used(h: CliHarness) -> None:
    init(h)
    for _ in range(3):
        assert h.run("audit", KEYWORKER_PASSPHRASE=PASS).code == 0


def rewrite_history(h: CliHarness) -> None:
    """What someone holding the data key could do: change row 2, rebuild every hash, the
    head inside the database and the head file beside it. Every local check then passes."""
    paths = StorePaths(h.store)
    header = read_header(paths.header)
    secret = DeviceSecrets(h.keyring).get(header.store_id, header.secret_id)
    key = unwrap_passphrase(header, PASS, secret)
    conn = open_encrypted(paths.database, key)
    try:
        conn.execute("DROP TRIGGER audit_no_update")
        conn.execute("UPDATE audit SET detail = 'rewritten' WHERE seq = 2")
        prev = None
        for row in conn.execute(f"SELECT {_FIELDS} FROM audit ORDER BY seq").fetchall():
            fields = [int(row[0]), *(str(v) for v in row[1:9]), prev or str(row[9])]
            digest = row_hash(fields)
            conn.execute("UPDATE audit SET prev_hash = ?, hash = ? WHERE seq = ?",
                         (fields[9], digest, fields[0]))
            prev = digest
        last = conn.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
        meta.set_audit_head(conn, int(last[0]), str(last[1]))
        conn.execute("CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit\n"
                     "    BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END")
        # The app's own sync refuses to move the head onto a rewritten chain; a forger
        # with the key writes the file directly.
        AuditHeadFile(paths.audit_head, header.store_id,
                      derive_audit_key(key, header.store_id, HEAD))._write(
            AuditHead(int(last[0]), str(last[1]), ()))
    finally:
        conn.close()


def test_a_checkpoint_proves_history_unchanged_and_is_audited(harness: CliHarness) -> None:
    used(harness)
    point = harness.root / "checkpoint.json"
    made = harness.run("audit", "--export", str(point), KEYWORKER_PASSPHRASE=PASS)
    assert made.code == 0, made.err
    data = json.loads(point.read_text())
    assert data["format"] == "keyworker-audit-checkpoint" and data["head_hash"] in made.out
    assert "Sam Worker" not in point.read_text()  # no names in the file
    assert "audit-checkpoint" in harness.run("audit", KEYWORKER_PASSPHRASE=PASS).out
    checked = harness.run("audit", "--check-checkpoint", str(point), KEYWORKER_PASSPHRASE=PASS)
    assert checked.code == 0
    assert f"({data['rows']} audit events): the history up to it is unchanged" in checked.out


def test_a_full_rewrite_passes_local_checks_but_not_the_checkpoint(
        harness: CliHarness) -> None:
    used(harness)
    point = harness.root / "checkpoint.json"
    assert harness.run("audit", "--export", str(point), KEYWORKER_PASSPHRASE=PASS).code == 0
    rewrite_history(harness)
    # The limit, stated in docs/security.md: someone with the data key fools the laptop...
    verify = harness.run("verify", KEYWORKER_PASSPHRASE=PASS)
    assert verify.code == 0 and "WARNING" not in verify.err
    # ... but not the checkpoint kept elsewhere.
    checked = harness.run("audit", "--check-checkpoint", str(point), KEYWORKER_PASSPHRASE=PASS)
    assert checked.code == 1
    assert "THE AUDIT HISTORY DOES NOT MATCH" in checked.out
    rows = json.loads(point.read_text())["rows"]
    assert f"the history up to audit row {rows} was rewritten" in checked.out


def test_checkpoint_survives_a_key_rotation_with_a_note(harness: CliHarness) -> None:
    used(harness)
    point = harness.root / "checkpoint.json"
    assert harness.run("audit", "--export", str(point), KEYWORKER_PASSPHRASE=PASS).code == 0
    assert harness.run("rotate-key", KEYWORKER_PASSPHRASE=PASS).code == 0
    checked = harness.run("audit", "--check-checkpoint", str(point), KEYWORKER_PASSPHRASE=PASS)
    assert checked.code == 0
    assert "seal cannot be confirmed" in checked.out and "unchanged" in checked.out


def test_checkpoint_files_are_refused_plainly(harness: CliHarness) -> None:
    used(harness)
    point = harness.root / "checkpoint.json"
    point.write_text("kept")
    again = harness.run("audit", "--export", str(point), KEYWORKER_PASSPHRASE=PASS)
    assert again.code == 2 and "already exists" in again.err and point.read_text() == "kept"
    assert harness.run("audit", "--export", str(point), "--force",
                       KEYWORKER_PASSPHRASE=PASS).code == 0
    foreign = harness.root / "foreign.json"
    foreign.write_text('{"format": "something else"}')
    bad = harness.run("audit", "--check-checkpoint", str(foreign), KEYWORKER_PASSPHRASE=PASS)
    assert bad.code == 2 and "not a Keyworker audit checkpoint" in bad.err
    assert "Traceback" not in bad.err


# ---- backups that cannot be written -------------------------------------------------

def backups_audited(h: CliHarness) -> int:
    return h.run("audit", "--limit", "500", KEYWORKER_PASSPHRASE=PASS).out.count(" backup ")


@pytest.mark.parametrize("where, message", [
    ("missing/b.kwbackup", "does not exist"),
    (".", "is a folder"),
])
def test_backup_to_a_missing_folder_or_a_folder(harness: CliHarness, where: str,
                                                message: str) -> None:
    init(harness)
    before = sorted(harness.written_files())
    result = harness.run("backup", str(harness.root / where), KEYWORKER_PASSPHRASE=PASS)
    assert result.code == 2 and message in result.err and "Traceback" not in result.err
    assert sorted(harness.written_files()) == before  # nothing changed, not even the trail
    assert backups_audited(harness) == 0


def test_backup_over_an_existing_file_needs_force(harness: CliHarness) -> None:
    init(harness)
    dest = harness.root / "b.kwbackup"
    dest.write_bytes(b"an older backup")
    refused = harness.run("backup", str(dest), KEYWORKER_PASSPHRASE=PASS)
    assert refused.code == 2 and "already exists" in refused.err and "--force" in refused.err
    assert dest.read_bytes() == b"an older backup"
    assert harness.run("backup", str(dest), "--force", KEYWORKER_PASSPHRASE=PASS).code == 0
    assert dest.read_bytes().startswith(b"KWBACKUP1")
    assert backups_audited(harness) == 1


def test_backup_to_a_full_disk_leaves_nothing(harness: CliHarness,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    init(harness)
    real_fsync = os.fsync

    def full(fd: int) -> None:
        if os.fstat(fd).st_size > 4096:  # the backup file, not the store's own small writes
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr("keyworker_app.security.atomic.os.fsync", full)
    result = harness.run("backup", str(harness.root / "b.kwbackup"), KEYWORKER_PASSPHRASE=PASS)
    monkeypatch.undo()
    assert result.code == 2 and "disk is full" in result.err
    assert not (harness.root / "b.kwbackup").exists()
    assert not [p for p in harness.root.iterdir() if p.name.startswith(".b.kwbackup")]
    assert backups_audited(harness) == 0


@contextlib.contextmanager
def tiny_disk(path: Path) -> Iterator[Path]:
    path.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(path)],
                             capture_output=True, check=False)
    if mounted.returncode != 0:
        pytest.skip("a small tmpfs cannot be mounted here (needs root)")
    try:
        yield path
    finally:
        subprocess.run(["umount", str(path)], check=False)


@pytest.mark.skipif(os.name != "posix" or shutil.which("mount") is None, reason="no mount")
def test_backup_to_a_really_full_disk(harness: CliHarness) -> None:
    init(harness)
    with tiny_disk(harness.root / "usb") as usb:
        result = harness.run("backup", str(usb / "b.kwbackup"), KEYWORKER_PASSPHRASE=PASS)
        assert result.code == 2 and "disk is full" in result.err, result.err
        assert list(usb.iterdir()) == []
    assert backups_audited(harness) == 0
    assert harness.run("verify", KEYWORKER_PASSPHRASE=PASS).code == 0
