"""``keyworker`` subcommands for the programme rules: criteria, PbR claim, retention queue.

Registered by ``cli.build_parser``. Output names families by reference only.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from keyworker_app.domain.dates import format_date, parse_date
from keyworker_app.errors import RecordNotFoundError, UserFacingError, ValidationError

if TYPE_CHECKING:  # the store layer loads only when a command runs
    from keyworker_app.domain.policy import Policy
    from keyworker_app.services.case_store import CaseSession
    from keyworker_app.services.programme import ProgrammeService

Out = Callable[[str], None]
Handler = Callable[[argparse.Namespace, Out], int]


def _day(text: str | None) -> date | None:
    """DD/MM/YYYY as everywhere in the app; ISO (YYYY-MM-DD) too, for scripts."""
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        try:
            return parse_date(text)
        except ValueError as exc:
            raise ValidationError("--as-of", str(exc)) from None


def _open(args: argparse.Namespace) -> tuple[CaseSession, ProgrammeService, Policy]:
    from keyworker_app.cli import PASSPHRASE_ENV, _secret, _store
    from keyworker_app.services.policy_loader import find_policy

    policy, _ = find_policy()
    store = _store(args)
    store.require_exists()
    session = store.unlock(_secret(args, "passphrase_file", PASSPHRASE_ENV, "Passphrase"))
    return session, session.programme(policy), policy


def cmd_criteria(args: argparse.Namespace, out: Out) -> int:
    as_of = _day(args.as_of)  # a bad date is refused before the store is opened
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


def cmd_claim(args: argparse.Namespace, out: Out) -> int:
    from keyworker_app.domain.audit import AuditAction
    from keyworker_app.reports.claim_csv import claim_csv
    from keyworker_app.security.atomic import atomic_write_bytes

    as_of = _day(args.as_of)
    session, programme, policy = _open(args)
    try:
        rows = programme.claim(as_of)
        dest = Path(args.csv)
        data = claim_csv(rows, policy.protective_marking).encode("utf-8-sig")
        try:
            atomic_write_bytes(dest, data, overwrite=args.force)
        except FileExistsError:
            raise UserFacingError(f"{dest.name} already exists.", "Choose another name or use "
                                  "--force to replace it.") from None
        session.record(AuditAction.EXPORT, "pbr-claim", "-",
                       f"format=csv families={len(rows)} "
                       f"sha256={hashlib.sha256(data).hexdigest()}")
    finally:
        session.lock()
    out(f"Claim for {len(rows)} qualifying families written to {dest} (references only).")
    return 0


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


def register(add: Callable[[str, Handler, str], argparse.ArgumentParser]) -> None:
    p = add("criteria", cmd_criteria, "show which programme criteria (ISA Appendix D) a family "
            "meets")
    p.add_argument("--family", required=True, help="the family's reference")
    p.add_argument("--as-of", help="reference date, DD/MM/YYYY or YYYY-MM-DD (default: today)")
    p.add_argument("--json", action="store_true", help="print the evaluation as JSON")
    p = add("pbr-claim", cmd_claim, "write the payment-by-results claim (references only) as CSV")
    p.add_argument("--csv", required=True, help="file to write")
    p.add_argument("--as-of", help="reference date (default: today)")
    p.add_argument("--force", action="store_true", help="replace an existing file")
    p = add("retention-queue", cmd_retention_queue, "list families due a retention review")
    p.add_argument("--within", type=int, default=None,
                   help="only families due within this many days (default: all)")
