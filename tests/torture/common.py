"""Shared parts of the torture suite: a file-backed keyring that several processes can
share (tests only: it is plaintext on purpose and never selected by keyring itself),
store set-up with the fast test KDF, and the result table."""

from __future__ import annotations

import json
import os
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import keyring.backend
import keyring.errors
from keyring.compat import properties

from keyworker_app.domain.audit import Actor, Role
from keyworker_app.paths import StorePaths
from keyworker_app.security.device_secret import DeviceSecrets
from keyworker_app.security.kdf import FAST_TEST_KDF
from keyworker_app.services.case_store import CaseStore

PASSPHRASES = ("torture amber lantern 4417", "torture cobalt meadow 9026")
OWNER = Actor("Torture Test Worker", Role.KEY_WORKER, "Leicester City Council")


class FileKeyring(keyring.backend.KeyringBackend):
    """A JSON file of secrets, so writer processes and the checker share one "computer"."""

    @properties.classproperty
    def priority(cls) -> float:
        raise RuntimeError("test-only backend; never selected automatically")

    def __init__(self, path: Path) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.path = path

    def _load(self) -> dict[str, str]:
        try:
            data: dict[str, str] = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        return data

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}\x00{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._load()
        data[f"{service}\x00{username}"] = password
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(tmp, self.path)

    def delete_password(self, service: str, username: str) -> None:
        data = self._load()
        if data.pop(f"{service}\x00{username}", None) is None:
            raise keyring.errors.PasswordDeleteError("not found")
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(tmp, self.path)


def case_store(root: Path) -> CaseStore:
    """The store under ``root/store`` with its keyring file ``root/keyring.json``."""
    secrets = DeviceSecrets(FileKeyring(root / "keyring.json"))
    return CaseStore(StorePaths(root / "store"), secrets=secrets, kdf=FAST_TEST_KDF)


def example_families_text() -> str:
    return (Path(__file__).resolve().parents[2] / "docs" / "examples"
            / "families.json").read_text(encoding="utf-8")


def new_store(root: Path, families: int = 3) -> CaseStore:
    """A store with a few fictitious families, locked again."""
    from keyworker_app.services.demo_data import generate_families

    store = case_store(root)
    session, _ = store.create(PASSPHRASES[0], OWNER)
    try:
        session.import_families(generate_families(families, 7, date.today()), "torture")
    finally:
        session.lock()
    return store


def store_files_digest(root: Path) -> dict[str, bytes]:
    """The bytes of every file in the store folder (to prove "nothing changed")."""
    import hashlib

    return {p.name: hashlib.sha256(p.read_bytes()).digest()
            for p in sorted((root / "store").iterdir()) if p.is_file()}


@dataclass
class Outcome:
    part: str
    tried: int = 0
    failures: int = 0
    examples: list[str] = field(default_factory=list)

    def fail(self, what: str) -> None:
        self.failures += 1
        if len(self.examples) < 5:
            self.examples.append(what)


def table(outcomes: list[Outcome]) -> str:
    width = max(len(o.part) for o in outcomes)
    lines = [f"{'test':<{width}}  {'inputs tried':>12}  {'failures':>8}",
             f"{'-' * width}  {'-' * 12}  {'-' * 8}"]
    for o in outcomes:
        lines.append(f"{o.part:<{width}}  {o.tried:>12,}  {o.failures:>8}")
        lines += [f"    e.g. {e}" for e in o.examples]
    return "\n".join(lines)


def chunks(rng: random.Random, text: str) -> Iterator[str]:
    """Endless mutations of ``text``: byte flips, cuts, insertions of hostile values."""
    hostile = ['[' * 5000, '{"a":' * 3000, '"\\ud800"', '"\\udfff x"', "1e999999", "-0",
               '"' + "x" * 200_000 + '"', "null", "true", "[]", "{}", '"31/02/2026"',
               '"2026-02-31"', '"9999-12-31"', '"0001-01-01"', '"\\u0000"', '"\u202e"',
               "NaN", "Infinity", '"ZZ99 1AA"', "123456789012345678901234567890"]
    while True:
        chars = list(text)
        for _ in range(rng.randint(1, 4)):
            how = rng.random()
            at = rng.randrange(len(chars)) if chars else 0
            if how < 0.3:
                chars[at:at + 1] = [chr(rng.randrange(32, 0x2FFF))]
            elif how < 0.45:
                chars = chars[:at]
            elif how < 0.8:
                chars[at:at] = list(rng.choice(hostile))
            else:
                del chars[at:at + rng.randint(1, 40)]
        yield "".join(chars)
