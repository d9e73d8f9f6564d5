"""Exporting a report: check the handling rules, build in memory, protect, write once, audit.

The steps are separate so the GUI can run the slow middle one off the GUI thread:

* ``prepare`` (store reads, on the caller's thread) checks the request against the policy's
  handling rules — purpose, recipient, password — and reads the records;
* ``write`` (no store access) renders the PDF in memory, encrypts it (AES-256, R6) when a
  password was given, and writes it with one atomic write to the destination — no temp file
  anywhere else, no plaintext copy;
* ``record`` writes the audit event (report, family reference, recipient class, protected or
  not, purpose, SHA-256). If that fails the file is removed: an export nobody can account for
  must not exist.

The password is used for the encryption and dropped: it is never stored, logged, audited or put
into a file name (a destination whose name contains it is refused).
"""

from __future__ import annotations

import contextlib
import enum
import errno
import hashlib
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Protocol

from keyworker_app.domain.audit import Actor, AuditAction
from keyworker_app.domain.family import Family
from keyworker_app.domain.handling import (
    Recipient,
    RecipientKind,
    assess_export_password,
    email_domain,
    password_required,
)
from keyworker_app.domain.policy import Policy
from keyworker_app.errors import DiskFullError, UserFacingError, ValidationError
from keyworker_app.reports import case_summary
from keyworker_app.reports.page import ReportMeta
from keyworker_app.reports.protect import protect_pdf
from keyworker_app.security.atomic import atomic_write_bytes

log = logging.getLogger("keyworker.services.export")


class ReportKind(enum.StrEnum):
    MEETING_RECORD = "meeting-record"
    TAF_PACK = "taf-pack"
    CASE_SUMMARY = "case-summary"

    @property
    def label(self) -> str:
        return {"meeting-record": "TAF meeting record",
                "taf-pack": "TAF preparation pack",
                "case-summary": "Case summary"}[self.value]


class ExportSession(Protocol):
    """What an export needs from an unlocked store (``CaseSession`` provides it)."""

    @property
    def actor(self) -> Actor: ...

    def view_family(self, family_id: int) -> Family: ...

    def record(self, action: AuditAction, object_type: str, object_id: str | int,
               detail: str = "") -> None: ...


@dataclass(frozen=True, slots=True)
class ExportRequest:
    family_id: int
    report: ReportKind
    destination: Path
    recipient: Recipient
    purpose_id: str
    password: str = field(default="", repr=False)  # empty: not protected
    meeting_id: int | None = None
    replace: bool = False  # the user agreed to replace an existing file


@dataclass(frozen=True, slots=True)
class PreparedExport:
    """A checked request with the records it reports on; safe to hand to another thread."""

    request: ExportRequest
    family: Family
    build: Callable[[], bytes] = field(repr=False)


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

    @property
    def audit_detail(self) -> str:
        parts = [f"report={self.report.value}", f"ref={self.family_reference}",
                 f"recipient={self.recipient.value}",
                 f"protected={'yes' if self.protected else 'no'}",
                 f"purpose={self.purpose_id}"]
        if self.meeting_id is not None:
            parts.append(f"meeting={self.meeting_id}")
        parts.append(f"sha256={self.sha256}")
        return " ".join(parts)


# A report builder: (family, request, generated-at, today) -> unencrypted PDF bytes.
Builder = Callable[[Family, ExportRequest, datetime, date], bytes]


def suggested_file_name(reference: str, report: ReportKind, day: date) -> str:
    """A name that identifies the report without naming anyone (the reference is an id)."""
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in reference)
    return f"{safe}-{report.value}-{day:%Y-%m-%d}.pdf"


def _local_now() -> datetime:
    return datetime.now(UTC).astimezone()


class ExportService:
    def __init__(self, session: ExportSession, policy: Policy,
                 now: Callable[[], datetime] = _local_now) -> None:
        self._session = session
        self._policy = policy
        self._now = now

    @property
    def policy(self) -> Policy:
        return self._policy

    # -- rules ----------------------------------------------------------------------------
    def recipient_for(self, address: str) -> Recipient:
        return Recipient.email(address, self._policy.handling.secure_email_suffixes)

    def check_password(self, password: str) -> None:
        strength = assess_export_password(password, self._policy.handling.export_password)
        if not strength.acceptable:
            raise ValidationError("Password", strength.problem)

    def check(self, request: ExportRequest) -> None:
        """Refuse what the handling rules forbid, before anything is read or built."""
        purposes = self._policy.purposes
        if request.purpose_id not in {p.id for p in purposes}:
            raise ValidationError("Purpose", "choose one of the agreement's purposes: "
                                  + ", ".join(p.id for p in purposes))
        recipient = request.recipient
        if recipient.kind in (RecipientKind.SECURE_EMAIL, RecipientKind.OTHER_EMAIL) and (
                email_domain(recipient.address) is None):
            raise ValidationError("Recipient", "give one e-mail address such as "
                                  "name@force.pnn.police.uk (no names, spaces or lists)")
        if not request.password and password_required(recipient.kind):
            domain = email_domain(recipient.address) or "that address"
            raise UserFacingError(
                f"An unprotected report cannot go to {domain}: it is not a secure e-mail "
                "address (" + ", ".join(self._policy.handling.secure_email_suffixes) + ").",
                "Set a password to protect the file and send the password by another route "
                "(for example by telephone), or send it to a secure address.")
        if request.password:
            self.check_password(request.password)
            if request.password in request.destination.name:
                raise ValidationError("File name", "must not contain the password")
        if request.report is ReportKind.MEETING_RECORD and request.meeting_id is None:
            raise ValidationError("Meeting", "choose the meeting the record is for")
        self._check_destination(request.destination, request.replace)

    @staticmethod
    def _check_destination(path: Path, replace: bool) -> None:
        folder = path.parent
        if not folder.is_dir():
            raise UserFacingError(f"The folder {folder} does not exist.",
                                  "Choose an existing folder for the report.")
        if path.is_dir():
            raise ValidationError("File name", f"{path.name} is a folder; give a file name")
        if path.exists() and not replace:
            raise UserFacingError(f"A file named {path.name} already exists in {folder}.",
                                  "Choose another name, or agree to replace it (--force).")
        if not os.access(folder, os.W_OK | os.X_OK):
            raise UserFacingError(f"Keyworker cannot write to the folder {folder}.",
                                  "Choose a folder you can save files in.")

    # -- steps ----------------------------------------------------------------------------
    def prepare(self, request: ExportRequest) -> PreparedExport:
        self.check(request)
        family = self._session.view_family(request.family_id)
        builder = self._builder(request)
        now = self._now()
        generated_at = now.astimezone() if now.tzinfo else now

        def build() -> bytes:
            return builder(family, request, generated_at, generated_at.date())

        return PreparedExport(request, family, build)

    def write(self, prepared: PreparedExport) -> ExportResult:
        """Render, protect and write once. Touches no store: may run on any thread."""
        request = prepared.request
        data = prepared.build()
        if request.password:
            data = protect_pdf(data, request.password)
        try:
            atomic_write_bytes(request.destination, data, overwrite=request.replace)
        except FileExistsError:
            raise UserFacingError(
                f"A file named {request.destination.name} appeared while the report was being "
                "made.", "Nothing was replaced. Choose another name and export again.") from None
        except DiskFullError:
            raise UserFacingError("The disk is full, so the report was not saved.",
                                  "Free some space or choose another drive; no partial file "
                                  "was left behind.") from None
        except OSError as exc:
            reason = "permission denied" if exc.errno in (errno.EACCES, errno.EPERM) else (
                exc.strerror or type(exc).__name__)
            raise UserFacingError(
                f"The report could not be saved in {request.destination.parent} ({reason}).",
                "Choose another folder; no partial file was left behind.") from None
        assert prepared.family.id is not None
        return ExportResult(
            destination=request.destination, report=request.report,
            family_id=prepared.family.id, family_reference=prepared.family.reference,
            recipient=request.recipient.kind, protected=bool(request.password),
            purpose_id=request.purpose_id, sha256=hashlib.sha256(data).hexdigest(),
            meeting_id=request.meeting_id)

    def record(self, result: ExportResult) -> None:
        """The audit event; without it the exported file is removed again."""
        try:
            self._session.record(AuditAction.EXPORT, "family", result.family_id,
                                 result.audit_detail)
        except BaseException:
            with contextlib.suppress(OSError):
                result.destination.unlink()
            log.warning("export of family %d not audited; file removed", result.family_id)
            raise
        log.info("exported %s for family %d (protected=%s)", result.report.value,
                 result.family_id, result.protected)

    def export(self, request: ExportRequest) -> ExportResult:
        result = self.write(self.prepare(request))
        self.record(result)
        return result

    # -- report builders ------------------------------------------------------------------
    def _builder(self, request: ExportRequest) -> Builder:
        if request.report is ReportKind.CASE_SUMMARY:
            return self._case_summary
        raise UserFacingError(f"The {request.report.label} is not available in this version.",
                              "Export a case summary instead.")

    def _meta(self, title: str, reference: str, generated_at: datetime) -> ReportMeta:
        actor = self._session.actor
        handling = self._policy.handling
        return ReportMeta(title=title, subject=reference, marking=handling.protective_marking,
                          handling_line=handling.handling_line,
                          generated_by=f"{actor.name} ({actor.role.label}), "
                          f"{actor.organisation}",
                          generated_at=generated_at)

    def _destination_label(self, recipient: Recipient) -> str:
        domain = email_domain(recipient.address)
        if recipient.kind is RecipientKind.SECURE_EMAIL and domain:
            return f"Secure e-mail ({domain})"
        if recipient.kind is RecipientKind.OTHER_EMAIL:
            return "E-mail as a password-protected attachment"
        return recipient.kind.label

    def _case_summary(self, family: Family, request: ExportRequest, at: datetime,
                      today: date) -> bytes:
        meta = self._meta(case_summary.TITLE, family.reference, at)
        return case_summary.build(family, meta, today,
                                  self._policy.purpose(request.purpose_id).label,
                                  self._destination_label(request.recipient))
