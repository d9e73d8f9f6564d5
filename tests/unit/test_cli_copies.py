"""``keyworker restore``, ``recover``, ``passwd``, ``rotate-key`` and ``verify`` as a key
worker with two copies of one store on one laptop would use them."""

from __future__ import annotations

import json

from tests.cli_harness import CliHarness
from tests.unit.test_cli import NEW_PASS, PASS, init

THIRD_PASS = "harbour quince ladder 5150"


def test_restored_copy_and_original_both_keep_opening_on_one_computer(
    harness: CliHarness,
) -> None:
    key = init(harness)
    backup = harness.root / "backup.kwb"
    assert harness.run("backup", str(backup), KEYWORKER_PASSPHRASE=PASS).code == 0

    # Made here: restores with the passphrase alone, no recovery key asked for.
    alone = harness.root / "alone"
    result = harness.run("--store", str(alone), "restore", str(backup),
                         KEYWORKER_PASSPHRASE=PASS)
    assert result.code == 0, result.err
    assert "copy of its own" in result.out
    # With the recovery key and a new passphrase: the original is not touched either.
    keyed = harness.root / "keyed"
    result = harness.run("--store", str(keyed), "restore", str(backup),
                         KEYWORKER_RECOVERY_KEY=key, KEYWORKER_PASSPHRASE=NEW_PASS)
    assert result.code == 0, result.err
    opens = {
        str(harness.store): PASS, str(alone): PASS, str(keyed): NEW_PASS,
    }
    for store, passphrase in opens.items():
        verified = harness.run("--store", store, "verify", KEYWORKER_PASSPHRASE=passphrase)
        assert verified.code == 0, (store, verified.err)

    # Recovering the original leaves both restored copies as they were.
    assert harness.run("recover", KEYWORKER_RECOVERY_KEY=key,
                       KEYWORKER_NEW_PASSPHRASE=THIRD_PASS).code == 0
    opens[str(harness.store)] = THIRD_PASS
    for store, passphrase in opens.items():
        verified = harness.run("--store", store, "verify", KEYWORKER_PASSPHRASE=passphrase)
        assert verified.code == 0, (store, verified.err)


def test_restore_of_a_backup_from_elsewhere_asks_for_the_recovery_key(
    harness: CliHarness,
) -> None:
    init(harness)
    backup = harness.root / "backup.kwb"
    assert harness.run("backup", str(backup), KEYWORKER_PASSPHRASE=PASS).code == 0
    harness.new_computer()
    result = harness.run("--store", str(harness.root / "there"), "restore", str(backup),
                         KEYWORKER_PASSPHRASE=PASS)
    assert result.code == 2
    assert "recovery key is needed" in result.out and "Recovery key needed" in result.err


def test_passwd_and_rotate_key_tell_the_truth_about_older_copies(harness: CliHarness) -> None:
    init(harness)
    old_backup = harness.root / "old.kwb"
    assert harness.run("backup", str(old_backup), KEYWORKER_PASSPHRASE=PASS).code == 0
    changed = harness.run("passwd", KEYWORKER_PASSPHRASE=PASS, KEYWORKER_NEW_PASSPHRASE=NEW_PASS)
    assert changed.code == 0
    assert "still opens with the OLD passphrase" in changed.out
    assert "make a fresh backup now" in changed.out
    rotated = harness.run("rotate-key", KEYWORKER_PASSPHRASE=NEW_PASS)
    assert rotated.code == 0
    assert "OLD recovery key" in rotated.out and "make a fresh backup now" in rotated.out

    # What was said is so: the old backup opens with the old passphrase.
    restored = harness.root / "from-old-backup"
    result = harness.run("--store", str(restored), "restore", str(old_backup),
                         KEYWORKER_PASSPHRASE=PASS)
    assert result.code == 0, result.err
    assert harness.run("--store", str(restored), "verify", KEYWORKER_PASSPHRASE=PASS).code == 0


def test_verify_reports_a_missing_recovery_slot(harness: CliHarness) -> None:
    init(harness)
    assert "key slots are sound" in harness.run("verify", KEYWORKER_PASSPHRASE=PASS).out
    header_path = harness.store / "casestore.header"
    header = json.loads(header_path.read_text())
    header["slots"] = [s for s in header["slots"] if s["type"] != "recovery"]
    header_path.write_text(json.dumps(header))
    result = harness.run("verify", KEYWORKER_PASSPHRASE=PASS)
    assert result.code == 1
    assert "no recovery slot" in result.out and "rotate-key" in result.out
    assert harness.run("rotate-key", KEYWORKER_PASSPHRASE=PASS).code == 0
    assert harness.run("verify", KEYWORKER_PASSPHRASE=PASS).code == 0
