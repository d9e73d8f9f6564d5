"""The family record's TAF tabs: meetings, the family plan, and consent and information shared.

Built by ``FamilyView`` when a policy is in force. Overdue actions and information older than the
policy's freshness window are marked in words (not colour alone) and highlighted; "today" comes
from the injected clock so tests can move it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from keyworker_app.domain.dates import format_date, format_datetime, local_day
from keyworker_app.domain.family import Family
from keyworker_app.domain.meeting_draft import MeetingDraft
from keyworker_app.domain.sources import exchange_summary
from keyworker_app.domain.taf import (
    CURRENCY_PROMPT,
    Action,
    ActionStatus,
    Meeting,
    is_overdue,
    needs_currency_check,
)
from keyworker_app.errors import UserFacingError
from keyworker_app.gui import taf_forms as tf
from keyworker_app.gui.attention import attention_background, attention_foreground
from keyworker_app.gui.errors import show_error
from keyworker_app.gui.form_dialog import DraftRegistry, FormDialog
from keyworker_app.gui.meeting_editor import MeetingEditor
from keyworker_app.gui.outside_exchange import confirm_outside
from keyworker_app.gui.record_model import Column, RecordTableModel
from keyworker_app.gui.widgets import action_button, button_row, record_table
from keyworker_app.services.meetings import MeetingService

log = logging.getLogger("keyworker.gui.taf_pages")

ModelIndex = QModelIndex | QPersistentModelIndex


class HighlightTableModel(RecordTableModel[Any]):
    """A record table whose rows can be highlighted (background and bold)."""

    def __init__(self, columns: Sequence[Column], highlight: Callable[[Any], bool],
                 parent: QObject | None = None) -> None:
        super().__init__(columns, parent)
        self._highlight = highlight

    def is_highlighted(self, row: int) -> bool:
        record = self.record(row)
        try:
            return record is not None and self._highlight(record)
        except Exception as exc:  # data() must never raise into Qt
            log.error("highlight check failed: %s", type(exc).__name__)
            return False

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole,
                    Qt.ItemDataRole.FontRole):
            if not index.isValid() or not self.is_highlighted(index.row()):
                return None
            if role == Qt.ItemDataRole.ForegroundRole:
                return attention_foreground()
            if role == Qt.ItemDataRole.BackgroundRole:
                return attention_background()
            font = QFont()
            font.setBold(True)
            return font
        return super().data(index, role)


def make_table(name: str, model: RecordTableModel[Any]) -> QTableView:
    return record_table(name, model, object_name=name, single_selection=True, alternating=True)


button = action_button


def page(*parts: QWidget | Sequence[QPushButton]) -> QWidget:
    widget = QWidget()
    layout = QVBoxLayout(widget)
    for part in parts:
        if isinstance(part, QWidget):
            layout.addWidget(part, 1 if isinstance(part, QTableView) else 0)
        else:
            layout.addLayout(button_row(part))
    return widget


class TafPages(QObject):
    """Owns the three pages' models and dialogs; ``FamilyView`` adds the pages as tabs."""

    def __init__(self, service: MeetingService, family: Family, registry: DraftRegistry | None,
                 *, today: Callable[[], date], now: Callable[[], datetime], author: str,
                 on_change: Callable[[], None],
                 on_export: Callable[[int], object] | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._on_export = on_export
        self.service = service
        self.policy = service.policy
        self.family = family
        self.family_id = family.id or 0
        self._registry = registry
        self._today = today
        self._now = now
        self._author = author
        self._on_change = on_change
        self.editors: list[MeetingEditor] = []
        self.dialogs: list[FormDialog] = []
        self.meetings: list[Meeting] = []
        fresh = self.policy.retention.information_freshness_days
        names = {p.ref: p.display_name for p in family.members}
        meeting_day: dict[int | None, date] = {}  # meeting id -> its day, filled on refresh

        def due_state(a: Action) -> str:
            return "Overdue" if is_overdue(a, self._today()) else a.status.label

        self.meeting_model = RecordTableModel[Any]([
            ("Date and time", lambda m: format_datetime(m.held_at)),
            ("Type", lambda m: m.kind.label), ("Chair", lambda m: m.chair),
            ("Attendees", lambda m: str(len(m.attendees))),
            ("Open actions", lambda m: str(sum(a.status is ActionStatus.OPEN
                                               for a in m.actions))),
            ("Record", lambda m: "Finalised" if m.is_finalised else "Draft"),
            ("Next review", lambda m: format_date(m.next_review))], self)
        self.plan_model = HighlightTableModel([
            ("What", lambda a: a.what), ("By when", lambda a: format_date(a.due)),
            ("Status", due_state), ("Who", lambda a: a.owner),
            ("Agency", lambda a: tf.agency_label(self.policy, a.agency)),
            ("Outcome", lambda a: a.outcome),
            ("Set at", lambda a: format_date(meeting_day.get(a.meeting_id)))],
            lambda a: is_overdue(a, self._today()), self)
        self.consent_model = RecordTableModel[Any]([
            ("Member", lambda c: names.get(c.person_ref, "Former member")),
            ("Consent", lambda c: c.state.label), ("Date", lambda c: format_date(c.recorded_on)),
            ("Partners covered", lambda c: tf.scope_label(self.policy, c.scope)),
            ("How recorded", lambda c: c.how.label), ("Recorded by", lambda c: c.recorded_by)],
            self)
        self.shared_model = HighlightTableModel([
            ("Received", lambda s: format_date(s.received_on)),
            ("From", lambda s: tf.agency_label(self.policy, s.from_partner)),
            ("About", lambda s: ", ".join(names.get(r, "Former member") for r in s.about)
             or "Household"),
            ("Summary", lambda s: s.summary),
            ("Lawful basis", lambda s: s.lawful_basis or "Consent"),
            ("Currency", lambda s: CURRENCY_PROMPT
             if needs_currency_check(s, self._today(), fresh) else ""),
            ("Exchange", lambda s: exchange_summary(self.policy, s))],
            lambda s: needs_currency_check(s, self._today(), fresh), self)
        self._meeting_day = meeting_day
        self.models: list[RecordTableModel[Any]] = [
            self.meeting_model, self.plan_model, self.consent_model, self.shared_model]

        self.meeting_table = make_table("Meetings", self.meeting_model)
        self.meeting_table.activated.connect(lambda _i: self.open_selected_meeting())
        self.plan_table = make_table("Family plan", self.plan_model)
        self.consent_table = make_table("Consent", self.consent_model)
        self.shared_table = make_table("Information shared", self.shared_model)
        self.new_meeting_button = button("Ne&w meeting…", "Record a new TAF meeting",
                                         lambda: self.open_meeting(None))
        self.open_meeting_button = button("Ope&n meeting…", "Open the selected meeting",
                                          self.open_selected_meeting)
        self.export_meeting_button = button("Export recor&d…",
                                            "Export the selected meeting's record",
                                            self.export_selected_meeting)
        if on_export is None:
            # hide() only: showing a widget that has no parent yet would open it as a window
            # of its own and take activation (and keyboard focus) from the main window.
            self.export_meeting_button.hide()
        self.update_action_button = button("&Update action…", "Update the selected action",
                                           self.open_action_update)
        self.consent_button = button("Record co&nsent…", "Record a consent decision",
                                     self.open_consent_dialog)
        self.shared_button = button("Record information shar&ed…",
                                    "Record information a partner shared",
                                    self.open_shared_dialog)
        legend = QLabel("Overdue actions are highlighted and marked “Overdue”.")
        self.meetings_page = page(self.meeting_table,
                                  [self.new_meeting_button, self.open_meeting_button,
                                   self.export_meeting_button])
        self.plan_page = page(legend, self.plan_table, [self.update_action_button])
        self.sharing_page = page(QLabel("Consent"), self.consent_table, [self.consent_button],
                                 QLabel("Information shared with the key worker"),
                                 self.shared_table, [self.shared_button])
        self.refresh()

    # -- showing -------------------------------------------------------------------------------
    def refresh(self) -> None:
        try:
            self.meetings = self.service.meetings_of_family(self.family_id)
            self._meeting_day.clear()
            self._meeting_day.update({m.id: local_day(m.held_at) for m in self.meetings})
            self.meeting_model.set_rows(list(reversed(self.meetings)))
            self.plan_model.set_rows(self.service.family_plan(self.family_id))
            self.consent_model.set_rows(self.service.consents(self.family_id))
            self.shared_model.set_rows(self.service.shared_items(self.family_id))
        except UserFacingError as exc:
            show_error(self.meetings_page, exc)
        for table in (self.meeting_table, self.plan_table, self.consent_table):
            table.resizeColumnsToContents()

    def set_family(self, family: Family) -> None:
        self.family = family

    def clear(self) -> None:
        for model in self.models:
            model.clear()
        for editor in list(self.editors):
            editor.clear()
        self.meetings = []

    def _changed(self) -> None:
        self.refresh()
        self._on_change()

    # -- meetings ------------------------------------------------------------------------------
    def open_selected_meeting(self) -> MeetingEditor | None:
        meeting = self.meeting_model.record(self.meeting_table.currentIndex().row())
        return self.open_meeting(meeting.id) if meeting is not None else None

    def export_selected_meeting(self) -> object:
        """The export dialog with the selected meeting's record chosen (FamilyView's)."""
        meeting = self.meeting_model.record(self.meeting_table.currentIndex().row())
        if meeting is None or meeting.id is None or self._on_export is None:
            return None
        return self._on_export(meeting.id)

    def meeting_choices(self) -> list[tuple[int, str]]:
        """The family's meetings for the export dialog, newest first."""
        return [(m.id, f"{format_datetime(m.held_at)} — {m.kind.label}"
                 + ("" if m.is_finalised else " (draft)"))
                for m in reversed(self.meetings) if m.id is not None]

    def open_meeting(self, meeting_id: int | None,
                     draft: MeetingDraft | None = None) -> MeetingEditor | None:
        try:
            meeting = None if meeting_id is None else self.service.view_meeting(meeting_id)
        except UserFacingError as exc:
            show_error(self.meetings_page, exc)
            return None
        editor = MeetingEditor(self.meetings_page.window(), self.service, self.family, meeting,
                               registry=self._registry, today=self._today, now=self._now,
                               author=self._author, draft=draft)
        editor.saved.connect(lambda _id: self._changed())
        self.editors.append(editor)
        editor.finished.connect(lambda _c: self.editors.remove(editor)
                                if editor in self.editors else None)
        # Closed, the keyboard is back on the meetings table it was opened from.
        editor.finished.connect(lambda _c: self.meeting_table.setFocus(
            Qt.FocusReason.OtherFocusReason) if self.meeting_table.isVisible() else None)
        editor.open()
        editor.reopen_part()  # a row dialog a lock closed comes back on top of its editor
        return editor

    # -- plan, consent, sharing ---------------------------------------------------------------
    def _dialog(self, title: str, form: str, key: str, fields: Any, *,
                submit: Callable[[dict[str, str]], None],
                initial: dict[str, str] | None = None, restored: bool = False,
                registry: DraftRegistry | None = None) -> FormDialog:
        dialog = FormDialog(self.meetings_page.window(), title, form,
                            f"family:{self.family_id}/{key}", fields=fields, on_submit=submit,
                            initial=initial or {}, registry=registry, restored=restored)
        self.dialogs.append(dialog)
        dialog.finished.connect(lambda _c: self.dialogs.remove(dialog)
                                if dialog in self.dialogs else None)
        dialog.open()
        return dialog

    def open_action_update(self, action_id: int | None = None,
                           initial: dict[str, str] | None = None,
                           restored: bool = False) -> FormDialog | None:
        """Update the selected action, or the one with ``action_id`` (None if not in the plan)."""
        if action_id is None:
            action = self.plan_model.record(self.plan_table.currentIndex().row())
        else:
            action = next((a for a in self.plan_model.rows() if a.id == action_id), None)
        if action is None or action.id is None:
            return None
        action_id = action.id

        def submit(values: dict[str, str]) -> None:
            self.service.update_action(action_id, ActionStatus(values["status"]),
                                       values["outcome"])
            self._changed()

        return self._dialog("Update an action", tf.ACTION_UPDATE_FORM, f"action:{action_id}",
                            tf.action_update_fields(), submit=submit,
                            initial=initial or {"status": action.status.value,
                                                "outcome": action.outcome},
                            restored=restored, registry=self._registry)

    def open_consent_dialog(self, initial: dict[str, str] | None = None,
                            restored: bool = False) -> FormDialog:
        def submit(values: dict[str, str]) -> None:
            self.service.record_consent(self.family_id,
                                        tf.apply_consent(values, self.policy, self._author))
            self._changed()

        return self._dialog("Record consent", tf.CONSENT_FORM, "consent:new",
                            tf.consent_fields(self.policy, self.family), submit=submit,
                            initial=initial or {"recorded_on": format_date(self._today()),
                                        "scope": "all"},
                            restored=restored, registry=self._registry)

    def open_shared_dialog(self, initial: dict[str, str] | None = None,
                           restored: bool = False) -> FormDialog:
        consents = self.service.consents(self.family_id)

        def submit(values: dict[str, str]) -> None:
            item = confirm_outside(None, tf.apply_shared(values, self.policy, self.family,
                                                          consents))
            self.service.record_shared_item(self.family_id, item)
            self._changed()

        return self._dialog("Record information shared", tf.SHARED_FORM, "shared:new",
                            tf.shared_fields(self.policy, self.family, self._today),
                            submit=submit,
                            initial=initial or {"received_on": format_date(self._today())},
                            restored=restored, registry=self._registry)
