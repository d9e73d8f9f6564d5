"""Matching people across partner data sets and to the store's families (ISA §4.3.1).

Record linkage in the Fellegi-Sunter manner with explicit blocking, on ``rapidfuzz``
(Jaro-Winkler) and ``jellyfish`` (Metaphone):

* **Blocking**: only records sharing a block key are compared: the date of birth with day
  and month in either order; the family name's Metaphone code with the birth year and the
  first initial; the
  postcode with the first initial (of the given name as a register holds it: "Bill" is
  filed under W). Every noise the partners' files show (a typo, a nickname,
  a transposed day and month, a move, a missing postcode) leaves at least one key intact.
* **Scoring**: each field's agreement level adds a weight (a log-likelihood ratio, rounded);
  the sum becomes a confidence in 0..1 through the logistic function. The weights were
  set on generated files with known truth (``tests/partner_generator.py``; precision and
  recall in ``bench/partner_bench.py``).
* A pair at or over ``SURE`` is taken; between ``REVIEW`` and ``SURE`` it waits for a
  person's decision; a decision once made (same or different) is kept and wins.
* **Households**: records linked as one person, and records at one address (house number,
  street and town), form a household; a person found at two addresses (a move) joins them.

Evidence names the fields that agreed and how, never their values.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import jellyfish
from rapidfuzz.distance import JaroWinkler

from keyworker_app.domain.normalise import normalise_postcode
from keyworker_app.domain.partner_names import (
    address_parts,
    are_nicknames,
    canonical_given,
    family_key,
    first_given,
    home_key,
    postcode_outward,
)

SURE = 0.95
REVIEW = 0.5
_MIDPOINT = 7.0  # the score at which a pair is as likely the same person as not
STORE = "store"


@dataclass(frozen=True, slots=True)
class LinkRecord:
    """One person as a data set holds them. ``key`` is unique ("row:12", "member:3")."""

    key: str
    dataset: str  # the partner file's id as text, or STORE for a family's member
    given_names: str
    family_name: str
    date_of_birth: date
    address: str
    town: str = ""
    postcode: str = ""
    identity: str = ""  # a salted hash of name and date of birth: decisions are kept by it
    family_id: int | None = None  # for a member of a family already in the store


@dataclass(frozen=True, slots=True)
class PairScore:
    left: str
    right: str
    confidence: float
    evidence: tuple[str, ...]  # "family name: exact", "date of birth: day and month swapped"

    @property
    def sure(self) -> bool:
        return self.confidence >= SURE


@dataclass(frozen=True, slots=True)
class Household:
    number: int
    people: tuple[tuple[str, ...], ...]  # record keys, one tuple per person
    evidence: tuple[str, ...]
    confidence: float  # the weakest link that holds it together
    family_ids: tuple[int, ...]  # families already in the store it matches

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(k for person in self.people for k in person)


@dataclass(frozen=True, slots=True)
class Linkage:
    pairs: tuple[PairScore, ...]  # every pair at or over REVIEW, strongest first
    taken: tuple[PairScore, ...]  # sure, or decided "same"
    uncertain: tuple[PairScore, ...]  # waiting for a decision
    households: tuple[Household, ...]


@dataclass(slots=True)
class _Prepared:
    given: str
    canon: str
    family: str
    code: str
    dob: date
    house: str
    street: str
    postcode: str
    outward: str
    home: str


def _prepare(r: LinkRecord) -> _Prepared:
    given = first_given(r.given_names)
    family = family_key(r.family_name)
    house, street = address_parts(r.address)
    postcode = normalise_postcode(r.postcode)
    return _Prepared(given, canonical_given(given), family,
                     jellyfish.metaphone(family) if family else "", r.date_of_birth, house,
                     street, postcode, postcode_outward(postcode),
                     home_key(house, street, r.town, postcode))


def _given(a: _Prepared, b: _Prepared) -> tuple[float, str]:
    if a.given == b.given:
        return 3.0, "given name: exact"
    if a.canon == b.canon or are_nicknames(a.given, b.given):
        return 2.5, "given name: nickname"
    sim = JaroWinkler.similarity(a.given, b.given)
    if sim >= 0.9:
        return 2.5, "given name: close spelling"
    if sim >= 0.8:
        return 1.5, "given name: similar"
    if a.given[:1] == b.given[:1] and (len(a.given) == 1 or len(b.given) == 1):
        return 1.0, "given name: initial"
    return -4.0, "given name: differs"


def _family(a: _Prepared, b: _Prepared) -> tuple[float, str]:
    if a.family == b.family:
        return 3.0, "family name: exact"
    sim = JaroWinkler.similarity(a.family, b.family)
    if sim >= 0.92:
        return 2.5, "family name: close spelling"
    if a.code and a.code == b.code:
        return 2.0, "family name: sounds alike"
    if a.family in b.family or b.family in a.family:
        return 1.0, "family name: one part of the other"
    if sim >= 0.8:
        return 1.0, "family name: similar"
    return -2.0, "family name: differs"


def _dob(a: _Prepared, b: _Prepared) -> tuple[float, str]:
    x, y = a.dob, b.dob
    if x == y:
        return 4.0, "date of birth: exact"
    if x.year == y.year and x.day == y.month and x.month == y.day:
        return 3.0, "date of birth: day and month swapped"
    same = (x.year == y.year) + (x.month == y.month) + (x.day == y.day)
    if same == 2:
        return 0.5, "date of birth: one part differs"
    return -5.0, "date of birth: differs"


def _place(a: _Prepared, b: _Prepared) -> tuple[float, str]:
    if a.home and a.home == b.home:
        return 1.5, "address: same"
    if a.postcode and b.postcode:
        if a.postcode == b.postcode:
            return 1.0, "postcode: same, address differs"
        if a.outward == b.outward:
            return 0.0, "address: same area"
        return 0.0, "address: differs (moved?)"
    if a.street and a.street == b.street and a.house == b.house:
        return 1.0, "address: same street and number, postcode missing"
    return 0.0, "address: differs or missing"


def score(a: _Prepared, b: _Prepared) -> tuple[float, tuple[str, ...]]:
    born = _dob(a, b)
    if born[0] < 0:  # nothing else can lift a pair of different birthdays to REVIEW
        return 0.0, (born[1],)
    parts = (_given(a, b), _family(a, b), born, _place(a, b))
    total = sum(p[0] for p in parts)
    return 1.0 / (1.0 + math.exp(_MIDPOINT - total)), tuple(p[1] for p in parts)


def _block_keys(p: _Prepared) -> tuple[tuple[object, ...], ...]:
    d = p.dob
    initial = p.canon[:1]
    return (("d", d.year, min(d.day, d.month), max(d.day, d.month)),
            ("n", p.code, d.year, initial) if p.code else (),
            ("p", p.postcode, initial) if p.postcode else ())


def pair_key(left: str, right: str) -> tuple[str, str]:
    return (left, right) if left <= right else (right, left)


class _Union:
    def __init__(self, items: Iterable[str]) -> None:
        self.parent = {i: i for i in items}

    def find(self, x: str) -> str:
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def join(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def link(records: Sequence[LinkRecord],
         decisions: Mapping[tuple[str, str], bool] | None = None) -> Linkage:
    """Score the candidate pairs, take the sure and the decided, group into households.

    ``decisions`` maps a pair of identities (sorted) to True (same person) or False."""
    decisions = decisions or {}
    everyone = [_prepare(r) for r in records]
    # Rows of one file identical in every field we compare (a pupil's three terms) are one
    # person: compare one of them, and join the rest to it.
    first_of: dict[tuple[object, ...], int] = {}
    same_rows: list[tuple[str, str]] = []
    chosen: list[int] = []
    for i, r in enumerate(records):
        signature = (r.dataset, r.given_names, r.family_name, r.date_of_birth, r.address,
                     r.town, r.postcode)
        if r.dataset != STORE and signature in first_of:
            same_rows.append((records[first_of[signature]].key, r.key))
            continue
        first_of[signature] = i
        chosen.append(i)
    every_record = records
    records = [every_record[i] for i in chosen]
    prepared = [everyone[i] for i in chosen]
    keys = [_block_keys(p) for p in prepared]
    pairs: list[PairScore] = []
    for kind in range(3):
        blocks: dict[tuple[object, ...], list[int]] = defaultdict(list)
        for i, k in enumerate(keys):
            if k[kind]:
                blocks[k[kind]].append(i)
        for block in blocks.values():
            for n, i in enumerate(block):
                ki, a, pa = keys[i], records[i], prepared[i]
                for j in block[n + 1:]:
                    kj = keys[j]
                    # A pair sharing an earlier kind of key was compared there already.
                    if (kind > 0 and ki[0] == kj[0]) or (kind > 1 and ki[1] and
                                                          ki[1] == kj[1]):
                        continue
                    b = records[j]
                    if a.dataset == b.dataset == STORE:
                        continue  # the store's own families are not re-matched here
                    confidence, evidence = score(pa, prepared[j])
                    if confidence < REVIEW:
                        continue
                    if a.identity and b.identity:
                        decided = decisions.get(pair_key(a.identity, b.identity))
                        if decided is not None:
                            confidence = 1.0 if decided else 0.0
                            evidence = (*evidence, "decided by a person")
                    left, right = pair_key(a.key, b.key)
                    pairs.append(PairScore(left, right, round(confidence, 4), evidence))
    pairs.sort(key=lambda p: (-p.confidence, p.left, p.right))
    taken = tuple(p for p in pairs if p.confidence >= SURE)
    uncertain = tuple(p for p in pairs if REVIEW <= p.confidence < SURE)
    return Linkage(tuple(pairs), taken, uncertain,
                   _households(every_record, everyone, taken, same_rows))


def _households(records: Sequence[LinkRecord], prepared: Sequence[_Prepared],
                taken: Sequence[PairScore],
                same_rows: Sequence[tuple[str, str]]) -> tuple[Household, ...]:
    keys = [r.key for r in records]
    people = _Union(keys)
    homes = _Union(keys)
    weakest: dict[str, float] = {}
    for left, right in [(p.left, p.right) for p in taken] + list(same_rows):
        people.join(left, right)
        homes.join(left, right)
    by_home: dict[str, list[str]] = defaultdict(list)
    for r, prep in zip(records, prepared, strict=True):
        if prep.home:
            by_home[prep.home].append(r.key)
    for members in by_home.values():
        for other in members[1:]:
            homes.join(members[0], other)
    for p in taken:
        root = homes.find(p.left)
        weakest[root] = min(weakest.get(root, 1.0), p.confidence)
    by_record = {r.key: r for r in records}
    homes_of = {r.key: prep.home for r, prep in zip(records, prepared, strict=True)}
    groups: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for key in keys:
        groups[homes.find(key)][people.find(key)].append(key)
    out: list[Household] = []
    for root, persons in groups.items():
        person_keys = tuple(sorted(tuple(sorted(v)) for v in persons.values()))
        recs = [by_record[k] for person in person_keys for k in person]
        if all(r.dataset == STORE for r in recs):
            continue  # a family with nothing new from the partners
        addresses = {homes_of[k] for person in person_keys for k in person if homes_of[k]}
        datasets = {r.dataset for r in recs if r.dataset != STORE}
        evidence = [f"{len(person_keys)} people in {len(recs)} records from "
                    f"{len(datasets)} data set{'s' if len(datasets) != 1 else ''}"]
        if len(addresses) > 1:
            evidence.append(f"{len(addresses)} addresses joined by a person who moved")
        elif addresses:
            evidence.append("one address")
        linked = any(len(p) > 1 for p in person_keys)
        if linked:
            evidence.append("the same person found in more than one record")
        family_ids = tuple(sorted({r.family_id for r in recs if r.family_id is not None}))
        if family_ids:
            evidence.append("matches a family already in the store")
        out.append(Household(0, person_keys, tuple(evidence), weakest.get(root, 1.0),
                             family_ids))
    out.sort(key=lambda h: h.keys)
    return tuple(Household(n, h.people, h.evidence, h.confidence, h.family_ids)
                 for n, h in enumerate(out, start=1))
