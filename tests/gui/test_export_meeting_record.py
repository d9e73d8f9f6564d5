"""Exporting a TAF meeting record from the Meetings tab, and the dialog's meeting picker."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import shiboken6

from keyworker_app.domain.policy import Policy
from keyworker_app.gui.export_dialog import ExportDialog
from keyworker_app.services.case_store import CaseSession
from keyworker_app.services.export import ExportService, ReportKind
from keyworker_app.services.policy_loader import find_policy
from tests.gui.conftest import Planted, WindowFactory, unlock
from tests.unit.reports.pdf_checks import assert_marked_every_page
from tests.unit.reports.taf_fixtures import save_three_meetings


@pytest.fixture
def policy() -> Policy:
    return find_policy()[0]


def plant_meetings(planted: Planted, policy: Policy) -> list[int]:
    session = planted.store.unlock(planted.passphrase)
    assert isinstance(session, CaseSession)
    try:
        return save_three_meetings(session, policy, planted.family_id)
    finally:
        session.lock()


def test_dialog_offers_the_record_only_with_a_meeting_chosen(
        qtbot: Any, planted: Planted, policy: Policy, tmp_path: Path) -> None:
    ids = plant_meetings(planted, policy)
    session = planted.store.unlock(planted.passphrase)
    assert isinstance(session, CaseSession)
    (tmp_path / "out").mkdir()
    try:
        bare = ExportDialog(ExportService(session, policy), planted.family_id, "KW-0002",
                            reports=tuple(ReportKind), folder=tmp_path / "out")
        assert bare.report.findData(ReportKind.MEETING_RECORD.value) == -1  # no meetings
        bare.close()
        choices = [(ids[1], "10/02/2025 14:30 — Review TAF"),
                   (ids[0], "06/01/2025 10:00 — Initial TAF")]
        dlg = ExportDialog(ExportService(session, policy), planted.family_id, "KW-0002",
                           reports=tuple(ReportKind), meetings=choices,
                           folder=tmp_path / "out")
        dlg.show()
        dlg.report.setCurrentIndex(dlg.report.findData(ReportKind.CASE_SUMMARY.value))
        assert not dlg.meeting.isVisible() and dlg.meeting_id() is None
        dlg.report.setCurrentIndex(dlg.report.findData(ReportKind.MEETING_RECORD.value))
        assert dlg.meeting.isVisible() and dlg.meeting_id() == ids[1]
        dlg.meeting.setCurrentIndex(1)
        dlg.to_print.setChecked(True)
        dlg.purpose.setCurrentIndex(dlg.purpose.findData("support"))
        assert Path(dlg.path.text()).name.startswith("KW-0002-meeting-record-")
        with qtbot.wait_signal(dlg.exported, timeout=20_000) as blocker:
            dlg.export_button.click()
        result = blocker.args[0]
        assert result.meeting_id == ids[0]
        assert assert_marked_every_page(result.destination.read_bytes(), "RESTRICTED") >= 4
    finally:
        session.lock()


def test_meetings_tab_exports_the_selected_meeting(qtbot: Any, make_window: WindowFactory,
                                                   planted: Planted, policy: Policy,
                                                   tmp_path: Path) -> None:
    ids = plant_meetings(planted, policy)
    window = make_window()
    window.policy = policy
    unlock(qtbot, window)
    view = window.open_family(planted.family_id)
    assert view is not None and view.taf is not None
    taf = view.taf
    assert taf.export_meeting_button.isVisibleTo(taf.meetings_page)
    taf.meeting_table.selectRow(1)  # newest first: the second meeting
    dlg = taf.export_selected_meeting()
    assert isinstance(dlg, ExportDialog) and dlg.isVisible()
    assert dlg.report_kind() is ReportKind.MEETING_RECORD and dlg.meeting_id() == ids[1]
    assert dlg.meeting.count() == 3 and "(draft)" in dlg.meeting.itemText(0)
    dlg.grab().save(str(tmp_path / "export_meeting_record.png"))
    window.lock.lock("test")
    assert not shiboken6.isValid(dlg) or not dlg.isVisible()
