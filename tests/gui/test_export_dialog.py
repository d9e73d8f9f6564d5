"""The export dialog: the handling rules as the user meets them, and a real export."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox

from keyworker_app.domain.policy import Policy
from keyworker_app.gui.export_dialog import ExportDialog
from keyworker_app.reports.protect import is_protected
from keyworker_app.services.case_store import CaseSession
from keyworker_app.services.export import ExportService
from keyworker_app.services.policy_loader import find_policy
from tests.gui.conftest import Planted, WindowFactory, unlock

STRONG = "Tr4m-Lantern-91"


@pytest.fixture
def policy() -> Policy:
    return find_policy()[0]


@pytest.fixture
def session(planted: Planted) -> Iterator[CaseSession]:
    opened = planted.store.unlock(planted.passphrase)
    assert isinstance(opened, CaseSession)
    yield opened
    opened.lock()


@pytest.fixture
def dialog(qtbot: Any, session: CaseSession, policy: Policy, planted: Planted,
           tmp_path: Path) -> Iterator[ExportDialog]:
    (tmp_path / "out").mkdir()
    dlg = ExportDialog(ExportService(session, policy), planted.family_id, "KW-0002",
                       folder=tmp_path / "out")
    dlg.show()
    dlg.purpose.setCurrentIndex(dlg.purpose.findData("support"))
    yield dlg
    if _alive(dlg):  # it deletes itself on close
        dlg.close()


def exported_files(tmp_path: Path) -> list[str]:
    return sorted(p.name for p in (tmp_path / "out").iterdir())


def test_non_secure_address_forces_a_password(qtbot: Any, dialog: ExportDialog,
                                              tmp_path: Path) -> None:
    for address in ("someone@example.com", "x@police.uk.evil.com", "pnn.police.uk@evil.com"):
        dialog.address.setText(address)
        assert dialog.protect.isChecked() and not dialog.protect.isEnabled()
        assert "must be password-protected" in dialog.recipient_note.text()
        dialog.export_button.click()
        assert "not a secure e-mail address" in dialog.problem.text()
        assert dialog.isVisible()
    assert exported_files(tmp_path) == []


def test_secure_address_exports_unprotected(qtbot: Any, dialog: ExportDialog,
                                            tmp_path: Path, session: CaseSession) -> None:
    dialog.address.setText("Officer@Leics.PNN.Police.UK")
    assert dialog.protect.isEnabled()
    assert "may be sent without a password" in dialog.recipient_note.text()
    with qtbot.waitSignal(dialog.exported, timeout=10000) as signal:
        dialog.export_button.click()
    result = signal.args[0]
    assert not result.protected
    assert not is_protected(result.destination.read_bytes())
    assert exported_files(tmp_path) == [result.destination.name]
    assert "KW-0002" in result.destination.name and "Quillfeather" not in result.destination.name
    events = [e.detail for e in session.audit().events(limit=50) if e.action == "export"]
    assert events and "recipient=secure protected=no" in events[0]


def test_passwords_typed_twice_and_checked(qtbot: Any, dialog: ExportDialog,
                                          tmp_path: Path, session: CaseSession) -> None:
    dialog.address.setText("someone@example.com")
    dialog.password.setText(STRONG)
    dialog.password_again.setText(STRONG + "x")
    dialog.export_button.click()
    assert "do not match" in dialog.problem.text()
    dialog.password.setText("weakweakweak")
    dialog.password_again.setText("weakweakweak")
    assert "Strength" in dialog.strength.text()
    dialog.export_button.click()
    assert "Password" in dialog.problem.text()
    dialog.password.setText(STRONG)
    dialog.password_again.setText(STRONG)
    assert "another route" in dialog.reminder.text()
    with qtbot.waitSignal(dialog.exported, timeout=10000) as signal:
        dialog.export_button.click()
    assert is_protected(signal.args[0].destination.read_bytes())
    assert dialog.password.text() == "" and dialog.password_again.text() == ""
    details = " ".join(e.detail for e in session.audit().events(limit=50))
    assert STRONG not in details and "example.com" not in details


def test_asks_before_replacing(qtbot: Any, dialog: ExportDialog, tmp_path: Path) -> None:
    dialog.to_print.setChecked(True)
    target = Path(dialog.path.text())
    target.write_bytes(b"old")
    dialog.export_button.click()
    box = dialog.replace_prompt
    assert isinstance(box, QMessageBox)
    cancel = box.button(QMessageBox.StandardButton.Cancel)
    cancel.click()
    assert target.read_bytes() == b"old"
    dialog.export_button.click()
    box = dialog.replace_prompt
    assert isinstance(box, QMessageBox)
    replace = next(b for b in box.buttons() if "Replace" in b.text())
    with qtbot.waitSignal(dialog.exported, timeout=10000):
        replace.click()
    assert target.read_bytes().startswith(b"%PDF")
    assert exported_files(tmp_path) == [target.name]


def test_purpose_must_be_chosen(dialog: ExportDialog, tmp_path: Path) -> None:
    dialog.purpose.setCurrentIndex(0)
    dialog.to_meeting.setChecked(True)
    dialog.export_button.click()
    assert "purpose" in dialog.problem.text()
    assert exported_files(tmp_path) == []


def test_family_view_offers_export(qtbot: Any, make_window: WindowFactory, planted: Planted,
                                   policy: Policy, tmp_path: Path) -> None:
    window = make_window()
    window.policy = policy
    unlock(qtbot, window)
    view = window.open_family(planted.family_id)
    assert view is not None and view.export_button.isEnabled()
    dlg = view.open_export_dialog()
    assert dlg is not None and dlg.isVisible()
    dlg.grab().save(str(tmp_path / "export_dialog.png"))
    window.lock.lock("test")
    assert not _alive(dlg) or not dlg.isVisible()  # a lock closes it with the password


def _alive(widget: Any) -> bool:
    import shiboken6

    return bool(shiboken6.isValid(widget))


def test_password_rule_is_shown_before_typing(dialog: ExportDialog) -> None:
    dialog.protect.setChecked(True)
    dialog.refresh()
    assert dialog.password.text() == ""
    assert "At least" in dialog.strength.text() and "characters" in dialog.strength.text()
