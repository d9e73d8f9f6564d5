"""Where Keyworker keeps its files. The one place that decides paths."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "Keyworker"
STORE_ENV = "KEYWORKER_STORE"


@dataclass(frozen=True)
class StorePaths:
    """The files of one case store, all inside one owner-only directory."""

    root: Path

    @property
    def database(self) -> Path:
        return self.root / "casestore.db"

    @property
    def header(self) -> Path:
        return self.root / "casestore.header"

    @property
    def audit_head(self) -> Path:
        """The audit chain's head, kept outside the database (store/audit_head.py)."""
        return self.root / "casestore.audit-head"

    @property
    def throttle(self) -> Path:
        return self.root / "unlock-attempts.json"

    @property
    def instance_lock(self) -> Path:
        """Locked by the one Keyworker that has the store open (``store.instance_lock``)."""
        return self.root / "casestore.lock"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    def sidecars(self) -> list[Path]:
        """SQLite's own companion files of the database."""
        db = self.database
        return [db.with_name(db.name + s) for s in ("-wal", "-shm", "-journal")]


def default_store_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "store"


def resolve_store_dir(cli_value: str | None = None) -> Path:
    """--store beats KEYWORKER_STORE beats the platform's user data dir."""
    if cli_value:
        return Path(cli_value).expanduser()
    env = os.environ.get(STORE_ENV)
    if env:
        return Path(env).expanduser()
    return default_store_dir()


def system_policy_dirs(
    platform_dirs: type[platformdirs.PlatformDirsABC] = platformdirs.PlatformDirs,
) -> list[Path]:
    """Where an organisation may deploy its own policy file (first found wins).

    Linux: each of ``$XDG_CONFIG_DIRS`` (default ``/etc/xdg``) + ``Keyworker/policy.toml``;
    Windows: ``%PROGRAMDATA%\\Keyworker\\policy.toml``. ``appauthor=False`` keeps platformdirs
    from adding the app name twice on Windows (``ProgramData\\Keyworker\\Keyworker``).
    ``platform_dirs`` lets a test ask what another platform would answer.
    """
    joined = platform_dirs(APP_NAME, appauthor=False, multipath=True).site_config_dir
    dirs = [Path(p) for p in joined.split(os.pathsep)]
    return [d / "policy.toml" for d in dirs]
