"""``keyworker suspension add|lift|list``: suspensions of the agreement (ISA §15).

Output names partners and evidence references only, never anyone's personal data.
"""

from __future__ import annotations

import argparse

from keyworker_app.cli.common import AddCommand, Out, day_argument, unlock
from keyworker_app.domain.dates import format_date
from keyworker_app.errors import ValidationError


def cmd_suspension(args: argparse.Namespace, out: Out) -> int:
    from keyworker_app.domain.suspension import WHOLE_AGREEMENT, partner_label
    from keyworker_app.services.policy_loader import find_policy

    if args.action == "add" and (not args.partner or not args.evidence):
        raise ValidationError("suspension add", "give --partner (a partner id, or 'all' for "
                              "the whole agreement) and --evidence (its reference)")
    if args.action == "lift" and args.id is None:
        raise ValidationError("suspension lift", "give --id (see 'keyworker suspension list')")
    starts = day_argument(args.start, "--start")
    policy, _ = find_policy()
    session = unlock(args, exclusive=args.action != "list")
    try:
        service = session.suspensions(policy)
        if args.action == "add":
            partner = WHOLE_AGREEMENT if args.partner.strip() == "all" else args.partner.strip()
            saved = service.record(partner, starts or service.today(), args.evidence)
            out(f"Suspension {saved.id} recorded: {partner_label(policy, saved.partner_id)} "
                f"from {format_date(saved.starts_on)} until {format_date(saved.ends_on)}; "
                f"Risk Assessment and Resolution meeting due by "
                f"{format_date(saved.meeting_due_on)}.")
            return 0
        if args.action == "lift":
            lifted = service.lift(args.id, starts)
            out(f"Suspension {lifted.id} lifted on {format_date(lifted.ends_on)}.")
            return 0
        today = service.today()
        rows = service.all()
        if not rows:
            out("No suspensions recorded.")
        for s in rows:
            state = "IN FORCE" if s.in_force(today) else "ended"
            out(f"{s.id}\t{state}\t{partner_label(policy, s.partner_id)}\t"
                f"{format_date(s.starts_on)} to {format_date(s.ends_on)}\t"
                f"meeting due {format_date(s.meeting_due_on)}\tevidence {s.evidence}")
        return 0
    finally:
        session.lock()


def register(add: AddCommand) -> None:
    p = add("suspension", cmd_suspension, "record, lift or list suspensions of the agreement "
            "(ISA §15: 45 days; nothing recorded from or exported to the partner meanwhile)")
    p.add_argument("action", choices=("add", "lift", "list"))
    p.add_argument("--partner", help="add: the partner's id in the policy, or 'all'")
    p.add_argument("--evidence", help="add: the reference of the evidence")
    p.add_argument("--start", help="add: the first day (default: today); lift: the day "
                   "lifted (default: today); DD/MM/YYYY or YYYY-MM-DD")
    p.add_argument("--id", type=int, help="lift: the suspension's id")
