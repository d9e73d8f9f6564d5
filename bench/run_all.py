"""Runs every benchmark in this folder, one after another."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

for name in ("store_bench.py", "gui_bench.py", "taf_bench.py", "report_bench.py",
             "criteria_bench.py"):
    path = HERE / name
    if path.exists():
        print(f"== {name}")
        sys.argv = [str(path)]
        runpy.run_path(str(path), run_name="__main__")
