"""The subject-access request log (ISA §17): received, due one calendar month later (the
ICO's rule), extended, completed; find the person a request is about; export the disclosure
(always password-protected)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from keyworker_app.domain.changes import Changes, RecordKind
from keyworker_app.domain.dates import format_date, parse_date
from keyworker_app.domain.draft_payload import fields_fit
from keyworker_app.domain.handling import Recipient
from keyworker_app.domain.subject_access import SubjectAccessRequest
from keyworker_app.domain.wording import plural
from keyworker_app.errors import UserFacingError
from keyworker_app.gui.errors import show_error
from keyworker_app.gui.form_dialog import DraftRegistry, FieldSpec, FormDialog
from keyworker_app.gui.programme_export_dialog import (
    EXPORT_FORMS,
    ProgrammeExportDialog,
    report_saved_text,
)
from keyworker_app.gui.programme_page import ProgrammePage
from keyworker_app.gui.worker import StoreWork
from keyworker_app.services.information_rights import PersonHit
from keyworker_app.services.programme_exports import (
    ProgrammeExportRequest,
    ProgrammeExportService,
    ProgrammeReport,
    suggested_name,
)

log = logging.getLogger("keyworker.gui.subject_access_view")

# Drafts kept through a lock (gui.lock). Record keys name a request by its id only, never
# by its reference.
NEW_FORM = "subject-access-new"
EXTEND_FORM = "subject-access-extend"
COMPLETE_FORM = "subject-access-complete"
FIND_FORM = "subject-access-find"
NEW_KEY = "subject-access:new"


def draft_key(request_id: int | None) -> str:
    return NEW_KEY if request_id is None else f"subject-access:{request_id}"


def _check_date(value: str) -> str | None:
    try:
        parse_date(value)
    except ValueError as exc:
        return str(exc)
    return None


def _state(request: SubjectAccessRequest, today: date) -> str:
    status = request.status(today)
    if status.value == "open":
        days = request.days_left(today)
        return f"Open: {days} day{'s' if days != 1 else ''} left"
    return status.label


class FindPersonDialog(QDialog):
    """Search by name, reference or postcode; choose the person the request is about."""

    def __init__(self, search: Callable[[str], list[PersonHit]],
                 chosen: Callable[[PersonHit], None], parent: QWidget | None = None, *,
                 record_key: str = NEW_KEY, registry: DraftRegistry | None = None,
                 initial: dict[str, str] | None = None, restored: bool = False) -> None:
        if restored and initial:
            fields_fit(initial, {"query"})
        super().__init__(parent)
        self.form = FIND_FORM
        self.record_key = record_key
        self._restored = restored
        self.setWindowTitle("Find the person")
        self.setAccessibleName("Find the person")
        self.setModal(True)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._search = search
        self._chosen = chosen
        self.query = QLineEdit()
        self.query.setAccessibleName("Search for the person")
        self.query.setPlaceholderText("Name, family reference or postcode")
        label = QLabel("&Search:")
        label.setBuddy(self.query)
        self.results: ProgrammePage[PersonHit] = ProgrammePage(
            "People found", "Choose the person the request is about; the date of birth "
            "tells namesakes apart.",
            [("Name", lambda h: h.name), ("Date of birth", lambda h: h.date_of_birth),
             ("Family", lambda h: h.family_reference)])
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.link_button = self.buttons.addButton("&Link to the request",
                                                  QDialogButtonBox.ButtonRole.AcceptRole)
        self.link_button.setAccessibleName("Link to the request")
        self.buttons.accepted.connect(self.link)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.query)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.buttons)
        self.query.returnPressed.connect(self.run_search)
        self.query.textChanged.connect(lambda _t: self.run_search())
        self.resize(560, 420)
        if initial:
            self.query.setText(initial.get("query", ""))
        if registry is not None:
            registry.register_editor(self)
            self.finished.connect(lambda _c: registry.unregister_editor(self))

    def collect_draft(self) -> tuple[str, str, dict[str, Any]] | None:
        """The search as typed (a name, perhaps): kept through a lock like any form."""
        query = self.query.text()
        if not query.strip() and not self._restored:
            return None
        return self.form, self.record_key, {"query": query}

    def run_search(self) -> None:
        text = self.query.text().strip()
        self.results.set_rows(self._search(text) if len(text) >= 2 else [])

    def link(self) -> None:
        hit = self.results.selected()
        if hit is None:
            return
        self._chosen(hit)
        self.accept()


class SubjectAccessView(ProgrammePage[SubjectAccessRequest]):
    def __init__(self, exports: ProgrammeExportService, folder: Path | None = None,
                 today: Callable[[], date] = date.today, parent: QWidget | None = None,
                 *, registry: DraftRegistry | None = None, work: StoreWork | None = None,
                 background: Callable[[], ProgrammeExportService] | None = None) -> None:
        # The disclosure pack is gathered on the store worker when these are given.
        self._work, self._background = work, background
        super().__init__(
            "Subject access requests",
            "A request is due one calendar month after it is received (the same date next "
            "month, or that month's last day). A complex request may be extended by two "
            "months if the person is told within the first month.",
            [("Request", lambda r: r.subject_label),
             ("Received", lambda r: format_date(r.received_on)),
             ("Due", lambda r: format_date(r.due_on)),
             ("Extended", lambda r: format_date(r.extended_on) or "No"),
             ("Completed", lambda r: format_date(r.completed_on) or "—"),
             ("Person", lambda r: "Found" if r.person_id else "Not yet found"),
             ("State", lambda r: _state(r, today()))], parent)
        self._exports = exports
        self._rights = exports.programme.rights
        self._folder = folder or Path.home()
        self._today = today
        self._registry = registry
        self.add_button("&New request…", "Log a new request", self.open_new, False)
        self.add_button("&Find the person…", "Find the person the request is about",
                        self.open_find)
        self.add_button("E&xtend…", "Extend the request by two months", self.open_extend)
        self.add_button("Mark &completed…", "Mark the request completed", self.open_complete)
        self.add_button("Export the &disclosure…", "Export everything held about the person",
                        self.open_export)
        self.finish_buttons()
        self.refresh()

    def refresh(self) -> None:
        try:
            requests = self._rights.requests()
        except UserFacingError as exc:
            show_error(self, exc)
            return
        self.set_rows(requests, keep=lambda r: r.id)
        overdue = sum(1 for r in requests if r.status(self._today()).value == "overdue")
        self.status.setText(f"{plural(len(requests), 'request')}; {overdue} overdue.")

    def apply_changes(self, changes: Changes, _initiator: object = None) -> None:
        """A request logged or changed, or a linked person removed: the log follows."""
        if changes.touches(RecordKind.SUBJECT_ACCESS, RecordKind.MEMBER,
                           RecordKind.CASELOAD):
            self.refresh()

    def _save(self, request: SubjectAccessRequest) -> None:
        saved = self._rights.log_request(request)
        self.refresh()
        self.select_where(lambda r: r.id == saved.id)

    def _form(self, title: str, form: str, request_id: int | None, fields: list[FieldSpec],
              *, submit: Callable[[dict[str, str]], None], initial: dict[str, str],
              restored: bool) -> FormDialog:
        dialog = FormDialog(self, title, form, draft_key(request_id), fields=fields,
                            on_submit=submit, initial=initial, registry=self._registry,
                            restored=restored)
        return self.show_dialog(dialog)

    def _request(self, request_id: int | None) -> SubjectAccessRequest | None:
        """The request with ``request_id``, selected; else the selected request."""
        if request_id is None:
            return self.selected()
        return self.select_matching(lambda r: r.id, request_id)

    def open_new(self, initial: dict[str, str] | None = None,
                 restored: bool = False) -> FormDialog:
        def submit(values: dict[str, str]) -> None:
            self._save(SubjectAccessRequest(parse_date(values["received_on"]),
                                            values["subject_label"].strip()))

        return self._form("Log a subject access request", NEW_FORM, None, [
            FieldSpec("subject_label", "&Reference", placeholder="SAR-2025-004",
                      hint="A reference that names nobody."),
            FieldSpec("received_on", "Re&ceived", _check_date, placeholder="DD/MM/YYYY")],
            submit=submit, initial=initial or {"received_on": format_date(self._today())},
            restored=restored)

    def open_find(self, request_id: int | None = None, initial: dict[str, str] | None = None,
                  restored: bool = False) -> FindPersonDialog | None:
        request = self._request(request_id)
        if request is None:
            return None
        dialog = FindPersonDialog(
            self._rights.find_people,
            lambda hit: self._save(replace(request, person_id=hit.person_id)), self,
            record_key=draft_key(request.id), registry=self._registry, initial=initial,
            restored=restored)
        return self.show_dialog(dialog)

    def open_extend(self, request_id: int | None = None,
                    initial: dict[str, str] | None = None,
                    restored: bool = False) -> FormDialog | None:
        request = self._request(request_id)
        if request is None:
            return None

        def submit(values: dict[str, str]) -> None:
            self._save(replace(request, extended_on=parse_date(values["extended_on"]),
                               extension_reason=values["reason"].strip()))

        return self._form(f"Extend {request.subject_label}", EXTEND_FORM, request.id, [
            FieldSpec("extended_on", "Person &told on", _check_date, placeholder="DD/MM/YYYY",
                      hint="Within the first month of the request."),
            FieldSpec("reason", "&Why it is complex", multiline=True)],
            submit=submit, initial=initial or {"extended_on": format_date(self._today())},
            restored=restored)

    def open_complete(self, request_id: int | None = None,
                      initial: dict[str, str] | None = None,
                      restored: bool = False) -> FormDialog | None:
        request = self._request(request_id)
        if request is None:
            return None

        def submit(values: dict[str, str]) -> None:
            self._save(replace(request, completed_on=parse_date(values["completed_on"])))

        return self._form(f"Complete {request.subject_label}", COMPLETE_FORM, request.id, [
            FieldSpec("completed_on", "&Completed on", _check_date, placeholder="DD/MM/YYYY")],
            submit=submit, initial=initial or {"completed_on": format_date(self._today())},
            restored=restored)

    def open_export(self, request_id: int | None = None,
                    draft: dict[str, Any] | None = None) -> ProgrammeExportDialog | None:
        request = self._request(request_id)
        if request is None:
            return None
        if request.person_id is None:
            self.notice("Find the person first", f"Request {request.subject_label} is not "
                        "linked to a person yet.", "Use Find the person… and try again.")
            return None
        name = suggested_name(ProgrammeReport.SUBJECT_ACCESS, request.subject_label,
                              self._today())
        dialog = ProgrammeExportDialog(self._exports, ProgrammeExportRequest(
            ProgrammeReport.SUBJECT_ACCESS, self._folder / name, Recipient.printing(),
            request_id=request.id), self, work=self._work, background=self._background)
        dialog.keep_through_lock(self._registry, EXPORT_FORMS[ProgrammeReport.SUBJECT_ACCESS],
                                 draft_key(request.id), draft)
        dialog.exported.connect(lambda r: self.notice("Disclosure exported",
                                                      *report_saved_text(r)))
        return self.show_dialog(dialog)

    def clear(self) -> None:
        super().clear()
