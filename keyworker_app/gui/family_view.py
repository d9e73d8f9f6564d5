"""One family's record: members, addresses, relationships, indicators and the contact log.

Opening it is an audited view (``session.view_family``); every change goes through
``session.update_family`` / ``close_family`` and the view then shows what the store returned.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from keyworker_app.domain.changes import Changes, RecordKind
from keyworker_app.domain.chronology import Entry, EntryKind, build_chronology
from keyworker_app.domain.dates import age_on, format_date, format_datetime, parse_date
from keyworker_app.domain.family import CaseNote, Family
from keyworker_app.domain.policy import Policy
from keyworker_app.domain.provenance import SPECIAL_SOURCES, Source
from keyworker_app.domain.sources import source_label, sourced_records, unknown_sources
from keyworker_app.domain.suspension import marked_policy
from keyworker_app.domain.wording import in_sentence
from keyworker_app.errors import StaleRecordError, UserFacingError
from keyworker_app.gui import family_forms as forms
from keyworker_app.gui.changes import ChangeBroadcast
from keyworker_app.gui.chronology_page import (
    SIGNIFICANCE_FORM,
    ChronologyPage,
    event_key,
    significance_fields,
)
from keyworker_app.gui.clipboard import ClipboardGuard
from keyworker_app.gui.criteria_panel import CriteriaPanel
from keyworker_app.gui.errors import show_error
from keyworker_app.gui.export_dialog import EXPORT_FORM, PASSWORD_REMINDER, ExportDialog
from keyworker_app.gui.form_dialog import DraftRegistry, FieldSpec, FormDialog
from keyworker_app.gui.indicator_editing import IndicatorEditing
from keyworker_app.gui.note_viewer import AMEND_FORM, NoteViewer, amend_fields
from keyworker_app.gui.record_model import Column, RecordTableModel
from keyworker_app.gui.taf_pages import TafPages
from keyworker_app.gui.widgets import action_button, button_row, record_table
from keyworker_app.services.api import Session
from keyworker_app.services.export import ExportResult, ExportService, ReportKind

log = logging.getLogger("keyworker.gui.family_view")


def _benefit_label(value: str) -> str:
    text = value.replace("-", " ")
    return text.upper() if len(text) <= 3 else text.capitalize()


class FamilyView(QWidget):
    family_changed = Signal(int)

    def __init__(self, session: Session, family_id: int, registry: DraftRegistry | None,
                 clipboard: ClipboardGuard, *, today: Callable[[], date] = date.today,
                 now: Callable[[], datetime] = datetime.now,
                 policy: Policy | None = None,
                 parent: QWidget | None = None,
                 changes: ChangeBroadcast | None = None) -> None:
        super().__init__(parent)
        self._changes = changes
        self.setObjectName("familyView")
        self.setAccessibleName("Family record")
        self._session = session
        self._registry = registry
        self._clipboard = clipboard
        self._today = today
        self._now = now
        self._policy = policy
        # The policy as records are shown: a suspended partner's name says "(suspended)".
        self._shown_policy = policy
        self.export_dialog: ExportDialog | None = None
        self.family: Family = session.view_family(family_id)
        self.family_id = family_id
        self.models: list[RecordTableModel[Any]] = []
        self.dialogs: list[FormDialog] = []

        self.heading = QLabel()
        self.heading.setObjectName("familyHeading")
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        heading_font = self.heading.font()
        heading_font.setPointSizeF(heading_font.pointSizeF() * 1.4)
        heading_font.setBold(True)
        self.heading.setFont(heading_font)
        self.details = QLabel()
        self.details.setTextFormat(Qt.TextFormat.PlainText)
        self.details.setWordWrap(True)  # beside three buttons it may need two lines
        # "Close case…" while the case is open, "Reopen case…" once it is closed. No Alt+letter:
        # neither should be a keystroke away by accident (Tab reaches it).
        self.close_button = self._button("Close case…", "Close this family's case",
                                         self._close_or_reopen)
        self.details_button = self._button("Edit famil&y details…", "Edit the family's details",
                                           self.open_details_dialog)
        # No Alt+letter: every letter of it is taken on some tab; Tab reaches it.
        self.sources_button = self._button("Complete sources…", "Complete the sources of "
                                           "records whose source is unknown",
                                           self.open_sources_dialog)
        self.confirm_box: QMessageBox | None = None
        top = QHBoxLayout()
        text = QVBoxLayout()
        text.addWidget(self.heading)
        text.addWidget(self.details)
        self.export_button = self._button("E&xport…", "Export a report", self.open_export_dialog)
        self.export_button.setEnabled(policy is not None)
        top.addLayout(text, 1)
        # Two by two, so the record fits beside the caseload on a 1024-pixel-wide screen.
        actions = QGridLayout()
        actions.setAlignment(Qt.AlignmentFlag.AlignTop)
        for i, button in enumerate((self.sources_button, self.export_button,
                                    self.details_button, self.close_button)):
            actions.addWidget(button, i // 2, i % 2)
        top.addLayout(actions)

        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Parts of the family record")
        # Every part stays in sight: no scroll arrows hiding tabs; in a narrow window the
        # labels are shortened with "…" instead (each keeps its Alt+letter and tooltip).
        self.tabs.setUsesScrollButtons(False)
        self.tabs.setElideMode(Qt.TextElideMode.ElideRight)
        self.members = self._table("Members", [
            ("Name", lambda p: p.display_name),
            ("Date of birth", lambda p: format_date(p.date_of_birth)),
            ("Age", lambda p: str(age_on(p.date_of_birth, self._today()))),
            ("Role", lambda p: p.household_role.label),
            ("UPN", lambda p: p.upn),
        ])
        self.addresses = self._table("Addresses", [
            ("Address", lambda a: ", ".join(x for x in (a.line1, a.line2) if x)),
            ("Town", lambda a: a.town), ("Postcode", lambda a: a.postcode),
            ("From", lambda a: format_date(a.from_date)),
            ("To", lambda a: format_date(a.to_date) or "Current"),
        ])
        self.relationships = self._table("Relationships", [
            ("Person", lambda r: self._name(r.subject_ref)),
            ("Relationship", lambda r: r.kind.label),
            ("To", lambda r: self._name(r.object_ref)),
        ])
        self.notes = self._table("Contact log", [
            ("When", lambda n: format_datetime(n.occurred_at)),
            ("Kind", lambda n: n.kind.label), ("About", lambda n: self._name(n.person_ref)),
            ("Recorded by", lambda n: n.author),
            ("Summary", lambda n: ("(Amended) " if n.amendments else "") + n.summary),
            ("Source", lambda n: self._source(n.source)),
        ])
        self.offences = self._table("Offences", [
            ("Person", lambda r: self._name(r[0])),
            ("Date", lambda r: format_date(r[1].offence_date)),
            ("Disposal", lambda r: r[1].disposal.label),
            ("Proven", lambda r: "Yes" if r[1].disposal.is_formal else "No"),
            ("Source", lambda r: self._source(r[1].source)),
        ])
        self.asb = self._table("Anti-social behaviour", [
            ("Intervention", lambda a: a.kind.label),
            ("Person", lambda a: self._name(a.person_ref)),
            ("From", lambda a: format_date(a.start_date)),
            ("To", lambda a: format_date(a.end_date)),
            ("Source", lambda a: self._source(a.source)),
        ])
        self.education = self._table("Education by term", [
            ("Person", lambda r: self._name(r[0])),
            ("Year", lambda r: f"{r[1].academic_year}/{(r[1].academic_year + 1) % 100:02d}"),
            ("Term", lambda r: r[1].term.value.capitalize()),
            ("Fixed exclusions", lambda r: str(r[1].fixed_exclusions)),
            ("Permanent exclusion", lambda r: "Yes" if r[1].permanent_exclusion else "No"),
            ("Unauthorised absence", lambda r: f"{r[1].unauthorised_absence_pct:.1f}%"),
            ("Provision", lambda r: r[1].provision.label),
            ("Source", lambda r: self._source(r[1].source)),
        ])
        self.benefits = self._table("Benefits", [
            ("Person", lambda r: self._name(r[0])),
            ("Benefit", lambda r: _benefit_label(r[1].benefit.value)),
            ("From", lambda r: format_date(r[1].from_date)),
            ("To", lambda r: format_date(r[1].to_date)),
            ("Source", lambda r: self._source(r[1].source)),
        ])
        self.concerns = self._table("Concerns", [
            ("Concern", lambda c: c.kind.label), ("Person", lambda c: self._name(c.person_ref)),
            ("Noted", lambda c: format_date(c.noted_on)),
            ("Ended", lambda c: format_date(c.ended_on)), ("Detail", lambda c: c.detail),
            ("Source", lambda c: self._source(c.source)),
        ])

        self.add_member_button = self._button("A&dd member…", "Add a member",
                                              lambda: self.open_person_dialog(None))
        self.edit_member_button = self._button("&Edit member…", "Edit the selected member",
                                               self.edit_selected_member)
        self.add_address_button = self._button("Add a&ddress…", "Add an address",
                                               self.open_address_dialog)
        self.add_note_button = self._button("Add case &note…", "Add a case note",
                                            self.open_note_dialog)
        self.read_note_button = self._button("Read the &whole note…",
                                             "Read the selected note in full",
                                             self.open_selected_note)
        self.notes.doubleClicked.connect(lambda _i: self.open_selected_note())
        self.note_viewer: NoteViewer | None = None
        self.members.doubleClicked.connect(lambda _i: self.edit_selected_member())
        self.tabs.addTab(self._page(self.members, self.add_member_button,
                                    self.edit_member_button), "&Members")
        # Indicators, relationships and editing an address (gui.indicator_editing).
        self.editing = IndicatorEditing(self, family=lambda: self.family,
                                        family_id=family_id, save=self._save,
                                        open_form=self._dialog, today=self._today,
                                        policy=policy)
        self.tabs.addTab(self._page(self.addresses, self.add_address_button,
                                    *self.editing.attach("address", self.addresses)),
                         "Add&resses")
        self.tabs.addTab(self._page(self.relationships,
                                    *self.editing.attach("relationship", self.relationships)),
                         "Re&lationships")
        self.tabs.addTab(self._indicator_page(), "&Indicators")
        self.tabs.addTab(self._page(self.notes, self.add_note_button,
                                    self.read_note_button), "&Contact log")
        self.taf: TafPages | None = None  # TAF meetings, plan and sharing need the policy
        if policy is not None:
            self.taf = TafPages(session.meetings(policy), self.family, registry, today=today,
                                now=now, author=session.actor.name, parent=self,
                                on_change=lambda: self.family_changed.emit(self.family_id),
                                on_export=lambda meeting_id: self.open_export_dialog(
                                    ReportKind.MEETING_RECORD, meeting_id))
            self.tabs.addTab(self.taf.meetings_page, "Mee&tings")
            self.tabs.addTab(self.taf.plan_page, "Family &plan")
            self.tabs.addTab(self.taf.sharing_page, "Sh&aring")
            self.tabs.setTabToolTip(self.tabs.count() - 1,
                                    "Consent decisions and the information partners shared")
        # The chronology: built from the record when its tab is first shown.
        self.chronology: ChronologyPage | None = None
        if policy is not None:
            self.chronology = ChronologyPage(
                self._chronology_entries, self,
                mark=lambda entry: self.open_significance_dialog(entry.key),
                unmark=self._unmark_significant)
            self.chronology.setAccessibleName("Chronology")
            self.tabs.addTab(self.chronology, "&Key events")
            self.tabs.setTabToolTip(self.tabs.count() - 1,
                                    "The family's chronology: every dated event in order")
        # Programme criteria, results and chart: worked out when the tab is first shown.
        self.criteria: CriteriaPanel | None = None
        if policy is not None:
            self.criteria = CriteriaPanel(session.programme(policy), family_id, today, self)
            self.tabs.addTab(self.criteria, "Pr&ogramme")  # Alt+G is the menu
            self.tabs.currentChanged.connect(self._tab_shown)

        self.suspension_banner = QLabel()
        self.suspension_banner.setObjectName("suspensionBanner")
        self.suspension_banner.setTextFormat(Qt.TextFormat.PlainText)
        self.suspension_banner.setWordWrap(True)
        self.suspension_banner.setStyleSheet("font-weight: bold")
        self.suspension_banner.hide()
        # A copy from another store, or a case handed over from this one (services.handover).
        self.read_only_banner = QLabel()
        self.read_only_banner.setObjectName("readOnlyBanner")
        self.read_only_banner.setTextFormat(Qt.TextFormat.PlainText)
        self.read_only_banner.setWordWrap(True)
        self.read_only_banner.setStyleSheet("font-weight: bold")
        self.read_only_banner.hide()
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.read_only_banner)
        layout.addWidget(self.suspension_banner)
        layout.addWidget(self.tabs, 1)
        self.show_family(self.family)

    # -- building -------------------------------------------------------------------------
    def _button(self, text: str, accessible: str, slot: Callable[[], object]) -> QPushButton:
        return action_button(text, accessible, slot)

    def _table(self, name: str, columns: Sequence[Column]) -> QTableView:
        model: RecordTableModel[Any] = RecordTableModel(columns, self)
        self.models.append(model)
        table = record_table(name, model, object_name=name, alternating=True)
        copy = QAction("&Copy", table)
        copy.setShortcut(QKeySequence.StandardKey.Copy)
        copy.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        copy.triggered.connect(lambda _checked=False, t=table: self.copy_selection(t))
        table.addAction(copy)
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        return table

    def _page(self, table: QTableView, *buttons: QPushButton) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(table, 1)
        if buttons:
            layout.addLayout(button_row(buttons))
        return page

    def _indicator_page(self) -> QWidget:
        inner = QWidget()
        layout = QVBoxLayout(inner)
        for title, key, table in (("Offences", "offence", self.offences),
                                  ("Anti-social behaviour", "asb", self.asb),
                                  ("Education by term", "education", self.education),
                                  ("Benefits", "benefit", self.benefits),
                                  ("Concerns", "concern", self.concerns)):
            box = QGroupBox(title)
            box_layout = QVBoxLayout(box)
            table.setMinimumHeight(110)
            box_layout.addWidget(table)
            box_layout.addLayout(self.editing.button_row(key, table))
            layout.addWidget(box)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        scroll.setAccessibleName("Indicator records")
        return scroll

    # -- showing --------------------------------------------------------------------------
    def _name(self, ref: str) -> str:
        if not ref:
            return "Household"
        try:
            return self.family.member(ref).display_name
        except KeyError:
            return "Unknown member"

    def _source(self, source: Source) -> str:
        """Where a record came from, by the agreement's partner names."""
        if self._shown_policy is None:
            return SPECIAL_SOURCES.get(source.partner, source.partner)
        return source_label(self._shown_policy, source)

    def _show_suspensions(self, family: Family) -> None:
        """Mark a suspended partner's information (ISA §15), with a banner saying why."""
        if self._policy is None:
            return
        meetings = self._session.meetings(self._policy)
        try:
            suspended = meetings.suspended_partners()
            banner = meetings.suspension_banner(
                [*(src.partner for _path, src in sourced_records(family)),
                 *(s.from_partner for s in meetings.shared_items(self.family_id))]
            ) if suspended else ""
        except UserFacingError:
            suspended, banner = frozenset(), ""
        self._shown_policy = marked_policy(self._policy, suspended)
        if self.taf is not None:
            self.taf.policy = self._shown_policy
        self.suspension_banner.setText(banner)
        self.suspension_banner.setVisible(bool(banner))

    def _show_read_only(self) -> None:
        reason = (None if self._policy is None
                  else self._session.handover(self._policy).read_only_reason(self.family_id))
        self.read_only_banner.setText(f"This family's record is read-only: {reason}."
                                      if reason else "")
        self.read_only_banner.setVisible(bool(reason))

    def show_family(self, family: Family) -> None:
        self.family = family
        self._show_read_only()
        self._show_suspensions(family)
        if getattr(self, "criteria", None) is not None:
            assert self.criteria is not None
            self.criteria.invalidate()
        if self.taf is not None:
            self.taf.set_family(family)
        if getattr(self, "chronology", None) is not None:
            assert self.chronology is not None
            self.chronology.set_family(family)
        self.heading.setText(f"{family.reference} — {family.family_name}")
        parts = [family.status.label, f"Key worker: {family.key_worker}",
                 f"Allocated {format_date(family.allocated_on)}"]
        if family.review_due:
            parts.append(f"Review due {format_date(family.review_due)}")
        if family.closed_on:
            parts.append(f"Closed {format_date(family.closed_on)}")
        unknown = unknown_sources(family)
        if unknown:  # imported without a source, or recorded before sources were kept
            parts.append(f"{unknown} record{'' if unknown == 1 else 's'} with source unknown "
                         "(to complete)")
        self.details.setText("   ·   ".join(parts))
        self.sources_button.setVisible(bool(unknown) and self._policy is not None)
        closed = family.closed_on is not None
        self.close_button.setText("Reopen case…" if closed else "Close case…")
        self.close_button.setAccessibleDescription("Reopen this family's case" if closed
                                            else "Close this family's case")
        people = family.members
        self._rows(self.members, people)
        self._rows(self.addresses, family.addresses)
        self._rows(self.relationships, family.relationships)
        self._rows(self.notes, sorted(family.notes, key=lambda n: n.occurred_at, reverse=True))
        self._rows(self.offences, [(p.ref, o) for p in people for o in p.offences])
        self._rows(self.asb, family.asb_interventions)
        self._rows(self.education, [(p.ref, e) for p in people
                                    for e in sorted(p.education, key=lambda e: e.sort_key)])
        self._rows(self.benefits, [(p.ref, b) for p in people for b in p.benefits])
        self._rows(self.concerns, family.concerns)
        if self.note_viewer is not None:
            note = self._note(self.note_viewer.note.id)
            if note is not None:
                self.note_viewer.show_note(note, self._name(note.person_ref))
        for table in (self.members, self.addresses, self.notes, self.offences, self.asb,
                      self.education, self.benefits, self.concerns):
            table.resizeColumnsToContents()

    def _chronology_entries(self, newest_first: bool) -> tuple[Entry, ...]:
        assert self._policy is not None
        meetings = self._session.meetings(self._policy)
        return build_chronology(
            self.family, meetings.meetings_of_family(self.family_id),
            meetings.consents(self.family_id), meetings.shared_items(self.family_id),
            partner_names={p.id: p.name for p in (self._shown_policy or self._policy).partners},
            newest_first=newest_first, marks=self._session.chronology_marks(self.family_id))

    def _tab_shown(self, index: int) -> None:
        if self.chronology is not None and self.tabs.widget(index) is self.chronology:
            self.chronology.ensure_loaded()
        if self.criteria is not None and self.tabs.widget(index) is self.criteria:
            self.criteria.ensure_loaded()

    @staticmethod
    def _rows(table: QTableView, rows: Sequence[Any]) -> None:
        model = table.model()
        assert isinstance(model, RecordTableModel)
        model.set_rows(rows)

    def clear(self) -> None:
        """Empty every table and label (on lock, before the view is destroyed)."""
        for model in self.models:
            model.clear()
        if self.taf is not None:
            self.taf.clear()
        if self.criteria is not None:
            self.criteria.clear()
        if self.chronology is not None:
            self.chronology.clear()
        self.heading.clear()
        self.details.clear()

    def copy_selection(self, table: QTableView) -> None:
        rows = sorted({i.row() for i in table.selectionModel().selectedIndexes()})
        model = table.model()
        lines = ["\t".join(str(model.index(r, c).data() or "")
                           for c in range(model.columnCount())) for r in rows]
        if lines:
            self._clipboard.copy("\n".join(lines))

    def apply_changes(self, changes: Changes, initiator: object = None) -> None:
        """Show what another part of the app committed about this family: the record
        itself (read again, an audited view) unless this view made the change and shows it
        already; the TAF parts (meetings, plan, consent, sharing) whoever made it."""
        if self.family_id not in changes.families or changes.caseload_changed:
            return  # not this family, or it was deleted (the main window closes the view)
        if initiator is not self and changes.touches(
                RecordKind.FAMILY, RecordKind.MEMBER, RecordKind.NOTE, RecordKind.INDICATOR):
            try:
                self.show_family(self._session.view_family(self.family_id))
            except UserFacingError as exc:
                show_error(self, exc)
        if self.taf is not None and changes.touches(
                RecordKind.MEETING, RecordKind.ACTION, RecordKind.CONSENT, RecordKind.SHARED):
            self.taf.refresh()
        if self.chronology is not None and self.chronology.loaded and changes.touches(
                RecordKind.MEETING, RecordKind.CONSENT, RecordKind.SHARED,
                RecordKind.CHRONOLOGY):
            self.chronology.reload()

    # -- editing --------------------------------------------------------------------------
    def _own_change(self) -> contextlib.AbstractContextManager[None]:
        """What is committed inside is this view's own change (it shows the result)."""
        if self._changes is None:
            return contextlib.nullcontext()
        return self._changes.initiated_by(self)

    def _save(self, family: Family) -> None:
        """Save the change from the copy on screen. If the record was changed elsewhere
        meanwhile, nothing is saved: the screen shows the latest version and the error
        goes back to the form, which stays open with what the user typed."""
        try:
            with self._own_change():
                saved = self._session.update_family(family, self.family)
        except StaleRecordError:
            self.show_family(self._session.view_family(self.family_id))
            for dialog in list(self.dialogs):
                dialog.rebase_on_latest()
            raise
        self.show_family(saved)
        self.family_changed.emit(self.family_id)

    def _dialog(self, title: str, form: str, record_key: str, *, fields: list[FieldSpec],
                on_submit: Callable[[dict[str, str]], None], initial: dict[str, str],
                restored: bool,
                latest: Callable[[], dict[str, str]] | None = None,
                ask_before_discard: bool = True) -> FormDialog:
        dialog = FormDialog(self, title, form, record_key, fields=fields, on_submit=on_submit,
                            initial=initial, registry=self._registry, restored=restored,
                            latest=latest, ask_before_discard=ask_before_discard)
        self.dialogs.append(dialog)
        dialog.finished.connect(lambda _c: self.dialogs.remove(dialog)
                                if dialog in self.dialogs else None)
        dialog.open()
        return dialog

    def edit_selected_member(self) -> None:
        index = self.members.currentIndex()
        model = self.members.model()
        assert isinstance(model, RecordTableModel)
        person = model.record(index.row()) if index.isValid() else None
        if person is not None:
            self.open_person_dialog(person.ref)

    def open_person_dialog(self, ref: str | None, initial: dict[str, str] | None = None,
                           restored: bool = False) -> FormDialog:
        if initial is None:
            initial = ({"family_name": self.family.family_name} if ref is None
                       else forms.person_values(self.family.member(ref)))
        title = "Add a member" if ref is None else "Edit member"
        key = f"family:{self.family_id}/person:{ref or 'new'}"
        return self._dialog(title, forms.PERSON_FORM, key,
                            fields=forms.person_fields(self._today),
                            on_submit=lambda v: self._save(
                                forms.apply_person(self.family, ref, v, self._today())),
                            initial=initial, restored=restored,
                            latest=None if ref is None else
                            lambda: forms.person_values(self.family.member(ref)))

    def open_address_dialog(self, initial: dict[str, str] | None = None,
                            restored: bool = False) -> FormDialog:
        return self._dialog("Add an address", forms.ADDRESS_FORM,
                            f"family:{self.family_id}/address:new",
                            fields=forms.address_fields(),
                            on_submit=lambda v: self._save(
                                forms.apply_address(self.family, v, self._today())),
                            initial=initial or {}, restored=restored)

    def open_note_dialog(self, initial: dict[str, str] | None = None,
                         restored: bool = False) -> FormDialog:
        author = self._session.actor.name

        def submit(values: dict[str, str]) -> None:
            self._save(forms.apply_note(self.family, author, values, self._today()))

        return self._dialog("Add a case note", forms.NOTE_FORM,
                            f"family:{self.family_id}/note:new",
                            fields=forms.note_fields(self.family),
                            on_submit=submit,
                            initial=initial or {"occurred_at": format_datetime(self._now())},
                            restored=restored)

    def open_details_dialog(self, initial: dict[str, str] | None = None,
                            restored: bool = False) -> FormDialog:
        """The family's own details: reference, name, status, allocation, key worker, review."""
        return self._dialog("Edit the family's details", forms.DETAILS_FORM,
                            f"family:{self.family_id}/details",
                            fields=forms.details_fields(),
                            on_submit=lambda v: self._save(
                                forms.apply_details(self.family, v, self._today())),
                            initial=initial or forms.details_values(self.family),
                            restored=restored, ask_before_discard=True)

    def open_sources_dialog(self, initial: dict[str, str] | None = None,
                            restored: bool = False) -> FormDialog | None:
        """Say where records of unknown source came from, a screenful at a time (audited)."""
        from keyworker_app.domain.source_completion import records_to_complete
        from keyworker_app.gui import source_completion_form as sc

        records = records_to_complete(self.family)
        if self._policy is None or not records:
            return None
        policy = self._policy

        def submit(values: dict[str, str]) -> None:
            with self._own_change():
                saved = self._session.complete_sources(self.family, sc.chosen_sources(values),
                                                       policy)
            self.show_family(saved)
            self.family_changed.emit(self.family_id)

        fields = sc.source_fields(policy, records)
        fields[0] = replace(fields[0], hint=sc.hint_text(len(records)))
        dialog = self._dialog(sc.TITLE, sc.FORM, f"family:{self.family_id}/sources",
                              fields=fields, on_submit=submit,
                              initial=initial or {f.key: sc.LEAVE for f in fields},
                              restored=restored)
        sc.fit_descriptions(dialog)
        return dialog

    def _close_or_reopen(self) -> None:
        if self.family.closed_on is None:
            self.open_close_dialog()
        else:
            self.ask_reopen()

    def _tell(self, title: str, text: str, detail: str) -> QMessageBox:
        box = QMessageBox(QMessageBox.Icon.Information, title, text,
                          QMessageBox.StandardButton.Close, self)
        box.setInformativeText(detail)
        box.setAccessibleName(title)
        box.open()
        self.confirm_box = box
        return box

    def ask_reopen(self) -> QMessageBox:
        """Reopening asks first and says what it did (both steps are audited)."""
        box = QMessageBox(QMessageBox.Icon.Question, "Reopen the case?",
                          f"Reopen the case of family {self.family.reference}?",
                          QMessageBox.StandardButton.NoButton, self)
        box.setInformativeText("It becomes active again and its closing date and reason are "
                               "cleared; the closure stays in the audit trail.")
        box.setAccessibleName("Reopen the case?")
        reopen = box.addButton("&Reopen case", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(reopen)

        def answered(_code: int) -> None:
            if box.clickedButton() is not reopen:
                return
            try:
                with self._own_change():
                    opened = self._session.reopen_family(self.family_id)
            except UserFacingError as exc:
                show_error(self, exc)
                return
            self.show_family(opened)
            self.family_changed.emit(self.family_id)
            self._tell("Case reopened", f"The case of family {opened.reference} is open "
                       "again.", "Its status is Active; set the next review date with "
                       "Edit family details.")

        box.finished.connect(answered)
        box.open()
        self.confirm_box = box
        return box
    def _note(self, note_id: int | None) -> CaseNote | None:
        return next((n for n in self.family.notes if n.id == note_id), None)

    def open_selected_note(self) -> NoteViewer | None:
        index = self.notes.currentIndex()
        model = self.notes.model()
        assert isinstance(model, RecordTableModel)
        note = model.record(index.row()) if index.isValid() else None
        return None if note is None or note.id is None else self.open_note(note.id)

    def open_note(self, note_id: int) -> NoteViewer | None:
        """The note in full, with its amendments, in a window of its own."""
        note = self._note(note_id)
        if note is None:
            return None
        if self.note_viewer is not None:
            self.note_viewer.close()
        viewer = NoteViewer(note, self._name(note.person_ref),
                            lambda: self.open_amend_dialog(note_id), self)
        viewer.finished.connect(lambda _c: setattr(self, "note_viewer", None)
                                if self.note_viewer is viewer else None)
        self.note_viewer = viewer
        viewer.open()
        return viewer

    def open_amend_dialog(self, note_id: int, initial: dict[str, str] | None = None,
                          restored: bool = False) -> FormDialog | None:
        note = self._note(note_id)
        if note is None:
            return None

        def submit(values: dict[str, str]) -> None:
            with self._own_change():
                amended = self._session.amend_note(self.family_id, note_id, values["reason"],
                                                   values["text"])
            self.show_family(amended)
            self.family_changed.emit(self.family_id)

        return self._dialog("Amend a case note", AMEND_FORM,
                            f"family:{self.family_id}/note:{note_id}/amend",
                            fields=amend_fields(), on_submit=submit,
                            initial=initial or {"text": note.current_text}, restored=restored)

    def open_significance_dialog(self, key: tuple[EntryKind, str],
                                 initial: dict[str, str] | None = None,
                                 restored: bool = False) -> FormDialog | None:
        """Mark a chronology entry significant with a reason (or change the reason)."""
        if self.chronology is None or not key[1]:
            return None
        self.chronology.ensure_loaded()
        entry = self.chronology.entry_with(key)
        if entry is None:
            return None
        kind, record = key

        def submit(values: dict[str, str]) -> None:
            with self._own_change():
                self._session.mark_significant(self.family_id, kind, record, values["reason"])
            if self.chronology is not None:
                self.chronology.reload()
                self.chronology.select(key)

        before = "" if entry.significance is None else entry.significance.reason
        return self._dialog(f"Significant event: {entry.kind.label}, "
                            f"{format_date(entry.day)}", SIGNIFICANCE_FORM,
                            f"family:{self.family_id}/{event_key(key)}",
                            fields=significance_fields(), on_submit=submit,
                            initial=initial or {"reason": before}, restored=restored)

    def _unmark_significant(self, entry: Entry) -> None:
        try:
            with self._own_change():
                self._session.unmark_significant(self.family_id, entry.kind, entry.record)
        except UserFacingError as exc:
            show_error(self, exc)
            return
        if self.chronology is not None:
            self.chronology.reload()
            self.chronology.select(entry.key)

    def open_close_dialog(self, initial: dict[str, str] | None = None,
                          restored: bool = False) -> FormDialog:
        def submit(values: dict[str, str]) -> None:
            forms.check_close(self.family, values, self._today())
            with self._own_change():
                closed = self._session.close_family(
                    self.family_id, parse_date(values["closed_on"]), values["reason"].strip())
            self.show_family(closed)
            self.family_changed.emit(self.family_id)
            self._tell("Case closed", f"The case of family {closed.reference} was closed on "
                       f"{format_date(closed.closed_on)}.", "The reason is kept with the "
                       "record and the closure is in the audit trail. Reopen case… opens it "
                       "again if it was closed by mistake.")

        return self._dialog("Close the family's case", forms.CLOSE_FORM,
                            f"family:{self.family_id}/close",
                            fields=forms.close_fields(), on_submit=submit,
                            initial=initial or {"closed_on": format_date(self._today())},
                            restored=restored, ask_before_discard=True)

    # -- export ---------------------------------------------------------------------------
    def open_export_dialog(self, report: ReportKind | None = None,
                           meeting_id: int | None = None,
                           draft: dict[str, Any] | None = None) -> ExportDialog | None:
        if self._policy is None:
            return None
        service = ExportService(self._session, self._policy)
        dialog = ExportDialog(service, self.family_id, self.family.reference,
                              reports=(ReportKind.CASE_SUMMARY, ReportKind.CHRONOLOGY,
                                       ReportKind.TAF_PACK, ReportKind.MEETING_RECORD),
                              meetings=self.taf.meeting_choices() if self.taf else (),
                              report=report, meeting_id=meeting_id,
                              today=self._today, parent=self)
        dialog.keep_through_lock(self._registry, EXPORT_FORM, f"family:{self.family_id}/export",
                                 draft)
        dialog.exported.connect(self._exported)
        dialog.finished.connect(lambda _c: setattr(self, "export_dialog", None))
        self.export_dialog = dialog
        dialog.open()
        return dialog

    def _exported(self, result: object) -> None:
        assert isinstance(result, ExportResult)
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Information)
        box.setWindowTitle("Report exported")
        box.setText(f"The {in_sentence(result.report.label)} was saved as "
                    f"{result.destination.name}.")
        box.setInformativeText(PASSWORD_REMINDER if result.protected else
                               "It is not password-protected: keep it on a secure address, "
                               "printer or encrypted device.")
        box.setAccessibleName("Report exported")
        box.open()
