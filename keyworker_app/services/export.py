"""Family reports (case summary, TAF meeting record, TAF preparation pack) on the one export
pipeline (``secure_file.ExportSteps``): this module says how a request is checked against the
policy's handling rules — purpose, recipient, password, meeting — and what is read for it; the
shared steps render it in memory, protect it (AES-256, R6) when a password was given, write it
once atomically and audit it (report, family reference, recipient class, protected or not,
purpose, SHA-256), or remove it again.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Protocol

from keyworker_app.domain.chronology import Significance
from keyworker_app.domain.dates import file_date, local_day
from keyworker_app.domain.disclosure import (
    NO_BASIS,
    DisclosureBasis,
    Provided,
    check_basis,
    needing_consent,
    provided_by_records,
    provided_by_shared,
    purpose_outside,
    require_basis,
    source_partners,
)
from keyworker_app.domain.family import Family
from keyworker_app.domain.handling import (
    Recipient,
    RecipientKind,
    email_domain,
    recipient_audit_text,
    recipient_organisation,
)
from keyworker_app.domain.policy import Policy
from keyworker_app.errors import UserFacingError, ValidationError
from keyworker_app.services.meetings import MeetingService
from keyworker_app.services.secure_file import (
    AuditingSession,
    ExportSteps,
    PreparedFile,
    handling_detail,
    local_now,
    safe_name_part,
)

log = logging.getLogger("keyworker.services.export")


class ReportKind(enum.StrEnum):
    MEETING_RECORD = "meeting-record"
    TAF_PACK = "taf-pack"
    CASE_SUMMARY = "case-summary"
    CHRONOLOGY = "chronology"

    @property
    def label(self) -> str:
        return {"meeting-record": "TAF meeting record",
                "taf-pack": "TAF preparation pack",
                "case-summary": "Case summary",
                "chronology": "Chronology"}[self.value]


class ExportSession(AuditingSession, Protocol):
    """What an export needs from an unlocked store (``CaseSession`` provides it)."""

    def view_family(self, family_id: int) -> Family: ...

    def meetings(self, policy: Policy) -> MeetingService: ...

    def chronology_marks(self, family_id: int) -> tuple[Significance, ...]: ...


@dataclass(frozen=True, slots=True)
class ExportRequest:
    family_id: int
    report: ReportKind
    destination: Path
    recipient: Recipient
    purpose_id: str
    password: str = field(default="", repr=False)  # empty: not protected
    meeting_id: int | None = None
    basis: DisclosureBasis = NO_BASIS  # consent or statute to pass a partner's information on
    replace: bool = False  # the user agreed to replace an existing file


@dataclass(frozen=True, slots=True)
class ExportResult:
    destination: Path
    report: ReportKind
    family_id: int
    family_reference: str
    recipient: RecipientKind
    protected: bool
    purpose_id: str
    sha256: str
    meeting_id: int | None = None
    recipient_detail: str = ""  # domain and organisation, never the local part

    @property
    def object_type(self) -> str:
        return "family"

    @property
    def object_id(self) -> int:
        return self.family_id

    @property
    def log_text(self) -> str:
        return (f"{self.report.value} for family {self.family_id} "
                f"(protected={self.protected})")

    @property
    def audit_detail(self) -> str:
        parts = [f"report={self.report.value}", f"ref={self.family_reference}",
                 handling_detail(self.recipient, self.protected, self.purpose_id)]
        if self.meeting_id is not None:
            parts.append(f"meeting={self.meeting_id}")
        if self.recipient_detail:
            parts.append(self.recipient_detail)
        parts.append(f"sha256={self.sha256}")
        return " ".join(parts)


# A report builder: (family, request, generated-at, today) -> unencrypted PDF bytes.
Builder = Callable[[Family, ExportRequest, datetime, date], bytes]


def suggested_file_name(reference: str, report: ReportKind, day: date) -> str:
    """A name that identifies the report without naming anyone (the reference is an id)."""
    return f"{safe_name_part(reference)}-{report.value}-{file_date(day)}.pdf"


PreparedExport = PreparedFile[ExportResult]


class ExportService(ExportSteps[ExportRequest, ExportResult]):
    def __init__(self, session: ExportSession, policy: Policy,
                 now: Callable[[], datetime] = local_now) -> None:
        super().__init__(session, policy, now)
        self._session = session

    def check(self, request: ExportRequest) -> None:
        """Refuse what the handling rules forbid, before anything is read or built."""
        purposes = self._policy.purposes
        if request.purpose_id not in {p.id for p in purposes}:
            raise ValidationError("Purpose", "choose one of the agreement's purposes: "
                                  + ", ".join(p.id for p in purposes))
        if request.report is ReportKind.MEETING_RECORD and request.meeting_id is None:
            raise ValidationError("Meeting", "choose the meeting the record is for")
        self.check_handling(request)
        self._disclosure(request)

    def _provided(self, request: ExportRequest, family: Family | None) -> list[Provided]:
        """What partners' information the report holds: shared information (TAF pack,
        chronology, the meeting's own for a meeting record) and the family's sourced records
        (case summary, TAF pack, chronology; only once the family is read)."""
        provided: list[Provided] = []
        if request.report in (ReportKind.TAF_PACK, ReportKind.CHRONOLOGY):
            provided += provided_by_shared(
                self._session.meetings(self._policy).shared_items(request.family_id))
        if request.report is ReportKind.MEETING_RECORD and request.meeting_id is not None:
            meetings = self._session.meetings(self._policy)
            if meetings.meeting_family(request.meeting_id) == request.family_id:
                provided += provided_by_shared(meetings.view_meeting(request.meeting_id).shared)
        if family is not None and request.report is not ReportKind.MEETING_RECORD:
            provided += provided_by_records(family)
        return provided

    def _disclosure(self, request: ExportRequest, family: Family | None = None) -> str:
        """ISA §5 for a file holding partners' information going by e-mail: refused unless
        each source is the recipient, a party to its exchange, or a basis is recorded.
        Returns the audit text: the source partners the file holds and the basis."""
        provided = self._provided(request, family)
        sources = source_partners(provided, self._policy)
        text = f"sources={','.join(sources) or 'none'}"
        outside = purpose_outside(provided, request.purpose_id, self._policy)
        if outside:  # used for a purpose its exchange does not list: kept for review
            text += f" outside-purposes={','.join(outside)}"
        if request.recipient.kind not in (RecipientKind.SECURE_EMAIL, RecipientKind.OTHER_EMAIL):
            return text
        check_basis(request.basis, self._policy)
        org = recipient_organisation(request.recipient.address, self._policy.partners)
        needing = needing_consent(provided, org.id if org else None, self._policy)
        require_basis(needing, request.basis, self._policy)
        if needing:
            text += f" further-disclosure={','.join(needing)} {request.basis.audit_text()}"
        return text

    def gather(self, request: ExportRequest, at: datetime) -> PreparedExport:
        family = self._session.view_family(request.family_id)
        builder = self._builder(request)
        assert family.id is not None
        family_id, reference = family.id, family.reference
        disclosure = self._disclosure(request, family)

        def finish(digest: str) -> ExportResult:
            return ExportResult(
                destination=request.destination, report=request.report, family_id=family_id,
                family_reference=reference, recipient=request.recipient.kind,
                protected=bool(request.password), purpose_id=request.purpose_id,
                sha256=digest, meeting_id=request.meeting_id,
                recipient_detail=" ".join(t for t in (
                    recipient_audit_text(request.recipient, self._policy.partners),
                    disclosure) if t))

        return self.prepared(request, lambda: builder(family, request, at, local_day(at)),
                             finish)

    # -- report builders ------------------------------------------------------------------
    def _builder(self, request: ExportRequest) -> Builder:
        """The renderer for the request; store reads the report needs happen here, on the
        caller's thread, so the returned builder touches no store."""
        if request.report is ReportKind.CASE_SUMMARY:
            return self._case_summary_builder(request)
        if request.report is ReportKind.MEETING_RECORD:
            return self._meeting_record_builder(request)
        if request.report is ReportKind.TAF_PACK:
            return self._taf_pack_builder(request)
        if request.report is ReportKind.CHRONOLOGY:
            return self._chronology_builder(request)
        raise UserFacingError(f"The {request.report.label} is not available in this version.",
                              "Export a case summary instead.")

    def _destination_label(self, recipient: Recipient) -> str:
        domain = email_domain(recipient.address)
        if recipient.kind is RecipientKind.SECURE_EMAIL and domain:
            return f"Secure e-mail ({domain})"
        if recipient.kind is RecipientKind.OTHER_EMAIL:
            return "E-mail as a password-protected attachment"
        return recipient.kind.label

    def _shown_policy(self) -> Policy:
        """The policy as the report names partners: a suspended one's name says so (§15)."""
        from keyworker_app.domain.suspension import marked_policy

        suspended = self._session.meetings(self._policy).suspended_partners()
        return marked_policy(self._policy, suspended)

    def _case_summary_builder(self, request: ExportRequest) -> Builder:
        shown = self._shown_policy()
        purpose = self._policy.purpose(request.purpose_id).label
        destination = self._destination_label(request.recipient)

        def build(family: Family, _request: ExportRequest, at: datetime, today: date) -> bytes:
            from keyworker_app.reports import case_summary  # reportlab: on first use

            meta = self.meta(case_summary.TITLE, family.reference, at)
            return case_summary.build(family, meta, today, purpose, destination, policy=shown)

        return build

    def _chronology_builder(self, request: ExportRequest) -> Builder:
        from keyworker_app.domain.chronology import build_chronology

        meetings = self._session.meetings(self._policy)
        held = meetings.meetings_of_family(request.family_id)
        consents = meetings.consents(request.family_id)
        shared = meetings.shared_items(request.family_id)
        marks = self._session.chronology_marks(request.family_id)
        names = {p.id: p.name for p in self._shown_policy().partners}
        purpose = self._policy.purpose(request.purpose_id).label
        destination = self._destination_label(request.recipient)

        def build(family: Family, _request: ExportRequest, at: datetime, _today: date) -> bytes:
            from keyworker_app.reports import chronology  # reportlab: on first use

            entries = build_chronology(family, held, consents, shared, partner_names=names,
                                       marks=marks)
            meta = self.meta(chronology.TITLE, family.reference, at)
            return chronology.build(family, entries, meta, purpose, destination)

        return build

    def _meeting_record_builder(self, request: ExportRequest) -> Builder:
        meetings = self._session.meetings(self._policy)
        if request.meeting_id is None:
            raise ValidationError("Meeting", "choose the meeting the record is for")
        if meetings.meeting_family(request.meeting_id) != request.family_id:
            raise ValidationError("Meeting", f"meeting {request.meeting_id} belongs to another "
                                  "family: choose one of this family's meetings")
        meeting = meetings.view_meeting(request.meeting_id)
        shown = self._shown_policy()
        purpose = self._policy.purpose(request.purpose_id).label
        destination = self._destination_label(request.recipient)

        def build(family: Family, _request: ExportRequest, at: datetime, today: date) -> bytes:
            from keyworker_app.reports import meeting_record  # reportlab: on first use

            meta = self.meta(meeting_record.title_for(meeting), family.reference, at)
            return meeting_record.build(meeting, family, shown, meta, today,
                                        purpose_label=purpose, destination_label=destination)

        return build

    def _taf_pack_builder(self, request: ExportRequest) -> Builder:
        meetings = self._session.meetings(self._policy)
        family_id = request.family_id
        held = meetings.meetings_of_family(family_id)
        plan = meetings.family_plan(family_id)
        shared = meetings.shared_items(family_id)
        shown = self._shown_policy()
        purpose = self._policy.purpose(request.purpose_id).label
        destination = self._destination_label(request.recipient)

        def build(family: Family, _request: ExportRequest, at: datetime, _today: date) -> bytes:
            from keyworker_app.reports import taf_pack  # reportlab: on first use

            meta = self.meta(taf_pack.TITLE, family.reference, at)
            return taf_pack.build(taf_pack.PackRecords(family, held, plan, shared),
                                  shown, meta, at, purpose_label=purpose,
                                  destination_label=destination)

        return build
