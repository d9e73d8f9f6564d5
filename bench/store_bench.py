"""Case-store benchmark: 5,000 families / ~25,000 people, encrypted against plain.

Builds a demo store with the real (calibrated) key derivation, then runs the same
workload on the encrypted store and on an unencrypted SQLite copy made in the same
run, and prints the figures with their ratio. Not a test: nothing here asserts time.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import PASSPHRASE, plain_copy, timed  # noqa: E402
from keyworker_app.domain.audit import Actor, Role  # noqa: E402
from keyworker_app.paths import StorePaths  # noqa: E402
from keyworker_app.services.case_store import CaseStore  # noqa: E402
from keyworker_app.services.demo_data import generate_families  # noqa: E402
from keyworker_app.store.repositories import FamilyRepository  # noqa: E402


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def workload(repo: FamilyRepository, prefixes: list[str]) -> dict[str, float]:
    def first_page() -> None:
        ids = repo.ids_sorted("family_name", False)
        repo.summaries(ids[:100])

    first_page()  # warm the page cache as a user's first view would
    page = timed(first_page, 20)
    searches = [t for prefix in prefixes for t in timed(lambda p=prefix: repo.search(p), 1)]
    return {"first100_ms": statistics.median(page), "search_p95_ms": p95(searches),
            "search_median_ms": statistics.median(searches)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--families", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        store = CaseStore(StorePaths(root / "store"))
        t0 = time.perf_counter()
        families = generate_families(args.families, args.seed, date.today())
        print(f"demo data: {args.families} families generated in "
              f"{time.perf_counter() - t0:.2f} s", flush=True)
        session, _ = store.create(PASSPHRASE, Actor("Bench", Role.KEY_WORKER,
                                                      "Leicester City Council"))
        session.import_families(families, "bench")
        people = sum(len(f.members) for f in families)
        print(f"store: {args.families} families, {people} people, built in "
              f"{time.perf_counter() - t0:.1f} s; "
              f"{os.path.getsize(store.paths.database) / 1e6:.1f} MB")
        session.lock()

        unlock_ms = timed(lambda: store.unlock(PASSPHRASE).lock(), 3)
        session = store.unlock(PASSPHRASE)
        rng = random.Random(args.seed)
        names = [m.family_name for f in families for m in f.members]
        postcodes = [f.addresses[0].postcode for f in families if f.addresses]
        prefixes = [rng.choice(names)[: rng.randint(2, 4)] for _ in range(150)]
        prefixes += [rng.choice(postcodes)[: rng.randint(3, 6)] for _ in range(50)]
        enc = workload(FamilyRepository(session.connection), prefixes)
        plain_conn = plain_copy(session.connection, root / "plain.db")
        plain = workload(FamilyRepository(plain_conn), prefixes)
        plain_conn.close()
        session.lock()

    print(f"unlock (passphrase accepted -> store open), median of 3: "
          f"{statistics.median(unlock_ms):.0f} ms  (target 300-800 ms)")
    for key, label, target in (("first100_ms", "first 100 families sorted by name", ""),
                               ("search_p95_ms", "search p95 over 200 prefixes", " (≤ 30 ms)"),
                               ("search_median_ms", "search median", "")):
        ratio = enc[key] / plain[key] if plain[key] else float("nan")
        print(f"{label}: encrypted {enc[key]:.2f} ms, plain {plain[key]:.2f} ms, "
              f"ratio {ratio:.2f}x{target} (target ratio ≤ 1.3x)")


if __name__ == "__main__":
    main()
