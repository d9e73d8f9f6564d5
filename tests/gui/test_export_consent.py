"""Further disclosure in the export dialog (ISA section 5): a TAF pack holding police
information, going to a secure address outside the agreement, is refused until the police's
written consent (reference and date) is recorded; the export is then written and audited."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from keyworker_app.domain.policy import Policy
from keyworker_app.gui.export_dialog import ExportDialog
from keyworker_app.services.case_store import CaseSession
from keyworker_app.services.export import ExportService, ReportKind
from keyworker_app.services.policy_loader import find_policy
from tests.gui.conftest import Planted
from tests.unit.reports.taf_fixtures import save_three_meetings

SOLICITOR = "solicitor@firm.cjsm.net"  # a secure address, not a partner of the agreement


@pytest.fixture
def policy() -> Policy:
    return find_policy()[0]


@pytest.fixture
def session(planted: Planted, policy: Policy) -> Iterator[CaseSession]:
    opened = planted.store.unlock(planted.passphrase)
    assert isinstance(opened, CaseSession)
    save_three_meetings(opened, policy, planted.family_id)  # police information shared
    yield opened
    opened.lock()


PackDialog = Callable[[], ExportDialog]


@pytest.fixture
def pack_dialog(session: CaseSession, policy: Policy, planted: Planted,
                tmp_path: Path) -> Iterator[PackDialog]:
    """Opens the family's export dialog on the TAF pack, going to the solicitor."""
    dialogs: list[ExportDialog] = []
    folder = tmp_path / "out"
    folder.mkdir()

    def open_one() -> ExportDialog:
        dialog = ExportDialog(ExportService(session, policy), planted.family_id, "KW-0002",
                              reports=(ReportKind.TAF_PACK, ReportKind.CASE_SUMMARY),
                              report=ReportKind.TAF_PACK, folder=folder)
        dialogs.append(dialog)
        dialog.show()
        dialog.purpose.setCurrentIndex(dialog.purpose.findData("support"))
        dialog.address.setText(SOLICITOR)
        return dialog

    yield open_one
    for dialog in dialogs:  # each deletes itself on close
        if shiboken6.isValid(dialog):
            dialog.close()


def export_events(session: CaseSession) -> list[str]:
    return [e.detail for e in session.audit().events(limit=100) if e.action == "export"]


def test_refused_then_written_with_the_polices_written_consent(
        qtbot: Any, pack_dialog: PackDialog, session: CaseSession, policy: Policy,
        tmp_path: Path) -> None:
    out = tmp_path / "out"
    dialog = pack_dialog()
    assert dialog.disclosure.isHidden()
    dialog.export_button.click()
    assert "Leicestershire Police" in dialog.problem.text()
    assert "ISA section 5" in dialog.problem.text()
    assert dialog.disclosure.isVisible() and dialog.isVisible()
    assert dialog.focusWidget() is dialog.disclosure.reference
    assert list(out.iterdir()) == [] and export_events(session) == []
    width = dialog.width()
    assert dialog.height() <= 768 and width <= 1024
    shots = os.environ.get("KEYWORKER_SHOTS")
    if shots:
        dialog.grab().save(str(Path(shots) / "export_consent_refused.png"))

    dialog.disclosure.reference.setText("LP/2025/0042")
    dialog.disclosure.day.setText("31/02/2025")
    dialog.export_button.click()
    assert "31/02/2025 is not a date" in dialog.problem.text()
    assert list(out.iterdir()) == []

    dialog.disclosure.day.setText("01/03/2025")
    assert dialog.width() == width  # typing the consent does not move the dialog about
    with qtbot.waitSignal(dialog.exported, timeout=15000) as signal:
        dialog.export_button.click()
    assert signal.args[0].destination.read_bytes().startswith(b"%PDF")
    [event] = export_events(session)
    assert "report=taf-pack" in event and "to-domain=firm.cjsm.net to-org=unknown" in event
    assert "leicestershire-police" in event.split("further-disclosure=")[1]
    assert "consent-ref=LP/2025/0042 consent-on=2025-03-01" in event


def test_a_statutory_obligation_is_the_other_basis(
        qtbot: Any, pack_dialog: PackDialog, session: CaseSession, policy: Policy) -> None:
    dialog = pack_dialog()
    dialog.export_button.click()
    fields = dialog.disclosure
    assert not fields.gateway.isEnabled()
    fields.statutory.setChecked(True)
    assert fields.gateway.isEnabled() and fields.gateway.count() == len(policy.gateways)
    chosen = fields.gateway.currentData()
    with qtbot.waitSignal(dialog.exported, timeout=15000):
        dialog.export_button.click()
    [event] = export_events(session)
    assert f"statutory={chosen}" in event


def test_consent_fields_are_labelled_reachable_and_kept_without_the_password(
        pack_dialog: PackDialog) -> None:
    dialog = pack_dialog()
    dialog.export_button.click()
    fields = dialog.disclosure
    labels = {label.text(): label for label in fields.findChildren(QLabel)}
    for text, field in (("Consent re&ference:", fields.reference),
                        ("Consent &date:", fields.day)):
        assert labels[text].buddy() is field and labels[text].accessibleName() == ""
    for widget in (fields.reference, fields.day, fields.statutory):
        assert widget.focusPolicy() & Qt.FocusPolicy.TabFocus
    fields.reference.setText("LP-77")
    fields.day.setText("01/03/2025")
    dialog.password.setText("Tr4m-Lantern-91")
    state = dialog.draft_state()
    assert state["consent_ref"] == "LP-77" and state["disclosure_shown"] is True
    assert "Tr4m-Lantern-91" not in repr(state)

    again = pack_dialog()
    again.apply_draft_state(state)
    assert again.disclosure.isVisible()
    assert (again.disclosure.reference.text(), again.disclosure.day.text()) == (
        "LP-77", "01/03/2025")
    assert again.password.text() == ""
