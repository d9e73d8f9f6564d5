"""Programme → Export the PbR claim as CSV: beside the PDF export, through the same secure
write and audit step; references only, formula-safe, never password-protected, so never to an
address that is not secure."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtWidgets import QApplication, QMessageBox

from keyworker_app.gui.main_window import MainWindow
from keyworker_app.gui.programme_export_dialog import ProgrammeExportDialog
from tests.gui.ui_scan import mnemonic


def _session(win: MainWindow) -> Any:
    session = win.current_session()
    assert session is not None
    return session


def test_programme_menu_offers_the_claim_as_pdf_and_csv(programme_window: MainWindow) -> None:
    texts = [a.text() for a in programme_window.programme_actions]
    assert "Export the PbR &claim as PDF…" in texts
    assert "Export the PbR claim as CS&V…" in texts
    letters = [mnemonic(t) for t in texts]
    assert None not in letters and len(set(letters)) == len(letters)
    assert all(a.isEnabled() for a in programme_window.programme_actions)


def test_claim_csv_from_the_menu(qtbot: Any, programme_window: MainWindow,
                                 tmp_path: Path) -> None:
    window = programme_window
    action = next(a for a in window.programme_actions if "CS&V" in a.text())
    action.trigger()
    dialog = next(w for w in QApplication.topLevelWidgets()
                  if isinstance(w, ProgrammeExportDialog) and w.isVisible())
    assert dialog.windowTitle() == "Export the payment-by-results claim as CSV"
    assert dialog.path.text().endswith(".csv")
    for widget in (dialog.protect, dialog.password, dialog.password_again, dialog.reminder):
        assert not widget.isVisible()  # a CSV cannot be protected: nothing to offer
    assert not dialog.protect.isChecked()
    target = tmp_path / "claim.csv"
    dialog.path.setText(str(target))
    dialog.address.setText("ig.officer@example.org")  # not a secure address
    assert "cannot be sent there" in dialog.recipient_note.text()
    dialog.start_export()
    assert "not a secure e-mail address" in dialog.problem.text()
    assert not target.exists()
    dialog.to_meeting.setChecked(True)  # kept on this computer
    dialog.start_export()
    qtbot.waitUntil(lambda: target.exists() and (not shiboken6.isValid(dialog)
                                                 or not dialog.isVisible()), timeout=10000)
    rows = list(csv.reader(target.read_text(encoding="utf-8-sig").splitlines()))
    marking = window.policy.handling.protective_marking  # type: ignore[union-attr]
    assert rows[0] == [marking] and rows[-1] == [marking]
    assert [r[0] for r in rows[2:-1]] == ["KW-0301"]  # the one qualifying family
    body = target.read_text(encoding="utf-8-sig")
    assert "Fairbairn" not in body and "Jordan" not in body
    event = _session(window).audit().events(limit=1)[0]
    assert "report=pbr-claim format=csv" in event.detail and "protected=no" in event.detail
    box = next(w for w in QApplication.topLevelWidgets()
               if isinstance(w, QMessageBox) and w.isVisible())
    assert "claim.csv" in box.text()
    box.close()


def test_claim_pdf_dialog_keeps_its_password_rows(programme_window: MainWindow) -> None:
    dialog = programme_window.export_claim()
    assert isinstance(dialog, ProgrammeExportDialog)
    assert dialog.windowTitle() == "Export the payment-by-results claim"
    assert dialog.path.text().endswith(".pdf")
    assert dialog.protect.isVisible() and dialog.password.isVisible()
    dialog.reject()
