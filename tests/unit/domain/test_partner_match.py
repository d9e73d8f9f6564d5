"""Matching people across generated partner files with known truth: precision and recall,
and the hard cases one at a time (twins, nicknames, transposed dates, a move)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from keyworker_app.domain.partner_data import check_table, file_kind, guess_mapping
from keyworker_app.domain.partner_match import LinkRecord, link
from tests.partner_generator import HEADERS, generate, person_scores
from tests.unit.services.programme_fixtures import POLICY

EXCHANGES = {e.id: e for e in POLICY.exchanges}


def records_of(seed: int, households: int, filler: int = 0) -> tuple[list[LinkRecord],
                                                                     dict[str, int]]:
    files = generate(households, seed=seed, filler=filler)
    records, truth = [], {}
    for exchange, rows in files.rows.items():
        kind = file_kind(EXCHANGES[exchange])
        for row, pid in zip(check_table(HEADERS[exchange], rows,
                                        guess_mapping(HEADERS[exchange], kind), kind),
                            files.row_person[exchange], strict=True):
            key = f"{exchange}:{row.row}"
            records.append(LinkRecord(key, exchange, row.given_names, row.family_name,
                                      row.date_of_birth, row.address, row.town, row.postcode))
            truth[key] = pid
    return records, truth


def test_precision_and_recall_on_generated_files() -> None:
    records, truth = records_of(seed=21, households=400, filler=600)
    linkage = link(records)
    people = [p for h in linkage.households for p in h.people]
    precision, recall = person_scores(truth, people)
    assert precision >= 0.97
    assert recall >= 0.95


def person(key: str, given: str, family: str, born: date, *, address: str = "12 Mere Road",
           postcode: str = "LE2 1AB", dataset: str = "a") -> LinkRecord:
    return LinkRecord(key, dataset, given, family, born, address, "Leicester", postcode)


def test_twins_stay_two_people_in_one_household() -> None:
    born = date(2012, 5, 3)
    linkage = link([person("a", "Amelia", "Okafor", born),
                    person("b", "Oliver", "Okafor", born, dataset="b")])
    assert not linkage.taken and not linkage.uncertain
    assert len(linkage.households) == 1 and len(linkage.households[0].people) == 2


def test_nickname_swapped_date_and_missing_postcode_are_one_person() -> None:
    linkage = link([person("a", "William", "Hughes", date(1984, 3, 7)),
                    person("b", "Bill", "Hughes", date(1984, 7, 3), address="12 Mere Rd",
                           postcode="", dataset="b")])
    assert len(linkage.taken) == 1
    evidence = linkage.taken[0].evidence
    assert "given name: nickname" in evidence
    assert "date of birth: day and month swapped" in evidence


def test_a_move_joins_the_old_and_new_address_into_one_household() -> None:
    born = date(1990, 1, 20)
    welford = {"address": "88 Welford Road", "postcode": "LE2 7AB"}
    linkage = link([person("a", "Priya", "Mistry", born, address="4 Fosse Road",
                           postcode="LE3 5AA"),
                    person("b", "Priya", "Mistry", born, **welford, dataset="b"),
                    person("c", "Ruby", "Mistry", date(2013, 2, 2), **welford, dataset="c")])
    assert len(linkage.households) == 1
    assert any("moved" in e for e in linkage.households[0].evidence)


def test_one_surname_in_one_street_is_two_households() -> None:
    linkage = link([person("a", "Craig", "Patel", date(1980, 1, 1), address="10 Mere Road"),
                    person("b", "Wayne", "Patel", date(1982, 6, 6), address="14 Mere Road",
                           dataset="b")])
    assert len(linkage.households) == 2


def test_a_decision_wins_over_the_score() -> None:
    a = person("a", "Jon", "Smyth", date(2001, 7, 4), postcode="")
    b = person("b", "Jonathon", "Smith", date(2001, 7, 4), address="12 Mere Rd",
               dataset="b")
    a, b = replace(a, identity="ia"), replace(b, identity="ib")
    assert len(link([a, b]).uncertain) == 1
    assert len(link([a, b], {("ia", "ib"): True}).taken) == 1
    decided = link([a, b], {("ia", "ib"): False})
    assert not decided.taken and not decided.uncertain
