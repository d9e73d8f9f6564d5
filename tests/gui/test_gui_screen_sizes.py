"""Acceptance: every screen is usable at 1024x768, at 1366x768 and at 200 % on 2560x1440.

Each size runs tests/gui/size_tour.py in its own process (a Qt screen's size is fixed when
the application starts): offscreen, one screen of that size, QT_SCALE_FACTOR=2 for the
scaled desktop. The tour visits every screen — set-up wizard, lock screen (and its wrong-
passphrase message), caseload, each family tab, every dialog a "…" button or a menu item
opens, the meeting editor's tabs, Today, Team, each Programme page — and fails if a visible
widget lies outside the screen, is squeezed below what its layout needs, or overlaps another.
Set KEYWORKER_SHOTS=DIR to keep a screenshot of every screen at every size.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("size", "scale", "logical"), [
    ("1024x768", 1, [1024, 768]), ("1366x768", 1, [1366, 768]),
    ("2560x1440", 2, [1280, 720])])
def test_every_screen_fits_and_nothing_overlaps(tmp_path: Path, size: str, scale: int,
                                                logical: list[int]) -> None:
    command = [sys.executable, "-m", "tests.gui.size_tour", size, "--scale", str(scale)]
    shots = os.environ.get("KEYWORKER_SHOTS")
    if shots:
        command += ["--shots", str(Path(shots) / f"{size}@{scale}x")]
    env = dict(os.environ, TMPDIR=str(tmp_path), HOME=str(tmp_path))
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["screen"] == logical
    assert report["visited"] >= 50  # every screen, not a tour that stopped early
    assert report["problems"] == {}, json.dumps(report["problems"], indent=1)[:6000]
