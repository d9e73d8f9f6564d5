"""Every form whose typing a lock keeps, in one table: from the form's kind to how its draft is
written (the payload version), read back (through ``domain.drafts`` and
``domain.meeting_draft``) and reopened after unlock.

Reopening never raises and never loses anything: a draft that does not fit its form, or whose
record is no longer there, is reported back with a plain reason so that the main window keeps
it and offers what was typed as text (``gui.kept_drafts``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from keyworker_app.domain import meeting_draft
from keyworker_app.domain.draft import Draft
from keyworker_app.domain.draft_payload import (
    LEGACY_VERSION,
    DraftPayload,
    DraftUnreadable,
    decode,
    encode,
    family_of,
    form_values,
    is_kept,
    key_id,
    key_part,
    require_version,
    shaped,
)
from keyworker_app.errors import UserFacingError
from keyworker_app.gui import breach_view, record_search, retention_view, subject_access_view
from keyworker_app.gui import family_forms as forms
from keyworker_app.gui import new_family_values as new_family
from keyworker_app.gui import taf_forms as tf
from keyworker_app.gui.chronology_page import SIGNIFICANCE_FORM, parse_event
from keyworker_app.gui.export_dialog import EXPORT_FORM, ExportDialog
from keyworker_app.gui.handover_dialogs import HANDOVER_FORM, SendDialog
from keyworker_app.gui.indicator_editing import KINDS as INDICATOR_KINDS
from keyworker_app.gui.note_viewer import AMEND_FORM
from keyworker_app.gui.partner_dialogs import IMPORT_FORM as PARTNER_IMPORT_FORM
from keyworker_app.gui.programme_export_dialog import EXPORT_FORMS
from keyworker_app.gui.secure_export_base import SecureExportDialog
from keyworker_app.gui.source_completion_form import FORM as SOURCES_FORM
from keyworker_app.gui.suspension_view import RECORD_FORM as SUSPENSION_FORM
from keyworker_app.gui.suspension_view import SuspensionView
from keyworker_app.services.programme_exports import ProgrammeReport

if TYPE_CHECKING:
    from keyworker_app.gui.breach_view import BreachView
    from keyworker_app.gui.family_view import FamilyView
    from keyworker_app.gui.retention_view import RetentionQueueView
    from keyworker_app.gui.subject_access_view import SubjectAccessView

log = logging.getLogger("keyworker.gui.draft_kinds")

FORM_VERSION = 1  # {field key: text as typed}; version 0 drafts have the same shape, bare
GONE = "The record it was typed for is no longer there."
NO_FORM = "This version of the app has no such form."
FAILED = "The form could not be opened again."


class DraftHost(Protocol):
    """Where drafts reopen: implemented by the main window."""

    def open_family(self, family_id: int) -> FamilyView | None: ...

    def show_retention(self) -> RetentionQueueView | None: ...

    def show_subject_access(self) -> SubjectAccessView | None: ...

    def show_breaches(self) -> BreachView | None: ...

    def show_suspensions(self) -> object | None: ...

    def show_partner_data(self) -> object | None: ...

    def export_claim(self, file_format: str = "pdf",
                     draft: dict[str, Any] | None = None) -> object | None: ...

    def send_bundle(self, kind: str, draft: dict[str, Any] | None = None) -> object | None: ...

    def new_family(self, initial: dict[str, str] | None = None,
                   restored: bool = False) -> object | None: ...

    def search_records(self, initial: str = "") -> object | None: ...


# Reopens the form from the decoded draft: the dialog shown, or None when its record is gone.
Reopen = Callable[[DraftHost, str, Any], object | None]


def decode_form(payload: DraftPayload) -> dict[str, str]:
    require_version(payload, LEGACY_VERSION, FORM_VERSION)
    return form_values(payload.data)


def decode_breach(payload: DraftPayload) -> dict[str, Any]:
    require_version(payload, LEGACY_VERSION, FORM_VERSION, breach_view.DRAFT_VERSION)
    return shaped(payload.data, breach_view.DRAFT_FIELDS)


def decode_export(payload: DraftPayload) -> dict[str, Any]:
    require_version(payload, FORM_VERSION)
    return shaped(payload.data, SecureExportDialog.DRAFT_FIELDS)


def decode_handover(payload: DraftPayload) -> dict[str, Any]:
    require_version(payload, FORM_VERSION)
    return shaped(payload.data, SendDialog.DRAFT_FIELDS)


def _handover(host: DraftHost, record_key: str, data: dict[str, Any]) -> object | None:
    kind = key_part(record_key, "handover")
    if kind not in ("transfer", "copy"):
        raise DraftUnreadable("It does not say whether it was a hand-over or a copy.")
    return host.send_bundle(kind, data)


def decode_family_export(payload: DraftPayload) -> dict[str, Any]:
    require_version(payload, FORM_VERSION)
    return shaped(payload.data, ExportDialog.DRAFT_FIELDS)


@dataclass(frozen=True, slots=True)
class DraftKind:
    form: str
    title: str  # how the list of kept work names it: "Case note"
    reopen: Reopen
    version: int = FORM_VERSION
    decode: Callable[[DraftPayload], Any] = decode_form


def _required_id(record_key: str, part: str) -> int:
    found = key_id(record_key, part)
    if found is None:
        raise DraftUnreadable("It does not say which record it belongs to.")
    return found


def _in_family(reopen: Callable[[FamilyView, str, Any], object | None]) -> Reopen:
    def run(host: DraftHost, record_key: str, data: Any) -> object | None:
        view = host.open_family(family_of(record_key))
        return None if view is None else reopen(view, record_key, data)
    return run


def _significance(view: FamilyView, record_key: str, values: Any) -> object | None:
    key = parse_event(key_part(record_key, "event"))
    if key is None:
        raise DraftUnreadable("It does not say which event it belongs to.")
    return view.open_significance_dialog(key, values, restored=True)


def _in_taf(reopen: Callable[[Any, str, Any], object | None]) -> Reopen:
    """A form of the family record's TAF tabs (they exist only when a policy is in force)."""
    return _in_family(lambda view, key, data: None if view.taf is None
                      else reopen(view.taf, key, data))


def _person(view: FamilyView, key: str, values: dict[str, str]) -> object | None:
    ref = key_part(key, "person")
    if ref is None:
        raise DraftUnreadable("It does not say which member it belongs to.")
    if ref != "new" and ref not in {p.ref for p in view.family.members}:
        return None
    return view.open_person_dialog(None if ref == "new" else ref, values, restored=True)


def _indicator_kinds() -> list[DraftKind]:
    def reopen(key: str, form: str) -> Reopen:
        return _in_family(lambda view, record_key, values: view.editing.open(
            key, key_id(record_key, form), values, restored=True))
    return [DraftKind(kind.form, kind.noun.capitalize(), reopen(key, kind.form))
            for key, kind in INDICATOR_KINDS.items()]


def _retention(opener: str) -> Reopen:
    def run(host: DraftHost, record_key: str, values: dict[str, str]) -> object | None:
        page = host.show_retention()
        family_id = family_of(record_key)
        if page is None:
            return None
        opened: object | None = getattr(page, opener)(family_id, values, restored=True)
        return opened
    return run


def _subject_access(opener: str) -> Reopen:
    def run(host: DraftHost, record_key: str, values: dict[str, str]) -> object | None:
        page = host.show_subject_access()
        if page is None:
            return None
        if opener == "open_new":
            return page.open_new(values, restored=True)
        request_id = _required_id(record_key, "subject-access")
        opened: object | None = getattr(page, opener)(request_id, values, restored=True)
        return opened
    return run


def _claim(host: DraftHost, record_key: str, data: dict[str, Any]) -> object | None:
    file_format = key_part(record_key, "claim")
    if file_format not in ("pdf", "csv"):
        raise DraftUnreadable("It does not say which claim file it was for.")
    return host.export_claim(file_format, data)


def _programme_export(show: Callable[[DraftHost], Any], part: str) -> Reopen:
    def run(host: DraftHost, record_key: str, data: dict[str, Any]) -> object | None:
        page = show(host)
        if page is None:
            return None
        opened: object | None = page.open_export(_required_id(record_key, part), data)
        return opened
    return run


def _suspension(host: DraftHost, record_key: str, values: dict[str, str]) -> object | None:
    del record_key  # one form for the whole store
    page = host.show_suspensions()
    return page.open_record(values, restored=True) if isinstance(page, SuspensionView) else None


def _partner_import(host: DraftHost, record_key: str,
                    values: dict[str, str]) -> object | None:
    from keyworker_app.gui.partner_view import PartnerDataView

    exchange_id = record_key.rsplit("/", 1)[-1]
    page = host.show_partner_data()
    return page.open_import(exchange_id, values, restored=True) if isinstance(
        page, PartnerDataView) else None


def _breach(host: DraftHost, record_key: str, data: dict[str, Any]) -> object | None:
    page = host.show_breaches()
    return None if page is None else page.open_saved(key_id(record_key, "breach"), data)


KINDS: tuple[DraftKind, ...] = (
    DraftKind(new_family.FORM, "New family (referral)",
              lambda host, _k, values: host.new_family(values, restored=True)),
    DraftKind(forms.PERSON_FORM, "Family member", _in_family(_person)),
    DraftKind(forms.ADDRESS_FORM, "New address", _in_family(
        lambda view, _k, values: view.open_address_dialog(values, restored=True))),
    DraftKind(forms.NOTE_FORM, "Case note", _in_family(
        lambda view, _k, values: view.open_note_dialog(values, restored=True))),
    DraftKind(forms.DETAILS_FORM, "The family's details", _in_family(
        lambda view, _k, values: view.open_details_dialog(values, restored=True))),
    DraftKind(AMEND_FORM, "Amendment to a case note", _in_family(
        lambda view, key, values: view.open_amend_dialog(_required_id(key, "note"), values,
                                                         restored=True))),
    DraftKind(SIGNIFICANCE_FORM, "Significant event in the chronology",
              _in_family(_significance)),
    DraftKind(SOURCES_FORM, "Sources of records", _in_family(
        lambda view, _k, values: view.open_sources_dialog(values, restored=True))),
    DraftKind(forms.CLOSE_FORM, "Closing the family's case", _in_family(
        lambda view, _k, values: view.open_close_dialog(values, restored=True))),
    *_indicator_kinds(),
    DraftKind(tf.MEETING_FORM, "TAF meeting record", _in_taf(
        lambda taf, key, draft: taf.open_meeting(key_id(key, "meeting"), draft=draft)),
        version=meeting_draft.VERSION, decode=meeting_draft.decode_draft),
    DraftKind(tf.CONSENT_FORM, "Consent decision", _in_taf(
        lambda taf, _k, values: taf.open_consent_dialog(values, restored=True))),
    DraftKind(tf.SHARED_FORM, "Information shared", _in_taf(
        lambda taf, _k, values: taf.open_shared_dialog(values, restored=True))),
    DraftKind(tf.ACTION_UPDATE_FORM, "Update to a family plan action", _in_taf(
        lambda taf, key, values: taf.open_action_update(_required_id(key, "action"), values,
                                                        restored=True))),
    DraftKind(retention_view.RETAIN_FORM, "Retention decision (retain)",
              _retention("open_retain")),
    DraftKind(retention_view.DELETE_FORM, "Retention decision (delete)",
              _retention("open_delete")),
    DraftKind(subject_access_view.NEW_FORM, "New subject access request",
              _subject_access("open_new")),
    DraftKind(subject_access_view.EXTEND_FORM, "Extending a subject access request",
              _subject_access("open_extend")),
    DraftKind(subject_access_view.COMPLETE_FORM, "Completing a subject access request",
              _subject_access("open_complete")),
    DraftKind(subject_access_view.FIND_FORM, "Finding the person for a subject access request",
              _subject_access("open_find")),
    DraftKind(SUSPENSION_FORM, "Suspension of the agreement", _suspension),
    DraftKind(record_search.FORM, "Search of the records",
              lambda host, _k, values: host.search_records(values.get("query", ""))),
    DraftKind(PARTNER_IMPORT_FORM, "Partner file import", _partner_import),
    DraftKind(breach_view.BREACH_FORM, "Breach record", _breach,
              version=breach_view.DRAFT_VERSION, decode=decode_breach),
    DraftKind(EXPORT_FORM, "Exporting a family report", _in_family(
        lambda view, _k, data: view.open_export_dialog(draft=data)),
        decode=decode_family_export),
    DraftKind(EXPORT_FORMS[ProgrammeReport.SUBJECT_ACCESS], "Exporting a subject-access "
              "disclosure", _programme_export(lambda h: h.show_subject_access(),
                                             "subject-access"), decode=decode_export),
    DraftKind(EXPORT_FORMS[ProgrammeReport.BREACH_RECORD], "Exporting a breach record",
              _programme_export(lambda h: h.show_breaches(), "breach"), decode=decode_export),
    DraftKind(EXPORT_FORMS[ProgrammeReport.PBR_CLAIM], "Exporting the PbR claim", _claim,
              decode=decode_export),
    DraftKind(HANDOVER_FORM, "Sending a bundle to a colleague", _handover,
              decode=decode_handover),
)


class DraftKinds:
    """The table above, looked up by form. Built once by the main window."""

    def __init__(self, kinds: Iterable[DraftKind] = KINDS) -> None:
        self._kinds: dict[str, DraftKind] = {}
        for kind in kinds:
            if kind.form in self._kinds:
                raise ValueError(f"two draft kinds for form {kind.form}")
            self._kinds[kind.form] = kind

    def forms(self) -> frozenset[str]:
        return frozenset(self._kinds)

    def encode(self, form: str, data: dict[str, Any]) -> dict[str, Any]:
        """What the lock stores for ``form``: ``data`` with the form's payload version. A form
        not in the table is still kept (version 0), to be offered as text."""
        kind = self._kinds.get(form)
        return encode(kind.version if kind else LEGACY_VERSION, data)

    def title(self, draft: Draft) -> str:
        kind = self._kinds.get(draft.form)
        return kind.title if kind else "Unsaved work"

    @staticmethod
    def is_kept(draft: Draft) -> bool:
        return is_kept(draft.record_key)

    def _decoded(self, draft: Draft) -> tuple[DraftKind, Any]:
        kind = self._kinds.get(draft.form)
        if kind is None:
            raise DraftUnreadable(NO_FORM)
        return kind, kind.decode(decode(draft.payload))

    def problem(self, draft: Draft) -> str | None:
        """Why ``draft`` cannot reopen its form, or None when it can be tried."""
        try:
            self._decoded(draft)
        except DraftUnreadable as exc:
            return str(exc)
        return GONE if self.is_kept(draft) else None

    def reopen(self, host: DraftHost, draft: Draft) -> str | None:
        """Reopen ``draft``'s form as it was typed. None when it is open again, else why not
        (the draft itself is untouched either way)."""
        if self.is_kept(draft):
            return self.problem(draft)
        try:
            kind, data = self._decoded(draft)
            opened = kind.reopen(host, draft.record_key, data)
        except DraftUnreadable as exc:
            return str(exc)
        except UserFacingError as exc:
            return exc.message
        except Exception as exc:  # a draft must never stop the unlock; no data in the log
            log.error("draft %d (%s) did not reopen: %s", draft.id, draft.form,
                      type(exc).__name__)
            return FAILED
        if opened is None:
            log.info("draft %d (%s): its record is no longer there", draft.id, draft.form)
            return GONE
        return None
