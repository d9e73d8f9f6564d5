"""Runs every benchmark in this folder, each in its own process.

Separate processes keep the figures apart: peak memory in particular is per process.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHES = ("store_bench.py", "gui_bench.py", "taf_bench.py", "report_bench.py",
           "criteria_bench.py")

failed = 0
for name in BENCHES:
    print(f"== {name}", flush=True)
    failed += subprocess.run([sys.executable, str(HERE / name)], check=False).returncode != 0
sys.exit(1 if failed else 0)
