"""Logging to a rotating file in the user's log folder.

Log records carry ids, counts and error kinds only: never a name, address, date of
birth, passphrase or key. The file handler is the only sink besides stderr warnings.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

import platformdirs

from keyworker_app.paths import APP_NAME

LOG_ENV = "KEYWORKER_LOG_DIR"


def log_dir() -> Path:
    override = os.environ.get(LOG_ENV)
    if override:
        return Path(override)
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def configure_logging(level: int = logging.INFO) -> Path:
    directory = log_dir()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = directory / "keyworker.log"
    root = logging.getLogger("keyworker")
    for handler in list(root.handlers):
        if isinstance(handler, logging.handlers.RotatingFileHandler):
            if Path(handler.baseFilename) == path.resolve():
                root.setLevel(level)
                return path
            root.removeHandler(handler)
            handler.close()
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root.addHandler(handler)
    os.chmod(path, 0o600)
    root.setLevel(level)
    return path
