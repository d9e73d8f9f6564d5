"""Simulates team sync as docs/design/team-sync.md designs it, to show its rules converge.

N laptops edit offline and online at random, drop off the network (partitions) and come back,
and sync through a server that holds only ciphertext: an append-only log of envelopes, pulled
and pushed by sequence number. Envelopes are AES-256-GCM under the team key; the team key is
wrapped to each member's X25519 key with HPKE (the store identity of ``security.identity``)
and rotated when a member leaves. Rules:

* family details: last writer wins by hybrid logical clock; a concurrent loser is kept as a
  conflict copy for review (never silently dropped);
* TAF meeting records: as family details until finalised; the first finalised version wins
  and is never changed after; later edits become addenda (append-only);
* case notes, addenda and audit rows: append-only sets; each laptop's audit rows form its
  own hash chain, which must arrive whole everywhere.

At the end every partition heals, everyone syncs, and the script checks that all current
members hold the same state as a fresh replay of the server's log, that nothing written was
lost, that no finalised record changed, and that the member who left cannot read what was
written after the rotation. ``--short`` is the form the test suite runs.

    python scripts/team_sync_sim.py [--laptops N] [--steps S] [--seed X] [--short]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from keyworker_app.security.identity import OpenFailedError, StoreKeys, seal

Hlc = tuple[int, int, int]  # (wall, counter, node): a total order consistent with causality
FAMILIES = 40
MEETING_EVERY = 60  # steps: each family's meeting record of the period
WORK_RATE = 0.4  # chance a laptop records something in a step


@dataclass(frozen=True)
class Version:
    vid: str
    record: str
    hlc: Hlc
    bases: tuple[str, ...]  # the versions it was edited from (several: a resolved conflict)
    value: str
    finalised: bool = False


@dataclass(frozen=True)
class Row:
    """An append-only row: a case note, an addendum, or an audit row (with its chain)."""

    rid: str
    kind: str
    hlc: Hlc
    text: str
    prev: str = ""  # audit rows: the previous row's hash on the same laptop


def audit_hash(row: Row) -> str:
    return hashlib.sha256(f"{row.rid}|{row.prev}|{row.text}".encode()).hexdigest()[:16]


def _beats(new: Version, old: Version) -> bool:
    """The same order as ``winner``: a finalised version beats any other; the earliest
    finalised among finalised ones; otherwise the latest clock."""
    if new.finalised != old.finalised:
        return new.finalised
    return new.hlc < old.hlc if new.finalised else new.hlc > old.hlc


def winner(versions: dict[str, Version]) -> Version:
    finalised = [v for v in versions.values() if v.finalised]
    if finalised:
        return min(finalised, key=lambda v: v.hlc)
    return max(versions.values(), key=lambda v: v.hlc)


def ancestors(v: Version, versions: dict[str, Version]) -> set[str]:
    seen: set[str] = set()
    todo = list(v.bases)
    while todo:
        base = todo.pop()
        if base in versions and base not in seen:
            seen.add(base)
            todo.extend(versions[base].bases)
    return seen


def conflicts(versions: dict[str, Version]) -> list[str]:
    """Versions neither the winner nor in its history: concurrent losers, kept for review."""
    win = winner(versions)
    history = ancestors(win, versions)
    return sorted(v for v in versions if v != win.vid and v not in history)


@dataclass
class Replica:
    """One laptop's synced state: version sets per record and append-only rows."""

    registers: dict[str, dict[str, Version]] = field(default_factory=dict)
    rows: dict[str, Row] = field(default_factory=dict)
    current: dict[str, Version] = field(default_factory=dict)  # each record's winner, kept

    def apply(self, item: Version | Row) -> None:
        if isinstance(item, Row):
            self.rows[item.rid] = item
            return
        self.registers.setdefault(item.record, {})[item.vid] = item
        old = self.current.get(item.record)
        if old is None or _beats(item, old):
            self.current[item.record] = item

    def state(self) -> dict[str, object]:
        regs = {r: {"winner": winner(vs).vid, "value": winner(vs).value,
                    "conflicts": conflicts(vs)} for r, vs in sorted(self.registers.items())}
        return {"records": regs, "rows": sorted(self.rows)}

    def digest(self) -> str:
        return hashlib.sha256(json.dumps(self.state(), sort_keys=True).encode()).hexdigest()


@dataclass
class Envelope:
    seq: int
    sender: int
    epoch: int
    nonce: bytes
    ciphertext: bytes  # the server never sees more than this


class Server:
    """Holds ciphertext only: envelopes by sequence, and team keys wrapped to each member."""

    def __init__(self) -> None:
        self.log: list[Envelope] = []
        self.wrapped: dict[tuple[int, int], bytes] = {}  # (epoch, member) -> HPKE ciphertext
        self.members: set[int] = set()

    def push(self, sender: int, epoch: int, nonce: bytes, ciphertext: bytes) -> None:
        if sender not in self.members:
            raise PermissionError("not a member")
        self.log.append(Envelope(len(self.log) + 1, sender, epoch, nonce, ciphertext))

    def pull(self, after: int) -> list[Envelope]:
        return self.log[after:]


def _encode(item: Version | Row) -> bytes:
    kind = "v" if isinstance(item, Version) else "r"
    return json.dumps([kind, item.__dict__]).encode()


def _decode(data: bytes) -> Version | Row:
    kind, fields = json.loads(data)
    fields["hlc"] = tuple(fields["hlc"])
    return Version(**fields) if kind == "v" else Row(**fields)


def _info(epoch: int, member: int) -> bytes:
    return f"team key epoch {epoch} for member {member}".encode()


class Laptop:
    def __init__(self, node: int, rng: random.Random) -> None:
        self.node = node
        self.rng = rng
        self.identity = StoreKeys.generate()
        self.skew = rng.randint(-3, 3)
        self.last: Hlc = (0, 0, node)
        self.replica = Replica()
        self.outbox: list[Version | Row] = []
        self.pulled = 0
        self.keys: dict[int, bytes] = {}
        self.online = True
        self.counter = 0
        self.audit_head = ""
        self.refused_edits = 0

    def tick(self, now: int) -> Hlc:
        wall = max(self.last[0], now + self.skew)
        self.last = (wall, self.last[1] + 1 if wall == self.last[0] else 0, self.node)
        return self.last

    def observe(self, hlc: Hlc) -> None:
        if hlc[:2] > self.last[:2]:
            self.last = (hlc[0], hlc[1], self.node)

    def _new_id(self) -> str:
        self.counter += 1
        return f"n{self.node}-{self.counter}"

    def _write(self, item: Version | Row) -> None:
        self.replica.apply(item)
        self.outbox.append(item)

    def _audit(self, now: int, what: str) -> None:
        row = Row(self._new_id(), "audit", self.tick(now), what, prev=self.audit_head)
        self.audit_head = audit_hash(row)
        self._write(row)

    def edit(self, now: int, record: str, *, finalise: bool = False) -> None:
        base = self.replica.current.get(record)
        if base is not None and base.finalised:
            # A finalised record is not edited: what changed is added as an addendum.
            self.refused_edits += 1
            self._write(Row(self._new_id(), "addendum", self.tick(now), f"{record} addendum"))
            self._audit(now, f"addendum {record}")
            return
        bases: tuple[str, ...] = () if base is None else (base.vid,)
        if base is not None and self.rng.random() < 0.5:
            # The user reviews the conflict copies shown beside the record and resolves them.
            bases += tuple(conflicts(self.replica.registers[record]))
        vid = self._new_id()
        self._write(Version(vid, record, self.tick(now), bases, f"{record} by {vid}",
                            finalised=finalise))
        self._audit(now, f"{'finalise' if finalise else 'update'} {record}")

    def note(self, now: int) -> None:
        self._write(Row(self._new_id(), "note", self.tick(now), "case note"))
        self._audit(now, "note")

    def random_work(self, now: int, team: int) -> None:
        """Mostly the laptop's own families (its key worker's caseload); now and then a
        colleague's (a team lead, cover during leave)."""
        if self.rng.random() > WORK_RATE:
            return
        own = self.rng.random() < 0.85
        family = self.rng.randrange(FAMILIES)
        if own:
            family = family - family % team + self.node % team
            family = min(family, FAMILIES - 1)
        roll = self.rng.random()
        if roll < 0.45:
            self.edit(now, f"family-{family}")
        elif roll < 0.75:
            self.note(now)
        elif roll < 0.97:
            self.edit(now, f"meeting-{family}-{now // MEETING_EVERY}")
        else:
            self.edit(now, f"meeting-{family}-{now // MEETING_EVERY}", finalise=True)

    def sync(self, server: Server, epoch: int) -> None:
        for epoch_seen, member in list(server.wrapped):
            if member == self.node and epoch_seen not in self.keys:
                self.keys[epoch_seen] = self.identity.open(
                    server.wrapped[(epoch_seen, member)], _info(epoch_seen, member))
        key_epoch = max(e for e in self.keys if e <= epoch)
        for item in self.outbox:
            nonce = os.urandom(12)
            server.push(self.node, key_epoch, nonce,
                        AESGCM(self.keys[key_epoch]).encrypt(nonce, _encode(item), None))
        self.outbox.clear()
        for env in server.pull(self.pulled):
            item = _decode(AESGCM(self.keys[env.epoch]).decrypt(env.nonce, env.ciphertext,
                                                                None))
            self.observe(item.hlc)
            self.replica.apply(item)
        self.pulled = len(server.log)


def share_key(server: Server, laptops: list[Laptop], epoch: int, rng: random.Random) -> bytes:
    """A new team key, wrapped with HPKE to every current member's public key."""
    key = rng.randbytes(32)
    for laptop in laptops:
        if laptop.node in server.members:
            server.wrapped[(epoch, laptop.node)] = seal(
                key, laptop.identity.encryption_public, _info(epoch, laptop.node))
    return key


@dataclass
class Report:
    laptops: int
    steps: int
    seed: int
    envelopes: int
    partitions: int
    syncs: int
    conflict_copies: int
    resolutions: int
    addenda_instead_of_edits: int
    finalised: int
    digest: str
    converged: bool
    problems: list[str]

    def lines(self) -> list[str]:
        return [f"laptops={self.laptops} steps={self.steps} seed={self.seed}",
                f"envelopes on the server (ciphertext only): {self.envelopes}",
                f"partitions (a laptop went offline): {self.partitions}; syncs: {self.syncs}",
                f"finalised meetings: {self.finalised}; edits turned into addenda: "
                f"{self.addenda_instead_of_edits}",
                f"conflicts resolved by a reviewed edit: {self.resolutions}; conflict copies "
                f"still waiting for review: {self.conflict_copies}",
                f"state digest: {self.digest[:16]}",
                f"converged: {'yes' if self.converged else 'NO'}",
                *(f"PROBLEM: {p}" for p in self.problems)]


def simulate(laptops_n: int = 5, steps: int = 400, seed: int = 1) -> Report:
    rng = random.Random(seed)
    server = Server()
    laptops = [Laptop(i, rng) for i in range(laptops_n)]
    server.members = {lap.node for lap in laptops}
    epoch = 1
    share_key(server, laptops, epoch, rng)
    leaver = laptops[-1]
    written: dict[str, Version | Row] = {}
    partitions = syncs = 0
    for now in range(1, steps + 1):
        if now == steps // 2 and leaver.node in server.members:
            leaver.sync(server, epoch)  # a clean leave: their work is handed in first
            server.members.discard(leaver.node)
            epoch += 1
            share_key(server, laptops, epoch, rng)  # rotated: the leaver gets no copy
        for lap in laptops:
            if lap.node not in server.members:
                continue
            if lap.online and rng.random() < 0.08:
                lap.online, partitions = False, partitions + 1
            elif not lap.online and rng.random() < 0.15:
                lap.online = True
            lap.random_work(now, len(laptops))
            for item in lap.outbox:
                written[item.vid if isinstance(item, Version) else item.rid] = item
            if lap.online and rng.random() < 0.3:
                lap.sync(server, epoch)
                syncs += 1
    members = [lap for lap in laptops if lap.node in server.members]
    for lap in members:  # every partition heals
        lap.online = True
    for _ in range(2):
        for lap in members:
            lap.sync(server, epoch)
            syncs += 1
    report = Report(laptops_n, steps, seed, len(server.log), partitions, syncs, 0, 0, 0, 0,
                    "", False, [])
    return _check(server, laptops, members, leaver=leaver, written=written, epoch=epoch,
                  report=report)


def _check(server: Server, laptops: list[Laptop], members: list[Laptop], *, leaver: Laptop,
           written: dict[str, Version | Row], epoch: int, report: Report) -> Report:
    fresh = Replica()  # a new laptop replaying the server's whole log with the team keys
    keys = {e: members[0].keys[e] for e in members[0].keys}
    for env in server.log:
        fresh.apply(_decode(AESGCM(keys[env.epoch]).decrypt(env.nonce, env.ciphertext, None)))
    digests = {lap.replica.digest() for lap in members} | {fresh.digest()}
    problems = []
    if len(digests) != 1:
        problems.append("members' states differ")
    have = set(fresh.rows) | {v for vs in fresh.registers.values() for v in vs}
    lost = set(written) - have
    if lost:
        problems.append(f"{len(lost)} written items lost")
    for record, versions in fresh.registers.items():
        win = winner(versions)
        kept = {win.vid} | ancestors(win, versions) | set(conflicts(versions))
        if kept != set(versions):
            problems.append(f"{record}: a version is neither current, history nor a conflict")
        finals = [v for v in versions.values() if v.finalised]
        if finals and win is not min(finals, key=lambda v: v.hlc):
            problems.append(f"{record}: a finalised record changed")
    for lap in laptops:
        chain = sorted((r for r in fresh.rows.values()
                        if r.kind == "audit" and r.rid.startswith(f"n{lap.node}-")),
                       key=lambda r: int(r.rid.split("-")[1]))
        prev = ""
        for row in chain:
            if row.prev != prev:
                problems.append(f"laptop {lap.node}: audit chain broken")
                break
            prev = audit_hash(row)
    after = [env for env in server.log if env.epoch == epoch]
    if leaver.node not in server.members and after:
        try:
            leaver.identity.open(server.wrapped.get((epoch, members[0].node), b""),
                                 _info(epoch, leaver.node))
            problems.append("the leaver opened the new team key")
        except OpenFailedError:
            pass
        for old_key in leaver.keys.values():
            try:
                AESGCM(old_key).decrypt(after[0].nonce, after[0].ciphertext, None)
                problems.append("the leaver read an envelope written after rotation")
            except InvalidTag:
                pass
    report.conflict_copies = sum(len(conflicts(vs)) for vs in fresh.registers.values())
    report.addenda_instead_of_edits = sum(lap.refused_edits for lap in laptops)
    report.finalised = sum(1 for vs in fresh.registers.values() if winner(vs).finalised)
    report.resolutions = sum(1 for vs in fresh.registers.values() for v in vs.values()
                             if len(v.bases) > 1)
    report.digest = fresh.digest()
    report.problems = problems
    report.converged = not problems
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--laptops", type=int, default=8)
    parser.add_argument("--steps", type=int, default=3000)
    parser.add_argument("--seeds", type=int, default=5, help="runs with seeds 1..N")
    parser.add_argument("--short", action="store_true", help="4 laptops, 300 steps, 2 seeds")
    args = parser.parse_args(argv)
    if args.short:
        args.laptops, args.steps, args.seeds = 4, 300, 2
    ok = True
    for seed in range(1, args.seeds + 1):
        report = simulate(args.laptops, args.steps, seed)
        print("\n".join(report.lines()))
        print()
        ok = ok and report.converged
    print("all runs converged" if ok else "SOME RUNS DID NOT CONVERGE")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
