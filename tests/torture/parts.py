"""The parts of the torture suite. Each returns an ``Outcome``: how many inputs it tried
and how many went wrong (a crash, a partial import, a changed store, a lost write)."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from itertools import islice
from pathlib import Path

from keyworker_app.errors import UserFacingError
from tests.torture.common import (
    PASSPHRASES,
    Outcome,
    case_store,
    chunks,
    example_families_text,
    new_store,
    store_files_digest,
)

ROOT = Path(__file__).resolve().parents[2]
KINDS = ("notes", "meetings", "import", "drafts", "passwd", "rotate", "backup")


def _writer(root: Path, kind: str, seed: int, pw: int, count: int | None = None
            ) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    args = [sys.executable, "-m", "tests.torture.writer", str(root), kind, str(seed), str(pw)]
    if count is not None:
        args.append(str(count))
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env, cwd=ROOT)


def _collect(proc: subprocess.Popen[str], ready: threading.Event, lines: list[str]) -> None:
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.strip() == "ready":
            ready.set()
        else:
            lines.append(line.strip())
    ready.set()


def _open_either(root: Path, hint: int) -> tuple[object | None, int]:
    store = case_store(root)
    for pw in (hint, 1 - hint):
        try:
            return store.unlock(PASSPHRASES[pw]), pw
        except UserFacingError:
            continue
    return None, hint


def _present(session: object, kind: str, tokens: list[str], root: Path) -> list[str]:
    """Committed tokens the store (or the folder, for backups) does not show."""
    fid = session.family_ids()[0]  # type: ignore[attr-defined]
    if kind == "notes":
        have = {n.summary for n in session.view_family(fid).notes}  # type: ignore[attr-defined]
        return [t for t in tokens if t not in have]
    if kind == "drafts":
        keys = {d.record_key for d in session.drafts()}  # type: ignore[attr-defined]
        return [t for t in tokens if f"family:{fid}/note:{t}" not in keys]
    if kind == "import":
        repo = session.families()  # type: ignore[attr-defined]
        return [t for t in tokens if repo.find_id_by_reference(t) is None]
    if kind == "meetings":
        from keyworker_app.services.policy_loader import find_policy

        n = len(session.meetings(find_policy()[0]).meetings_of_family(fid))  # type: ignore[attr-defined]
        return [t for t in tokens if int(t.split("-")[1]) > n]
    if kind == "backup":
        return [t for t in tokens if not Path(t).is_file() or Path(t).stat().st_size == 0]
    return []


def kill_during_writes(rounds: int, seed: int, workdir: Path) -> Outcome:
    """SIGKILL a writer at a random moment, ``rounds`` times over the kinds of write;
    after each kill the store must open, verify as sound and hold every reported write."""
    out = Outcome("SIGKILL during mixed writes")
    rng = random.Random(seed)
    root = workdir / "kill"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    new_store(root)
    pw = 0
    committed: dict[str, list[str]] = {k: [] for k in KINDS}
    for round_no in range(rounds):
        kind = KINDS[round_no % len(KINDS)]
        proc = _writer(root, kind, seed * 1000 + round_no, pw)
        ready = threading.Event()
        lines: list[str] = []
        reader = threading.Thread(target=_collect, args=(proc, ready, lines))
        reader.start()
        if not ready.wait(60):
            proc.kill()
        time.sleep(rng.uniform(0.0, 0.6 if kind in ("passwd", "rotate", "backup") else 0.4))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        reader.join()
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()
        proc.stderr.close()
        out.tried += 1
        for line in lines:
            if line.startswith("ok passphrase="):
                pw = int(line.split("=")[1])
            elif line.startswith("ok "):
                committed[kind].append(line[3:])
        session, pw = _open_either(root, pw)
        if session is None:
            out.fail(f"round {round_no} ({kind}): the store no longer opens")
            break
        try:
            report = session.verify()  # type: ignore[attr-defined]
            if not report.ok:
                out.fail(f"round {round_no} ({kind}): verify: {report.problems[:2]}")
            for k in KINDS:
                lost = _present(session, k, committed[k], root)
                if lost:
                    out.fail(f"round {round_no} ({kind}): {len(lost)} committed {k} lost")
        finally:
            session.lock()  # type: ignore[attr-defined]
    return out


def mutated_imports(count: int, seed: int, workdir: Path) -> Outcome:
    """Mutated family files: each is imported whole or refused with a message, and a
    refused one changes nothing."""
    from keyworker_app.services.family_import import parse_families_json

    out = Outcome("mutated import files")
    root = workdir / "imports"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    session = new_store(root).unlock(PASSPHRASES[0])
    conn = session.connection

    def counts() -> tuple[int, ...]:
        return tuple(int(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0])
                     for t in ("family", "person", "address", "case_note"))

    rng = random.Random(seed)
    try:
        for text in islice(chunks(rng, example_families_text()), count):
            out.tried += 1
            before = counts()
            try:
                families = parse_families_json(text, "mutated.json")
                session.import_families(families, "mutated.json")
            except UserFacingError:
                if counts() != before:
                    out.fail("a refused file changed the store")
                continue
            except Exception as exc:  # the point of the suite: nothing else may escape
                out.fail(f"crash: {type(exc).__name__}")
                continue
            if counts()[0] != before[0] + len(families):
                out.fail("an accepted file was not imported whole")
    finally:
        session.lock()
    return out


def mutated_policies(count: int, seed: int, workdir: Path) -> Outcome:
    """Mutated policy files: each loads or is refused with a message naming the key."""
    from keyworker_app.services.policy_loader import load_policy

    out = Outcome("mutated policy files")
    shipped = (ROOT / "resources" / "policy" / "isa-2013.toml").read_text(encoding="utf-8")
    path = workdir / "policy.toml"
    workdir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    for text in islice(chunks(rng, shipped), count):
        out.tried += 1
        try:
            path.write_text(text, encoding="utf-8", errors="surrogatepass")
            load_policy(path)
        except UserFacingError:
            continue
        except Exception as exc:
            out.fail(f"crash: {type(exc).__name__}")
    return out


def damaged_headers(count: int, seed: int, workdir: Path) -> Outcome:
    """Damaged key headers: unlocking says what is wrong, never crashes, and never
    changes the store file; the undamaged header still opens it afterwards."""
    out = Outcome("damaged key headers")
    root = workdir / "headers"
    pristine = workdir / "headers-pristine"
    for d in (root, pristine):
        shutil.rmtree(d, ignore_errors=True)
    pristine.mkdir(parents=True)
    store = new_store(pristine)
    header_name = store.paths.header.name
    original = store.paths.header.read_bytes()
    digest = store_files_digest(pristine)
    rng = random.Random(seed)
    for i in range(count):
        shutil.rmtree(root, ignore_errors=True)
        shutil.copytree(pristine, root)
        data = bytearray(original)
        how = i % 4
        if how == 0:
            for _ in range(rng.randint(1, 3)):
                data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        elif how == 1:
            data = data[: rng.randrange(len(data))]
        elif how == 2:
            at = rng.randrange(len(data))
            data[at:at] = rng.randbytes(rng.randint(1, 64))
        else:
            at = rng.randrange(len(data))
            data[at:at + 1] = rng.choice([b"\xff\xfe", b"[" * 4000, b'"', b"\x00", b"9" * 400])
        (root / "store" / header_name).write_bytes(bytes(data))
        out.tried += 1
        try:
            case_store(root).unlock(PASSPHRASES[0]).lock()
            continue  # the damage did not matter (e.g. in JSON white space)
        except UserFacingError:
            pass
        except Exception as exc:
            out.fail(f"crash: {type(exc).__name__}")
            continue
        # A slot that no longer opens counts as a wrong guess: only the attempt record
        # (unlock-attempts.*) may change, as it would for a mistyped passphrase.
        def kept(files: dict[str, bytes]) -> dict[str, bytes]:
            return {k: v for k, v in files.items()
                    if k != header_name and not k.startswith("unlock-attempts.")}

        if kept(store_files_digest(root)) != kept(digest):
            out.fail("a refused header changed the store folder")
    try:
        case_store(pristine).unlock(PASSPHRASES[0]).lock()
    except UserFacingError as exc:
        out.fail(f"the undamaged store no longer opens: {exc.message}")
    return out


def two_writers(notes_each: int, seed: int, workdir: Path) -> Outcome:
    """Two processes add notes to one family at the same time; every note either of them
    reported saved must be there afterwards."""
    out = Outcome("two writers, one family")
    root = workdir / "two"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    new_store(root)
    saved: list[str] = []
    for attempt in range(3):
        procs = [_writer(root, "notes", seed * 10 + attempt * 2 + n, 0, notes_each)
                 for n in range(2)]
        for proc in procs:
            stdout, _ = proc.communicate(timeout=600)
            lines = stdout.splitlines()
            saved += [line[3:] for line in lines if line.startswith("ok ")]
            out.tried += sum(1 for line in lines if line.startswith(("ok ", "refused ")))
    session = case_store(root).unlock(PASSPHRASES[0])
    try:
        lost = _present(session, "notes", saved, root)
        for token in lost:
            out.fail(f"note {token} reported saved but missing")
        if not session.verify().ok:
            out.fail("verify found problems")
    finally:
        session.lock()
    return out
