"""``keyworker contact export|add|list``, ``keyworker handover`` and ``keyworker receive``:
contact cards, and signed, encrypted bundles between stores.

Output names contacts (the user's colleagues) and family references, never a family's
personal data, except the differences a merge would make, which the receiving user must see.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from keyworker_app.cli.common import AddCommand, Out, day_argument, unlock
from keyworker_app.domain.wording import plural
from keyworker_app.errors import UserFacingError, ValidationError


def _confirmed(args: argparse.Namespace, question: str) -> bool:
    if args.yes:
        return True
    if not sys.stdin.isatty():
        raise UserFacingError(f"{question} needs an answer, but there is no terminal to ask on.",
                              "Check what is shown above, then run again with --yes.")
    return input(f"{question} [y/N] ").strip().casefold() in ("y", "yes")


def cmd_contact(args: argparse.Namespace, out: Out) -> int:
    from keyworker_app.services.handover import HandoverService
    from keyworker_app.services.policy_loader import find_policy

    if args.action in ("export", "add") and not args.file:
        raise ValidationError(f"contact {args.action}", "give the card file (FILE)")
    card = HandoverService.read_card(Path(args.file)) if args.action == "add" else None
    policy, _ = find_policy()
    session = unlock(args, exclusive=args.action == "add")
    try:
        service = session.handover(policy)
        if args.action == "export":
            mine = service.export_card(Path(args.file), replace_file=args.force)
            out(f"Your contact card was written to {args.file}.")
            out(f"Fingerprint: {mine.fingerprint_groups}")
            out("Your colleague compares this fingerprint with you (by phone or in person) "
                "before adding the card.")
            return 0
        if card is not None:
            out(f"Card of {card.label}")
            out(f"Fingerprint: {card.fingerprint_groups}")
            if args.fingerprint is not None:
                given = "".join(args.fingerprint.split()).casefold()
                if given != "".join(card.fingerprint_groups.split()).casefold():
                    raise UserFacingError(
                        "The fingerprint you gave does not match this card.",
                        "Do not add it. Ask your colleague to read their fingerprint again; if "
                        "it still differs, the card is not theirs.")
            elif not _confirmed(args, "Does this fingerprint match the one your colleague "
                                "read to you?"):
                out("Not added.")
                return 1
            service.add_contact(card)
            out("Added to your contacts.")
            return 0
        contacts = service.contacts()
        if not contacts:
            out("No contacts yet. Add a colleague's card with 'keyworker contact add FILE'.")
        for c in contacts:
            out(f"{c.card.fingerprint_groups}\t{c.card.label}")
        return 0
    finally:
        session.lock()


def cmd_handover(args: argparse.Namespace, out: Out) -> int:
    from keyworker_app.domain.disclosure import DisclosureBasis
    from keyworker_app.domain.handover import BundleKind
    from keyworker_app.errors import RecordNotFoundError
    from keyworker_app.services.policy_loader import find_policy

    basis = DisclosureBasis(consent_ref=(args.consent_ref or "").strip(),
                            consent_on=day_argument(args.consent_date, "--consent-date"),
                            statutory=(args.statutory or "").strip())
    policy, _ = find_policy()
    session = unlock(args)
    try:
        service = session.handover(policy)
        ids = []
        for reference in args.family:
            family_id = session.families().find_id_by_reference(reference.strip())
            if family_id is None:
                raise RecordNotFoundError("family", reference.strip())
            ids.append(family_id)
        recipient = service.find_contact(args.to)
        kind = BundleKind(args.kind)
        sent = service.send(ids, recipient, kind, Path(args.out), basis=basis,
                            replace_file=args.force)
    finally:
        session.lock()
    out(f"{kind.label} of {', '.join(sent.references)} for {recipient.card.label} written to "
        f"{sent.path}.")
    out(f"Only their store can open it. Bundle {sent.bundle_id}, SHA-256 {sent.sha256}.")
    return 0


def cmd_receive(args: argparse.Namespace, out: Out) -> int:
    from keyworker_app.domain.dates import format_date
    from keyworker_app.services.handover import read_bundle_file
    from keyworker_app.services.policy_loader import find_policy

    data = read_bundle_file(Path(args.file))
    policy, _ = find_policy()
    session = unlock(args)
    try:
        service = session.handover(policy)
        opened = service.open_bundle(data)
        out(f"{opened.header.kind.label} from {opened.sender.card.label}; "
            f"{'deleted' if opened.header.kind.value == 'copy' else 'to be received by'} "
            f"{format_date(opened.header.expires_on)}.")
        for r in opened.records:
            out(f"  {r.reference}: " + ", ".join(plural(n, noun) for n, noun in (
                (len(r.family.members), "member"), (len(r.meetings), "meeting"),
                (len(r.family.notes), "case note"), (len(r.all_shared()), "shared item"))))
        for merge in opened.merges:
            out(f"  {merge.reference} is already in your store; merging would change:")
            for line in merge.differences or ("nothing",):
                out(f"    {line}")
        if not _confirmed(args, "Import these records?"):
            out("Nothing was imported.")
            return 1
        service.receive(opened)
    finally:
        session.lock()
    out(f"Imported {plural(len(opened.records), 'family')}.")
    return 0


def register(add: AddCommand) -> None:
    p = add("contact", cmd_contact, "export your contact card, add a colleague's after "
            "comparing its fingerprint, or list your contacts")
    p.add_argument("action", choices=("export", "add", "list"))
    p.add_argument("file", nargs="?", help="export: the card file to write; add: the "
                   "colleague's card")
    p.add_argument("--fingerprint", help="add: the fingerprint your colleague read to you")
    p.add_argument("--yes", action="store_true", help="add: the fingerprint was compared")
    p.add_argument("--force", action="store_true", help="export: replace an existing file")

    p = add("handover", cmd_handover, "hand families over to a colleague's store, or send "
            "them a read-only copy for TAF preparation (signed, encrypted to them alone)")
    p.add_argument("--family", required=True, action="append",
                   help="a family reference (repeat for several)")
    p.add_argument("--to", required=True, help="the contact: fingerprint (8 or more "
                   "characters) or name, see 'keyworker contact list'")
    p.add_argument("--kind", required=True, choices=("transfer", "copy"))
    p.add_argument("--out", required=True, help="the bundle file to write")
    p.add_argument("--force", action="store_true", help="replace an existing file")
    p.add_argument("--consent-ref", help="the source partner's written consent to pass its "
                   "information to another organisation (ISA section 5)")
    p.add_argument("--consent-date", help="the date of that consent (DD/MM/YYYY)")
    p.add_argument("--statutory", help="or the statutory obligation (a gateway id)")

    p = add("receive", cmd_receive, "check a bundle (sender, recipient, signature, replay, "
            "expiry), show what it holds, and import it")
    p.add_argument("file", help="the bundle file")
    p.add_argument("--yes", action="store_true", help="import without asking")
