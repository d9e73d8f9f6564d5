"""Runs every benchmark in this folder, each in its own process, from the repository root.

Separate processes keep the figures apart: peak memory in particular is per process. Each runs
as ``python -m bench.NAME`` from the root so that ``bench`` and ``tests`` import alike however
a benchmark is written.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCHES = ("start_bench", "store_bench", "gui_bench", "taf_bench", "report_bench",
           "criteria_bench", "throttle_bench", "audit_bench", "team_bench", "partner_bench",
           "handover_bench", "search_bench", "chronology_bench")

failed = []
for name in BENCHES:
    print(f"== {name}", flush=True)
    if subprocess.run([sys.executable, "-m", f"bench.{name}"], cwd=ROOT,
                      check=False).returncode != 0:
        failed.append(name)
if failed:
    print("failed: " + ", ".join(failed), flush=True)
sys.exit(1 if failed else 0)
