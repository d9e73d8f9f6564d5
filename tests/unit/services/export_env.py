"""A real store with a planted canary family, and tools to look for the canary on disk."""

from __future__ import annotations

import io
import os
import re
import sys
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from keyworker_app.domain.family import Family
from keyworker_app.domain.policy import Policy
from keyworker_app.paths import StorePaths
from keyworker_app.security.device_secret import DeviceSecrets
from keyworker_app.security.kdf import FAST_TEST_KDF
from keyworker_app.services.case_store import CaseSession, CaseStore
from keyworker_app.services.export import ExportService
from keyworker_app.services.policy_loader import find_policy
from tests.gui.samples import OWNER
from tests.keyring_memory import MemoryKeyring
from tests.unit.reports.conftest import long_notes_family

PASS = "plum violin harbour seventeen"
CANARY = "Quillfeather"
CANARY_GIVEN = "Zebedine"
STRONG = "Tr4m-Lantern-91"
FIXED_NOW = datetime(2025, 3, 7, 14, 30, tzinfo=UTC)


def canary_family() -> Family:
    family = long_notes_family("KW-0099", CANARY)
    first = replace(family.members[0], given_names=CANARY_GIVEN)
    return replace(family, members=(first, *family.members[1:]))


def _streams(data: bytes) -> Iterator[bytes]:
    yield data
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        try:
            yield zlib.decompress(match.group(1))
        except zlib.error:
            continue


def _pdf_text(data: bytes) -> str:
    """Text of an unencrypted PDF (subset fonts hide it from a byte search); '' otherwise."""
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            return ""
        return " ".join(page.extract_text() for page in reader.pages)
    except Exception:  # noqa: BLE001 - not a readable PDF: the byte search still applies
        return ""


def holds_canary(data: bytes) -> bool:
    needles = [n.encode(enc) for n in (CANARY, CANARY_GIVEN) for enc in ("utf-8", "utf-16-le")]
    if any(n in chunk for chunk in _streams(data) for n in needles):
        return True
    if b"%PDF" in data[:1024]:
        text = _pdf_text(data)
        return CANARY in text or CANARY_GIVEN in text
    return False


def files_with_canary(*roots: Path) -> list[Path]:
    found = []
    for root in roots:
        for path in root.rglob("*"):
            if path.is_file() and holds_canary(path.read_bytes()):
                found.append(path)
    return found


class WriteWatch:
    """Every path Python opens for writing while active (a process-wide audit hook)."""

    active: WriteWatch | None = None
    installed = False

    def __init__(self) -> None:
        self.paths: list[str] = []

    @classmethod
    def _hook(cls, event: str, args: tuple[object, ...]) -> None:
        watch = cls.active
        if watch is None or event != "open" or not args or not isinstance(args[0], str | Path):
            return
        mode, flags = args[1], args[2]
        writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
            isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT))
        if writing:
            watch.paths.append(str(args[0]))

    def __enter__(self) -> WriteWatch:
        if not WriteWatch.installed:
            sys.addaudithook(WriteWatch._hook)
            WriteWatch.installed = True
        WriteWatch.active = self
        return self

    def __exit__(self, *_exc: object) -> None:
        WriteWatch.active = None


@dataclass
class ExportEnv:
    root: Path
    tmp: Path
    out: Path
    store: CaseStore
    session: CaseSession
    policy: Policy
    family: Family
    service: ExportService

    @property
    def family_id(self) -> int:
        assert self.family.id is not None
        return self.family.id

    def export_events(self) -> list[str]:
        return [e.object_type + ":" + e.object_id + " " + e.detail
                for e in self.session.audit().events(limit=1000) if e.action == "export"]


@pytest.fixture
def export_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ExportEnv]:
    tmp = tmp_path / "tmp"
    out = tmp_path / "out"
    tmp.mkdir()
    out.mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    store = CaseStore(StorePaths(tmp_path / "store"), DeviceSecrets(MemoryKeyring()),
                      kdf=FAST_TEST_KDF)
    session, _ = store.create(PASS, OWNER)
    family = session.add_family(canary_family())
    policy, _ = find_policy()
    service = ExportService(session, policy, now=lambda: FIXED_NOW)
    yield ExportEnv(tmp_path, tmp, out, store, session, policy, family, service)
    session.lock()
