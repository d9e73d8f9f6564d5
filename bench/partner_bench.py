"""Partner data sets at full size: 100,000 rows over four generated files (police, YOS,
school, DWP) imported into an encrypted store, matched, and every household evaluated;
then precision and recall of the person matches against the generator's truth.

Prints the time of each step, the peak memory of the process, and precision/recall with
sure matches only and with the review queue taken as matches. Not a test: nothing here
asserts time.

    .venv/bin/python -m bench.partner_bench [--rows 100000]
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

from keyworker_app.domain.audit import Actor, Role
from keyworker_app.services.case_store import CaseSession
from keyworker_app.services.policy_loader import load_policy, shipped_policy_path
from keyworker_app.store.connection import open_encrypted
from keyworker_app.store.partner_repo import PartnerRepository
from keyworker_app.store.schema import migrate
from tests.partner_generator import AS_OF, HEADERS, generate, person_scores
from tests.unit.services.programme_fixtures import TestClock


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    # About 3.3 rows per household and 1.15 per filler person (see the generator).
    households = args.rows // 8
    filler = int((args.rows - households * 3.3) / 1.15)
    start = time.perf_counter()
    files = generate(households, seed=2025, filler=filler)
    print(f"generated {files.row_count:,} rows in {time.perf_counter() - start:.1f} s "
          f"({', '.join(f'{e}: {len(r):,}' for e, r in files.rows.items())})")
    policy = load_policy(shipped_policy_path())
    with tempfile.TemporaryDirectory() as tmp:
        conn = open_encrypted(Path(tmp) / "store.db", os.urandom(32))
        migrate(conn)
        clock = TestClock()
        assert clock.today() == AS_OF
        session = CaseSession(conn, Actor("Bench Lead", Role.TEAM_LEAD, "Bench"), clock)
        service = session.partners(policy)
        data = {e: files.csv_bytes(e) for e in HEADERS}
        t0 = time.perf_counter()
        ids = {service.import_bytes(e, data[e], f"{e}.csv").file_id: e for e in HEADERS}
        t1 = time.perf_counter()
        result = service.match()
        t2 = time.perf_counter()
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"import {t1 - t0:.1f} s, match + evaluate {t2 - t1:.1f} s, "
              f"total {t2 - t0:.1f} s (target <= 30 s); peak memory {peak_mb:.0f} MB "
              "(target <= 600 MB)")
        print(f"{len(result.candidates):,} households, {len(result.qualifying):,} meet the "
              f"criteria (planted: {len(files.qualifying):,}); "
              f"{len(result.linkage.taken):,} sure pairs, "
              f"{len(result.linkage.uncertain):,} for review")
        rows = PartnerRepository(conn, clock.now).rows(ids)
        key_of = {f"row:{r.id}": f"{ids[r.file_id or 0]}:{r.row}" for r in rows}
        truth = {key_of[f"row:{r.id}"]: files.row_person[ids[r.file_id or 0]][r.row - 2]
                 for r in rows}
        people = [tuple(key_of[k] for k in p) for h in result.linkage.households
                  for p in h.people]
        precision, recall = person_scores(truth, people)
        print(f"person matches, sure only: precision {precision:.4f}, recall {recall:.4f}")
        uncertain = {(p.left, p.right) for p in result.linkage.uncertain}
        merged = _merge(people, [(key_of[a], key_of[b]) for a, b in uncertain])
        precision, recall = person_scores(truth, merged)
        print(f"person matches, review queue taken as matches (p >= 0.5): precision "
              f"{precision:.4f}, recall {recall:.4f}")
        t3 = time.perf_counter()
        service.finish(undecided_as_different=True)
        print(f"finish (delete the rest, compact) {time.perf_counter() - t3:.1f} s")
        conn.close()


def _merge(people: list[tuple[str, ...]], pairs: list[tuple[str, str]]) -> list[
        tuple[str, ...]]:
    owner = {k: i for i, p in enumerate(people) for k in p}
    groups = {i: set(p) for i, p in enumerate(people)}
    for a, b in pairs:
        ga, gb = owner[a], owner[b]
        if ga != gb:
            for k in groups[gb]:
                owner[k] = ga
            groups[ga] |= groups.pop(gb)
    return [tuple(g) for g in groups.values()]


if __name__ == "__main__":
    main()
