"""What every ``keyworker`` command shares: secrets from a prompt, file or environment,
opening the store, the recovery-key notice and the written-report message."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from keyworker_app.domain.dates import parse_date, parse_iso_date
from keyworker_app.domain.passphrase import assess
from keyworker_app.errors import UserFacingError, ValidationError
from keyworker_app.paths import StorePaths, resolve_store_dir

if TYPE_CHECKING:  # the store layer loads only when a command needs it
    from keyworker_app.domain.policy import Policy
    from keyworker_app.services.case_store import CaseSession, CaseStore

PASSPHRASE_ENV = "KEYWORKER_PASSPHRASE"
NEW_PASSPHRASE_ENV = "KEYWORKER_NEW_PASSPHRASE"
RECOVERY_ENV = "KEYWORKER_RECOVERY_KEY"

Out = Callable[[str], None]
Handler = Callable[[argparse.Namespace, Out], int]
AddCommand = Callable[..., argparse.ArgumentParser]


def read_secret_file(path: str) -> str:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise UserFacingError(f"Cannot read {path}: {exc.strerror}.") from None
    except UnicodeDecodeError:
        raise UserFacingError(f"Cannot read {path}: it is not UTF-8 text.") from None
    return text.splitlines()[0] if text else ""


def secret(args: argparse.Namespace, file_attr: str, env: str, prompt: str,
           confirm: bool = False) -> str:
    path = getattr(args, file_attr, None)
    if path:
        return read_secret_file(path)
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


def passphrase(args: argparse.Namespace, prompt: str = "Passphrase") -> str:
    return secret(args, "passphrase_file", PASSPHRASE_ENV, prompt)


def open_store(args: argparse.Namespace) -> CaseStore:
    from keyworker_app.services.case_store import CaseStore

    return CaseStore(StorePaths(resolve_store_dir(args.store)))


def refuse_if_open_elsewhere(store: CaseStore) -> None:
    """A command that changes the store stops before asking for anything when another
    Keyworker (the app, or another command) has the store open."""
    if store.open_elsewhere():
        from keyworker_app.errors import StoreInUseError

        raise StoreInUseError()


def unlock(args: argparse.Namespace, *, exclusive: bool = True) -> CaseSession:
    """The existing store, unlocked with the passphrase the command was given.

    ``exclusive`` for commands that change records; commands that only read and audit
    (verify, audit, exports) pass False and may run while the app has the store open."""
    store = open_store(args)
    store.require_exists()
    store.failed_unlocks_to_report = _failed_unlocks_to_report()
    if exclusive:
        refuse_if_open_elsewhere(store)
    session = store.unlock(passphrase(args), exclusive=exclusive)
    tell(session)
    return session


def _failed_unlocks_to_report() -> int:
    """The policy's count of failed unlocks offered as a possible breach; a policy that cannot
    be read leaves the default (the command that needs the policy says what is wrong)."""
    from keyworker_app.errors import PolicyError
    from keyworker_app.services.case_store import FAILED_UNLOCKS_TO_REPORT
    from keyworker_app.services.policy_loader import find_policy

    try:
        return find_policy()[0].breach.failed_unlocks_to_report
    except PolicyError:
        return FAILED_UNLOCKS_TO_REPORT


def tell(session: CaseSession) -> None:
    """What opening the store found or did (an upgrade, a changed audit trail): on
    stderr, so a command's own output stays as scripts expect it."""
    for notice in session.notices:
        print(f"keyworker: {notice}", file=sys.stderr)
    for warning in session.warnings:
        print(f"keyworker: WARNING: {warning.message}", file=sys.stderr)
        if warning.advice:
            print(warning.advice, file=sys.stderr)


def print_recovery_key(key: str, out: Out, demo: bool = False) -> None:
    out("")
    out("RECOVERY KEY — shown once, never stored on this computer:")
    out("")
    out(f"    {key}")
    out("")
    if demo:
        out("This is a demo store of fictitious families: the key is shown so you can try")
        out("recovery. A real store's key goes to your information-governance officer.")
    else:
        out("Write it down or print this screen now and hand it to your information-governance")
        out("officer to keep securely. It opens the store if you forget your passphrase or this")
        out("computer is replaced. Do not keep it with the laptop.")
    out("")


def partner_name(policy: Policy, text: str) -> str:
    """The partner's full name for its id, its name, or the start of its name."""
    wanted = text.strip().casefold()
    if not wanted:
        return ""
    for partner in policy.partners:
        if wanted in (partner.id.casefold(), partner.name.casefold()):
            return partner.name
    matches = [p.name for p in policy.partners if p.name.casefold().startswith(wanted)]
    return matches[0] if len(matches) == 1 else ""


def day_argument(text: str | None, option: str = "--as-of") -> date | None:
    """DD/MM/YYYY as everywhere in the app; ISO (YYYY-MM-DD) too, for scripts."""
    if not text:
        return None
    try:
        return parse_iso_date(text)
    except ValueError:
        try:
            return parse_date(text)
        except ValueError as exc:
            raise ValidationError(option, str(exc)) from None


def export_password(args: argparse.Namespace, required: bool, out: Out) -> str:
    """From --password-file, or typed twice on a terminal when the recipient needs one.
    Never from the command line or the environment (both leak to other processes)."""
    if args.password_file:
        return read_secret_file(args.password_file)
    if not required or not sys.stdin.isatty():
        return ""  # the export service refuses an unprotected file where one is required
    out("This recipient is not on a secure e-mail convention: the report must be protected.")
    first = getpass.getpass("Password for the report: ")
    if getpass.getpass("Password for the report again: ") != first:
        raise ValidationError("Password", "the two entries do not match")
    return first


def report_written(out: Out, what: str, destination: Path, protected: bool,
                   sha256: str) -> None:
    """What every export command says once its file is written and audited."""
    out(f"{what} written to {destination} "
        f"({'password-protected, AES-256' if protected else 'not password-protected'}).")
    out(f"SHA-256 {sha256}")
    if protected:
        out("Send the password by another route (for example by telephone), never with the "
            "file.")


def delivery_arguments(p: argparse.ArgumentParser) -> None:
    """Where a report goes: --recipient or --print, its password file, --force."""
    where = p.add_mutually_exclusive_group()
    where.add_argument("--recipient", metavar="ADDRESS",
                       help="the e-mail address it will be sent to")
    where.add_argument("--print", action="store_true", help="it will be printed")
    p.add_argument("--password-file", dest="password_file",
                   help="read the report's password from this file (first line)")
    p.add_argument("--force", action="store_true", help="replace an existing file")
