"""Render what a second copy of Keyworker shows, offscreen, to PNGs in /tmp.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.gui.screenshot_concurrency

The unlock screen while another copy has the store open, and the member form after a save
refused because another window changed the member first (the form keeps the entry).
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import sys  # noqa: E402
import tempfile  # noqa: E402
from dataclasses import replace  # noqa: E402
from datetime import date  # noqa: E402
from pathlib import Path  # noqa: E402

from PySide6.QtWidgets import QApplication, QMessageBox  # noqa: E402

from keyworker_app.gui.lock import LockSettings  # noqa: E402
from keyworker_app.gui.main_window import MainWindow  # noqa: E402
from keyworker_app.paths import StorePaths  # noqa: E402
from keyworker_app.security.device_secret import DeviceSecrets  # noqa: E402
from keyworker_app.security.kdf import FAST_TEST_KDF  # noqa: E402
from keyworker_app.services.case_store import CaseStore  # noqa: E402
from keyworker_app.store.instance_lock import InstanceLock  # noqa: E402
from tests.gui.samples import OWNER, sample_family  # noqa: E402
from tests.gui.screenshot import settle  # noqa: E402
from tests.keyring_memory import MemoryKeyring  # noqa: E402

OUT = Path("/tmp/keyworker-shots")
PASSPHRASE = "plum violin harbour seventeen"


def main() -> None:
    app = QApplication.instance() or QApplication(sys.argv)
    OUT.mkdir(exist_ok=True)
    store = CaseStore(StorePaths(Path(tempfile.mkdtemp()) / "store"),
                      DeviceSecrets(MemoryKeyring()), kdf=FAST_TEST_KDF)
    session, _ = store.create(PASSPHRASE, OWNER)
    family = session.add_family(sample_family("KW-0001", "Ashworth"))
    session.lock()

    other = InstanceLock(store.paths.instance_lock)
    other.acquire()  # another Keyworker has the store open
    window = MainWindow(store, LockSettings(), watch_desktop=False)
    window.resize(900, 600)
    window.start()
    window.show()
    settle()
    window.grab().save(str(OUT / "open-elsewhere.png"))
    other.release()

    window.lock_screen.passphrase.setText(PASSPHRASE)
    window.lock_screen.submit()
    while window.lock.is_locked:
        settle(0.05)
    view = window.open_family(family.id or 0)
    assert view is not None
    dialog = view.open_person_dialog(view.family.members[0].ref)
    dialog.editors["given_names"].setText("Alexandra")
    live = window.current_session()
    assert live is not None
    copy = live.view_family(family.id or 0)
    changed = replace(copy.members[0], date_of_birth=date(1985, 4, 13))
    live.update_family(replace(copy, members=(changed, *copy.members[1:])), copy)
    dialog.try_save()
    settle()
    dialog.grab().save(str(OUT / "stale-form.png"))
    box = next(w for w in QApplication.topLevelWidgets()
               if isinstance(w, QMessageBox) and w.isVisible())
    box.grab().save(str(OUT / "stale-message.png"))
    window.lock.lock("done")
    print(f"screenshots in {OUT}")
    del app


if __name__ == "__main__":
    main()
