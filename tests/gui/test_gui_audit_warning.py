"""A changed audit trail: the desktop app still opens the store, and says so plainly."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QMessageBox

from keyworker_app.services.case_store import CaseStore
from tests.gui.conftest import Planted, WindowFactory, unlock


def _cut_last_row(store: CaseStore, passphrase: str) -> None:
    conn = store.vault.unlock(passphrase).conn  # the data key only: no audit, no checks
    try:
        conn.execute("DROP TRIGGER audit_no_delete")
        conn.execute("DELETE FROM audit WHERE seq = (SELECT max(seq) FROM audit)")
    finally:
        conn.close()


def test_the_unlock_shows_a_cut_audit_trail(qtbot: Any, planted: Planted,
                                           make_window: WindowFactory) -> None:
    assert isinstance(planted.store, CaseStore)
    _cut_last_row(planted.store, planted.passphrase)
    window = make_window()
    unlock(qtbot, window)
    boxes = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    texts = [b.text() for b in boxes]
    assert any("audit trail has been changed" in t and "missing from the end" in t
               for t in texts), texts
    assert any("information-governance officer" in b.informativeText() for b in boxes)
    assert window.caseload.model.rowCount() == 3  # work goes on
