"""Acceptance 5: the real app under Xvfb locks when idle and the locked screen shows no data.

Needs KEYWORKER_E2E=1, Xvfb, xdotool and imagemagick's ``import``. Steps: create a demo store
(``python -m keyworker_app demo``), start ``python -m keyworker_app --store DIR`` on its own
Xvfb (a free display it picks itself, ``-displayfd``) with ``KEYWORKER_IDLE_SECONDS=5``, type
the passphrase with xdotool, screenshot the unlocked screen, wait without input, screenshot
the locked screen. Every wait is on something the screen shows — a window title, or the screen
changing and then holding still — never a fixed pause. The locked screenshot must
differ from the unlocked one and contain no family name: by OCR when tesseract is installed,
and always by comparing it with the lock screen shown at start-up (the known rendering; only
the user-name label may differ, OS login name versus store owner).
Screenshots are kept in ``tmp_path`` (printed) so a person can look at them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from keyworker_app.domain.family import Family
from tests.xdisplay import x_env, xvfb_display

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(os.environ.get("KEYWORKER_E2E") != "1", reason="set KEYWORKER_E2E=1"),
    pytest.mark.skipif(not all(shutil.which(t) for t in ("Xvfb", "xdotool", "import")),
                       reason="needs Xvfb, xdotool and imagemagick"),
]

PASSPHRASE = "e2e plum violin harbour seventeen"
# Long enough that taking and comparing screenshots on a busy machine (several seconds
# with no input) cannot lock the window before the test has opened the record.
IDLE_SECONDS = 25
STILL_PIXELS = 200  # a blinking text cursor changes fewer pixels than this
POLL_SECONDS = 0.1


def run(cmd: list[str], env: dict[str, str], **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, env=env, check=True, text=True, capture_output=True,
                          timeout=120, **kw)  # type: ignore[call-overload, no-any-return]


@pytest.fixture
def xvfb() -> Iterator[dict[str, str]]:
    with xvfb_display() as display:  # Xvfb reports the display once it accepts clients
        yield x_env(display)


def screenshot(env: dict[str, str], path: Path) -> Path:
    run(["import", "-window", "root", str(path)], env)
    return path


def settled_screenshot(env: dict[str, str], path: Path, *, unlike: Path | None = None,
                       by: float = 0, timeout: float = 60) -> Path:
    """A screenshot once the screen holds still (two grabs in a row alike but for a cursor
    blink) and, with ``unlike``, differs from that earlier screenshot by more than ``by``
    pixels: what was asked for has happened and finished drawing."""
    end = time.monotonic() + timeout
    previous: Path | None = None
    grab = 0
    while time.monotonic() < end:
        grab += 1
        current = screenshot(env, path.with_name(f"{path.stem}.grab{grab}.png"))
        changed = unlike is None or pixel_difference(unlike, current, env) > by
        if previous is not None and changed and (
                pixel_difference(previous, current, env) <= STILL_PIXELS):
            current.replace(path)
            previous.unlink()
            return path
        if previous is not None:
            previous.unlink()
        previous = current
        time.sleep(POLL_SECONDS)
    raise AssertionError(f"the screen did not settle for {path.name}")


def pixel_difference(a: Path, b: Path, env: dict[str, str]) -> float:
    result = subprocess.run(["compare", "-metric", "AE", str(a), str(b), "null:"], env=env,
                            capture_output=True, text=True, timeout=60, check=False)
    return float(result.stderr.split()[0])


def ocr(path: Path) -> str | None:
    if not shutil.which("tesseract"):
        return None
    out = subprocess.run(["tesseract", str(path), "-", "--psm", "11"], capture_output=True,
                         text=True, timeout=120, check=False)
    return out.stdout


def scan_for_names(root: Path, names: list[str]) -> list[str]:
    """Every file the processes wrote (store, log, Qt settings and caches, temp files),
    searched for the families' names as UTF-8 and UTF-16 bytes. Screenshots are images of
    the screen, checked above, so they are left out."""
    found = []
    for path in root.rglob("*"):
        if not path.is_file() or path.suffix == ".png":
            continue
        data = path.read_bytes()
        for name in names:
            if name.encode() in data or name.encode("utf-16-le") in data:
                found.append(f"{path.relative_to(root)}: {name}")
    return found


def demo_families() -> list[Family]:
    from datetime import date

    from keyworker_app.services.demo_data import generate_families

    return generate_families(20, 1, date.today())


def demo_family_names() -> list[str]:
    families = demo_families()
    return sorted({f.family_name for f in families} | {m.given_names for f in families
                                                        for m in f.members})


def wait_for_window(env: dict[str, str], title: str, timeout: float = 30) -> str:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        found = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", title], env=env,
                               capture_output=True, text=True, check=False)
        if found.returncode == 0 and found.stdout.strip():
            return found.stdout.split()[0]
        time.sleep(POLL_SECONDS)
    raise AssertionError(f"no window titled {title!r}")


def test_idle_lock_hides_personal_data(tmp_path: Path, xvfb: dict[str, str]) -> None:
    store = tmp_path / "store"
    env = dict(xvfb, KEYWORKER_PASSPHRASE=PASSPHRASE)
    run([sys.executable, "-m", "keyworker_app", "demo", "--store", str(store),
         "--families", "20", "--seed", "1"], env)
    app_env = dict(xvfb, KEYWORKER_IDLE_SECONDS=str(IDLE_SECONDS))
    app_env.pop("KEYWORKER_PASSPHRASE", None)  # the GUI never reads a passphrase from env
    # Everything the app could write outside its store lands under tmp_path, to be scanned:
    # Qt's settings and caches (HOME, XDG), the log and temporary files.
    home = tmp_path / "home"
    for sub in ("", ".cache", ".config", ".local/share", "tmp", "logs"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    app_env.update(HOME=str(home), XDG_CACHE_HOME=str(home / ".cache"),
                   XDG_CONFIG_HOME=str(home / ".config"),
                   XDG_DATA_HOME=str(home / ".local/share"), TMPDIR=str(home / "tmp"),
                   KEYWORKER_LOG_DIR=str(home / "logs"))
    app = subprocess.Popen([sys.executable, "-m", "keyworker_app", "--store", str(store)],
                           env=app_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True)
    try:
        window = wait_for_window(app_env, "Keyworker")
        reference_lock = settled_screenshot(app_env, tmp_path / "0-lock-screen.png")
        # No window manager on Xvfb: give the window input focus directly.
        run(["xdotool", "windowfocus", "--sync", window], app_env)
        run(["xdotool", "type", "--delay", "20", PASSPHRASE], app_env)
        run(["xdotool", "key", "Return"], app_env)
        wait_for_window(app_env, "^Keyworker$")
        caseload = settled_screenshot(app_env, tmp_path / "caseload.png",
                                      unlike=reference_lock, by=10_000)
        # Open the first demo family by keyboard, so its record is on screen when it locks.
        first = demo_families()[0]
        run(["xdotool", "key", "ctrl+f"], app_env)
        run(["xdotool", "type", "--delay", "20", first.reference], app_env)
        # The caseload narrows to that one family (most of its rows disappear).
        filtered = settled_screenshot(app_env, tmp_path / "filtered.png", unlike=caseload,
                                      by=5_000)
        run(["xdotool", "key", "Return"], app_env)  # Enter opens the first family shown
        # The family's record opens beside the caseload.
        settled_screenshot(app_env, tmp_path / "record.png", unlike=filtered, by=5_000)
        run(["xdotool", "mousemove", "400", "300"], app_env)  # input resets the idle clock
        unlocked = screenshot(app_env, tmp_path / "1-unlocked.png")
        wait_for_window(app_env, "Locked", timeout=IDLE_SECONDS * 4)
        locked = settled_screenshot(app_env, tmp_path / "2-locked.png", unlike=unlocked,
                                    by=10_000)
        print(f"screenshots: {reference_lock} {unlocked} {locked}")

        assert pixel_difference(unlocked, locked, app_env) > 10_000
        # The locked screen is the known lock-screen rendering (no caseload behind it).
        assert pixel_difference(reference_lock, locked, app_env) < 8_000
        text = ocr(locked)
        if text is not None:
            names = demo_family_names()
            unlocked_text = ocr(unlocked) or ""
            # OCR reads this screen: it finds the demo families when they are shown...
            assert "DEMO-" in unlocked_text
            assert any(name in unlocked_text for name in names)
            # ...and none once the screen has locked.
            assert "DEMO-" not in text
            assert not [name for name in names if name in text]
            assert "Keyworker" in text or "Unlock" in text
        app.terminate()
        app.wait(15)
        leaks = scan_for_names(tmp_path, [n for n in demo_family_names() if len(n) >= 5])
        assert not leaks, leaks
    finally:
        app.terminate()
        try:
            app.wait(15)
        except subprocess.TimeoutExpired:
            app.kill()
            app.wait(15)
        if app.stdout is not None:
            app.stdout.close()
