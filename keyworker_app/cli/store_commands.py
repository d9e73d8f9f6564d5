"""``keyworker`` commands that look after the store itself: init, demo, import-families,
verify, passwd, recover, rotate-key, backup, restore and audit."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from keyworker_app.cli.common import (
    NEW_PASSPHRASE_ENV,
    PASSPHRASE_ENV,
    RECOVERY_ENV,
    AddCommand,
    Out,
    open_store,
    partner_name,
    passphrase,
    print_recovery_key,
    refuse_if_open_elsewhere,
    secret,
    unlock,
)
from keyworker_app.domain.audit import Actor, Role
from keyworker_app.domain.dates import format_datetime
from keyworker_app.domain.wording import plural
from keyworker_app.errors import UserFacingError, ValidationError


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
    org = partner_name(policy, args.organisation or "")
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
    store = open_store(args)
    owner = _owner(args, out)
    new = secret(args, "passphrase_file", PASSPHRASE_ENV, "New passphrase", True)
    out("Creating the store (tuning the key derivation to this computer)...")
    session, recovery = store.create(new, owner)
    session.lock()
    out(f"Case store created at {store.paths.root}.")
    print_recovery_key(recovery, out)
    return 0


def cmd_demo(args: argparse.Namespace, out: Out) -> int:
    from datetime import date

    from keyworker_app.services.demo_data import generate_families
    from keyworker_app.services.demo_meetings import add_demo_meetings
    from keyworker_app.services.policy_loader import find_policy

    store = open_store(args)
    if store.exists():
        raise UserFacingError(f"A store already exists at {store.paths.root}.",
                              "Demo data goes only into a new store: choose another --store.")
    new = secret(args, "passphrase_file", PASSPHRASE_ENV, "New passphrase", True)
    policy = find_policy()[0]
    owner = Actor("Demo Key Worker", Role.KEY_WORKER,
                  partner_name(policy, "leicester-city") or "Demo organisation")
    session, recovery = store.create(new, owner)
    try:
        today = date.today()
        families = generate_families(args.families, args.seed, today)
        saved = session.import_families(families, f"demo-seed-{args.seed}")
        add_demo_meetings(session.meetings(policy), saved[: args.meetings_for], args.seed,
                          today)
    finally:
        session.lock()
    out(f"Demo store with {args.families} fictitious families created at {store.paths.root}.")
    print_recovery_key(recovery, out, demo=True)
    return 0


def cmd_import(args: argparse.Namespace, out: Out) -> int:
    from keyworker_app.services.family_import import read_families_file

    path = Path(args.file)
    from keyworker_app.domain.sources import unknown_sources
    from keyworker_app.services.policy_loader import find_policy

    families = read_families_file(path, policy=find_policy()[0])
    session = unlock(args)
    try:
        session.import_families(families, path.name)
    finally:
        session.lock()
    out(f"Imported {plural(len(families), 'family')} from {path.name}.")
    unknown = sum(unknown_sources(f) for f in families)
    if unknown:
        out(f"{unknown} record{'' if unknown == 1 else 's'} came without a source: each "
            "family's record marks them 'Unknown (to complete)'.")
    return 0


def cmd_verify(args: argparse.Namespace, out: Out) -> int:
    store = open_store(args)
    store.require_exists()
    report = store.verify(passphrase(args))  # reads only: may run beside the app
    problems = [*report.problems, *store.key_header_problems()]
    out(f"Schema version {report.schema_version}; {report.families} families, "
        f"{report.people} people, {report.audit_rows} audit events.")
    for note in report.notes:
        out(f"Note: {note}.")
    if not problems:
        out("Store verified: encryption, integrity, foreign keys, audit chain and key slots "
            "are sound.")
        return 0
    out("STORE PROBLEMS FOUND:")
    for problem in problems:
        out(f"  - {problem}")
    return 1


def cmd_passwd(args: argparse.Namespace, out: Out) -> int:
    store = open_store(args)
    refuse_if_open_elsewhere(store)
    old = passphrase(args, "Current passphrase")
    new = secret(args, "new_passphrase_file", NEW_PASSPHRASE_ENV, "New passphrase", True)
    store.change_passphrase(old, new)
    out("Passphrase changed. The old passphrase no longer opens this store.")
    out("Older copies are not changed: a backup made before now (or a saved copy of the key")
    out("header) still opens with the OLD passphrase on this computer, and with the")
    out("recovery key anywhere.")
    out("Next step: make a fresh backup now ('keyworker backup FILE') and destroy the older")
    out("backups.")
    return 0


def cmd_recover(args: argparse.Namespace, out: Out) -> int:
    store = open_store(args)
    refuse_if_open_elsewhere(store)
    key = secret(args, "recovery_key_file", RECOVERY_ENV, "Recovery key")
    new = secret(args, "new_passphrase_file", NEW_PASSPHRASE_ENV, "New passphrase", True)
    store.recover(key, new).lock()
    out("Store recovered and bound to this computer. Use your new passphrase from now on.")
    return 0


def cmd_rotate(args: argparse.Namespace, out: Out) -> int:
    store = open_store(args)
    refuse_if_open_elsewhere(store)
    recovery = store.rotate_key(passphrase(args))
    out("The store now has a new data key and a new recovery key: the old recovery key and")
    out("old copies of the key header no longer open this store.")
    out("Older copies are not changed: a backup made before now still opens with the")
    out("passphrase of its day on this computer, and with the OLD recovery key anywhere.")
    out("Next step: make a fresh backup now ('keyworker backup FILE'), destroy the older")
    out("backups, then ask your information-governance officer to destroy the old recovery")
    out("key and keep the new one below.")
    print_recovery_key(recovery, out)
    return 0


def cmd_backup(args: argparse.Namespace, out: Out) -> int:
    store = open_store(args)
    dest = Path(args.file)
    store.backup(passphrase(args), dest, force=args.force)
    out(f"Encrypted backup written to {dest}. On this computer it restores with today's "
        "passphrase; on another computer it needs the recovery key.")
    return 0


def cmd_restore(args: argparse.Namespace, out: Out) -> int:
    store = open_store(args)
    source = Path(args.file)
    key = None
    if args.recovery_key_file or os.environ.get(RECOVERY_ENV):
        key = secret(args, "recovery_key_file", RECOVERY_ENV, "Recovery key")
    elif not args.same_computer and not store.backup_opens_here(source):
        out("This backup was not made on this computer (or its keyring entry is gone): "
            "the recovery key is needed.")
        key = secret(args, "recovery_key_file", RECOVERY_ENV, "Recovery key")
    prompt = "New passphrase" if key else "Passphrase in use when the backup was made"
    new = secret(args, "passphrase_file", PASSPHRASE_ENV, prompt, key is not None)
    store.restore(source, new, key)
    out(f"Backup restored to {store.paths.root}. It is a copy of its own: changing the "
        "passphrase of, or recovering, either copy leaves the other as it was.")
    return 0


def _checkpoint(args: argparse.Namespace, out: Out) -> int:
    from keyworker_app.domain.dates import parse_iso_moment

    session = unlock(args, exclusive=False)
    try:
        if args.export:
            dest = Path(args.export)
            point = session.export_checkpoint(dest, force=args.force)
            out(f"Audit checkpoint written to {dest}: {point.rows} audit events, chain hash")
            out(f"    {point.head_hash}")
            out("Keep it off this laptop (for example with your information-governance "
                "officer) and note the hash's first 16 characters on paper too. Later,")
            out("'keyworker audit --check-checkpoint FILE' shows whether any event up to this "
                "one was changed. Events after it are not covered: export again regularly.")
            return 0
        result = session.check_checkpoint(Path(args.check_checkpoint))
    finally:
        session.lock()
    point = result.checkpoint
    try:
        when = format_datetime(parse_iso_moment(point.made_at))
    except ValueError:
        when = "an unknown time"
    if not result.sealed:
        out("Note: the checkpoint's seal cannot be confirmed with this store's current key "
            "(the key was rotated since, or the file was edited); the comparison below does "
            "not depend on it.")
    if result.history_unchanged:
        out(f"Checkpoint of {when} ({point.rows} audit events): the history up to it is "
            "unchanged.")
        return 0
    out(f"THE AUDIT HISTORY DOES NOT MATCH the checkpoint of {when} ({point.rows} events):")
    for problem in result.problems:
        out(f"  - {problem}")
    out("Tell your information-governance officer; keep this checkpoint file as it is.")
    return 1


def cmd_audit(args: argparse.Namespace, out: Out) -> int:
    if args.export or args.check_checkpoint:
        return _checkpoint(args, out)
    session = unlock(args, exclusive=False)
    try:
        events = session.audit().events(limit=args.limit, offset=0)
    finally:
        session.lock()
    for e in events:
        out(f"{e.seq:6} {format_datetime(e.at, seconds=True)} {e.actor} ({e.actor_role}) "
            f"{e.action} {e.object_type}:{e.object_id} {e.detail}".rstrip())
    return 0


def register(add: AddCommand) -> None:
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
    p.add_argument("--force", action="store_true", help="replace an existing file")
    p = add("restore", cmd_restore, "restore a backup into an empty store folder")
    p.add_argument("file")
    p.add_argument("--recovery-key-file")
    p.add_argument("--same-computer", action="store_true",
                   help="do not ask for the recovery key (the default anyway when this "
                        "computer's keyring can open the backup)")
    p = add("audit", cmd_audit, "show the latest audit events, or export and check "
            "checkpoints of the audit trail")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--export", metavar="FILE",
                       help="write a checkpoint of the trail's end, to keep off this laptop")
    which.add_argument("--check-checkpoint", metavar="FILE",
                       help="show whether the history up to a checkpoint is unchanged")
    p.add_argument("--force", action="store_true", help="replace an existing checkpoint file")
    p.add_argument("--limit", type=int, default=50)
