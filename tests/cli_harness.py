"""Runs the real ``keyworker`` command in-process against a temporary store.

A fresh in-memory keyring stands for "this computer" (swap it for another computer),
and key derivation uses the fast test parameters: the product calibrates to ~0.5 s.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import keyring
import pytest

from keyworker_app import cli
from keyworker_app.security.kdf import FAST_TEST_KDF
from tests.keyring_memory import MemoryKeyring


@dataclass
class Result:
    code: int
    out: str
    err: str


@dataclass
class CliHarness:
    root: Path
    monkeypatch: pytest.MonkeyPatch
    capsys: pytest.CaptureFixture[str]
    keyring: MemoryKeyring = field(default_factory=MemoryKeyring)

    @property
    def store(self) -> Path:
        return self.root / "store"

    def new_computer(self) -> None:
        self.keyring = MemoryKeyring()
        keyring.set_keyring(self.keyring)

    def run(self, *args: str, **env: str) -> Result:
        for name in ("KEYWORKER_PASSPHRASE", "KEYWORKER_NEW_PASSPHRASE",
                     "KEYWORKER_RECOVERY_KEY"):
            self.monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            self.monkeypatch.setenv(name, value)
        self.capsys.readouterr()
        code = cli.main(list(args))
        captured = self.capsys.readouterr()
        return Result(code, captured.out, captured.err)

    def written_files(self) -> list[Path]:
        return [p for p in self.root.rglob("*") if p.is_file()]


@pytest.fixture
def harness(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
            capsys: pytest.CaptureFixture[str]) -> Iterator[CliHarness]:
    h = CliHarness(tmp_path, monkeypatch, capsys)
    (tmp_path / "tmp").mkdir()
    (tmp_path / "logs").mkdir()
    monkeypatch.setenv("KEYWORKER_STORE", str(h.store))
    monkeypatch.setenv("KEYWORKER_LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    monkeypatch.setattr("keyworker_app.store.vault.calibrate_kdf",
                        lambda *a, **k: FAST_TEST_KDF)
    previous = keyring.get_keyring()
    keyring.set_keyring(h.keyring)
    yield h
    keyring.set_keyring(previous)
    logger = logging.getLogger("keyworker")
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()
