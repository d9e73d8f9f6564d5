from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from keyworker_app.domain.family import Address, Family, FamilyStatus, HouseholdRole, Person
from keyworker_app.store.connection import Connection, transaction
from keyworker_app.store.repositories import FamilyRepository


def family(reference: str, family_name: str, members: list[tuple[str, str]],
           postcode: str = "") -> Family:
    return Family(
        reference=reference,
        family_name=family_name,
        status=FamilyStatus.ACTIVE,
        allocated_on=date(2025, 1, 1),
        key_worker="Kim",
        members=tuple(Person(f"p{i}", given, surname, date(2000, 1, 1),
                             HouseholdRole.PARENT_CARER)
                      for i, (given, surname) in enumerate(members)),
        addresses=(Address("1 Road", "Leicester", postcode),) if postcode else (),
    )


@pytest.fixture
def ids(conn: Connection) -> dict[str, int]:
    repo = FamilyRepository(conn)
    made = {
        "bronte": family("LC-2024-0012", "Brontë", [("Zoë", "Brontë"), ("Émile", "Smith-Jones")],
                         "LE1 2AB"),
        "obrien": family("LC-2024-0013", "O'Brien", [("Seán", "O'Brien")], "le12 3ab"),
        "smith": family("NW-0001", "Smith", [("John", "Smith"), ("Anne-Marie", "Smith")],
                        "M1 1AE"),
        "leanne": family("LC-2025-0001", "Leanne", [("Leanne", "Carter")], "LE3 9AB"),
    }
    with transaction(conn):
        return {key: repo.add(f).id or 0 for key, f in made.items()}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("zoe", ["bronte"]),
        ("ZOË", ["bronte"]),
        ("bront", ["bronte"]),
        ("emile", ["bronte"]),
        ("jones", ["bronte"]),
        ("smith", ["bronte", "smith"]),
        ("smith-jones", ["bronte"]),
        ("smithj", ["bronte"]),
        ("o'brien", ["obrien"]),
        ("obri", ["obrien"]),
        ("sean o", ["obrien"]),
        ("john smith", ["smith"]),
        ("anne marie", ["smith"]),
        ("annemarie", ["smith"]),
        ("john obrien", []),
        ("le", ["leanne"]),  # a name prefix is not drowned by LE postcodes
        ("LE1 2AB", ["bronte"]),
        ("le12ab", ["bronte"]),
        ("LE1 2", ["bronte"]),  # the space pins the outward code: not LE12
        ("LE12", ["bronte", "obrien"]),  # without it both could be meant
        ("LE12 3AB", ["obrien"]),
        ("le123a", ["obrien"]),
        ("LE1", ["bronte", "obrien"]),
        ("le3", ["leanne"]),
        ("m1 1ae", ["smith"]),
        ("LC-2024-0012", ["bronte"]),
        ("lc2024", ["bronte", "obrien"]),
        ("nw-0", ["smith"]),
        ("", []),
        ("   ", []),
        ("xyz", []),
    ],
)
def test_search(conn: Connection, ids: dict[str, int], query: str, expected: list[str]) -> None:
    found = FamilyRepository(conn).search(query)
    assert sorted(found) == sorted(ids[k] for k in expected)


def test_results_are_ordered_by_family_name_and_limited(conn: Connection,
                                                        ids: dict[str, int]) -> None:
    repo = FamilyRepository(conn)
    assert repo.search("lc") == [ids["bronte"], ids["leanne"], ids["obrien"]]
    assert repo.search("lc", limit=2) == [ids["bronte"], ids["leanne"]]


def test_update_and_delete_refresh_the_index(conn: Connection, ids: dict[str, int]) -> None:
    repo = FamilyRepository(conn)
    smith = repo.get(ids["smith"])
    renamed = replace(smith, members=(replace(smith.members[0], given_names="Jock"),),
                      addresses=(replace(smith.addresses[0], to_date=date(2025, 2, 1)),
                                 Address("9 Lane", "Leicester", "LE5 1AA")))
    with transaction(conn):
        repo.update(renamed, smith)
    assert repo.search("john") == []
    assert repo.search("jock") == [ids["smith"]]
    assert repo.search("anne") == []
    assert repo.search("M1") == []  # past address: not current, so not found
    assert repo.search("le5 1") == [ids["smith"]]
    with transaction(conn):
        repo.delete(ids["smith"])
    assert repo.search("jock") == []


def test_upn_and_nhs_number_find_the_family(conn: Connection, ids: dict[str, int]) -> None:
    repo = FamilyRepository(conn)
    smith = repo.get(ids["smith"])
    child = replace(smith.members[1], upn="A123456789012", nhs_number="943 476 5919")
    with transaction(conn):
        repo.update(replace(smith, members=(smith.members[0], child)), smith)
    for typed in ("A123456789012", "a1234567", "943 476 5919", "9434765919", "943 47"):
        assert repo.search(typed) == [ids["smith"]], typed
    assert repo.search("943 477") == []


@pytest.mark.parametrize(("few", "many"), [(0, 0), (1, 2), (3, 10), (300, 5000)])
def test_the_first_page_is_the_same_whichever_way_it_is_found(
        conn: Connection, monkeypatch: pytest.MonkeyPatch, few: int, many: int) -> None:
    """Few matches are sorted, many are walked in name order: both give the page the full
    sort of every match would."""
    import random

    from keyworker_app.store import search

    rng = random.Random(5)
    surnames = ["Smith", "Smart", "Small", "Jones", "Jonas", "Patel", "Palmer", "Ali"]
    given = ["Sam", "Sara", "Jo", "John", "Priya", "Pat", "Ada"]
    repo = FamilyRepository(conn)
    with transaction(conn):
        for i in range(120):
            name = rng.choice(surnames)
            repo.add(family(f"REF-{i:03d}", name,
                            [(rng.choice(given), name), (rng.choice(given),
                                                         rng.choice(surnames))],
                            f"LE{rng.randint(1, 9)} {rng.randint(1, 9)}AB"))
    monkeypatch.setattr(search, "FEW", few)
    monkeypatch.setattr(search, "MANY", many)
    order = {fid: (str(name).casefold(), str(ref)) for fid, name, ref in conn.execute(
        "SELECT id, family_name, reference FROM family")}
    for query in ("s", "sm", "sa smith", "jo", "p", "pat palmer", "le1", "LE3 5", "ref-01",
                  "ali", "zz", "ada ali"):
        every = repo.search(query, ordered=False)
        expected = sorted(every, key=order.__getitem__)[:25]
        assert repo.search(query, limit=25) == expected, query
