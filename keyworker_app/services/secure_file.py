"""The one export pipeline, whatever a report is about: the recipient and password rules
(ISA Appendix C), protection (AES-256, R6), one atomic write, the SHA-256, and the audit event
without which the file is removed — and the pieces of a report and its audit record that do not
depend on what the report is about. ``services.export`` (family reports) and
``services.programme_exports`` (subject access, PbR claim, breach record) are ``ExportSteps``
that say only how a request is checked and what is read and built for it.

The steps are separate so the GUI can run the slow middle one off the GUI thread:

* ``prepare`` (store reads, caller's thread) checks the request and reads the records;
* ``write`` (no store access, any thread) renders the file in memory, protects it when a
  password was given, and writes it once, atomically — no temp file, no plaintext copy;
* ``record`` (caller's thread) writes the audit event; if that fails the file is removed.

Report code (reportlab, pikepdf) loads inside ``write`` on first use, never at start-up. The
password is used for the encryption and dropped: never stored, logged, audited or put into a
file name (a destination whose name contains it is refused).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Generic, Protocol, TypeVar

from keyworker_app.domain.audit import Actor, AuditAction
from keyworker_app.domain.dates import to_local
from keyworker_app.domain.handling import (
    Recipient,
    RecipientKind,
    assess_export_password,
    email_domain,
    password_required,
)
from keyworker_app.domain.policy import Policy
from keyworker_app.errors import DiskFullError, UserFacingError, ValidationError
from keyworker_app.reports.meta import ReportMeta
from keyworker_app.security.atomic import atomic_write_bytes

log = logging.getLogger("keyworker.services.export")


class AuditingSession(Protocol):
    """What every export needs from an unlocked store: who is exporting, and the audit."""

    @property
    def actor(self) -> Actor: ...

    def record(self, action: AuditAction, object_type: str, object_id: str | int,
               detail: str = "") -> None: ...


def local_now() -> datetime:
    return to_local(datetime.now(UTC))


def generated_at(now: datetime) -> datetime:
    """The time a report is stamped with, in local time (a naive time already is)."""
    return to_local(now)


def safe_name_part(text: str) -> str:
    """``text`` (a reference or an id, never a name) fit for a file name."""
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in text)


def report_meta(actor: Actor, policy: Policy, title: str, subject: str,
                at: datetime) -> ReportMeta:
    """The marking, handling line and author every exported page carries."""
    handling = policy.handling
    return ReportMeta(title=title, subject=subject, marking=handling.protective_marking,
                      handling_line=handling.handling_line,
                      generated_by=f"{actor.name} ({actor.role.label}), {actor.organisation}",
                      generated_at=at)


def handling_detail(recipient: RecipientKind, protected: bool, purpose: str) -> str:
    """The audit fields every export records: recipient class, protected or not, purpose.
    A printed copy or one saved for a meeting leaves the secure routes whatever its password
    (ISA Appendix C): it is recorded as an unprotected copy, never as secure."""
    copy = " copy=unprotected" if recipient in (RecipientKind.PRINT, RecipientKind.MEETING) \
        else ""
    return (f"recipient={recipient.value} protected={'yes' if protected else 'no'} "
            f"purpose={purpose}{copy}")


def policy_detail(policy: Policy) -> str:
    """The policy in force, as every export's audit names it: name, version and file hash."""
    def quoted(text: str) -> str:
        return '"' + " ".join(text.split()).replace('"', "'") + '"'
    return (f"policy={quoted(policy.name)} policy-version={quoted(policy.version)} "
            f"policy-sha256={policy.file_sha256 or 'unknown'}")


class SecureFileWriter:
    """The step every export shares, whatever it reports on: the recipient and password
    rules (Appendix C), then protect if a password was given (AES-256, R6), one atomic
    write, the SHA-256 of what was written, and the audit event — without which the file is
    removed again. ``ExportService`` (family reports) and ``services.programme_exports``
    (subject access, PbR claim, breach record) both use it."""

    def __init__(self, policy: Policy) -> None:
        self._policy = policy

    def recipient_for(self, address: str) -> Recipient:
        return Recipient.email(address, self._policy.handling.secure_email_suffixes)

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
            from keyworker_app.reports.protect import protect_pdf  # pikepdf: on first use

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

    @classmethod
    def audit(cls, session: AuditingSession, destination: Path, object_type: str,
              object_id: str | int, detail: str) -> None:
        """The export's audit event, or the file is removed (``record_or_remove``)."""
        cls.record_or_remove(
            destination,
            lambda: session.record(AuditAction.EXPORT, object_type, object_id, detail),
            f"{object_type} {object_id}")


class FileRequest(Protocol):
    """What every export request says about where the file goes."""

    @property
    def destination(self) -> Path: ...

    @property
    def recipient(self) -> Recipient: ...

    @property
    def password(self) -> str: ...

    @property
    def replace(self) -> bool: ...


class ExportedFile(Protocol):
    """What every export's result tells the audit trail and the log (ids, never names)."""

    @property
    def destination(self) -> Path: ...

    @property
    def object_type(self) -> str: ...

    @property
    def object_id(self) -> str | int: ...

    @property
    def audit_detail(self) -> str: ...

    @property
    def log_text(self) -> str: ...


RequestT = TypeVar("RequestT", bound=FileRequest)
ResultT = TypeVar("ResultT", bound=ExportedFile)


@dataclass(frozen=True, slots=True)
class PreparedFile(Generic[ResultT]):
    """A checked request with the records it reports on; safe to hand to another thread.
    ``build`` renders the unprotected bytes; ``finish`` makes the result from the SHA-256 of
    what was written."""

    destination: Path
    password: str = field(repr=False)
    replace: bool
    build: Callable[[], bytes] = field(repr=False)
    finish: Callable[[str], ResultT] = field(repr=False)
    pdf: bool = True  # False: a CSV, never encrypted


class ExportSteps(Generic[RequestT, ResultT]):
    """check → prepare → write → record, the same for every report. A subclass says how a
    request is checked (``check``) and what is read and built for it (``gather``)."""

    def __init__(self, session: AuditingSession, policy: Policy,
                 now: Callable[[], datetime] = local_now) -> None:
        self._auditing = session
        self._policy = policy
        self._writer = SecureFileWriter(policy)
        self._now = now

    @property
    def policy(self) -> Policy:
        return self._policy

    @property
    def actor(self) -> Actor:
        return self._auditing.actor

    def recipient_for(self, address: str) -> Recipient:
        return self._writer.recipient_for(address)

    def check_password(self, password: str) -> None:
        self._writer.check_password(password)

    def check_handling(self, request: RequestT, *, always_protect: bool = False) -> None:
        """The Appendix C rules and the destination, for every kind of report."""
        self._writer.check_recipient(request.recipient, request.password, request.destination,
                                     always_protect=always_protect)
        self.check_suspension(request.recipient)
        self._writer.check_destination(request.destination, request.replace)

    def check_suspension(self, recipient: Recipient) -> None:
        """Nothing goes to a partner while the agreement is suspended for it (ISA §15)."""
        suspensions = getattr(self._auditing, "suspensions", None)
        if callable(suspensions) and recipient.address:
            suspensions(self._policy).refuse_recipient(recipient.address)

    def suspended_partners(self) -> frozenset[str]:
        """The partners under a suspension in force (ISA §15): reports mark their names."""
        from keyworker_app.domain.suspension import suspended_partners

        suspensions = getattr(self._auditing, "suspensions", None)
        if not callable(suspensions):
            return frozenset()
        service = suspensions(self._policy)
        return suspended_partners(service.in_force(), self._policy, service.today())

    def check(self, request: RequestT) -> None:
        """Refuse what the rules forbid, before anything is read or built."""
        raise NotImplementedError

    def gather(self, request: RequestT, at: datetime) -> PreparedFile[ResultT]:
        """Read what the report needs (caller's thread); ``at`` is its generated-at time."""
        raise NotImplementedError

    def meta(self, title: str, subject: str, at: datetime) -> ReportMeta:
        return report_meta(self._auditing.actor, self._policy, title, subject, at)

    def prepared(self, request: RequestT, build: Callable[[], bytes],
                 finish: Callable[[str], ResultT], *, pdf: bool = True) -> PreparedFile[ResultT]:
        return PreparedFile(request.destination, request.password, request.replace, build,
                            finish, pdf)

    # -- the steps ------------------------------------------------------------------------
    def prepare(self, request: RequestT) -> PreparedFile[ResultT]:
        self.check(request)
        return self.gather(request, generated_at(self._now()))

    def write(self, prepared: PreparedFile[ResultT]) -> ResultT:
        """Render, protect and write once. Touches no store: may run on any thread."""
        digest = self._writer.write(prepared.build(), prepared.destination, prepared.password,
                                    replace=prepared.replace, pdf=prepared.pdf)
        return prepared.finish(digest)

    def record(self, result: ResultT) -> None:
        """The audit event; without it the exported file is removed again."""
        self._writer.audit(self._auditing, result.destination, result.object_type,
                           result.object_id,
                           f"{result.audit_detail} {policy_detail(self._policy)}")
        log.info("exported %s", result.log_text)

    def export(self, request: RequestT) -> ResultT:
        result = self.write(self.prepare(request))
        self.record(result)
        return result
