"""The vault against the real default keyring (Secret Service via gnome-keyring).

Run with: bash tests/run_with_secret_service.sh .venv/bin/pytest -q <this file>
"""

from __future__ import annotations

import os
from pathlib import Path

import keyring
import pytest

from keyworker_app.paths import StorePaths
from keyworker_app.security.device_secret import DeviceSecrets
from keyworker_app.security.kdf import FAST_TEST_KDF
from keyworker_app.store.vault import Vault

pytestmark = [
    pytest.mark.secret_service,
    pytest.mark.skipif(
        os.environ.get("KEYWORKER_SECRET_SERVICE_TEST") != "1",
        reason="needs a Secret Service session (tests/run_with_secret_service.sh)",
    ),
]


def test_store_with_real_secret_service(tmp_path: Path) -> None:
    backend = keyring.get_keyring()
    assert type(backend).__module__ == "keyring.backends.SecretService"
    secrets = DeviceSecrets()  # the system default, as the product uses it
    vault = Vault(StorePaths(tmp_path / "store"), secrets, kdf=FAST_TEST_KDF)
    created = vault.create("correct horse battery staple")
    from keyworker_app.security.keyslots import read_header

    secret_id = read_header(vault.paths.header).secret_id
    try:
        created.close()
        opened = vault.unlock("correct horse battery staple")
        assert opened.store_id == created.store_id
        opened.close()
        assert len(secrets.get(created.store_id, secret_id)) == 32
    finally:
        secrets.delete(created.store_id, secret_id)


def test_copies_and_attempt_record_with_real_secret_service(tmp_path: Path) -> None:
    """With the real keyring: a backup restored on the same computer is its own copy (both
    open), and the attempt record kept beside the device secret outlives its file."""
    from keyworker_app.errors import UnlockThrottledError, WrongPassphraseError
    from keyworker_app.security.keyslots import read_header

    secrets = DeviceSecrets()
    original = Vault(StorePaths(tmp_path / "store"), secrets, kdf=FAST_TEST_KDF,
                     clock=lambda: 1_800_000_000.0, boot=lambda: ("boot", 100.0))
    created = original.create("correct horse battery staple")
    created.close()
    opened = original.unlock("correct horse battery staple")
    original.backup(opened.conn, tmp_path / "backup.kwb")
    opened.close()
    copy = Vault(StorePaths(tmp_path / "copy"), secrets, kdf=FAST_TEST_KDF)
    copy.restore(tmp_path / "backup.kwb", None, "correct horse battery staple").close()
    ids = [read_header(v.paths.header).secret_id for v in (original, copy)]
    try:
        assert ids[0] != ids[1]
        copy.unlock_with_recovery(created.recovery_key, "another good passphrase 12").close()
        original.unlock("correct horse battery staple").close()
        for _ in range(4):
            with pytest.raises(WrongPassphraseError):
                original.unlock("wrong")
        original.paths.throttle.unlink()
        with pytest.raises(UnlockThrottledError):
            original.unlock("correct horse battery staple")
    finally:
        for vault in (original, copy):
            header = read_header(vault.paths.header)
            secrets.delete(header.store_id, header.secret_id)
