"""``keyworker export``: a family's marked PDF report to a recipient, printer or meeting."""

from __future__ import annotations

import argparse
from pathlib import Path

from keyworker_app.cli.common import (
    AddCommand,
    Out,
    day_argument,
    delivery_arguments,
    export_password,
    report_written,
    unlock,
)


def cmd_export(args: argparse.Namespace, out: Out) -> int:
    from keyworker_app.domain.disclosure import DisclosureBasis
    from keyworker_app.domain.handling import Recipient, password_required
    from keyworker_app.errors import RecordNotFoundError
    from keyworker_app.services.export import ExportRequest, ExportService, ReportKind
    from keyworker_app.services.policy_loader import find_policy

    policy, _ = find_policy()
    session = unlock(args, exclusive=False)  # reads and audits only
    try:
        service = ExportService(session, policy)
        if args.recipient is not None:
            recipient = service.recipient_for(args.recipient)
        else:
            recipient = Recipient.printing() if args.print else Recipient.meeting()
        family_id = session.families().find_id_by_reference(args.family.strip())
        if family_id is None:
            raise RecordNotFoundError("family", args.family.strip())
        password = export_password(args, password_required(recipient.kind), out)
        request = ExportRequest(
            family_id=family_id, report=ReportKind(args.report), destination=Path(args.out),
            recipient=recipient, purpose_id=args.purpose, password=password,
            meeting_id=args.meeting, replace=args.force,
            basis=DisclosureBasis(consent_ref=(args.consent_ref or "").strip(),
                                  consent_on=day_argument(args.consent_date, "--consent-date"),
                                  statutory=(args.statutory or "").strip()))
        result = service.export(request)
    finally:
        session.lock()
    report_written(out, f"{request.report.label} for {args.family.strip()}",
                   result.destination, result.protected, result.sha256)
    return 0


def register(add: AddCommand) -> None:
    p = add("export", cmd_export, "export a marked PDF report (protected unless the recipient "
            "is on a secure e-mail convention)")
    p.add_argument("--family", required=True, help="the family reference, e.g. KW-0001")
    p.add_argument("--report", required=True,
                   choices=["meeting-record", "taf-pack", "case-summary"])
    p.add_argument("--meeting", type=int, help="the meeting id (meeting record only)")
    p.add_argument("--out", required=True, help="the PDF file to write")
    delivery_arguments(p)
    p.add_argument("--purpose", required=True,
                   help="the agreement's purpose it is shared for (a purpose id)")
    p.add_argument("--consent-ref", help="the reference of the source partner's written "
                   "consent to pass its information on (ISA section 5)")
    p.add_argument("--consent-date", help="the date of that consent (DD/MM/YYYY)")
    p.add_argument("--statutory", help="or the statutory obligation to disclose (a gateway id "
                   "of the policy)")
