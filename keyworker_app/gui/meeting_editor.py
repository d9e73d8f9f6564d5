"""The TAF meeting editor: one dialog for the whole record of a meeting.

Rows (attendees, members' views, decisions, actions, information shared) are added through
small ``FormDialog``s; the editor itself is registered with the lock controller and hands over
everything typed so far as one draft (``domain.meeting_draft``), the row dialog open at the time
included, which reopens with the editor after unlock. A finalised meeting opens read-only: the
only change is an addendum, and the original and its addenda are shown together.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from keyworker_app.domain.dates import (
    format_date,
    format_datetime,
    local_day,
    parse_date,
    parse_datetime,
)
from keyworker_app.domain.draft_payload import fields_fit
from keyworker_app.domain.family import Family
from keyworker_app.domain.input_checks import date_problem, datetime_problem
from keyworker_app.domain.meeting_draft import ADDENDUM, CHECKED, MeetingDraft, encode_data
from keyworker_app.domain.policy import Policy
from keyworker_app.domain.problems import InvalidRecordError
from keyworker_app.domain.taf import (
    Meeting,
    MeetingOutcome,
    MeetingType,
    ShareMethod,
)
from keyworker_app.errors import UserFacingError, ValidationError
from keyworker_app.gui import taf_forms as tf
from keyworker_app.gui.accessible import style_error
from keyworker_app.gui.brought_forward import BroughtForward
from keyworker_app.gui.errors import show_error
from keyworker_app.gui.form_dialog import DraftRegistry, FieldSpec, FormDialog
from keyworker_app.gui.outside_exchange import confirm_outside
from keyworker_app.gui.record_model import Column, RecordTableModel
from keyworker_app.gui.widgets import action_button, record_table
from keyworker_app.services.meetings import MeetingService

FINALISE_MEANS = ("The record becomes read-only; later changes can only be added as "
                  "addenda.")

log = logging.getLogger("keyworker.gui.meeting_editor")


def part_fields(part: str, policy: Policy, family: Family,
                today: Callable[[], date]) -> list[FieldSpec]:
    """The fields of the row dialog for ``part`` (a ``meeting_draft.OPEN_PARTS`` key)."""
    return {
        "attendees": lambda: tf.attendee_fields(policy),
        "members": lambda: tf.member_fields(family),
        "decisions": tf.decision_fields,
        "actions": lambda: tf.action_fields(policy),
        "shared": lambda: tf.shared_fields(policy, family, today),
        ADDENDUM: tf.addendum_fields,
    }[part]()


class MeetingEditor(QDialog):
    saved = Signal(int)

    def __init__(self, parent: QWidget | None, service: MeetingService, family: Family,
                 meeting: Meeting | None, *, registry: DraftRegistry | None,
                 today: Callable[[], date], now: Callable[[], datetime], author: str,
                 draft: MeetingDraft | None = None) -> None:
        if draft is not None and draft.open_part is not None:
            # The row dialog open at the lock must fit too, before anything shows.
            fields_fit(draft.open_values, {f.key for f in part_fields(
                draft.open_part, service.policy, family, today)})
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setModal(True)
        self._service = service
        self._policy = service.policy
        self.family = family
        self._today = today
        self._registry = registry
        self.meeting = meeting
        self.read_only = meeting is not None and meeting.is_finalised
        fid = family.id or 0
        self.form = tf.MEETING_FORM
        self.record_key = f"family:{fid}/meeting:{meeting.id if meeting and meeting.id else 'new'}"
        title = ("Finalised TAF meeting record" if self.read_only
                 else "Record a TAF meeting" if meeting is None else "Edit TAF meeting record")
        title = f"{title} — {family.reference} {family.family_name}"
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.sub_dialogs: list[FormDialog] = []
        self.open_part: tuple[str, FormDialog] | None = None  # the row dialog open now
        self._pending_part = (None if draft is None or draft.open_part is None
                              else (draft.open_part, draft.open_values))
        self.models: list[RecordTableModel[Any]] = []
        self.brought: BroughtForward | None = None
        self._for_lock = False
        self.discard_box: QMessageBox | None = None
        last, still_open = (None, []) if meeting is not None else service.brought_forward(fid)
        start = meeting or Meeting(fid, MeetingType.INITIAL if last is None
                                   else MeetingType.REVIEW,
                                   now().replace(second=0, microsecond=0), chair=author)
        self.rows: dict[str, tuple[Any, ...]] = {
            "attendees": start.attendees, "members": start.members,
            "decisions": start.decisions, "actions": start.actions, "shared": start.shared}

        self.problem = QLabel()
        self.problem.setObjectName("meetingProblem")
        self.problem.setWordWrap(True)
        style_error(self.problem)
        self.problem.setVisible(False)
        self.status = QLabel()
        self.status.setWordWrap(True)

        self.kind = QComboBox()
        for kind in MeetingType:
            self.kind.addItem(kind.label, kind.value)
        self.held_at = QLineEdit()
        self.held_at.setPlaceholderText("DD/MM/YYYY HH:MM")
        self.venue = QLineEdit()
        self.chair = QLineEdit()
        self.next_review = QLineEdit()
        self.next_review.setPlaceholderText("DD/MM/YYYY")
        self.outcome = QComboBox()
        self.outcome.addItem("Not decided yet", "")
        for outcome in MeetingOutcome:
            self.outcome.addItem(outcome.label, outcome.value)
        self.outcome.setToolTip("What a review or closing meeting decided for the plan; "
                                "needed before such a record is finalised")
        self.outcome_reason = QLineEdit()
        self.outcome_reason.setPlaceholderText("Why the meeting decided this")
        self.note_taker = QLineEdit()
        self.note_taker.setPlaceholderText("Someone other than the chair, if possible")
        self.consent_explained = QCheckBox(
            "Confidentiality and consent e&xplained to the family at the start")
        self.progress = self._text()
        self.child_voice = self._text()
        self.strengths = self._text()
        self.worries = self._text()
        self.needs = self._text()
        details = QFormLayout()
        fields: tuple[tuple[str, QWidget], ...] = (
            ("&Type of meeting", self.kind), ("&Date and time", self.held_at),
            ("Ven&ue", self.venue), ("C&hair", self.chair), ("&Next review", self.next_review),
            ("Notes ta&ken by", self.note_taker),
            ("Meetin&g outcome", self.outcome), ("&Reason for the outcome", self.outcome_reason))
        for label, widget in fields:
            self._row(details, label, widget)
        details.addRow("", self.consent_explained)

        names = {p.ref: p.display_name for p in family.members}
        self.attendee_table = self._table("Attendees", [
            ("Name", lambda a: a.name), ("Role", lambda a: a.role),
            ("Agency", lambda a: tf.agency_label(self._policy, a.agency, a.agency_name)),
            ("Attendance", lambda a: a.attendance.label)])
        self.member_table = self._table("Family members who took part", [
            ("Member", lambda m: names.get(m.person_ref, "Former member")),
            ("Their views", lambda m: m.views)])
        self.decision_table = self._table("Decisions", [("Decision", lambda d: d.text)])
        self.action_table = self._table("Actions", [
            ("What", lambda a: a.what), ("Who", lambda a: a.owner),
            ("Agency", lambda a: tf.agency_label(self._policy, a.agency)),
            ("By when", lambda a: format_date(a.due)), ("Status", lambda a: a.status.label)])
        self.shared_table = self._table("Information shared at the meeting", [
            ("From", lambda s: tf.agency_label(self._policy, s.from_partner)),
            ("Received", lambda s: format_date(s.received_on)), ("Summary", lambda s: s.summary),
            ("Lawful basis", lambda s: s.lawful_basis or "Consent")])
        self.addenda_table = self._table("Addenda", [
            ("When", lambda a: format_datetime(a.added_at)), ("By", lambda a: a.author),
            ("Addendum", lambda a: a.text)])

        self.buttons: dict[str, QPushButton] = {}
        tabs = QTabWidget()
        tabs.setAccessibleName("Parts of the meeting record")
        self.tabs = tabs
        first = QWidget()
        first_layout = QVBoxLayout(first)
        first_layout.addLayout(details)
        first_layout.addWidget(self.attendee_table, 1)
        first_layout.addLayout(self._row_buttons("attendees", "&Add attendee…", "Add an attendee",
                                                 self.add_attendee, self.attendee_table))
        tabs.addTab(first, "Meeting and attendees")
        if last is not None and still_open:
            self.brought = BroughtForward(last, still_open)
            tabs.addTab(self.brought, f"&Brought forward ({len(still_open)})")
        views = QWidget()
        views_layout = QFormLayout(views)
        views_layout.addRow(self.member_table)
        views_layout.addRow(self._row_buttons("members", "Add a &member's views…",
                                              "Add a family member's views", self.add_member,
                                              self.member_table))
        texts: tuple[tuple[str, QWidget], ...] = (
                              ("What has changed since the &last meeting", self.progress),
                              ("The &child's voice", self.child_voice),
                              ("What is &working well", self.strengths),
                              ("What we are w&orried about", self.worries),
                              ("What needs to &happen", self.needs))
        for label, widget in texts:
            self._row(views_layout, label, widget)
        tabs.addTab(views, "Views and assessment")
        plan = QWidget()
        plan_layout = QVBoxLayout(plan)
        plan_layout.addWidget(self.decision_table, 1)
        plan_layout.addLayout(self._row_buttons("decisions", "Add d&ecision…", "Add a decision",
                                                self.add_decision, self.decision_table))
        plan_layout.addWidget(self.action_table, 2)
        plan_layout.addLayout(self._row_buttons("actions", "Add ac&tion…", "Add an action",
                                                self.add_action, self.action_table))
        tabs.addTab(plan, "Decisions and actions")
        shared = QWidget()
        shared_layout = QVBoxLayout(shared)
        shared_layout.addWidget(self.shared_table, 1)
        shared_layout.addLayout(self._row_buttons(
            "shared", "Add information &shared…", "Add information shared",
            self.add_shared, self.shared_table))
        tabs.addTab(shared, "Information shared")
        addenda = QWidget()
        addenda_layout = QVBoxLayout(addenda)
        addenda_layout.addWidget(self.addenda_table, 1)
        self.addendum_button = self._button("Add adden&dum…", "Add an addendum",
                                            self.add_addendum)
        addenda_layout.addWidget(self.addendum_button, 0, Qt.AlignmentFlag.AlignLeft)
        tabs.addTab(addenda, "Addenda")

        self.save_button = self._button("Sa&ve", "Save the meeting record", self.try_save)
        self.save_button.setDefault(False)
        self.finalise_button = self._button("&Finalise…", "Save and finalise the record",
                                            self.ask_finalise)
        self.finalise_box: QMessageBox | None = None
        self.cancel_button = self._button("Close", "Close without saving", self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        for button in (self.save_button, self.finalise_button, self.cancel_button):
            bottom.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.problem)
        layout.addWidget(tabs, 1)
        layout.addLayout(bottom)
        self.resize(920, 640)

        self._fill(start)
        if draft is not None:
            self._apply_draft(draft)
        self._set_read_only(self.read_only)
        self._baseline = self.state()
        self._restored = draft is not None
        if registry is not None:
            registry.register_editor(self)
            self.finished.connect(lambda _c: registry.unregister_editor(self))
        self.kind.setFocus()

    # -- building ------------------------------------------------------------------------------
    @staticmethod
    def _text() -> QPlainTextEdit:
        edit = QPlainTextEdit()
        edit.setTabChangesFocus(True)
        edit.setMinimumHeight(54)
        return edit

    @staticmethod
    def _row(layout: QFormLayout, label: str, widget: QWidget) -> None:
        caption = QLabel(label)
        caption.setBuddy(widget)
        widget.setAccessibleName(label.replace("&", ""))
        layout.addRow(caption, widget)

    def _button(self, text: str, accessible: str, slot: Callable[[], object]) -> QPushButton:
        return action_button(text, accessible, slot, auto_default=False)

    def _table(self, name: str, columns: Sequence[Column]) -> QTableView:
        model: RecordTableModel[Any] = RecordTableModel(columns, self)
        self.models.append(model)
        table = record_table(name, model, object_name=name)
        table.setMinimumHeight(90)
        return table

    def _row_buttons(self, key: str, text: str, accessible: str, slot: Callable[[], object],
                     table: QTableView) -> QHBoxLayout:
        row = QHBoxLayout()
        add = self._button(text, accessible, slot)
        remove = self._button("Remove", f"Remove the selected row from {table.accessibleName()}",
                              lambda: self.remove_selected(key, table))
        self.buttons[key] = add
        self.buttons[f"remove-{key}"] = remove
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        return row

    # -- state ---------------------------------------------------------------------------------
    def _fill(self, meeting: Meeting) -> None:
        self.kind.setCurrentIndex(max(self.kind.findData(meeting.kind.value), 0))
        self.held_at.setText(format_datetime(meeting.held_at))
        self.venue.setText(meeting.venue)
        self.chair.setText(meeting.chair)
        self.next_review.setText(format_date(meeting.next_review))
        self.child_voice.setPlainText(meeting.child_voice)
        self.strengths.setPlainText(meeting.strengths)
        self.worries.setPlainText(meeting.worries)
        self.needs.setPlainText(meeting.needs)
        self.outcome.setCurrentIndex(max(self.outcome.findData(
            "" if meeting.outcome is None else meeting.outcome.value), 0))
        self.outcome_reason.setText(meeting.outcome_reason)
        self.note_taker.setText(meeting.note_taker)
        self.consent_explained.setChecked(meeting.consent_explained)
        self.progress.setPlainText(meeting.progress)
        self._show_rows()
        self.models[-1].set_rows(meeting.addenda)
        if meeting.is_finalised and meeting.finalised_at is not None:
            self.status.setText(f"Finalised by {meeting.finalised_by} on "
                                f"{format_datetime(meeting.finalised_at)}. Corrections are "
                                "added as addenda.")

    def _show_rows(self) -> None:
        for key, table in (("attendees", self.attendee_table), ("members", self.member_table),
                           ("decisions", self.decision_table), ("actions", self.action_table),
                           ("shared", self.shared_table)):
            model = table.model()
            assert isinstance(model, RecordTableModel)
            model.set_rows(self.rows[key])
            table.resizeColumnsToContents()

    def _set_read_only(self, read_only: bool) -> None:
        for edit in (self.held_at, self.venue, self.chair, self.next_review,
                     self.outcome_reason, self.note_taker):
            edit.setReadOnly(read_only)
        self.outcome.setEnabled(not read_only)
        self.consent_explained.setEnabled(not read_only)
        for text in (self.progress, self.child_voice, self.strengths, self.worries,
                     self.needs):
            text.setReadOnly(read_only)
        self.kind.setEnabled(not read_only)
        for button in (*self.buttons.values(), self.save_button, self.finalise_button):
            button.setEnabled(not read_only)
        self.addendum_button.setEnabled(read_only)
        self.cancel_button.setText("Close" if read_only else "Cancel")

    def texts(self) -> dict[str, str]:
        """The meeting's own boxes as typed (``meeting_draft.FIELDS``)."""
        return {
            "kind": str(self.kind.currentData()), "held_at": self.held_at.text(),
            "venue": self.venue.text(), "chair": self.chair.text(),
            "next_review": self.next_review.text(),
            "child_voice": self.child_voice.toPlainText(),
            "strengths": self.strengths.toPlainText(), "worries": self.worries.toPlainText(),
            "needs": self.needs.toPlainText(),
            "outcome": str(self.outcome.currentData()),
            "outcome_reason": self.outcome_reason.text(),
            "progress": self.progress.toPlainText(), "note_taker": self.note_taker.text(),
            "consent_explained": CHECKED if self.consent_explained.isChecked() else "",
        }

    def state(self) -> dict[str, Any]:
        meeting: dict[str, Any] = encode_data(MeetingDraft(self.texts(), dict(self.rows)))[
            "meeting"]
        if self.brought is not None:
            meeting["brought_forward"] = self.brought.state()
        return meeting

    def _apply_draft(self, draft: MeetingDraft) -> None:
        if self.read_only:  # a finalised record is never changed by a draft; only its addendum
            return
        typed = draft.fields
        self.kind.setCurrentIndex(max(self.kind.findData(typed.get("kind", "")), 0))
        for key, edit in (("held_at", self.held_at), ("venue", self.venue),
                          ("chair", self.chair), ("next_review", self.next_review),
                          ("outcome_reason", self.outcome_reason),
                          ("note_taker", self.note_taker)):
            edit.setText(typed.get(key, ""))
        self.consent_explained.setChecked(typed.get("consent_explained", "") == CHECKED)
        for key, text in (("progress", self.progress), ("child_voice", self.child_voice),
                          ("strengths", self.strengths),
                          ("worries", self.worries), ("needs", self.needs)):
            text.setPlainText(typed.get(key, ""))
        self.outcome.setCurrentIndex(max(self.outcome.findData(typed.get("outcome", "")), 0))
        self.rows.update(draft.rows)
        self._show_rows()

    def reopen_part(self) -> FormDialog | None:
        """After the editor is shown: reopen the row dialog a lock closed, as it was typed."""
        pending, self._pending_part = self._pending_part, None
        if pending is None:
            return None
        part, values = pending
        if part == ADDENDUM:
            return self.add_addendum(values, restored=True)
        return {"attendees": self.add_attendee, "members": self.add_member,
                "decisions": self.add_decision, "actions": self.add_action,
                "shared": self.add_shared}[part](values, restored=True)

    def _open_typing(self) -> tuple[str, dict[str, str]] | None:
        if self.open_part is None:
            return None
        part, dialog = self.open_part
        return (part, dialog.values()) if dialog.is_dirty() else None

    def is_dirty(self) -> bool:
        edited = not self.read_only and (self._restored or self.state() != self._baseline)
        return edited or self._open_typing() is not None

    def collect_draft(self) -> tuple[str, str, dict[str, Any]] | None:
        """The meeting as typed, with the row dialog open on it (if anything is typed there)."""
        self._for_lock = True  # the lock closes the editor next: no question then
        if not self.is_dirty():
            return None
        typing = self._open_typing()
        draft = MeetingDraft(self.texts(), dict(self.rows), *(typing or (None, {})))
        return self.form, self.record_key, encode_data(draft)

    def build(self) -> Meeting:
        """The meeting as entered; raises ValidationError naming the field."""
        problem = datetime_problem(self.held_at.text())
        if problem:
            raise ValidationError("Date and time", problem)
        review = self.next_review.text().strip()
        if review and (problem := date_problem(review)):
            raise ValidationError("Next review", problem)
        base = self.meeting or Meeting(self.family.id or 0, MeetingType.INITIAL, datetime.now())
        held = parse_datetime(self.held_at.text())
        carried = () if self.brought is None else self.brought.carried(local_day(held))
        outcome = str(self.outcome.currentData() or "")
        return replace(
            base, kind=MeetingType(str(self.kind.currentData())),
            held_at=held, venue=self.venue.text().strip(),
            chair=self.chair.text().strip(), next_review=parse_date(review) if review else None,
            child_voice=self.child_voice.toPlainText().strip(),
            strengths=self.strengths.toPlainText().strip(),
            worries=self.worries.toPlainText().strip(), needs=self.needs.toPlainText().strip(),
            attendees=self.rows["attendees"], members=self.rows["members"],
            decisions=self.rows["decisions"], actions=self.rows["actions"] + carried,
            shared=self.rows["shared"],
            outcome=MeetingOutcome(outcome) if outcome else None,
            outcome_reason=self.outcome_reason.text().strip(),
            progress=self.progress.toPlainText().strip(),
            note_taker=self.note_taker.text().strip(),
            consent_explained=self.consent_explained.isChecked())

    # -- actions -------------------------------------------------------------------------------
    def _track(self, part: str, dialog: FormDialog) -> FormDialog:
        self.sub_dialogs.append(dialog)
        self.open_part = (part, dialog)

        def closed(_code: int) -> None:
            if dialog in self.sub_dialogs:
                self.sub_dialogs.remove(dialog)
            if self.open_part is not None and self.open_part[1] is dialog:
                self.open_part = None
            # The keyboard goes back to the "Add …" button, ready for the next row.
            button = self.buttons.get(part)
            if button is not None and self.isVisible():
                button.setFocus(Qt.FocusReason.OtherFocusReason)

        dialog.finished.connect(closed)
        dialog.open()
        return dialog

    def _sub(self, title: str, key: str, make: Callable[[dict[str, str]], Any],
             initial: dict[str, str] | None = None, restored: bool = False) -> FormDialog:
        def submit(values: dict[str, str]) -> None:
            record = make(values)
            self.rows[key] = (*self.rows[key], record)
            self._show_rows()

        # Not registered with the lock: the editor keeps this dialog's typing in its own draft.
        dialog = FormDialog(self, title, f"{self.form}-{key}", self.record_key,
                            fields=part_fields(key, self._policy, self.family, self._today),
                            on_submit=submit, initial=initial or {}, registry=None,
                            restored=restored)
        return self._track(key, dialog)

    def add_attendee(self, initial: dict[str, str] | None = None,
                     restored: bool = False) -> FormDialog:
        return self._sub("Add an attendee", "attendees", tf.apply_attendee, initial, restored)

    def add_member(self, initial: dict[str, str] | None = None,
                   restored: bool = False) -> FormDialog:
        return self._sub("A family member's views", "members", tf.apply_member, initial,
                         restored)

    def add_decision(self, initial: dict[str, str] | None = None,
                     restored: bool = False) -> FormDialog:
        return self._sub("Add a decision", "decisions", tf.apply_decision, initial, restored)

    def add_action(self, initial: dict[str, str] | None = None,
                   restored: bool = False) -> FormDialog:
        return self._sub("Add an action", "actions",
                         lambda v: tf.apply_action(v, self._held_on()), initial, restored)

    def _held_on(self) -> date | None:
        """The meeting's day as entered so far, if it reads as one."""
        try:
            return local_day(parse_datetime(self.held_at.text()))
        except ValueError:
            return None

    def add_shared(self, initial: dict[str, str] | None = None,
                   restored: bool = False) -> FormDialog:
        consents = self._service.consents(self.family.id or 0)
        return self._sub(
            "Record information shared", "shared",
            lambda v: confirm_outside(self, tf.apply_shared(v, self._policy, self.family,
                                                            consents)),
            initial or {"received_on": format_date(self._today()),
                        "method": ShareMethod.AT_MEETING.value}, restored)

    def add_addendum(self, initial: dict[str, str] | None = None,
                     restored: bool = False) -> FormDialog | None:
        if self.meeting is None or self.meeting.id is None:
            return None
        meeting_id = self.meeting.id

        def submit(values: dict[str, str]) -> None:
            updated = self._service.add_addendum(meeting_id, values["text"])
            self.meeting = updated
            self.models[-1].set_rows(updated.addenda)
            self.saved.emit(meeting_id)

        dialog = FormDialog(self, "Add an addendum", tf.ADDENDUM_FORM,
                            f"{self.record_key}/addendum", fields=tf.addendum_fields(),
                            on_submit=submit, initial=initial or {}, registry=None,
                            restored=restored)
        return self._track(ADDENDUM, dialog)

    def remove_selected(self, key: str, table: QTableView) -> None:
        row = table.currentIndex().row()
        if 0 <= row < len(self.rows[key]):
            self.rows[key] = self.rows[key][:row] + self.rows[key][row + 1:]
            self._show_rows()

    def ask_finalise(self) -> QMessageBox:
        """Finalise only once the key worker has read what it means."""
        box = QMessageBox(QMessageBox.Icon.Question, "Finalise the meeting record?",
                          "Finalise this meeting record?", parent=self)
        box.setInformativeText(FINALISE_MEANS)
        finalise = box.addButton("&Finalise", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setWindowModality(Qt.WindowModality.WindowModal)

        def answered(_code: int) -> None:
            self.finalise_box = None
            if box.clickedButton() is finalise:
                self.try_save(finalise=True)

        box.finished.connect(answered)
        self.finalise_box = box
        box.open()
        return box

    def try_save(self, finalise: bool = False) -> bool:
        self.problem.setVisible(False)
        try:
            saved = self._service.save_meeting(
                self.build(), None if self.brought is None else self.brought.decisions())
            assert saved.id is not None
            self.meeting = saved  # saved now, whether or not finalising goes through
            if finalise:
                saved = self._service.finalise_meeting(saved.id)
        except ValidationError as exc:
            self.problem.setText("\n".join(exc.lines()) if isinstance(exc, InvalidRecordError)
                                 else exc.message)
            self.problem.setVisible(True)
            return False
        except UserFacingError as exc:
            show_error(self, exc)
            return False
        self.meeting = saved
        self.saved.emit(saved.id)
        if not finalise:
            self.accept()
            return True
        # Stay open, read-only, saying it worked; the next change is an addendum.
        self.read_only = True
        self._set_read_only(True)
        self._baseline = self.state()
        self._restored = False
        when = format_datetime(saved.finalised_at) if saved.finalised_at else ""
        self.status.setText(f"Finalised by {saved.finalised_by} on {when}. {FINALISE_MEANS}")
        return True

    def reject(self) -> None:
        """Close, or Cancel/Escape: with unsaved changes asks "Discard changes?" first."""
        if self._for_lock or self.read_only or not self.isVisible() or not self.is_dirty():
            super().reject()
        elif self.discard_box is None:
            from keyworker_app.gui.discard_prompt import ask_discard

            self.discard_box = ask_discard(self, super().reject)
            self.discard_box.finished.connect(lambda _c: setattr(self, "discard_box", None))

    def clear(self) -> None:
        for model in self.models:
            model.clear()
