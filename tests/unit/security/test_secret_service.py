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
    try:
        created.close()
        opened = vault.unlock("correct horse battery staple")
        assert opened.store_id == created.store_id
        opened.close()
        assert len(secrets.get(created.store_id)) == 32
    finally:
        secrets.delete(created.store_id)
