"""The ``keyworker`` command end to end: real SQLCipher files, real header, real CLI."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.cli_harness import CliHarness

PASS = "orbit lantern gravel 4711"
NEW_PASS = "maple kettle ferry 2048"
CANARY = "Quokkafeather"  # a family name no generator or fixture would produce
CANARY_GIVEN = "Zebedine"
EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "families.json"


def canary_file(path: Path) -> Path:
    doc = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    family = doc["families"][0]
    family["family_name"] = CANARY
    family["reference"] = "CANARY-0001"
    for member in family["members"]:
        member["family_name"] = CANARY
    family["members"][0]["given_names"] = CANARY_GIVEN
    path.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    return path


def init(h: CliHarness) -> str:
    result = h.run("init", "--name", "Sam Worker", "--role", "key-worker",
                   "--organisation", "leicester-city", KEYWORKER_PASSPHRASE=PASS)
    assert result.code == 0, result.err
    assert "information-governance" in result.out
    key_line = next(line.strip() for line in result.out.splitlines()
                    if line.strip().count("-") == 7)
    return key_line


def leaks(h: CliHarness, *extra: Path) -> list[str]:
    found = []
    needles = [s.encode(enc) for s in (CANARY, CANARY.lower(), CANARY_GIVEN, CANARY_GIVEN.lower())
               for enc in ("utf-8", "utf-16-le")]
    for path in [*h.written_files(), *extra]:
        if path.name == "canary.json":
            continue  # the input file itself
        data = path.read_bytes()
        found += [f"{path.name}: {n!r}" for n in needles if n in data]
    return found


def test_help_lists_every_command(harness: CliHarness) -> None:
    with pytest.raises(SystemExit) as exit_info:
        harness.run("--help")
    assert exit_info.value.code == 0
    out = harness.capsys.readouterr().out
    for command in ("init", "demo", "import-families", "verify", "passwd", "recover",
                    "rotate-key", "backup", "restore", "audit"):
        assert command in out


def test_recovery_key_printed_in_groups(harness: CliHarness) -> None:
    key = init(harness)
    groups = key.split("-")
    assert len(groups) == 8 and all(len(g) == 4 and g.isalnum() for g in groups)


def test_canary_never_reaches_disk_in_plaintext(harness: CliHarness) -> None:
    init(harness)
    source = canary_file(harness.root / "canary.json")
    result = harness.run("import-families", str(source), KEYWORKER_PASSPHRASE=PASS)
    assert result.code == 0, result.err
    backup = harness.root / "backup.kwb"
    assert harness.run("backup", str(backup), KEYWORKER_PASSPHRASE=PASS).code == 0
    assert harness.run("verify", KEYWORKER_PASSPHRASE=PASS).code == 0
    log = harness.root / "logs" / "keyworker.log"
    assert log.exists() and log.stat().st_size > 0  # the log was written, and is clean
    assert backup.exists()
    assert leaks(harness) == []
    # The audit trail recorded the import without naming anyone.
    audit = harness.run("audit", KEYWORKER_PASSPHRASE=PASS)
    assert "import" in audit.out and CANARY not in audit.out


def test_canary_absent_while_store_is_open_with_wal(harness: CliHarness) -> None:
    from keyworker_app.paths import StorePaths
    from keyworker_app.services.case_store import CaseStore
    from keyworker_app.services.family_import import parse_families_json

    init(harness)
    store = CaseStore(StorePaths(harness.store))
    session = store.unlock(PASS)
    source = canary_file(harness.root / "canary.json")
    session.import_families(parse_families_json(source.read_text(), "canary.json"), "x")
    wal = store.paths.database.with_name("casestore.db-wal")
    assert wal.exists() and wal.stat().st_size > 0
    assert leaks(harness) == []
    session.lock()


@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="sqlite3 command not installed")
def test_plain_sqlite_cannot_open_the_store(harness: CliHarness) -> None:
    init(harness)
    proc = subprocess.run(["sqlite3", str(harness.store / "casestore.db"), ".tables"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode != 0
    assert "not a database" in proc.stderr


def test_bad_import_is_refused_whole(harness: CliHarness) -> None:
    init(harness)
    doc = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    good = len(doc["families"])
    doc["families"][-1]["members"][0]["date_of_birth"] = "2999-01-01"
    bad = harness.root / "bad.json"
    bad.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    result = harness.run("import-families", str(bad), KEYWORKER_PASSPHRASE=PASS)
    assert result.code == 2
    assert "line" in result.err and "date_of_birth" in result.err
    assert "2999" not in result.err
    verify = harness.run("verify", KEYWORKER_PASSPHRASE=PASS)
    assert "0 families" in verify.out
    ok = harness.root / "ok.json"
    ok.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    assert harness.run("import-families", str(ok), KEYWORKER_PASSPHRASE=PASS).code == 0
    assert f"{good} families" in harness.run("verify", KEYWORKER_PASSPHRASE=PASS).out


def test_wrong_passphrase_message(harness: CliHarness) -> None:
    init(harness)
    result = harness.run("verify", KEYWORKER_PASSPHRASE="not the passphrase at all")
    assert result.code == 2
    assert "passphrase is not correct" in result.err


def test_weak_passphrase_refused_at_init(harness: CliHarness) -> None:
    result = harness.run("init", "--name", "Sam", "--role", "key-worker",
                         "--organisation", "leicester-city",
                         KEYWORKER_PASSPHRASE="password")
    assert result.code == 2
    assert "too weak" in result.err
    assert not (harness.store / "casestore.header").exists()


def test_passwd_recover_rotate(harness: CliHarness) -> None:
    key = init(harness)
    assert harness.run("passwd", KEYWORKER_PASSPHRASE=PASS,
                       KEYWORKER_NEW_PASSPHRASE=NEW_PASS).code == 0
    assert "not correct" in harness.run("verify", KEYWORKER_PASSPHRASE=PASS).err
    assert harness.run("verify", KEYWORKER_PASSPHRASE=NEW_PASS).code == 0

    harness.new_computer()
    missing = harness.run("verify", KEYWORKER_PASSPHRASE=NEW_PASS)
    assert "device secret" in missing.err and "recovery key" in missing.err
    assert harness.run("recover", KEYWORKER_RECOVERY_KEY=key.lower(),
                       KEYWORKER_NEW_PASSPHRASE=PASS).code == 0
    assert harness.run("verify", KEYWORKER_PASSPHRASE=PASS).code == 0

    old_header = (harness.store / "casestore.header").read_bytes()
    rotated = harness.run("rotate-key", KEYWORKER_PASSPHRASE=PASS)
    assert rotated.code == 0, rotated.err
    (harness.store / "casestore.header").write_bytes(old_header)
    stale = harness.run("verify", KEYWORKER_PASSPHRASE=PASS)
    assert stale.code == 2 and "do not belong together" in stale.err


def test_backup_restore_on_another_computer(harness: CliHarness) -> None:
    key = init(harness)
    source = canary_file(harness.root / "canary.json")
    assert harness.run("import-families", str(source), KEYWORKER_PASSPHRASE=PASS).code == 0
    backup = harness.root / "backup.kwb"
    assert harness.run("backup", str(backup), KEYWORKER_PASSPHRASE=PASS).code == 0
    harness.new_computer()
    target = harness.root / "restored"
    result = harness.run("--store", str(target), "restore", str(backup),
                         KEYWORKER_RECOVERY_KEY=key, KEYWORKER_PASSPHRASE=NEW_PASS)
    assert result.code == 0, result.err
    verify = harness.run("--store", str(target), "verify", KEYWORKER_PASSPHRASE=NEW_PASS)
    count = len(json.loads(source.read_text(encoding="utf-8"))["families"])
    assert verify.code == 0 and f"{count} families" in verify.out
    assert leaks(harness) == []


def test_demo_store_is_deterministic(harness: CliHarness) -> None:
    outs = []
    for name in ("a", "b"):
        store = harness.root / name
        assert harness.run("--store", str(store), "demo", "--families", "12", "--seed", "3",
                           KEYWORKER_PASSPHRASE=PASS).code == 0
        outs.append(harness.run("--store", str(store), "verify",
                                KEYWORKER_PASSPHRASE=PASS).out)
    assert "12 families" in outs[0]
    assert outs[0] == outs[1]


def test_verify_reads_every_page_that_unlocking_skips(harness: CliHarness) -> None:
    """Unlocking no longer reads the whole file; ``verify`` still does, and names the damage."""
    init(harness)
    db = harness.store / "casestore.db"
    empty_pages = db.stat().st_size // 4096  # the schema (with free pages), before families
    # Enough families that the file must grow past its empty size.
    doc = json.loads(canary_file(harness.root / "c.json").read_text(encoding="utf-8"))
    doc["families"] = [dict(doc["families"][0], reference=f"CANARY-{n:04}")
                       for n in range(1, 121)]
    (harness.root / "c.json").write_text(json.dumps(doc), encoding="utf-8")
    result = harness.run("import-families", str(harness.root / "c.json"),
                         KEYWORKER_PASSPHRASE=PASS)
    assert result.code == 0, result.err
    data = bytearray(db.read_bytes())
    assert len(data) // 4096 > empty_pages + 10
    # A page only the families filled: nothing an unlock reads.
    page = (empty_pages + len(data) // 4096) // 2
    data[page * 4096 + 700] ^= 0xFF
    db.write_bytes(bytes(data))
    checked = harness.run("verify", KEYWORKER_PASSPHRASE=PASS)
    assert checked.code == 1, checked.err
    assert "STORE PROBLEMS FOUND:" in checked.out
    assert "encryption check:" in checked.out
