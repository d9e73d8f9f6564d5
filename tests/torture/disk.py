"""A full disk during save, export, backup and import: a clear message, and the store
intact (it opens, verifies as sound and holds everything saved before)."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from keyworker_app.domain.family import CaseNote, ContactKind
from keyworker_app.errors import UserFacingError
from tests.torture.common import PASSPHRASES, Outcome, case_store, new_store

SLACKS = (0, 4096, 32 * 1024, 160 * 1024)


@contextlib.contextmanager
def small_disk(where: Path, size_mib: int) -> Iterator[bool]:
    """A tmpfs of ``size_mib`` at ``where`` (root only); yields False where none can be had."""
    where.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_mib}m", "tmpfs",
                              str(where)], check=False, capture_output=True).returncode == 0
    try:
        yield mounted
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(where)], check=False, capture_output=True)


def fill(where: Path, leave: int) -> Path:
    """Fill the file system at ``where`` until about ``leave`` bytes are free."""
    filler = where / "filler.bin"
    free = shutil.disk_usage(where).free
    with filler.open("wb") as f, contextlib.suppress(OSError):
        remaining = max(0, free - leave)
        block = b"\0" * (1 << 20)
        while remaining > 0:
            remaining -= f.write(block[: min(len(block), remaining)])
    return filler


def _ops(root: Path) -> dict[str, Callable[[object], None]]:
    from keyworker_app.domain.handling import Recipient
    from keyworker_app.services.demo_data import generate_families
    from keyworker_app.services.export import ExportRequest, ExportService, ReportKind
    from keyworker_app.services.policy_loader import find_policy

    def save(session: object) -> None:
        fid = session.family_ids()[0]  # type: ignore[attr-defined]
        family = session.view_family(fid)  # type: ignore[attr-defined]
        note = CaseNote(ContactKind.NOTE, datetime.now(UTC) - timedelta(minutes=1),
                        "Torture Test Worker", "full disk " + "x" * 60_000)
        session.update_family(dataclasses.replace(  # type: ignore[attr-defined]
            family, notes=(*family.notes, note)), family)

    def export(session: object) -> None:
        policy = find_policy()[0]
        fid = session.family_ids()[0]  # type: ignore[attr-defined]
        ExportService(session, policy).export(ExportRequest(  # type: ignore[arg-type]
            fid, ReportKind("case-summary"), root / "summary.pdf", Recipient.printing(),
            policy.purposes[0].id, replace=True))

    def backup(session: object) -> None:
        session.lock()  # type: ignore[attr-defined]
        case_store(root).backup(PASSPHRASES[0], root / "backup.kwbackup")

    def import_(session: object) -> None:
        families = generate_families(40, 99, date.today())
        session.import_families(  # type: ignore[attr-defined]
            [dataclasses.replace(f, reference=f"DISK-{i:04}") for i, f in enumerate(families)],
            "disk.json")

    return {"save": save, "export": export, "backup": backup, "import": import_}


def full_disk(rounds: int, seed: int, workdir: Path) -> Outcome:
    out = Outcome("full disk: save, export, backup, import")
    mount = workdir / "small-disk"
    with small_disk(mount, 24) as mounted:
        if not mounted:
            out.fail("no tmpfs could be mounted (run as root): part not run")
            return out
        for r in range(rounds):
            for slack in SLACKS:
                for name in ("save", "export", "backup", "import"):
                    root = mount / f"r{r}-{name}-{slack}"
                    new_store(root)
                    session = case_store(root).unlock(PASSPHRASES[0])
                    fid = session.family_ids()[0]
                    notes_before = {n.summary for n in session.view_family(fid).notes}
                    filler = fill(mount, slack)
                    out.tried += 1
                    try:
                        _ops(root)[name](session)
                    except UserFacingError:
                        pass
                    except Exception as exc:
                        out.fail(f"{name} with {slack} bytes free: crash {type(exc).__name__}")
                    finally:
                        with contextlib.suppress(UserFacingError, Exception):
                            session.lock()
                        filler.unlink()
                    _check_intact(out, root, name, slack, notes_before)
                    shutil.rmtree(root, ignore_errors=True)
    return out


def _check_intact(out: Outcome, root: Path, name: str, slack: int,
                  notes_before: set[str]) -> None:
    try:
        session = case_store(root).unlock(PASSPHRASES[0])
    except UserFacingError as exc:
        out.fail(f"{name} with {slack} bytes free: store no longer opens ({exc.message})")
        return
    try:
        if not session.verify().ok:
            out.fail(f"{name} with {slack} bytes free: verify found problems")
        fid = session.family_ids()[0]
        if not notes_before <= {n.summary for n in session.view_family(fid).notes}:
            out.fail(f"{name} with {slack} bytes free: earlier notes lost")
        partial = [p.name for p in root.glob("*.part")] + [
            p.name for p in root.iterdir() if p.name.startswith(".") and p.is_file()]
        if partial:
            out.fail(f"{name} with {slack} bytes free: partial files left {partial[:2]}")
    finally:
        session.lock()
    os.sync()
