"""The programme screens: the criteria panel and chart on the family record, the caseload's
"Meets criteria" column and filter, the retention review decision (retain, and delete with a
confirmation that says what goes and what stays), the subject-access log, the breach form
and its export; every new model passes qtmodeltester; a lock clears them all."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPlainTextEdit, QWidget

from keyworker_app.gui.caseload import CRITERIA_COLUMN
from keyworker_app.gui.main_window import MainWindow
from keyworker_app.reports.protect import is_protected
from tests.gui.conftest import FakeClock, close_window, flush_deletes, open_programme_window
from tests.gui.programme_samples import NOW, TODAY, populate
from tests.gui.ui_scan import all_ui_text
from tests.taf_session import TafStore, shipped_policy

STRONG = "Tr4m-Lantern-91"
SHOTS = os.environ.get("KEYWORKER_SHOTS", "")


@pytest.fixture
def stored(tmp_path: Path) -> tuple[TafStore, int]:
    return populate(tmp_path)


@pytest.fixture
def window(qtbot: Any, stored: tuple[TafStore, int], clock: FakeClock) -> Iterator[MainWindow]:
    win = open_programme_window(qtbot, stored[0].store, clock)
    yield win
    close_window(win)


def gone(dialog: QWidget) -> bool:
    """Closed (and perhaps already deleted: the dialogs delete themselves on close)."""
    return not shiboken6.isValid(dialog) or not dialog.isVisible()


def _session(win: MainWindow) -> Any:
    session = win.current_session()
    assert session is not None
    return session


def test_criteria_panel_and_chart(qtbot: Any, qtmodeltester: Any, window: MainWindow,
                                  stored: tuple[TafStore, int]) -> None:
    view = window.open_family(stored[1])
    assert view is not None and view.criteria is not None
    panel = view.criteria
    assert not panel.loaded  # worked out only when the tab is shown
    view.tabs.setCurrentWidget(panel)
    assert panel.loaded and panel.evaluation is not None
    assert "QUALIFIES" in panel.verdict.text() and "19/03/2025" in panel.verdict.text()
    assert panel.criteria_model.rowCount() == 4
    texts = [panel.criteria_model.index(r, 2).data() for r in range(4)]
    assert any("Proven offence" in t for t in texts)
    near = panel.criteria_model.index(0, 3).data()
    assert "before the 12-month window" in near
    qtmodeltester.check(panel.criteria_model)
    qtmodeltester.check(panel.results_model)
    description = panel.chart.accessibleDescription()
    assert "threshold 15%" in description and "Spring 2023/24: Casey Fairbairn 22.0%" in description
    assert panel.chart.grab().width() > 0
    events = [e.detail for e in _session(window).audit().events(limit=5)]
    assert any(d.startswith("criteria as-of=2025-03-19 qualifies=1") for d in events)


def test_caseload_column_and_filter(qtbot: Any, qtmodeltester: Any,
                                    window: MainWindow) -> None:
    caseload = window.caseload
    model = caseload.model
    assert model.headerData(CRITERIA_COLUMN, Qt.Orientation.Horizontal) == "Meets criteria"
    first = model.index(0, CRITERIA_COLUMN).data()
    assert first in ("…", "Yes", "No")
    caseload.criteria_only.setChecked(True)
    qtbot.waitUntil(lambda: caseload.proxy.rowCount() == 1
                    and "working out" not in caseload.count_label.text(), timeout=10000)
    assert caseload.count_label.text() == "1 of 6 families"
    index = caseload.proxy.index(0, 0)
    assert index.data() == "KW-0301"
    assert caseload.proxy.index(0, CRITERIA_COLUMN).data() == "Yes"
    qtmodeltester.check(model)
    caseload.search.setText("Holloway")
    caseload.apply_search()
    assert caseload.proxy.rowCount() == 0
    caseload.criteria_only.setChecked(False)
    assert caseload.proxy.rowCount() == 3


def _fill(dialog: Any, **values: str) -> None:
    for key, value in values.items():
        editor = dialog.editors[key]
        if isinstance(editor, QPlainTextEdit):
            editor.setPlainText(value)
        else:
            editor.setText(value)


def test_retention_review_retain_then_delete(qtbot: Any, qtmodeltester: Any,
                                             window: MainWindow) -> None:
    queue = window.show_retention()
    assert queue is not None
    qtmodeltester.check(queue.model)
    assert [queue.model.index(r, 0).data() for r in range(2)] == ["KW-0400", "KW-0401"]
    assert queue.model.index(0, 3).data() == "Overdue by 125 days"
    queue.table.selectRow(0)
    retain = queue.open_retain()
    assert retain is not None
    _fill(retain, retain_until="31/12/2024", reason="Risk remains")
    assert not retain.try_save()  # before the review date: refused inline
    assert retain.problems["retain_until"].isVisible() or retain.general_problem.isVisible()
    _fill(retain, retain_until="30/09/2025", reason="Child protection plan still open")
    assert retain.try_save()
    refs = [queue.model.index(r, 0).data() for r in range(queue.model.rowCount())]
    assert refs.index("KW-0400") > refs.index("KW-0401")  # moved down the queue
    row = refs.index("KW-0401")
    queue.table.selectRow(row)
    session = _session(window)
    before = len(session.family_ids())
    delete = queue.open_delete()
    assert delete is not None
    _fill(delete, reason="No indication of further risk after 12 months")
    assert delete.try_save()
    box = queue.box
    assert isinstance(box, QMessageBox)
    said = box.text() + " " + box.informativeText()
    for words in ("KW-0401 (Holloway1)", "permanently", "3 members", "contact log",
                  "0 open actions", "0 upcoming TAF meetings", "TAF meetings",
                  "This case is still active", "marker", "name, date of birth",
                  "member of a programme family"):
        assert words in said, words
    keep = next(b for b in box.buttons() if "Keep" in b.text())
    keep.click()
    assert len(session.family_ids()) == before  # nothing deleted
    queue.table.selectRow(row)
    delete = queue.open_delete()
    assert delete is not None
    assert delete.try_save()
    box = queue.box
    assert isinstance(box, QMessageBox)
    next(b for b in box.buttons() if "permanently" in b.text()).click()
    assert len(session.family_ids()) == before - 1
    assert "KW-0401" not in [queue.model.index(r, 0).data()
                             for r in range(queue.model.rowCount())]
    assert "deleted" in queue.status.text()
    event = session.audit().events(limit=1)[0]
    assert "decision=delete members=3" in event.detail and "Holloway" not in event.detail


def test_breach_form_clock_and_export(qtbot: Any, qtmodeltester: Any, window: MainWindow,
                                      tmp_path: Path) -> None:
    page = window.show_breaches()
    assert page is not None
    qtmodeltester.check(page.model)
    assert page.model.index(0, 4).data() == "12 h 00 min left"
    form = page.open_form(None)
    form.category.setCurrentIndex(2)
    form.found.setText("19/03/2025 08:00")
    form.summary.setPlainText("Laptop bag left on a bus; laptop encrypted.")
    form.partners.item(0).setCheckState(Qt.CheckState.Checked)
    form.serious.setChecked(True)
    assert "70 hours 30 minutes left to tell the regulator" in form.clock.text()
    form.not_reported.setPlainText("Encrypted device, recovered the same day: no risk.")
    assert "decision not to report" in form.clock.text().lower()
    form.actions_taken.setPlainText("Bus company contacted; laptop recovered.")
    assert form.try_save()
    assert page.model.rowCount() == 3
    saved = page.selected()
    assert saved is not None and saved.serious and len(saved.partners) == 1
    assert page.model.index(0, 3).data() in ("Decided not to report", "Report due")
    bad = page.open_form(None)
    bad.found.setText("32/03/2025 08:00")
    assert not bad.try_save() and "32/03/2025 is not a date." in bad.problem.text()
    bad.reject()
    # Export for the IG officer: to an address that is not secure, so a password.
    dialog = page.open_export()
    assert dialog is not None
    dialog.path.setText(str(tmp_path / "breach.pdf"))
    dialog.address.setText("ig.officer@example.org")
    assert dialog.protect.isChecked() and not dialog.protect.isEnabled()
    dialog.password.setText(STRONG)
    dialog.password_again.setText(STRONG)
    dialog.start_export()
    qtbot.waitUntil(lambda: (tmp_path / "breach.pdf").exists() and gone(dialog),
                    timeout=10000)
    assert is_protected((tmp_path / "breach.pdf").read_bytes())
    event = _session(window).audit().events(limit=1)[0]
    assert "report=breach-record" in event.detail and "protected=yes" in event.detail
    assert STRONG not in event.detail and "example.org" not in event.detail


def test_subject_access_log_find_and_export(qtbot: Any, qtmodeltester: Any,
                                            window: MainWindow, tmp_path: Path) -> None:
    page = window.show_subject_access()
    assert page is not None
    qtmodeltester.check(page.model)
    new = page.open_new()
    _fill(new, subject_label="SAR-2025-003", received_on="31/01/2025")
    assert new.try_save()
    chosen = page.selected()
    assert chosen is not None and chosen.subject_label == "SAR-2025-003"
    row = page.table.currentIndex().row()
    assert page.model.index(row, 2).data() == "28/02/2025"  # one calendar month
    export = page.open_export()
    assert export is None and page.box is not None  # no person linked yet
    page.box.close()
    finder = page.open_find()
    assert finder is not None
    finder.query.setText("Casey Fairbairn")
    assert finder.results.model.rowCount() == 1
    qtmodeltester.check(finder.results.model)
    finder.results.table.selectRow(0)
    finder.link()
    linked = page.selected()
    assert linked is not None and linked.person_id is not None
    dialog = page.open_export()
    assert dialog is not None
    dialog.to_print.setChecked(True)
    assert dialog.protect.isChecked() and not dialog.protect.isEnabled()  # always protected
    dialog.path.setText(str(tmp_path / "sar.pdf"))
    dialog.start_export()
    assert "password" in dialog.problem.text().lower()
    dialog.password.setText(STRONG)
    dialog.password_again.setText(STRONG)
    dialog.start_export()
    qtbot.waitUntil(lambda: (tmp_path / "sar.pdf").exists() and gone(dialog),
                    timeout=10000)
    assert is_protected((tmp_path / "sar.pdf").read_bytes())


def test_lock_clears_programme_pages(qtbot: Any, window: MainWindow,
                                     stored: tuple[TafStore, int]) -> None:
    pages: list[QWidget] = [p for p in (window.show_retention(), window.show_subject_access(),
                                        window.show_breaches()) if p is not None]
    assert len(pages) == 3
    view = window.open_family(stored[1])
    assert view is not None and view.criteria is not None
    view.tabs.setCurrentWidget(view.criteria)
    models = [p.model for p in pages]  # type: ignore[attr-defined]
    criteria_model = view.criteria.criteria_model
    window.lock.lock("test")
    flush_deletes()
    assert window.family_tabs.count() == 0
    assert window.caseload.model.rowCount() == 0
    for model in models:
        assert model.rowCount() == 0
    assert criteria_model.rowCount() == 0
    text = all_ui_text()
    for secret in ("Fairbairn", "SAR-2025-001", "KW-0400", "wrong school"):
        assert secret not in text


def _unnamed_controls(root: QWidget) -> list[str]:
    """Focusable controls without an accessible name (a label buddy does not count for
    screen readers on every platform, so each control carries its own name)."""
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractItemView,
        QComboBox,
        QLineEdit,
        QPlainTextEdit,
    )

    kinds = (QAbstractButton, QAbstractItemView, QComboBox, QLineEdit, QPlainTextEdit)

    def inside_combo(widget: QWidget) -> bool:  # a combo box's own popup list and editor
        parent = widget.parentWidget()
        while parent is not None:
            if isinstance(parent, QComboBox) or type(parent).__name__.startswith("QComboBox"):
                return True
            parent = parent.parentWidget()
        return False

    found = []
    for widget in root.findChildren(QWidget):
        if inside_combo(widget):
            continue
        if (isinstance(widget, kinds) and widget.focusPolicy() != Qt.FocusPolicy.NoFocus
                and not widget.accessibleName() and not (
                    isinstance(widget, QAbstractButton) and widget.text())
                and widget.parent() is not None
                and type(widget).__name__ not in ("QScrollBar",)):
            found.append(f"{type(widget).__name__}:{widget.objectName()}")
    return found


def test_every_control_has_a_name(window: MainWindow, stored: tuple[TafStore, int]) -> None:
    view = window.open_family(stored[1])
    assert view is not None and view.criteria is not None
    breaches = window.show_breaches()
    sar = window.show_subject_access()
    queue = window.show_retention()
    assert breaches is not None and sar is not None and queue is not None
    form = breaches.open_form(None)
    export = breaches.open_export()
    assert export is not None
    for root in (view.criteria, breaches, sar, queue, form, export, window.caseload):
        assert _unnamed_controls(root) == [], type(root).__name__
    form.reject()
    export.reject()


def test_deletion_confirmation_counts_open_actions_and_upcoming_meetings(
        qtbot: Any, window: MainWindow, stored: tuple[TafStore, int]) -> None:
    from keyworker_app.domain.taf import Action, Meeting, MeetingType

    session = _session(window)
    family_id = next(i for i in session.family_ids()
                     if session.view_family(i).reference == "KW-0401")
    service = session.meetings(shipped_policy())
    service.save_meeting(Meeting(family_id, MeetingType.INITIAL, NOW - timedelta(days=30),
                                 chair="Sam Worker", actions=(
        Action("Book the nurse", "Sam Worker", "nhs-lpt", TODAY + timedelta(days=3)),)))
    service.save_meeting(Meeting(family_id, MeetingType.REVIEW, NOW + timedelta(days=10),
                                 chair="Sam Worker"))
    scope = session.programme(shipped_policy()).deletion_scope(family_id)
    assert (scope.members, scope.open_actions, scope.upcoming_meetings, scope.active) == (
        3, 1, 1, True)
    queue = window.show_retention()
    assert queue is not None
    refs = [queue.model.index(r, 0).data() for r in range(queue.model.rowCount())]
    queue.table.selectRow(refs.index("KW-0401"))
    delete = queue.open_delete()
    assert delete is not None
    _fill(delete, reason="No indication of further risk after 12 months")
    assert delete.try_save()
    box = queue.box
    assert isinstance(box, QMessageBox)
    said = box.informativeText()
    assert "1 open action of the family plan" in said
    assert "1 upcoming TAF meeting," in said and "still active" in said
    if SHOTS:
        box.grab().save(str(Path(SHOTS) / "retention_delete_confirmation.png"))
    next(b for b in box.buttons() if "Keep" in b.text()).click()
