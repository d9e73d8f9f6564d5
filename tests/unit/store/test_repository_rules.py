"""The store refuses a family that breaks the domain's rules, whoever calls it, and writes
nothing of it (acceptance: one rule set, the repository path)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest

from keyworker_app.domain.dates import local_day
from keyworker_app.domain.family import (
    Address,
    CaseNote,
    ContactKind,
    Relationship,
    RelationshipKind,
)
from keyworker_app.domain.family_rules import family_problems
from keyworker_app.domain.problems import InvalidRecordError
from keyworker_app.store.connection import Connection, scalar, transaction
from keyworker_app.store.repositories import FamilyRepository
from tests.gui.samples import sample_family
from tests.rule_samples import BROKEN, invalid_family

TODAY = date(2026, 3, 15)


def test_the_invalid_family_is_refused_on_add_and_on_update(conn: Connection) -> None:
    repo = FamilyRepository(conn, today=lambda: TODAY)
    bad = invalid_family(TODAY)
    with pytest.raises(InvalidRecordError) as refused, transaction(conn):
        repo.add(bad)
    assert refused.value.problems == tuple(family_problems(bad, TODAY))
    assert [p.path for p in refused.value.problems] == list(BROKEN)
    assert repo.count() == 0
    assert scalar(conn, "SELECT count(*) FROM person") == 0

    with transaction(conn):
        saved = repo.add(sample_family("KW-0099", "Fairweather"))
    assert saved.id is not None
    spoiled = replace(bad, id=saved.id)
    with pytest.raises(InvalidRecordError) as again, transaction(conn):
        repo.update(spoiled, saved)
    assert again.value.problems == refused.value.problems
    assert repo.get(saved.id) == saved  # the stored family is as it was


def test_the_store_judges_the_future_by_its_own_day(conn: Connection) -> None:
    """A note dated 30 days after TODAY is fine once that day has come."""
    later = date.fromordinal(TODAY.toordinal() + 30)
    bad = invalid_family(TODAY)
    fixed = replace(bad, addresses=bad.addresses[1:], relationships=bad.relationships[:1])
    with pytest.raises(InvalidRecordError, match="cannot be dated in the future"), \
            transaction(conn):
        FamilyRepository(conn, today=lambda: TODAY).add(fixed)
    with transaction(conn):
        stored = FamilyRepository(conn, today=lambda: later).add(fixed)
    assert local_day(stored.notes[-1].occurred_at) == later


def test_a_family_recorded_before_the_rules_can_still_take_a_note(conn: Connection) -> None:
    """An older import left two addresses current: adding a note is allowed (it does not make
    the family worse), a further problem is still refused."""
    repo = FamilyRepository(conn, today=lambda: TODAY)
    family = sample_family("KW-0100", "Oldfield")
    moved = replace(family, addresses=(replace(family.addresses[0], to_date=date(2024, 6, 1)),
                                       Address("9 New Road", "Leeds", "LS2 7AB",
                                               from_date=date(2024, 6, 1))))
    with transaction(conn):
        saved = repo.add(moved)
    assert saved.id is not None
    conn.execute("UPDATE address SET to_date = NULL WHERE family_id = ?", (saved.id,))
    legacy = repo.get(saved.id)
    assert [p.message for p in family_problems(legacy, TODAY)] == [
        "Another address is current: add a leaving date."]

    note = CaseNote(ContactKind.PHONE_CALL, datetime(2026, 3, 14, 9, 0), "Sam Worker",
                    "Checked on the move.")
    with transaction(conn):
        noted = repo.update(replace(legacy, notes=(*legacy.notes, note)), legacy)
    assert len(noted.notes) == len(legacy.notes) + 1
    worse = replace(noted, relationships=(
        Relationship("p1", RelationshipKind.PARENT_OF, "c1"),) * 2)
    with pytest.raises(InvalidRecordError) as refused, transaction(conn):
        repo.update(worse, noted)
    assert [p.path for p in refused.value.problems] == [("relationships", 1)]
