"""Render the programme screens (criteria panel and chart, caseload column, retention queue,
deletion confirmation, subject-access log, breach list and form) to PNGs.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.gui.screenshot_programme

A real encrypted store in a temporary folder (in-memory keyring, fast test key derivation),
invented families, a fixed "today".
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
from tests.gui.programme_samples import NOW, TODAY, populate  # noqa: E402
from tests.gui.screenshot import settle  # noqa: E402
from tests.taf_session import PASSPHRASE, shipped_policy  # noqa: E402

OUT = Path(os.environ.get("KEYWORKER_SHOTS", "/tmp/keyworker-shots"))


def main() -> None:
    app = QApplication.instance() or QApplication(sys.argv)
    OUT.mkdir(exist_ok=True)
    taf, family_id = populate(Path(tempfile.mkdtemp()))
    window = MainWindow(taf.store, LockSettings(), watch_desktop=False,
                        today=lambda: TODAY, now=lambda: NOW, policy=shipped_policy())
    window.start()
    window.show()
    window.lock_screen.passphrase.setText(PASSPHRASE)
    window.lock_screen.submit()
    while window.lock.is_locked:
        settle(0.05)
    if window.draft_prompt is not None:
        window.draft_prompt.reject()
    settle(0.5)
    window.grab().save(str(OUT / "programme-caseload.png"))
    view = window.open_family(family_id)
    assert view is not None and view.criteria is not None
    settle()
    window.grab().save(str(OUT / "programme-family-tabs.png"))  # nine tabs, none scrolled
    view.tabs.setCurrentWidget(view.criteria)
    settle()
    window.grab().save(str(OUT / "programme-criteria.png"))
    view.criteria.chart.grab().save(str(OUT / "programme-chart.png"))
    caseload = window.caseload
    caseload.criteria_only.setChecked(True)
    settle(1.0)
    bar = caseload.table.horizontalScrollBar()
    bar.setValue(bar.maximum())
    settle()
    caseload.grab().save(str(OUT / "programme-caseload-filter.png"))
    caseload.criteria_only.setChecked(False)
    bar.setValue(0)
    queue = window.show_retention()
    assert queue is not None
    settle()
    window.grab().save(str(OUT / "programme-retention.png"))
    queue.table.selectRow(0)
    dialog = queue.open_delete()
    assert dialog is not None
    settle()
    dialog.try_save()
    settle()
    assert queue.box is not None
    queue.box.grab().save(str(OUT / "programme-delete-confirm.png"))
    queue.box.reject()
    sar = window.show_subject_access()
    assert sar is not None
    settle()
    window.grab().save(str(OUT / "programme-sar-log.png"))
    export = sar.open_export()
    assert export is not None
    settle()
    export.grab().save(str(OUT / "programme-sar-export.png"))
    export.reject()
    breaches = window.show_breaches()
    assert breaches is not None
    settle()
    window.grab().save(str(OUT / "programme-breaches.png"))
    form = breaches.open_form(breaches.selected())
    settle()
    form.grab().save(str(OUT / "programme-breach-form.png"))
    form.reject()
    claim = window.export_claim_csv()
    assert claim is not None
    claim.address.setText("claims@council.gcsx.gov.uk")
    settle()
    claim.grab().save(str(OUT / "programme-claim-csv.png"))
    claim.reject()
    window.lock.lock("done")
    print(f"screenshots in {OUT}")
    del app


if __name__ == "__main__":
    main()
