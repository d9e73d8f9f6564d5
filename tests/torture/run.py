"""``make torture``: every part of the torture suite at full size, printed as a table.

    python -m tests.torture.run [--short] [--seed N] [--workdir DIR]

The short sizes are what ``tests/torture/test_torture_short.py`` runs in CI.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from tests.torture import disk, parts
from tests.torture.common import Outcome, table

FULL = {"kill": 105, "imports": 10_000, "policies": 3_000, "headers": 1_000, "two": 150,
        "disk": 4}
SHORT = {"kill": 14, "imports": 300, "policies": 150, "headers": 60, "two": 20, "disk": 1}


def run_all(sizes: dict[str, int], seed: int, workdir: Path) -> list[Outcome]:
    return [
        parts.kill_during_writes(sizes["kill"], seed, workdir),
        parts.mutated_imports(sizes["imports"], seed, workdir),
        parts.mutated_policies(sizes["policies"], seed, workdir),
        parts.damaged_headers(sizes["headers"], seed, workdir),
        parts.two_writers(sizes["two"], seed, workdir),
        disk.full_disk(sizes["disk"], seed, workdir),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--short", action="store_true")
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kw-torture-") as tmp:
        outcomes = run_all(SHORT if args.short else FULL, args.seed, args.workdir or Path(tmp))
    print(table(outcomes))
    return 1 if any(o.failures for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
