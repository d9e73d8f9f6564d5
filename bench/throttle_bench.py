"""What the record of unlock attempts costs an unlock, on this computer's real keyring.

Times the attempt record's share of one unlock (counting the attempt before it is tried,
then taking it off again) and a whole unlock with the fast test key derivation, so the
record's cost is not hidden behind Argon2id. Run inside tests/run_with_secret_service.sh
(``make bench`` does) to use the Secret Service. Not a test: nothing here asserts time.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import PASSPHRASE, timed  # noqa: E402
from keyworker_app.paths import StorePaths  # noqa: E402
from keyworker_app.security.device_secret import DeviceSecrets  # noqa: E402
from keyworker_app.security.kdf import FAST_TEST_KDF  # noqa: E402
from keyworker_app.security.keyslots import read_header  # noqa: E402
from keyworker_app.store.vault import Vault  # noqa: E402


def main() -> None:
    secrets = DeviceSecrets()
    secrets.check_usable()
    with tempfile.TemporaryDirectory() as tmp:
        vault = Vault(StorePaths(Path(tmp) / "store"), secrets, kdf=FAST_TEST_KDF)
        vault.create(PASSPHRASE).close()
        header = read_header(vault.paths.header)
        try:
            throttle = vault._throttle(header, secrets.get(header.store_id, header.secret_id))
            record = timed(lambda: throttle.succeeded(throttle.begin()), 20)
            unlock = timed(lambda: vault.unlock(PASSPHRASE).close(), 10)
        finally:
            secrets.delete(header.store_id, header.secret_id)
    backend = type(secrets.backend).__name__
    print(f"keyring backend: {backend}")
    print(f"attempt record per unlock: median {statistics.median(record):.1f} ms")
    print(f"whole unlock (fast test KDF): median {statistics.median(unlock):.1f} ms")


if __name__ == "__main__":
    main()
