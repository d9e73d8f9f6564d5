"""``keyworker`` subcommands for the programme rules: criteria, PbR claim, retention queue,
and the subject-access and breach-record exports.

Output names families by reference only.
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from keyworker_app.cli.common import (
    AddCommand,
    Out,
    day_argument,
    delivery_arguments,
    export_password,
    report_written,
    unlock,
)
from keyworker_app.domain.dates import format_date
from keyworker_app.errors import RecordNotFoundError, ValidationError

if TYPE_CHECKING:  # the store layer loads only when a command runs
    from keyworker_app.domain.handling import Recipient
    from keyworker_app.domain.policy import Policy
    from keyworker_app.services.case_store import CaseSession
    from keyworker_app.services.programme import ProgrammeService
    from keyworker_app.services.programme_exports import ProgrammeExportService


def _open(args: argparse.Namespace) -> tuple[CaseSession, ProgrammeService, Policy]:
    from keyworker_app.services.policy_loader import find_policy

    policy, _ = find_policy()
    session = unlock(args, exclusive=False)  # every programme command reads and exports
    return session, session.programme(policy), policy


def cmd_criteria(args: argparse.Namespace, out: Out) -> int:
    as_of = day_argument(args.as_of)  # a bad date is refused before the store is opened
    session, programme, _ = _open(args)
    try:
        family_id = session.families().find_id_by_reference(args.family.strip())
        if family_id is None:
            raise RecordNotFoundError("family", args.family.strip())
        result = programme.evaluate(family_id, as_of)
    finally:
        session.lock()
    if args.json:
        out(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
        return 0
    out(f"{result.reference} on {format_date(result.as_of)}: "
        f"{'QUALIFIES' if result.qualifies else 'does not qualify'} — {result.basis}.")
    for r in result.results:
        out(f"  {r.criterion.label}: {'met' if r.met else 'not met'}")
        for e in r.evidence:
            out(f"    + {e.explanation}")
        for e in r.near_misses:
            out(f"    ~ {e.explanation}")
    return 0


def _recipient(args: argparse.Namespace, service: ProgrammeExportService) -> Recipient:
    from keyworker_app.domain.handling import Recipient

    if getattr(args, "recipient", None):
        return service.recipient_for(args.recipient)
    return Recipient.printing() if getattr(args, "print", False) else Recipient.meeting()


def _exports(session: CaseSession, programme: ProgrammeService) -> ProgrammeExportService:
    from keyworker_app.services.programme_exports import ProgrammeExportService

    return ProgrammeExportService(session, programme)


def _export_pdf(args: argparse.Namespace, out: Out, report: str, **ids: object) -> int:
    """One programme PDF through the shared export step; the password from --password-file
    or typed twice, never from the command line."""
    from keyworker_app.domain.handling import password_required
    from keyworker_app.services.programme_exports import (
        ProgrammeExportRequest,
        ProgrammeReport,
    )

    kind = ProgrammeReport(report)
    session, programme, _ = _open(args)
    try:
        service = _exports(session, programme)
        recipient = _recipient(args, service)
        password = export_password(
            args, kind.always_protected or password_required(recipient.kind), out)
        result = service.export(ProgrammeExportRequest(
            kind, Path(args.out), recipient, password, replace=args.force,
            **ids))  # type: ignore[arg-type]
    finally:
        session.lock()
    report_written(out, kind.label, result.destination, result.protected, result.sha256)
    return 0


def cmd_claim(args: argparse.Namespace, out: Out) -> int:
    as_of = day_argument(args.as_of)
    if not args.csv and not args.out:
        raise ValidationError("pbr-claim", "give --out FILE.pdf, --csv FILE.csv or both")
    from keyworker_app.domain.handling import password_required
    from keyworker_app.services.programme_exports import (
        ProgrammeExportRequest,
        ProgrammeReport,
    )

    if args.out and args.csv and Path(args.out).resolve() == Path(args.csv).resolve():
        raise ValidationError("pbr-claim", "--out and --csv must be different files")
    kind = ProgrammeReport.PBR_CLAIM
    session, programme, _ = _open(args)
    try:
        service = _exports(session, programme)
        recipient = _recipient(args, service)
        requests = []
        if args.out:
            password = export_password(args, password_required(recipient.kind), out)
            requests.append(ProgrammeExportRequest(kind, Path(args.out), recipient, password,
                                                   replace=args.force, as_of=as_of))
        if args.csv:
            requests.append(ProgrammeExportRequest(kind, Path(args.csv), recipient,
                                                   replace=args.force, as_of=as_of,
                                                   file_format="csv"))
        for request in requests:  # both outputs are checked before either is written
            service.check(request)
        results = [service.export(request) for request in requests]
    finally:
        session.lock()
    for request, result in zip(requests, results, strict=True):
        if request.is_csv:
            out(f"Claim written to {result.destination} as CSV (references only).")
        else:
            report_written(out, kind.label, result.destination, result.protected,
                           result.sha256)
    return 0


def cmd_sar_export(args: argparse.Namespace, out: Out) -> int:
    return _export_pdf(args, out, "subject-access", request_id=args.request)


def cmd_breach_export(args: argparse.Namespace, out: Out) -> int:
    return _export_pdf(args, out, "breach-record", breach_id=args.breach)


def cmd_retention_queue(args: argparse.Namespace, out: Out) -> int:
    session, programme, _ = _open(args)
    try:
        today = date.today()
        entries = programme.retention_queue(today, args.within)
    finally:
        session.lock()
    for e in entries:
        state = "OVERDUE" if e.overdue(today) else f"in {e.days_until(today)} days"
        out(f"{e.reference:16} review {format_date(e.review_on)} ({state})")
    if not entries:
        out("No families are due for a retention review.")
    return 0


def register(add: AddCommand) -> None:
    p = add("criteria", cmd_criteria, "show which programme criteria (ISA Appendix D) a family "
            "meets")
    p.add_argument("--family", required=True, help="the family's reference")
    p.add_argument("--as-of", help="reference date, DD/MM/YYYY or YYYY-MM-DD (default: today)")
    p.add_argument("--json", action="store_true", help="print the evaluation as JSON")
    p = add("pbr-claim", cmd_claim, "write the payment-by-results claim (references only) as "
            "a marked PDF and/or CSV")
    p.add_argument("--out", help="the marked PDF to write")
    p.add_argument("--csv", help="the CSV to write (formula-safe; never password-protected)")
    p.add_argument("--as-of", help="reference date (default: today)")
    delivery_arguments(p)
    p = add("sar-export", cmd_sar_export, "export everything held about the person a subject "
            "access request is for (always password-protected)")
    p.add_argument("--request", type=int, required=True, help="the request's id in the log")
    p.add_argument("--out", required=True, help="the PDF file to write")
    delivery_arguments(p)
    p = add("breach-export", cmd_breach_export, "export a breach record for the "
            "information-governance officer")
    p.add_argument("--breach", type=int, required=True, help="the breach record's id")
    p.add_argument("--out", required=True, help="the PDF file to write")
    delivery_arguments(p)
    p = add("retention-queue", cmd_retention_queue, "list families due a retention review")
    p.add_argument("--within", type=int, default=None,
                   help="only families due within this many days (default: all)")
