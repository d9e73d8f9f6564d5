"""The Linux desktop entry, the icon set and packaging/linux/install.sh (into temp prefixes).

install.sh runs here against a stand-in bundle (a shell script as the executable beside the
real resources/), so these checks are fast; tests/packaging/test_bundle.py installs the real
tarball.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RESOURCES = ROOT / "resources"
INSTALL_SH = ROOT / "packaging" / "linux" / "install.sh"
SIZES = (16, 32, 48, 64, 128, 256)


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def desktop_entry(path: Path) -> dict[str, str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "[Desktop Entry]"
    return dict(line.split("=", 1) for line in lines[1:] if "=" in line)


def test_icon_set_has_every_size_rendered_from_the_svg() -> None:
    svg = (RESOURCES / "icons" / "keyworker.svg").read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    for size in SIZES:
        assert png_size(RESOURCES / "icons" / f"keyworker-{size}.png") == (size, size)
    assert (RESOURCES / "icons" / "keyworker.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"


def test_desktop_entry_is_valid_and_names_no_personal_path() -> None:
    path = RESOURCES / "linux" / "keyworker.desktop"
    entry = desktop_entry(path)
    assert entry["Type"] == "Application"
    assert entry["Name"] == "Keyworker"
    assert entry["Categories"] == "Office;"
    assert entry["Icon"] == "keyworker"
    assert entry["Exec"] == "keyworker"  # install.sh writes the installed path
    assert "/" not in path.read_text(encoding="utf-8")
    if shutil.which("desktop-file-validate"):
        subprocess.run(["desktop-file-validate", str(path)], check=True)


@pytest.fixture
def unpacked(tmp_path: Path) -> Path:
    """What the tarball unpacks to, with a stand-in executable."""
    top = tmp_path / "keyworker-0.0-linux-x86_64"
    bundle = top / "keyworker"
    shutil.copytree(RESOURCES, bundle / "_internal" / "resources")
    exe = bundle / "keyworker"
    exe.write_text("#!/bin/sh\necho stand-in keyworker \"$@\"\n", encoding="utf-8")
    exe.chmod(0o755)
    shutil.copy(INSTALL_SH, top / "install.sh")
    return top


def run_install(unpacked: Path, home: Path, *args: str) -> str:
    env = {"PATH": os.environ["PATH"], "HOME": str(home)}
    result = subprocess.run(["bash", str(unpacked / "install.sh"), *args], env=env,
                            capture_output=True, text=True, timeout=60, check=True)
    return result.stdout


def test_user_install_needs_no_root_and_places_entry_and_icons(
        unpacked: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    run_install(unpacked, home)
    app = home / ".local" / "opt" / "keyworker"
    assert (app / "keyworker").is_file()
    link = home / ".local" / "bin" / "keyworker"
    assert link.is_symlink() and link.resolve() == (app / "keyworker").resolve()
    out = subprocess.run([str(link), "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "stand-in keyworker --version"
    share = home / ".local" / "share"
    entry = desktop_entry(share / "applications" / "keyworker.desktop")
    assert entry["Exec"] == f"{app}/keyworker"
    assert entry["TryExec"] == f"{app}/keyworker"
    assert (share / "icons" / "hicolor" / "scalable" / "apps" / "keyworker.svg").is_file()
    for size in SIZES:
        icon = share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "keyworker.png"
        assert png_size(icon) == (size, size)
    if shutil.which("desktop-file-validate"):
        subprocess.run(["desktop-file-validate", str(share / "applications" /
                                                     "keyworker.desktop")], check=True)

    # Installing again replaces the app folder; uninstalling removes everything it placed.
    run_install(unpacked, home)
    run_install(unpacked, home, "--uninstall")
    assert not app.exists() and not link.exists()
    assert not (share / "applications" / "keyworker.desktop").exists()
    assert not list((share / "icons").rglob("keyworker.*"))


def test_system_install_stages_under_destdir_with_final_paths(
        unpacked: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    dest = tmp_path / "stage"
    run_install(unpacked, home, "--system", "--destdir", str(dest))
    assert (dest / "opt" / "keyworker" / "keyworker").is_file()
    assert os.readlink(dest / "usr" / "local" / "bin" / "keyworker") == "/opt/keyworker/keyworker"
    entry = desktop_entry(dest / "usr" / "local" / "share" / "applications" /
                          "keyworker.desktop")
    assert entry["Exec"] == "/opt/keyworker/keyworker"
    assert (dest / "usr" / "local" / "share" / "icons" / "hicolor" / "48x48" / "apps" /
            "keyworker.png").is_file()
    assert not list(home.iterdir())  # nothing in the user's home


def test_system_install_without_root_is_refused(unpacked: Path, tmp_path: Path) -> None:
    # Pretend to be an ordinary user whatever runs the tests (CI runs as root).
    fake_bin = tmp_path / "fake-bin"
    fake_bin.mkdir()
    (fake_bin / "id").write_text("#!/bin/sh\necho 1000\n", encoding="utf-8")
    (fake_bin / "id").chmod(0o755)
    env = {"PATH": f"{fake_bin}:{os.environ['PATH']}", "HOME": str(tmp_path)}
    result = subprocess.run(["bash", str(unpacked / "install.sh"), "--system"], env=env,
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 1
    assert "needs root" in result.stderr
