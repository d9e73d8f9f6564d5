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
from keyworker_app.reports import case_summary, meeting_record, taf_pack
from keyworker_app.reports.page import ReportMeta
from keyworker_app.reports.protect import protect_pdf
from keyworker_app.security.atomic import atomic_write_bytes
from keyworker_app.services.meetings import MeetingService

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

    def meetings(self, policy: Policy) -> MeetingService: ...

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


class SecureFileWriter:
    """The step every export shares, whatever it reports on: the recipient and password
    rules (Appendix C), then protect if a password was given (AES-256, R6), one atomic
    write, the SHA-256 of what was written, and the audit event — without which the file is
    removed again. ``ExportService`` (family reports) and ``services.programme_exports``
    (subject access, PbR claim, breach record) both use it."""

    def __init__(self, policy: Policy) -> None:
        self._policy = policy

    def check_password(self, password: str) -> None:
        strength = assess_export_password(password, self._policy.handling.export_password)
        if not strength.acceptable:
            raise ValidationError("Password", strength.problem)

    def check_recipient(self, recipient: Recipient, password: str, destination: Path, *,
                        always_protect: bool = False) -> None:
        """Refuse a malformed address, an unprotected file where the rules need a password
        (``always_protect``: the report itself needs one, whoever receives it), a weak
        password, or a file name that contains the password."""
        if recipient.kind in (RecipientKind.SECURE_EMAIL, RecipientKind.OTHER_EMAIL) and (
                email_domain(recipient.address) is None):
            raise ValidationError("Recipient", "give one e-mail address such as "
                                  "name@force.pnn.police.uk (no names, spaces or lists)")
        if not password and always_protect:
            raise UserFacingError("This report must be password-protected, whoever receives "
                                  "it.", "Set a password and send it by another route (for "
                                  "example by telephone).")
        if not password and password_required(recipient.kind):
            domain = email_domain(recipient.address) or "that address"
            raise UserFacingError(
                f"An unprotected report cannot go to {domain}: it is not a secure e-mail "
                "address (" + ", ".join(self._policy.handling.secure_email_suffixes) + ").",
                "Set a password to protect the file and send the password by another route "
                "(for example by telephone), or send it to a secure address.")
        if password:
            self.check_password(password)
            if password in destination.name:
                raise ValidationError("File name", "must not contain the password")

    @staticmethod
    def check_destination(path: Path, replace: bool) -> None:
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

    @staticmethod
    def write(data: bytes, destination: Path, password: str, *, replace: bool,
              pdf: bool = True) -> str:
        """Protect (a PDF, when a password is given), write once atomically, return the
        SHA-256 of the bytes written. Touches no store: may run on any thread."""
        if password and pdf:
            data = protect_pdf(data, password)
        try:
            atomic_write_bytes(destination, data, overwrite=replace)
        except FileExistsError:
            raise UserFacingError(
                f"A file named {destination.name} appeared while the report was being "
                "made.", "Nothing was replaced. Choose another name and export again.") from None
        except DiskFullError:
            raise UserFacingError("The disk is full, so the report was not saved.",
                                  "Free some space or choose another drive; no partial file "
                                  "was left behind.") from None
        except OSError as exc:
            reason = "permission denied" if exc.errno in (errno.EACCES, errno.EPERM) else (
                exc.strerror or type(exc).__name__)
            raise UserFacingError(
                f"The report could not be saved in {destination.parent} ({reason}).",
                "Choose another folder; no partial file was left behind.") from None
        return hashlib.sha256(data).hexdigest()

    @staticmethod
    def record_or_remove(destination: Path, record: Callable[[], None], what: str) -> None:
        """Write the audit event; if that fails remove the file: an export nobody can account
        for must not exist. ``what`` is an id for the log (never a name)."""
        try:
            record()
        except BaseException:
            with contextlib.suppress(OSError):
                destination.unlink()
            log.warning("export of %s not audited; file removed", what)
            raise


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
        SecureFileWriter(self._policy).check_password(password)

    def check(self, request: ExportRequest) -> None:
        """Refuse what the handling rules forbid, before anything is read or built."""
        purposes = self._policy.purposes
        if request.purpose_id not in {p.id for p in purposes}:
            raise ValidationError("Purpose", "choose one of the agreement's purposes: "
                                  + ", ".join(p.id for p in purposes))
        writer = SecureFileWriter(self._policy)
        writer.check_recipient(request.recipient, request.password, request.destination)
        if request.report is ReportKind.MEETING_RECORD and request.meeting_id is None:
            raise ValidationError("Meeting", "choose the meeting the record is for")
        writer.check_destination(request.destination, request.replace)

    @staticmethod
    def _check_destination(path: Path, replace: bool) -> None:
        SecureFileWriter.check_destination(path, replace)

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
        digest = SecureFileWriter.write(prepared.build(), request.destination,
                                        request.password, replace=request.replace)
        assert prepared.family.id is not None
        return ExportResult(
            destination=request.destination, report=request.report,
            family_id=prepared.family.id, family_reference=prepared.family.reference,
            recipient=request.recipient.kind, protected=bool(request.password),
            purpose_id=request.purpose_id, sha256=digest, meeting_id=request.meeting_id)

    def record(self, result: ExportResult) -> None:
        """The audit event; without it the exported file is removed again."""
        SecureFileWriter.record_or_remove(
            result.destination,
            lambda: self._session.record(AuditAction.EXPORT, "family", result.family_id,
                                         result.audit_detail),
            f"family {result.family_id}")
        log.info("exported %s for family %d (protected=%s)", result.report.value,
                 result.family_id, result.protected)

    def export(self, request: ExportRequest) -> ExportResult:
        result = self.write(self.prepare(request))
        self.record(result)
        return result

    # -- report builders ------------------------------------------------------------------
    def _builder(self, request: ExportRequest) -> Builder:
        """The renderer for the request; store reads the report needs happen here, on the
        caller's thread, so the returned builder touches no store."""
        if request.report is ReportKind.CASE_SUMMARY:
            return self._case_summary
        if request.report is ReportKind.MEETING_RECORD:
            return self._meeting_record_builder(request)
        if request.report is ReportKind.TAF_PACK:
            return self._taf_pack_builder(request)
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

    def _meeting_record_builder(self, request: ExportRequest) -> Builder:
        meetings = self._session.meetings(self._policy)
        if request.meeting_id is None:
            raise ValidationError("Meeting", "choose the meeting the record is for")
        if meetings.meeting_family(request.meeting_id) != request.family_id:
            raise ValidationError("Meeting", f"meeting {request.meeting_id} belongs to another "
                                  "family: choose one of this family's meetings")
        meeting = meetings.view_meeting(request.meeting_id)
        purpose = self._policy.purpose(request.purpose_id).label
        destination = self._destination_label(request.recipient)

        def build(family: Family, _request: ExportRequest, at: datetime, today: date) -> bytes:
            meta = self._meta(meeting_record.title_for(meeting), family.reference, at)
            return meeting_record.build(meeting, family, self._policy, meta, today,
                                        purpose_label=purpose, destination_label=destination)

        return build

    def _taf_pack_builder(self, request: ExportRequest) -> Builder:
        meetings = self._session.meetings(self._policy)
        family_id = request.family_id
        held = meetings.meetings_of_family(family_id)
        plan = meetings.family_plan(family_id)
        shared = meetings.shared_items(family_id)
        purpose = self._policy.purpose(request.purpose_id).label
        destination = self._destination_label(request.recipient)

        def build(family: Family, _request: ExportRequest, at: datetime, _today: date) -> bytes:
            meta = self._meta(taf_pack.TITLE, family.reference, at)
            return taf_pack.build(taf_pack.PackRecords(family, held, plan, shared),
                                  self._policy, meta, at, purpose_label=purpose,
                                  destination_label=destination)

        return build
