"""The ``keyworker`` command: the desktop app with no arguments, admin tasks otherwise.

Passphrases are read without echo. For scripts and tests they may come from
``--passphrase-file`` or the ``KEYWORKER_PASSPHRASE`` environment variable (and the
``NEW_``/``RECOVERY_KEY`` counterparts); never put them on the command line.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from keyworker_app import PRODUCT_NAME
from keyworker_app.domain.audit import Actor, Role
from keyworker_app.domain.passphrase import assess
from keyworker_app.errors import UserFacingError, ValidationError
from keyworker_app.logging_setup import configure_logging
from keyworker_app.paths import StorePaths, resolve_store_dir
from keyworker_app.security.hardening import harden_process

if TYPE_CHECKING:  # the store layer loads only when a command needs it
    from keyworker_app.domain.policy import Policy
    from keyworker_app.services.case_store import CaseStore

PASSPHRASE_ENV = "KEYWORKER_PASSPHRASE"
NEW_PASSPHRASE_ENV = "KEYWORKER_NEW_PASSPHRASE"
RECOVERY_ENV = "KEYWORKER_RECOVERY_KEY"

Out = Callable[[str], None]


def _read_secret_file(path: str) -> str:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise UserFacingError(f"Cannot read {path}: {exc.strerror}.") from None
    return text.splitlines()[0] if text else ""


def _secret(args: argparse.Namespace, file_attr: str, env: str, prompt: str,
            confirm: bool = False) -> str:
    path = getattr(args, file_attr, None)
    if path:
        return _read_secret_file(path)
    if os.environ.get(env):
        return os.environ[env]
    if not sys.stdin.isatty():
        raise UserFacingError(
            f"{prompt} needed, but there is no terminal to ask on.",
            f"Use --{file_attr.replace('_', '-')} or set {env} (for scripts and tests).")
    first = getpass.getpass(f"{prompt}: ")
    if confirm:
        strength = assess(first)
        print(f"Strength: {strength.label}" + (f" — {strength.problem}" if strength.problem
                                                 else ""))
        if getpass.getpass(f"{prompt} again: ") != first:
            raise ValidationError(prompt, "the two entries do not match")
    return first


def _store(args: argparse.Namespace) -> CaseStore:
    from keyworker_app.services.case_store import CaseStore

    return CaseStore(StorePaths(resolve_store_dir(args.store)))


def _print_recovery_key(key: str, out: Out) -> None:
    out("")
    out("RECOVERY KEY — shown once, never stored on this computer:")
    out("")
    out(f"    {key}")
    out("")
    out("Write it down or print this screen now and hand it to your information-governance")
    out("officer to keep securely. It opens the store if you forget your passphrase or this")
    out("computer is replaced. Do not keep it with the laptop.")
    out("")


def _partner_name(policy: Policy, text: str) -> str:
    """The partner's full name for its id, its name, or the start of its name."""
    wanted = text.strip().casefold()
    if not wanted:
        return ""
    for partner in policy.partners:
        if wanted in (partner.id.casefold(), partner.name.casefold()):
            return partner.name
    matches = [p.name for p in policy.partners if p.name.casefold().startswith(wanted)]
    return matches[0] if len(matches) == 1 else ""


def _owner(args: argparse.Namespace, out: Out) -> Actor:
    from keyworker_app.services.policy_loader import find_policy

    policy, _ = find_policy()
    partners = [p.name for p in policy.partners]
    name = args.name or (input("Your name: ").strip() if sys.stdin.isatty() else "")
    if not name:
        raise ValidationError("Name", "give the name of the person this store belongs to")
    role_text = args.role or (input("Role (key-worker / team-lead): ").strip()
                              if sys.stdin.isatty() else "")
    try:
        role = Role(role_text)
    except ValueError:
        raise ValidationError("Role", "choose key-worker or team-lead") from None
    org = _partner_name(policy, args.organisation or "")
    if not org and sys.stdin.isatty():
        for number, partner in enumerate(partners, 1):
            out(f"  {number:2}. {partner}")
        choice = input("Organisation (number): ").strip()
        org = partners[int(choice) - 1] if choice.isdigit() and 0 < int(choice) <= len(
            partners) else ""
    if not org:
        raise ValidationError("Organisation", "give one of the policy's partners, by its id "
                              "or its name (see resources/policy)")
    return Actor(name=name, role=role, organisation=org)


def cmd_init(args: argparse.Namespace, out: Out) -> int:
    store = _store(args)
    owner = _owner(args, out)
    passphrase = _secret(args, "passphrase_file", PASSPHRASE_ENV, "New passphrase", True)
    out("Creating the store (tuning the key derivation to this computer)...")
    session, recovery = store.create(passphrase, owner)
    session.lock()
    out(f"Case store created at {store.paths.root}.")
    _print_recovery_key(recovery, out)
    return 0


def cmd_demo(args: argparse.Namespace, out: Out) -> int:
    from datetime import date

    from keyworker_app.services.demo_data import generate_families

    store = _store(args)
    if store.exists():
        raise UserFacingError(f"A store already exists at {store.paths.root}.",
                              "Demo data goes only into a new store: choose another --store.")
    passphrase = _secret(args, "passphrase_file", PASSPHRASE_ENV, "New passphrase", True)
    from keyworker_app.services.demo_meetings import add_demo_meetings
    from keyworker_app.services.policy_loader import find_policy

    policy = find_policy()[0]
    owner = Actor("Demo Key Worker", Role.KEY_WORKER,
                  _partner_name(policy, "leicester-city") or "Demo organisation")
    session, recovery = store.create(passphrase, owner)
    try:
        today = date.today()
        families = generate_families(args.families, args.seed, today)
        saved = session.import_families(families, f"demo-seed-{args.seed}")
        add_demo_meetings(session.meetings(policy), saved[: args.meetings_for], args.seed,
                          today)
    finally:
        session.lock()
    out(f"Demo store with {args.families} fictitious families created at {store.paths.root}.")
    _print_recovery_key(recovery, out)
    return 0


def cmd_import(args: argparse.Namespace, out: Out) -> int:
    from keyworker_app.services.family_import import parse_families_json

    path = Path(args.file)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserFacingError(f"Cannot read {path.name}: {exc}.",
                              "Check the file is UTF-8 JSON and readable.") from None
    families = parse_families_json(text, path.name)
    store = _store(args)
    store.require_exists()
    session = store.unlock(_secret(args, "passphrase_file", PASSPHRASE_ENV, "Passphrase"))
    try:
        session.import_families(families, path.name)
    finally:
        session.lock()
    out(f"Imported {len(families)} families from {path.name}.")
    return 0


def cmd_verify(args: argparse.Namespace, out: Out) -> int:
    store = _store(args)
    store.require_exists()
    session = store.unlock(_secret(args, "passphrase_file", PASSPHRASE_ENV, "Passphrase"))
    try:
        report = session.verify()
    finally:
        session.lock()
    out(f"Schema version {report.schema_version}; {report.families} families, "
        f"{report.people} people, {report.audit_rows} audit events.")
    if report.ok:
        out("Store verified: encryption, integrity, foreign keys and audit chain are sound.")
        return 0
    out("STORE PROBLEMS FOUND:")
    for problem in report.problems:
        out(f"  - {problem}")
    return 1


def cmd_passwd(args: argparse.Namespace, out: Out) -> int:
    store = _store(args)
    old = _secret(args, "passphrase_file", PASSPHRASE_ENV, "Current passphrase")
    new = _secret(args, "new_passphrase_file", NEW_PASSPHRASE_ENV, "New passphrase", True)
    store.change_passphrase(old, new)
    out("Passphrase changed. The old passphrase no longer opens the store.")
    return 0


def cmd_recover(args: argparse.Namespace, out: Out) -> int:
    store = _store(args)
    key = _secret(args, "recovery_key_file", RECOVERY_ENV, "Recovery key")
    new = _secret(args, "new_passphrase_file", NEW_PASSPHRASE_ENV, "New passphrase", True)
    store.recover(key, new).lock()
    out("Store recovered and bound to this computer. Use your new passphrase from now on.")
    return 0


def cmd_rotate(args: argparse.Namespace, out: Out) -> int:
    store = _store(args)
    recovery = store.rotate_key(_secret(args, "passphrase_file", PASSPHRASE_ENV, "Passphrase"))
    out("The store now has a new data key. Old copies of the key header no longer open it.")
    out("The old recovery key no longer works: hand the new one below to your")
    out("information-governance officer and ask them to destroy the old one.")
    _print_recovery_key(recovery, out)
    return 0


def cmd_backup(args: argparse.Namespace, out: Out) -> int:
    store = _store(args)
    dest = Path(args.file)
    store.backup(_secret(args, "passphrase_file", PASSPHRASE_ENV, "Passphrase"), dest)
    out(f"Encrypted backup written to {dest}. Restoring it on another computer needs the "
        "recovery key.")
    return 0


def cmd_restore(args: argparse.Namespace, out: Out) -> int:
    store = _store(args)
    key = None
    if args.recovery_key_file or os.environ.get(RECOVERY_ENV) or not args.same_computer:
        key = _secret(args, "recovery_key_file", RECOVERY_ENV, "Recovery key")
    prompt = "New passphrase" if key else "Passphrase"
    passphrase = _secret(args, "passphrase_file", PASSPHRASE_ENV, prompt, key is not None)
    store.restore(Path(args.file), passphrase, key)
    out(f"Backup restored to {store.paths.root}.")
    return 0


def cmd_audit(args: argparse.Namespace, out: Out) -> int:
    store = _store(args)
    session = store.unlock(_secret(args, "passphrase_file", PASSPHRASE_ENV, "Passphrase"))
    try:
        events = session.audit().events(limit=args.limit, offset=0)
    finally:
        session.lock()
    for e in events:
        out(f"{e.seq:6} {e.at:%d/%m/%Y %H:%M:%S} {e.actor} ({e.actor_role}) {e.action} "
            f"{e.object_type}:{e.object_id} {e.detail}".rstrip())
    return 0


def _export_password(args: argparse.Namespace, required: bool, out: Out) -> str:
    """From --password-file, or typed twice on a terminal when the recipient needs one.
    Never from the command line or the environment (both leak to other processes)."""
    if args.password_file:
        return _read_secret_file(args.password_file)
    if not required or not sys.stdin.isatty():
        return ""  # the export service refuses an unprotected file where one is required
    out("This recipient is not on a secure e-mail convention: the report must be protected.")
    first = getpass.getpass("Password for the report: ")
    if getpass.getpass("Password for the report again: ") != first:
        raise ValidationError("Password", "the two entries do not match")
    return first


def cmd_export(args: argparse.Namespace, out: Out) -> int:
    from keyworker_app.domain.handling import Recipient, password_required
    from keyworker_app.errors import RecordNotFoundError
    from keyworker_app.services.export import ExportRequest, ExportService, ReportKind
    from keyworker_app.services.policy_loader import find_policy

    policy, _ = find_policy()
    store = _store(args)
    store.require_exists()
    session = store.unlock(_secret(args, "passphrase_file", PASSPHRASE_ENV, "Passphrase"))
    try:
        service = ExportService(session, policy)
        if args.recipient is not None:
            recipient = service.recipient_for(args.recipient)
        else:
            recipient = Recipient.printing() if args.print else Recipient.meeting()
        family_id = session.families().find_id_by_reference(args.family.strip())
        if family_id is None:
            raise RecordNotFoundError("family", args.family.strip())
        password = _export_password(args, password_required(recipient.kind), out)
        request = ExportRequest(
            family_id=family_id, report=ReportKind(args.report), destination=Path(args.out),
            recipient=recipient, purpose_id=args.purpose, password=password,
            meeting_id=args.meeting, replace=args.force)
        result = service.export(request)
    finally:
        session.lock()
    report_written(out, f"{request.report.label} for {args.family.strip()}",
                   result.destination, result.protected, result.sha256)
    return 0


def report_written(out: Out, what: str, destination: Path, protected: bool,
                   sha256: str) -> None:
    """What every export command says once its file is written and audited."""
    out(f"{what} written to {destination} "
        f"({'password-protected, AES-256' if protected else 'not password-protected'}).")
    out(f"SHA-256 {sha256}")
    if protected:
        out("Send the password by another route (for example by telephone), never with the "
            "file.")


class _VersionAction(argparse.Action):
    """``--version``: the app's and SQLCipher's versions and the policy in force (for IT)."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS,
                 default: str = argparse.SUPPRESS, help: str | None = None) -> None:
        super().__init__(option_strings, dest, nargs=0, default=default, help=help)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: object, option_string: str | None = None) -> None:
        from keyworker_app.services.about import about_info

        print("\n".join(about_info().lines()))
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="keyworker",
        description=f"{PRODUCT_NAME}: encrypted case records for family key workers. "
        "With no command, opens the desktop app.",
        epilog=f"Passphrases: prompted without echo; for scripts and tests use "
        f"--passphrase-file or {PASSPHRASE_ENV}.",
    )
    parser.add_argument("--version", action=_VersionAction,
                        help="show the version, the SQLCipher version and the policy in force")
    parser.add_argument("--store", help="store folder (default: KEYWORKER_STORE or the "
                        "user data folder)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, handler: Callable[[argparse.Namespace, Out], int], help_text: str,
            passphrase: bool = True) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(handler=handler)
        p.add_argument("--store", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
        if passphrase:
            p.add_argument("--passphrase-file", help="read the passphrase from this file")
        return p

    p = add("init", cmd_init, "create a new case store for you")
    p.add_argument("--name", help="your name as it should appear in the audit trail")
    p.add_argument("--role", choices=[r.value for r in Role])
    p.add_argument("--organisation", help="your organisation, one of the policy's partners")
    p = add("demo", cmd_demo, "create a store of clearly fictitious demo families")
    p.add_argument("--families", type=int, default=25)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--meetings-for", type=int, default=60, metavar="N",
                   help="give the first N families a TAF meeting history (default 60)")
    p = add("import-families", cmd_import, "add families from a JSON file (docs/import-format.md)")
    p.add_argument("file")
    add("verify", cmd_verify, "check encryption, integrity, schema and the audit chain")
    p = add("passwd", cmd_passwd, "change the passphrase")
    p.add_argument("--new-passphrase-file")
    p = add("recover", cmd_recover, "open with the recovery key and set a new passphrase",
            passphrase=False)
    p.add_argument("--recovery-key-file")
    p.add_argument("--new-passphrase-file")
    add("rotate-key", cmd_rotate, "give the store a new data key (after a suspected compromise)")
    p = add("backup", cmd_backup, "write one encrypted backup file")
    p.add_argument("file")
    p = add("restore", cmd_restore, "restore a backup into an empty store folder")
    p.add_argument("file")
    p.add_argument("--recovery-key-file")
    p.add_argument("--same-computer", action="store_true",
                   help="restore on the computer that made the backup (no recovery key)")
    p = add("export", cmd_export, "export a marked PDF report (protected unless the recipient "
            "is on a secure e-mail convention)")
    p.add_argument("--family", required=True, help="the family reference, e.g. KW-0001")
    p.add_argument("--report", required=True,
                   choices=["meeting-record", "taf-pack", "case-summary"])
    p.add_argument("--meeting", type=int, help="the meeting id (meeting record only)")
    p.add_argument("--out", required=True, help="the PDF file to write")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--recipient", metavar="ADDRESS",
                       help="the e-mail address it will be sent to")
    where.add_argument("--print", action="store_true", help="it will be printed")
    p.add_argument("--password-file", dest="password_file",
                   help="read the report's password from this file (first line)")
    p.add_argument("--purpose", required=True,
                   help="the agreement's purpose it is shared for (a purpose id)")
    p.add_argument("--force", action="store_true", help="replace an existing file")
    p = add("audit", cmd_audit, "show the latest audit events")
    p.add_argument("--limit", type=int, default=50)
    from keyworker_app.cli_programme import register as register_programme_commands

    register_programme_commands(add)
    return parser


def main(argv: Sequence[str] | None = None, out: Out = print) -> int:
    # First of all: no core dumps or debugger reads of a process that will hold case data.
    harden_process()
    parser = build_parser()
    args = parser.parse_args(argv)
    configure_logging()
    try:
        if args.command is None:
            from keyworker_app.app import launch_desktop

            # A deployed policy that fails its checks is refused here, before any window.
            return launch_desktop(args.store)
        result: int = args.handler(args, out)
        return result
    except UserFacingError as exc:
        print(f"keyworker: {exc.message}", file=sys.stderr)
        if exc.advice:
            print(exc.advice, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("keyworker: cancelled.", file=sys.stderr)
        return 130
