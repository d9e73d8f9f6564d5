"""An organisation's system-wide policy file overrides the shipped one, and the app says which
policy is in force (``--version``, About, the log). Paths come from platformdirs itself here:
``XDG_CONFIG_DIRS`` points it at temporary folders, as an administrator's /etc/xdg would be.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs.windows
import pytest

from keyworker_app import __version__
from keyworker_app.cli import main
from keyworker_app.paths import system_policy_dirs
from keyworker_app.services.about import about_info
from keyworker_app.services.policy_loader import (
    POLICY_ENV,
    PolicySource,
    policy_in_force,
    shipped_policy_path,
)
from keyworker_app.store.connection import sqlcipher_version

ORG_POLICY_NAME = "Anyshire County Council family information sharing agreement"


def org_policy_text(name: str = ORG_POLICY_NAME) -> str:
    text = shipped_policy_path().read_text(encoding="utf-8")
    lines = text.splitlines()
    # Replace the first `name = ...` (the [policy] table's) with the organisation's own.
    index = next(i for i, line in enumerate(lines) if line.startswith("name = "))
    lines[index] = f'name = "{name}"'
    return "\n".join(lines) + "\n"


@pytest.fixture
def site_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """Two system configuration folders, the first one wins (as XDG_CONFIG_DIRS says)."""
    first, second = tmp_path / "etc-xdg-site", tmp_path / "etc-xdg"
    monkeypatch.setenv("XDG_CONFIG_DIRS", f"{first}:{second}")
    monkeypatch.delenv(POLICY_ENV, raising=False)
    return first, second


def deploy(folder: Path, text: str) -> Path:
    path = folder / "Keyworker" / "policy.toml"
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_linux_system_wide_location_is_etc_xdg_keyworker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XDG_CONFIG_DIRS", raising=False)
    assert system_policy_dirs() == [Path("/etc/xdg/Keyworker/policy.toml")]


def test_windows_system_wide_location_is_programdata_keyworker(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # platformdirs on Windows asks the shell for FOLDERID_ProgramData (C:\ProgramData); a
    # stand-in without a drive letter keeps the check runnable on Linux.
    monkeypatch.setattr(platformdirs.windows, "get_win_folder",
                        lambda csidl: {"CSIDL_COMMON_APPDATA": "/ProgramData"}[csidl])
    found = system_policy_dirs(platformdirs.windows.Windows)
    # Not ProgramData/Keyworker/Keyworker, which platformdirs gives without appauthor=False.
    assert found == [Path("/ProgramData/Keyworker/policy.toml")]


def test_shipped_policy_when_nothing_is_deployed(site_dirs: tuple[Path, Path]) -> None:
    found = policy_in_force()
    assert found.source is PolicySource.SHIPPED
    assert found.path == shipped_policy_path()
    assert "shipped with the app" in found.describe()


def test_system_wide_policy_overrides_the_shipped_one(site_dirs: tuple[Path, Path]) -> None:
    deployed = deploy(site_dirs[1], org_policy_text())
    found = policy_in_force()
    assert (found.source, found.path) == (PolicySource.SYSTEM, deployed)
    assert found.policy.name == ORG_POLICY_NAME
    assert found.describe().startswith(ORG_POLICY_NAME)
    assert str(deployed) in found.describe()


def test_first_system_folder_wins(site_dirs: tuple[Path, Path]) -> None:
    deploy(site_dirs[1], org_policy_text("Second folder policy"))
    first = deploy(site_dirs[0], org_policy_text("First folder policy"))
    found = policy_in_force()
    assert (found.path, found.policy.name) == (first, "First folder policy")


def test_log_text_names_the_system_file_but_only_the_file_name_otherwise(
    site_dirs: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    deployed = deploy(site_dirs[0], org_policy_text())
    assert policy_in_force().log_text() == (
        f"{ORG_POLICY_NAME} version V12, October 2013 (system-wide: {deployed})")
    deployed.unlink()
    # A KEYWORKER_POLICY file may sit in a home folder, whose path names a person.
    personal = tmp_path / "home" / "jsmith" / "my-policy.toml"
    personal.parent.mkdir(parents=True)
    personal.write_text(org_policy_text(), encoding="utf-8")
    monkeypatch.setenv(POLICY_ENV, str(personal))
    found = policy_in_force()
    assert found.source is PolicySource.ENVIRONMENT
    assert "jsmith" not in found.log_text()
    assert found.log_text().endswith(f"({POLICY_ENV}: my-policy.toml)")


def test_about_info_names_versions_and_the_policy(site_dirs: tuple[Path, Path]) -> None:
    deployed = deploy(site_dirs[0], org_policy_text())
    lines = about_info().lines()
    assert lines[0] == f"Keyworker {__version__}"
    assert lines[1] == f"SQLCipher {sqlcipher_version()}"
    assert lines[2].startswith(f"Policy: {ORG_POLICY_NAME} (version V12, October 2013); "
                               "system-wide")
    assert lines[2].endswith(str(deployed))


def test_sqlcipher_version_is_sqlcipher_4() -> None:
    assert sqlcipher_version().startswith("4.")


def test_a_broken_deployed_policy_is_reported_by_about_not_raised(
    site_dirs: tuple[Path, Path],
) -> None:
    deployed = deploy(site_dirs[0], "[policy]\nname = 'x'\n")
    info = about_info()
    assert info.policy is None
    assert info.lines()[2].startswith(f"Policy: none: The policy file {deployed} is not valid")


def test_cli_version_prints_versions_and_policy_in_force(
    site_dirs: tuple[Path, Path], capsys: pytest.CaptureFixture[str],
) -> None:
    deployed = deploy(site_dirs[0], org_policy_text())
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"Keyworker {__version__}"
    assert out[1].startswith("SQLCipher 4.")
    assert ORG_POLICY_NAME in out[2] and "system-wide" in out[2] and str(deployed) in out[2]


@pytest.mark.parametrize("text", [
    "[policy]\nname = 'x'\n",
    "a = " + "[" * 50_000 + "]" * 50_000 + "\n",  # nesting that would exhaust the parser
])
def test_cli_version_with_a_broken_policy_says_so_and_fails(
    site_dirs: tuple[Path, Path], capsys: pytest.CaptureFixture[str], text: str,
) -> None:
    deployed = deploy(site_dirs[0], text)
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 2  # a deployment script sees the broken policy
    out = capsys.readouterr().out
    assert f"Policy: none: The policy file {deployed} is not valid" in out
    assert "Traceback" not in out
