"""Exports that are not about one family: the subject-access disclosure, the PbR claim and a
breach record. Built on the one export pipeline (``secure_file.ExportSteps``): the recipient
and password rules of ISA Appendix C, protection (AES-256, R6), one atomic write, the SHA-256,
and the audit event without which the file is removed.

* **Subject access** (ISA §17): everything held about the person a logged request is for. It
  is always password-protected, whoever receives it: it goes to the person themselves, by
  post or e-mail, and is the most complete picture of them the store can give.
* **PbR claim**: qualifying families by reference only, as a marked PDF, and as CSV (safe
  against spreadsheet formula injection; a CSV cannot be encrypted, and it holds no names).
* **Breach record** (ISA §12): for the information-governance officer.

The steps are the one export pipeline's (``secure_file.ExportSteps``): ``prepare`` reads the
store (caller's thread), ``write`` renders and writes (any thread), ``record`` audits (caller's
thread). Audit events carry the report kind, ids, the recipient class, protected or not, the
purpose and the SHA-256 — never a name, an address or a password.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from keyworker_app.domain.dates import file_date, format_date, iso_text, local_day
from keyworker_app.domain.handling import Recipient, RecipientKind
from keyworker_app.domain.progress import NO_PROGRESS, Progress
from keyworker_app.domain.suspension import SUSPENDED_MARK
from keyworker_app.errors import UserFacingError, ValidationError
from keyworker_app.reports.breach_text import breach_reference
from keyworker_app.services.programme import ProgrammeService
from keyworker_app.services.secure_file import (
    AuditingSession,
    ExportSteps,
    PreparedFile,
    generated_at,
    handling_detail,
    local_now,
    safe_name_part,
)

log = logging.getLogger("keyworker.services.programme_exports")


class ProgrammeReport(enum.StrEnum):
    SUBJECT_ACCESS = "subject-access"
    PBR_CLAIM = "pbr-claim"
    BREACH_RECORD = "breach-record"

    @property
    def label(self) -> str:
        return {"subject-access": "Subject access disclosure",
                "pbr-claim": "Payment-by-results claim",
                "breach-record": "Breach record"}[self.value]

    @property
    def purpose(self) -> str:
        """Why it leaves the app: fixed by the kind of report, recorded in the audit."""
        return {"subject-access": "subject-access-request", "pbr-claim": "measure-outcomes",
                "breach-record": "breach-management"}[self.value]

    @property
    def always_protected(self) -> bool:
        return self is ProgrammeReport.SUBJECT_ACCESS


@dataclass(frozen=True, slots=True)
class ProgrammeExportRequest:
    report: ProgrammeReport
    destination: Path
    recipient: Recipient
    password: str = field(default="", repr=False)
    replace: bool = False
    request_id: int | None = None  # subject access: the logged request
    breach_id: int | None = None  # breach record
    as_of: date | None = None  # PbR claim: the reference date (default today)
    file_format: str = "pdf"  # "csv" for the PbR claim as a spreadsheet (never protected)

    @property
    def is_csv(self) -> bool:
        return self.file_format == "csv"


@dataclass(frozen=True, slots=True)
class ProgrammeExportResult:
    destination: Path
    report: ProgrammeReport
    object_type: str
    object_id: str
    recipient: RecipientKind
    protected: bool
    sha256: str
    detail: str
    file_format: str = "pdf"

    @property
    def log_text(self) -> str:
        return (f"{self.report.value} ({self.object_type} {self.object_id}, "
                f"protected={self.protected})")

    @property
    def audit_detail(self) -> str:
        return (f"report={self.report.value} format={self.file_format} {self.detail} "
                f"{handling_detail(self.recipient, self.protected, self.report.purpose)} "
                f"sha256={self.sha256}")


def suggested_name(report: ProgrammeReport, ident: str, day: date, ext: str = "pdf") -> str:
    safe = safe_name_part(ident)
    return f"{report.value}-{safe}-{file_date(day)}.{ext}" if safe else \
        f"{report.value}-{file_date(day)}.{ext}"


PreparedProgrammeExport = PreparedFile[ProgrammeExportResult]


class ProgrammeExportService(ExportSteps[ProgrammeExportRequest, ProgrammeExportResult]):
    def __init__(self, session: AuditingSession, programme: ProgrammeService,
                 now: Callable[[], datetime] = local_now) -> None:
        super().__init__(session, programme.policy, now)
        self._programme = programme

    @property
    def programme(self) -> ProgrammeService:
        return self._programme

    def check(self, request: ProgrammeExportRequest) -> None:
        if request.file_format not in ("pdf", "csv"):
            raise ValidationError("Format", "choose PDF or CSV")
        if request.is_csv and request.report is not ProgrammeReport.PBR_CLAIM:
            raise ValidationError("Format", "only the PbR claim can be saved as CSV")
        if request.is_csv and request.password:
            raise UserFacingError("A CSV file cannot be password-protected.",
                                  "Send it only to a secure address, or export the claim as "
                                  "a PDF with a password.")
        if request.report is ProgrammeReport.SUBJECT_ACCESS and request.request_id is None:
            raise ValidationError("Request", "choose the subject access request")
        if request.report is ProgrammeReport.BREACH_RECORD and request.breach_id is None:
            raise ValidationError("Breach", "choose the breach record")
        self.check_handling(request, always_protect=request.report.always_protected)

    def _partner_name(self, partner_id: str) -> str:
        try:
            return self.policy.partner(partner_id).name
        except KeyError:
            return "Another agency"

    def _file(self, request: ProgrammeExportRequest, object_type: str, object_id: str,
              detail: str, build: Callable[[], bytes]) -> PreparedProgrammeExport:
        """``detail``: the ids and counts for the audit event."""

        def finish(digest: str) -> ProgrammeExportResult:
            return ProgrammeExportResult(request.destination, request.report, object_type,
                                         object_id, request.recipient.kind,
                                         bool(request.password), digest, detail,
                                         request.file_format)

        return self.prepared(request, build, finish, pdf=not request.is_csv)

    def prepare_with(self, request: ProgrammeExportRequest,
                     progress: Progress) -> PreparedProgrammeExport:
        """``prepare``, counting families as the claim reads them (and stoppable there)."""
        self.check(request)
        return self._gather(request, generated_at(self._now()), progress)

    def gather(self, request: ProgrammeExportRequest, at: datetime) -> PreparedProgrammeExport:
        return self._gather(request, at, NO_PROGRESS)

    def _gather(self, request: ProgrammeExportRequest, at: datetime,
                progress: Progress) -> PreparedProgrammeExport:
        # The report modules (reportlab) load inside the builders, on first use.
        rights = self._programme.rights
        label = request.report.label
        if request.report is ProgrammeReport.SUBJECT_ACCESS:
            assert request.request_id is not None
            sar = rights.request(request.request_id)
            if sar.person_id is None:
                raise UserFacingError(
                    f"Request {sar.subject_label} is not linked to a person.",
                    "Find the person and link them to the request first.")
            pack = rights.gather(sar.person_id, sar.id)
            meta = self.meta(label, sar.subject_label, at)
            partner_ids = [p.id for p in self.policy.partners]
            suspended = self.suspended_partners()

            def partner_name(partner_id: str) -> str:
                name = self._partner_name(partner_id)
                return name + SUSPENDED_MARK if partner_id in suspended else name

            # The partners whose information it holds, consulted before release (§17).
            consult = [pid for pid, _kinds in pack.partners_to_consult(partner_ids)]

            def build_sar() -> bytes:
                from keyworker_app.reports import subject_access

                return subject_access.build(pack, meta, sar.subject_label,
                                            received_on=sar.received_on, due_on=sar.due_on,
                                            partner_name=partner_name,
                                            partner_ids=partner_ids)

            return self._file(request, "subject-access-request", str(sar.id),
                              f"request={sar.id} person={sar.person_id} "
                              f"sources={','.join(consult) or 'none'} "
                              f"unknown-sources={pack.unknown_sources()}", build_sar)
        if request.report is ProgrammeReport.BREACH_RECORD:
            assert request.breach_id is not None
            breach = rights.breach(request.breach_id)
            meta = self.meta(label, breach_reference(breach), at)
            policy = self.policy

            def build_breach() -> bytes:
                from keyworker_app.reports import breach_record

                return breach_record.build(breach, policy, meta, at)

            # The IG officer's own account of a breach: it names the partners involved (who
            # are told) but holds none of their records.
            return self._file(request, "breach", str(breach.id),
                              f"breach={breach.id} sources=none", build_breach)
        as_of = request.as_of or local_day(at)
        rows = self._programme.claim(as_of, progress)
        # References and which results were met: no partner's records are in a claim.
        detail = f"as-of={iso_text(as_of)} families={len(rows)} sources=none"
        if request.is_csv:
            marking = self.policy.handling.protective_marking

            def build_csv() -> bytes:
                from keyworker_app.reports import claim_csv

                return claim_csv.claim_csv(rows, marking).encode("utf-8-sig")

            return self._file(request, "pbr-claim", "-", detail, build_csv)
        meta = self.meta(label, f"as of {format_date(as_of)}", at)

        def build_claim() -> bytes:
            from keyworker_app.reports import pbr_claim

            return pbr_claim.build(rows, meta, as_of)

        return self._file(request, "pbr-claim", "-", detail, build_claim)

    def claim_csv(self, destination: Path, recipient: Recipient, as_of: date | None = None, *,
                  replace: bool = False) -> ProgrammeExportResult:
        """The claim as CSV: references only, formula-safe. A CSV cannot be encrypted, so it
        goes through the same write and audit step unprotected (it names nobody) and only to
        a recipient who may receive an unprotected file."""
        return self.export(ProgrammeExportRequest(
            ProgrammeReport.PBR_CLAIM, destination, recipient, replace=replace,
            as_of=as_of or local_day(self._now()), file_format="csv"))
