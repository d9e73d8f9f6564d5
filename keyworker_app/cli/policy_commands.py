"""``keyworker policy check FILE``: IT validates a candidate policy without applying it."""

from __future__ import annotations

import argparse
from pathlib import Path

from keyworker_app.cli.common import AddCommand, Out


def cmd_policy_check(args: argparse.Namespace, out: Out) -> int:
    from keyworker_app.errors import PolicyError
    from keyworker_app.services.policy_loader import POLICY_ENV, check_candidate

    path = Path(args.file).expanduser()
    found = check_candidate(path)  # a PolicyError names the key at fault (exit 2)
    out(f"{path} is a valid policy: {found.policy.name} (version {found.policy.version}).")
    if not found.loosenings:
        out(f"It may be used system-wide or as a user's own file ({POLICY_ENV}).")
        return 0
    if args.personal:
        raise PolicyError(str(path), f"as a user's own file ({POLICY_ENV}) it would loosen "
                          f"the shipped policy: {'; '.join(found.loosenings)}")
    out(f"It may be deployed system-wide, but as a user's own file ({POLICY_ENV}) it would be "
        "refused, because it loosens the shipped policy:")
    for line in found.loosenings:
        out(f"  - {line}")
    return 0


def register(add: AddCommand) -> None:
    p = add("policy", cmd_policy_check, "check a policy file", passphrase=False)
    actions = p.add_subparsers(dest="policy_action", metavar="ACTION", required=True)
    check = actions.add_parser("check", help="validate a candidate policy file without "
                               "applying it (exit 0 if valid, 2 naming the problem)")
    check.add_argument("file", help="the candidate policy.toml")
    check.add_argument("--personal", action="store_true",
                       help="check it as a user's own file: refuse anything that loosens "
                       "the shipped policy")
