"""The app process writes no core files and cannot be read by a debugger (Linux)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

CHILD = """
import resource, sys
from keyworker_app.security.hardening import harden_process, is_dumpable
before = is_dumpable()
applied = harden_process()
print(before, is_dumpable(), resource.getrlimit(resource.RLIMIT_CORE), sorted(applied))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux process controls")
def test_hardened_process_is_not_dumpable() -> None:
    # In a child process: the test runner itself must stay debuggable.
    out = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True,
                         check=True, cwd=ROOT, env={"PYTHONPATH": str(ROOT)}).stdout.split(" ", 2)
    assert out[0] == "True"  # it was dumpable before, so the check can fail
    assert out[1] == "False"
    assert out[2].strip() == "(0, 0) ['no-core-files', 'not-dumpable']"


CLI_CHILD = """
import contextlib, io
from keyworker_app import cli
from keyworker_app.security.hardening import is_dumpable
with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
    cli.main(["--version"])
print(is_dumpable())
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux process controls")
def test_the_keyworker_command_hardens_itself() -> None:
    out = subprocess.run([sys.executable, "-c", CLI_CHILD], capture_output=True, text=True,
                         check=True, cwd=ROOT, env={"PYTHONPATH": str(ROOT)}).stdout
    assert out.strip() == "False"
