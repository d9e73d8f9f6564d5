"""Handover benchmark: a key worker hands a caseload to a team lead's store.

Builds two encrypted stores (real key derivation), gives the sender ``--families`` demo families
with ``--meetings`` TAF meetings between them, exchanges contact cards, then times: writing the
bundle (read, HPKE-encrypt, sign, write), opening it on the recipient (every check, decrypt,
parse, merge preview) and importing it (one transaction). Also prints the bundle's size. Not a
test: nothing here asserts time.

    .venv/bin/python -m bench.handover_bench [--families 15] [--meetings 45]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import PASSPHRASE  # noqa: E402
from bench.taf_bench import ACTOR, fill_meetings  # noqa: E402
from keyworker_app.domain.audit import Actor, Role  # noqa: E402
from keyworker_app.domain.handover import BundleKind  # noqa: E402
from keyworker_app.paths import StorePaths  # noqa: E402
from keyworker_app.security.device_secret import DeviceSecrets  # noqa: E402
from keyworker_app.services.case_store import CaseSession, CaseStore  # noqa: E402
from keyworker_app.services.demo_data import generate_families  # noqa: E402
from keyworker_app.services.handover import HandoverService  # noqa: E402
from keyworker_app.services.policy_loader import find_policy  # noqa: E402
from tests.keyring_memory import MemoryKeyring  # noqa: E402

LEAD = Actor("Bench Lead", Role.TEAM_LEAD, "Leicester City Council")


def _store(root: Path, owner: Actor) -> CaseSession:
    store = CaseStore(StorePaths(root), DeviceSecrets(MemoryKeyring()))
    session, _ = store.create(PASSPHRASE, owner)
    return session


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, default=15)
    parser.add_argument("--meetings", type=int, default=45)
    args = parser.parse_args()
    policy, _ = find_policy()
    today = date.today()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        sender = _store(root / "a", replace(ACTOR, role=Role.KEY_WORKER))
        lead = _store(root / "b", LEAD)
        ids = [f.id or 0 for f in sender.import_families(
            generate_families(args.families, 7, today), "bench")]
        fill_meetings(sender.connection, ids, args.meetings, 7, today)
        a, b = sender.handover(policy), lead.handover(policy)
        a.export_card(root / "a.kwcard")
        b.export_card(root / "b.kwcard")
        to_lead = a.add_contact(HandoverService.read_card(root / "b.kwcard"))
        b.add_contact(HandoverService.read_card(root / "a.kwcard"))
        start = time.perf_counter()
        sent = a.send(ids, to_lead, BundleKind.COPY, root / "caseload.kwbundle")
        send_ms = (time.perf_counter() - start) * 1000
        data = sent.path.read_bytes()
        start = time.perf_counter()
        opened = b.open_bundle(data)
        open_ms = (time.perf_counter() - start) * 1000
        start = time.perf_counter()
        b.receive(opened)
        receive_ms = (time.perf_counter() - start) * 1000
        sender.lock()
        lead.lock()
    print(f"handover of {args.families} families with {args.meetings} meetings: bundle "
          f"{len(data) / 1024:.0f} KiB; write {send_ms:.0f} ms, open and check "
          f"{open_ms:.0f} ms, import {receive_ms:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
