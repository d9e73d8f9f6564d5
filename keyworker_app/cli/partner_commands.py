"""``keyworker partner-import | partner-match | partner-finish``: partner data sets
(ISA §4.3.1, Appendix B) for scripts.

The same checks as the desktop app's Programme → Partner data sets; output and the report
name households by number and files by exchange and SHA-256, never a person.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from keyworker_app.cli.common import AddCommand, Out, unlock
from keyworker_app.errors import ValidationError

if TYPE_CHECKING:
    from keyworker_app.services.case_store import CaseSession
    from keyworker_app.services.partner_data import PartnerService


def _open(args: argparse.Namespace) -> tuple[CaseSession, PartnerService]:
    from keyworker_app.services.policy_loader import find_policy

    policy, _ = find_policy()
    session = unlock(args, exclusive=True)
    return session, session.partners(policy)


def _mapping(path: str | None) -> dict[str, str] | None:
    if path is None:
        return None
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        raise ValidationError("--mapping", "give a JSON file of {\"field\": \"Column\"} "
                              "that can be read") from None
    if not isinstance(data, dict):
        raise ValidationError("--mapping", "the file must hold one JSON object")
    return {str(k): str(v) for k, v in data.items()}


def cmd_partner_import(args: argparse.Namespace, out: Out) -> int:
    from keyworker_app.domain.partner_data import mapping_from_json

    mapping = _mapping(args.mapping)
    fields = None if mapping is None else mapping_from_json(mapping)
    path = Path(args.file)
    if not path.is_file():
        raise ValidationError("FILE", "no such file")
    session, service = _open(args)
    try:
        done = service.import_path(args.exchange.strip(), path, fields)
    finally:
        session.lock()
    out(f"Imported file {done.file_id} under {done.exchange_id}: {done.rows} rows "
        f"(SHA-256 {done.sha256}). Run 'keyworker partner-match' next.")
    return 0


def cmd_partner_match(args: argparse.Namespace, out: Out) -> int:
    from keyworker_app.security.atomic import atomic_write_bytes

    report = Path(args.report) if args.report else None
    if report is not None and not report.parent.is_dir():
        raise ValidationError("--report", "the folder does not exist")
    session, service = _open(args)
    try:
        result = service.match()
    finally:
        session.lock()
    if report is not None:
        atomic_write_bytes(report, json.dumps(result.to_json(), indent=2).encode("utf-8"))
    out(f"{len(result.candidates)} households from {result.to_json()['rows']} rows: "
        f"{len(result.qualifying)} meet the criteria; {len(result.linkage.uncertain)} "
        "uncertain matches wait for review.")
    for c in result.qualifying:
        out(f"  household {c.household.number}: {c.evaluation.basis} "
            f"(confidence {c.household.confidence:.2f})"
            + (" — DELETED FROM THE PROGRAMME BEFORE" if c.deleted_before else ""))
    return 0


def cmd_partner_finish(args: argparse.Namespace, out: Out) -> int:
    session, service = _open(args)
    try:
        outcomes = service.finish(undecided_as_different=args.undecided_as_different)
    finally:
        session.lock()
    for o in outcomes:
        out(f"{o.exchange_id} file {o.file_id}: received {o.received}, matched {o.matched}, "
            f"kept {o.kept}, deleted {o.deleted}")
    out("Matching finished: everything about people whose households do not meet the "
        "criteria was deleted.")
    return 0


def register(add: AddCommand) -> None:
    p = add("partner-import", cmd_partner_import, "import a partner's data set (CSV or XLSX) "
            "received under one agreed exchange (a team lead's action)")
    p.add_argument("--exchange", required=True, help="the exchange's id in the policy")
    p.add_argument("file", help="the CSV (UTF-8) or XLSX file")
    p.add_argument("--mapping", help="a JSON file mapping fields to the file's column "
                   "headers (default: the exchange's saved mapping)")
    p = add("partner-match", cmd_partner_match, "match the partner data sets into households "
            "and evaluate the criteria")
    p.add_argument("--report", help="write the result (no names) to this JSON file")
    p = add("partner-finish", cmd_partner_finish, "finish matching: delete everything about "
            "people whose households do not meet the criteria")
    p.add_argument("--undecided-as-different", action="store_true",
                   help="treat uncertain matches nobody decided as different people")
