"""A store from an earlier version: verify only reports it, opening backs it up (encrypted)
first, says so and audits it. Real stores and the real command line."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from keyworker_app.domain.audit import Actor, AuditAction, Role
from keyworker_app.paths import StorePaths
from keyworker_app.security.device_secret import DeviceSecrets
from keyworker_app.security.kdf import FAST_TEST_KDF
from keyworker_app.store import meta
from keyworker_app.store.audit import AuditLog
from keyworker_app.store.connection import transaction
from keyworker_app.store.schema import MIGRATIONS, SCHEMA_VERSION, migrate
from keyworker_app.store.vault import Vault
from tests.cli_harness import CliHarness
from tests.unit.test_cli import PASS


def v1_store(h: CliHarness) -> None:
    """A store as the first release of Keyworker left it (schema v1)."""
    created = Vault(StorePaths(h.store), DeviceSecrets(h.keyring), kdf=FAST_TEST_KDF).create(PASS)
    conn = created.conn
    try:
        migrate(conn, MIGRATIONS[:1])
        owner = Actor("Sam Worker", Role.KEY_WORKER, "Leicester City Council")
        with transaction(conn):
            meta.set_owner(conn, owner)
            AuditLog(conn, owner, lambda: datetime(2025, 1, 6, 9, tzinfo=UTC)).record(
                AuditAction.STORE_CREATED, "store", created.store_id)
    finally:
        conn.close()


def db_digest(h: CliHarness) -> str:
    paths = StorePaths(h.store)
    return hashlib.sha256(b"".join(p.read_bytes() for p in [paths.database, *paths.sidecars()]
                                   if p.exists())).hexdigest()


def test_verify_reports_an_old_schema_and_changes_nothing(harness: CliHarness) -> None:
    v1_store(harness)
    before = db_digest(harness)
    verify = harness.run("verify", KEYWORKER_PASSPHRASE=PASS)
    assert verify.code == 0, verify.out
    assert f"schema v1: will be upgraded to v{SCHEMA_VERSION} when opened" in verify.out
    assert db_digest(harness) == before
    assert not (harness.store / "upgrade-backups").exists()


def test_opening_backs_up_first_says_so_and_audits_it(harness: CliHarness) -> None:
    v1_store(harness)
    opened = harness.run("audit", KEYWORKER_PASSPHRASE=PASS)
    assert opened.code == 0, opened.err
    backups = list((harness.store / "upgrade-backups").iterdir())
    assert len(backups) == 1 and backups[0].read_bytes().startswith(b"KWBACKUP1")
    assert f"upgraded (format v1 to v{SCHEMA_VERSION})" in opened.err
    assert str(backups[0]) in opened.err
    assert f"schema-upgraded store:- from=v1 to=v{SCHEMA_VERSION}" in opened.out
    assert backups[0].name in opened.out
    verify = harness.run("verify", KEYWORKER_PASSPHRASE=PASS)
    assert verify.code == 0 and f"Schema version {SCHEMA_VERSION};" in verify.out
    # The backup is the store as it was: restored elsewhere it is still v1.
    target = harness.root / "as-it-was"
    assert harness.run("--store", str(target), "restore", str(backups[0]), "--same-computer",
                       KEYWORKER_PASSPHRASE=PASS).code == 0


def test_the_app_can_be_asked_first(harness: CliHarness) -> None:
    from keyworker_app.errors import SchemaUpgradeNeededError
    from keyworker_app.services.case_store import CaseStore

    v1_store(harness)
    before = db_digest(harness)
    store = CaseStore(StorePaths(harness.store), DeviceSecrets(harness.keyring),
                      kdf=FAST_TEST_KDF)
    try:
        store.unlock(PASS, upgrade=False)
    except SchemaUpgradeNeededError as exc:
        assert exc.version == 1 and "backup" in exc.advice
    else:
        raise AssertionError("an old store must not open without asking")
    assert db_digest(harness) == before
    session = store.unlock(PASS, upgrade=True)
    assert session.notices and "upgraded" in session.notices[0]
    session.lock()
