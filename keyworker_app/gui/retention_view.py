"""The retention review queue (ISA §10), for the team lead.

Every family is due a review at allocation (or its last review) plus the policy's months. The
reviewer records "retain until …, because …" or "delete". Deletion removes all the family's
personal data and keeps only the marker per member (name, date of birth, "member of a
programme family", the date), so it asks first, saying exactly what goes and what stays.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from keyworker_app.domain.changes import Changes, RecordKind
from keyworker_app.domain.dates import format_date, parse_date
from keyworker_app.domain.retention import (
    MARKER_NOTE,
    DeletionScope,
    QueueEntry,
    RetentionDecision,
    RetentionReview,
)
from keyworker_app.domain.roles import LeadAction, who_can
from keyworker_app.errors import UserFacingError, ValidationError
from keyworker_app.gui.errors import show_error
from keyworker_app.gui.form_dialog import DraftRegistry, FieldSpec, FormDialog
from keyworker_app.gui.programme_page import ProgrammePage
from keyworker_app.services.programme import ProgrammeService

log = logging.getLogger("keyworker.gui.retention_view")

# Drafts kept through a lock (gui.lock). The record key names the family by id only, under
# "family:<id>/", so a retention deletion also removes a draft about that family.
RETAIN_FORM = "retention-retain"
DELETE_FORM = "retention-delete"


def draft_key(family_id: int) -> str:
    return f"family:{family_id}/retention-review"


REASON = FieldSpec("reason", "&Because", lambda v: None if v.strip() else "say why",
                   multiline=True, hint="The audit trail records who decided and why.")


def _state(entry: QueueEntry, today: date) -> str:
    days = entry.days_until(today)
    if days < 0:
        return f"Overdue by {-days} day{'s' if days != -1 else ''}"
    return "Due today" if days == 0 else f"Due in {days} day{'s' if days != 1 else ''}"


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def deletion_summary(reference: str, scope: DeletionScope) -> tuple[str, str]:
    """What the confirmation says will be removed, and what is kept."""
    removed = (f"All personal data of family {reference} ({scope.family_name}) will be "
               "deleted permanently: "
               f"{_count(scope.members, 'member', 'members')}, "
               f"{_count(scope.open_actions, 'open action', 'open actions')} of the family "
               "plan, "
               f"{_count(scope.upcoming_meetings, 'upcoming TAF meeting', 'upcoming TAF meetings')}"
               ", and the addresses, relationships, offences, anti-social behaviour, education, "
               "benefits, concerns, the contact log, past TAF meetings, consents, shared "
               "information and unsaved drafts. The store is then compacted so no copy stays "
               "in the file.")
    kept = ("Kept, as the agreement allows: a marker for each member with their name, date "
            f"of birth, the words \"{MARKER_NOTE}\" and today's date; the review record "
            "(reviewer and reason) and the audit trail. This cannot be undone.")
    return removed, kept


class PendingDeletion:
    """The deletion confirmation, while it is open, as a draft source: a lock answers it with
    "keep" (nothing is deleted), and the reason typed comes back in the delete form."""

    def __init__(self, family_id: int, reason: str) -> None:
        self.family_id = family_id
        self.reason = reason

    def collect_draft(self) -> tuple[str, str, dict[str, Any]]:
        return DELETE_FORM, draft_key(self.family_id), {"reason": self.reason}


class RetentionQueueView(ProgrammePage[QueueEntry]):
    family_deleted = Signal(int)  # the caseload and any open record of it must go

    def __init__(self, programme: ProgrammeService, reviewer: str,
                 today: Callable[[], date] = date.today, parent: QWidget | None = None,
                 *, registry: DraftRegistry | None = None) -> None:
        super().__init__(
            "Retention review queue",
            f"Each family's records are reviewed {programme.policy.retention.review_months} "
            "months after allocation or the last review (ISA §10). Retain them until a "
            "later date, saying why, or delete them and keep only the marker.",
            [("Family", lambda e: e.reference),
             ("Review due", lambda e: format_date(e.review_on)),
             ("Last reviewed", lambda e: format_date(e.last_review) or "Never"),
             ("State", lambda e: _state(e, today()))], parent)
        self._programme = programme
        self._reviewer = reviewer
        self._today = today
        self._registry = registry
        self._pending: PendingDeletion | None = None
        self.retain_button = self.add_button("&Retain until…", "Retain the family's records",
                                             self.open_retain)
        self.delete_button = self.add_button("&Delete…", "Delete the family's records",
                                             self.open_delete)
        self.lead_only(self.delete_button, programme.allows(LeadAction.RETENTION_DELETION),
                       who_can(LeadAction.RETENTION_DELETION))
        self.finish_buttons()
        self.refresh()

    def refresh(self) -> None:
        try:
            entries = self._programme.retention_queue(self._today())
        except UserFacingError as exc:
            show_error(self, exc)
            return
        self.set_rows(entries, keep=lambda e: e.family_id)
        overdue = sum(1 for e in entries if e.overdue(self._today()))
        self.status.setText(f"{len(entries)} families; {overdue} overdue for review.")

    def apply_changes(self, changes: Changes, _initiator: object = None) -> None:
        """A family allocated, edited, reviewed or deleted anywhere: the queue follows."""
        if changes.touches(RecordKind.FAMILY, RecordKind.CASELOAD, RecordKind.RETENTION):
            self.refresh()

    def _open(self, title: str, form: str, fields: list[FieldSpec], *,
              submit: Callable[[dict[str, str]], None], initial: dict[str, str],
              entry: QueueEntry, restored: bool) -> FormDialog:
        dialog = FormDialog(self, title, form, draft_key(entry.family_id), fields=fields,
                            on_submit=submit, initial=initial, registry=self._registry,
                            restored=restored)
        return self.show_dialog(dialog)

    def _entry(self, family_id: int | None) -> QueueEntry | None:
        """The queue entry for ``family_id``, selected; else the selected entry."""
        if family_id is None:
            return self.selected()
        return self.select_matching(lambda e: e.family_id, family_id)

    def open_retain(self, family_id: int | None = None, initial: dict[str, str] | None = None,
                    restored: bool = False) -> FormDialog | None:
        entry = self._entry(family_id)
        if entry is None:
            return None

        def check(value: str) -> str | None:
            try:
                parse_date(value)
            except ValueError as exc:
                return str(exc)
            return None

        def submit(values: dict[str, str]) -> None:
            self._record(RetentionReview(
                entry.family_id, self._today(), RetentionDecision.RETAIN, values["reason"].strip(),
                self._reviewer, parse_date(values["retain_until"])))

        return self._open(f"Retain the records of {entry.reference}", RETAIN_FORM, [
            FieldSpec("retain_until", "Retain &until", check, placeholder="DD/MM/YYYY",
                      hint="The next review is due on this date."), REASON],
            submit=submit, initial=initial or {}, entry=entry, restored=restored)

    def open_delete(self, family_id: int | None = None, initial: dict[str, str] | None = None,
                    restored: bool = False) -> FormDialog | None:
        entry = self._entry(family_id)
        if entry is None:
            return None

        def submit(values: dict[str, str]) -> None:
            reason = values["reason"].strip()
            if not reason:
                raise ValidationError("reason", "say why")
            self.confirm_delete(entry, reason)

        return self._open(f"Delete the records of {entry.reference}", DELETE_FORM, [REASON],
                          submit=submit,
                          initial=initial or {"reason": "No indication of further risk"},
                          entry=entry, restored=restored)

    def confirm_delete(self, entry: QueueEntry, reason: str) -> QMessageBox:
        scope = self._programme.deletion_scope(entry.family_id)
        removed, kept = deletion_summary(entry.reference, scope)
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Delete the family's records?")
        box.setAccessibleName("Delete the family's records?")
        box.setText(f"Delete the records of family {entry.reference} permanently?")
        warning = ("This case is still active: close it first unless the records must go "
                   "now. " if scope.active else "")
        box.setInformativeText(f"{warning}{removed}\n\n{kept}")
        delete = box.addButton("Delete &permanently", QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton("&Keep the records", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        review = RetentionReview(entry.family_id, self._today(), RetentionDecision.DELETE,
                                 reason, self._reviewer)
        box.finished.connect(lambda _c: self._delete_answered(
            box, review, box.clickedButton() is delete))
        self.box = box
        self._pending = PendingDeletion(entry.family_id, reason)
        if self._registry is not None:
            self._registry.register_editor(self._pending)
        box.open()
        return box

    def _delete_answered(self, box: QMessageBox, review: RetentionReview,
                         confirmed: bool) -> None:
        if self.box is not box:  # answered already (finished can arrive twice)
            return
        self.box = None
        self._forget_pending()
        if confirmed:
            try:
                self._record(review)
            except UserFacingError as exc:
                show_error(self, exc)

    def _record(self, review: RetentionReview) -> None:
        saved = self._programme.record_review(review)
        self.refresh()
        if saved.decision is RetentionDecision.DELETE:
            self.family_deleted.emit(saved.family_id)
            self.status.setText("The family's records were deleted; the markers were kept. "
                                + self.status.text())
        else:
            self.status.setText(f"Retained until {format_date(saved.retain_until)}. "
                                + self.status.text())

    def _forget_pending(self) -> None:
        pending, self._pending = self._pending, None
        if pending is not None and self._registry is not None:
            self._registry.unregister_editor(pending)

    def clear(self) -> None:
        self._forget_pending()
        super().clear()
