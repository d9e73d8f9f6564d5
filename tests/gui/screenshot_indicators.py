"""Render the Indicators page with records and the offence dialog with a bad entry, to PNGs.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.gui.screenshot_indicators

Uses a real encrypted store in a temporary folder with an invented family.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

from PySide6.QtWidgets import QApplication  # noqa: E402

from keyworker_app.gui.lock import LockSettings  # noqa: E402
from keyworker_app.gui.main_window import MainWindow  # noqa: E402
from keyworker_app.paths import StorePaths  # noqa: E402
from keyworker_app.security.device_secret import DeviceSecrets  # noqa: E402
from keyworker_app.security.kdf import FAST_TEST_KDF  # noqa: E402
from keyworker_app.services.case_store import CaseStore  # noqa: E402
from tests.gui.samples import OWNER, sample_family  # noqa: E402
from tests.gui.screenshot import OUT, settle  # noqa: E402
from tests.keyring_memory import MemoryKeyring  # noqa: E402

ENTRIES = (
    ("offence", {"person_ref": "c1", "offence_date": "03/02/2024", "disposal": "youth-caution",
                 "description": "Criminal damage", "disposal_date": "10/03/2024"}),
    ("asb", {"kind": "asb-contract", "start_date": "01/06/2024"}),
    ("education", {"person_ref": "c1", "academic_year": "2024/25", "term": "spring",
                   "fixed_exclusions": "2", "unauthorised_absence": "14.5"}),
    ("benefit", {"person_ref": "p1", "benefit": "jsa", "from_date": "01/09/2023"}),
    ("concern", {"kind": "mental-health", "noted_on": "05/01/2025", "person_ref": "p1",
                 "detail": "Referred to talking therapies."}),
)


def main() -> None:
    app = QApplication.instance() or QApplication(sys.argv)
    OUT.mkdir(exist_ok=True)
    store = CaseStore(StorePaths(Path(tempfile.mkdtemp()) / "store"),
                      DeviceSecrets(MemoryKeyring()), kdf=FAST_TEST_KDF)
    session, _ = store.create("plum violin harbour seventeen", OWNER)
    family = session.add_family(sample_family("KW-0001", "Ashworth"))
    session.lock()
    window = MainWindow(store, LockSettings(), watch_desktop=False)
    window.start()
    window.show()
    window.lock_screen.passphrase.setText("plum violin harbour seventeen")
    window.lock_screen.submit()
    while window.lock.is_locked:
        settle(0.05)
    assert family.id is not None
    view = window.open_family(family.id)
    assert view is not None
    for key, values in ENTRIES:
        dialog = view.editing.open(key, None)
        for name, text in values.items():
            editor = dialog.editors[name]
            if hasattr(editor, "findData"):
                editor.setCurrentIndex(editor.findData(text))
            elif hasattr(editor, "setPlainText"):
                editor.setPlainText(text)
            else:
                editor.setText(text)
        assert dialog.try_save(), key
    view.tabs.setCurrentIndex(3)
    settle()
    window.grab().save(str(OUT / "indicators-editing.png"))
    dialog = view.editing.open("offence", None)
    dialog.editors["offence_date"].setText("03/02/2024")
    dialog.editors["disposal_date"].setText("01/02/2024")
    dialog.try_save()
    settle()
    dialog.grab().save(str(OUT / "offence-dialog.png"))
    window.lock.lock("screenshot")
    print(f"screenshots in {OUT}")
    del app


if __name__ == "__main__":
    main()
