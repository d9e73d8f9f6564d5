"""Builds the ``keyworker`` parser from the command modules and runs one command."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from keyworker_app import PRODUCT_NAME
from keyworker_app.cli import (
    export_commands,
    handover_commands,
    partner_commands,
    policy_commands,
    programme_commands,
    store_commands,
    suspension_commands,
)
from keyworker_app.cli.common import PASSPHRASE_ENV, Handler, Out
from keyworker_app.errors import UserFacingError
from keyworker_app.logging_setup import configure_logging
from keyworker_app.security.hardening import harden_process


class _VersionAction(argparse.Action):
    """``--version``: the app's and SQLCipher's versions and the policy in force (for IT)."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS,
                 default: str = argparse.SUPPRESS, help: str | None = None) -> None:
        super().__init__(option_strings, dest, nargs=0, default=default, help=help)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: object, option_string: str | None = None) -> None:
        from keyworker_app.services.about import about_info

        about = about_info()
        print("\n".join(about.lines()))
        # Still answers, but a deployment check (scripts, IT) must see the broken policy.
        parser.exit(2 if about.policy is None else 0)


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

    def add(name: str, handler: Handler, help_text: str,
            passphrase: bool = True) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(handler=handler)
        p.add_argument("--store", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
        if passphrase:
            p.add_argument("--passphrase-file", help="read the passphrase from this file")
        return p

    for commands in (store_commands, export_commands, programme_commands, policy_commands,
                     suspension_commands, handover_commands, partner_commands):
        commands.register(add)
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
