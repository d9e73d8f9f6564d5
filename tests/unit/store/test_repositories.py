from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from keyworker_app.domain.family import (
    Address,
    CaseNote,
    ContactKind,
    Family,
    FamilyStatus,
    FamilySummary,
    HouseholdRole,
    Person,
    Relationship,
    RelationshipKind,
)
from keyworker_app.domain.indicators import (
    Benefit,
    BenefitSpell,
    Disposal,
    EducationTerm,
    Offence,
    Term,
)
from keyworker_app.errors import RecordNotFoundError, ValidationError
from keyworker_app.store.connection import Connection, scalar, transaction
from keyworker_app.store.repositories import FamilyRepository
from tests.strategies import families
from tests.unit.store.store_fixtures import OpenStore, open_migrated


def all_ids(family: Family) -> list[int | None]:
    """Every record id in the aggregate, in a fixed walk order."""
    ids: list[int | None] = [family.id]
    for person in family.members:
        ids.append(person.id)
        ids.extend(o.id for o in person.offences)
        ids.extend(e.id for e in person.education)
        ids.extend(b.id for b in person.benefits)
    for group in (family.relationships, family.addresses, family.asb_interventions,
                  family.concerns, family.notes):
        ids.extend(r.id for r in group)
    return ids


def sample_family(reference: str = "LC-0001", family_name: str = "Brontë") -> Family:
    return Family(
        reference=reference,
        family_name=family_name,
        status=FamilyStatus.ACTIVE,
        allocated_on=date(2025, 1, 6),
        key_worker="Kim",
        members=(
            Person("mum", "Ann", family_name, date(1985, 4, 1), HouseholdRole.PARENT_CARER,
                   benefits=(BenefitSpell(Benefit.ESA, date(2024, 1, 1)),)),
            Person("kid", "Zoë", family_name, date(2012, 9, 3), HouseholdRole.CHILD,
                   offences=(Offence(date(2024, 5, 1), Disposal.YOUTH_CAUTION),),
                   education=(EducationTerm(2024, Term.AUTUMN, fixed_exclusions=2),
                              EducationTerm(2024, Term.SPRING))),
        ),
        relationships=(Relationship("mum", RelationshipKind.PARENT_OF, "kid"),),
        addresses=(Address("1 Road", "Leicester", "LE1 7RH"),),
        notes=(CaseNote(ContactKind.HOME_VISIT, datetime(2025, 2, 1, 10, 30), "Kim", "Visit"),),
    )


def add(conn: Connection, family: Family) -> Family:
    with transaction(conn):
        return FamilyRepository(conn).add(family)


def update(conn: Connection, family: Family, base: Family) -> Family:
    with transaction(conn):
        return FamilyRepository(conn).update(family, base)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(family=families())
def test_round_trip_through_a_reopened_store(tmp_path: Path, family: Family) -> None:
    path, key = tmp_path / f"{os.urandom(6).hex()}.db", os.urandom(32)
    conn = open_migrated(path, key)
    try:
        saved = add(conn, family)
    finally:
        conn.close()
    assert saved == family
    assert None not in all_ids(saved)
    conn = open_migrated(path, key)
    try:
        loaded = FamilyRepository(conn).get(saved.id or 0)
    finally:
        conn.close()
    assert loaded == saved
    assert all_ids(loaded) == all_ids(saved)


def test_get_unknown_id_raises_record_not_found(conn: Connection) -> None:
    with pytest.raises(RecordNotFoundError) as caught:
        FamilyRepository(conn).get(12345)
    assert "12345" in caught.value.message


def test_update_deletes_updates_and_inserts_children(conn: Connection) -> None:
    saved = add(conn, sample_family())
    mum, kid = saved.members
    new_kid = replace(
        kid,
        given_names="Zoe",
        offences=(),  # removed
        education=(replace(kid.education[0], fixed_exclusions=3),  # updated (kept id)
                   EducationTerm(2024, Term.SUMMER)),  # inserted; spring removed
    )
    baby = Person("baby", "Bo", "Brontë", date(2024, 12, 1), HouseholdRole.CHILD)
    edited = replace(
        saved,
        family_name="Bronte-Smith",
        members=(new_kid, baby),  # mum removed: her relationship goes with her
        relationships=(Relationship("kid", RelationshipKind.SIBLING_OF, "baby"),),
        addresses=(replace(saved.addresses[0], to_date=date(2025, 3, 1)),
                   Address("2 Street", "Leicester", "LE3 9AB")),
    )
    result = update(conn, edited, saved)
    assert result == edited
    assert None not in all_ids(result)
    assert result.members[0].id == kid.id
    assert result.members[0].education[0].id == kid.education[0].id
    assert result.addresses[0].id == saved.addresses[0].id
    assert FamilyRepository(conn).get(saved.id or 0) == edited
    assert scalar(conn, "SELECT count(*) FROM person WHERE id = ?", (mum.id,)) == 0
    assert scalar(conn, "SELECT count(*) FROM benefit_spell") == 0  # mum's, cascaded
    assert scalar(conn, "SELECT count(*) FROM offence") == 0
    assert scalar(conn, "SELECT count(*) FROM education_term") == 2


def test_update_of_a_renamed_member_ref_follows_relationships(conn: Connection) -> None:
    saved = add(conn, sample_family())
    mum, kid = saved.members
    edited = replace(saved, members=(replace(mum, ref="carer"), kid),
                     relationships=(replace(saved.relationships[0], subject_ref="carer"),))
    assert FamilyRepository(conn).get(update(conn, edited, saved).id or 0) == edited


def test_update_refuses_an_id_from_another_family(conn: Connection) -> None:
    one = add(conn, sample_family("A-1"))
    two = add(conn, sample_family("A-2"))
    stolen = replace(two, addresses=one.addresses)
    with pytest.raises(RecordNotFoundError):
        update(conn, stolen, two)
    assert FamilyRepository(conn).get(two.id or 0) == two  # rolled back


def test_update_unknown_family_raises(conn: Connection) -> None:
    with pytest.raises(RecordNotFoundError):
        missing = replace(sample_family(), id=999)
        update(conn, replace(missing, family_name="Other"), missing)


def test_duplicate_reference_is_a_validation_error(conn: Connection) -> None:
    add(conn, sample_family("DUP-1"))
    with pytest.raises(ValidationError) as caught:
        add(conn, sample_family("DUP-1", "Other"))
    assert caught.value.field == "reference"
    assert FamilyRepository(conn).count() == 1


def test_inconsistent_families_are_refused_before_sql(conn: Connection) -> None:
    family = sample_family()
    bad_rel = replace(family, relationships=(
        Relationship("mum", RelationshipKind.PARENT_OF, "nobody"),))
    with pytest.raises(ValidationError):
        add(conn, bad_rel)
    twins = replace(family, members=(family.members[0], family.members[0]))
    with pytest.raises(ValidationError):
        add(conn, twins)


def test_close_and_delete(conn: Connection) -> None:
    repo = FamilyRepository(conn)
    saved = add(conn, sample_family())
    family_id = saved.id or 0
    with transaction(conn):
        repo.close(family_id, date(2025, 6, 30), "Plan complete")
    closed = repo.get(family_id)
    assert (closed.status, closed.closed_on, closed.closure_reason) == (
        FamilyStatus.CLOSED, date(2025, 6, 30), "Plan complete")
    assert repo.find_id_by_reference("LC-0001") == family_id
    with transaction(conn):
        repo.delete(family_id)
    assert repo.count() == 0
    assert repo.find_id_by_reference("LC-0001") is None
    for table in ("person", "offence", "education_term", "benefit_spell", "relationship",
                  "address", "case_note", "search_term"):
        assert scalar(conn, f"SELECT count(*) FROM {table}") == 0, table
    with pytest.raises(RecordNotFoundError):
        repo.delete(family_id)
    with pytest.raises(RecordNotFoundError):
        repo.close(family_id, date(2025, 6, 30), "x")


@given(st.lists(st.tuples(st.sampled_from(["Ames", "brook", "Cole", "Zed"]),
                          st.integers(0, 3), st.sampled_from(FamilyStatus),
                          st.none() | st.dates(date(2025, 1, 1), date(2025, 12, 31))),
                max_size=8))
@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_caseload_order_and_summaries(
    open_store: OpenStore,
    rows: list[tuple[str, int, FamilyStatus, date | None]],
) -> None:
    conn = open_store()
    with transaction(conn):
        conn.execute("DELETE FROM family")
    saved: list[Family] = []
    for i, (name, members, status, review) in enumerate(rows):
        base = sample_family(f"R-{i:03d}", name)
        count = members % 3
        saved.append(add(conn, replace(
            base, status=status, review_due=review, key_worker=name.upper(),
            members=base.members[:count],
            relationships=base.relationships if count == 2 else ())))
    repo = FamilyRepository(conn)
    summaries = {s.id: s for s in repo.summaries([f.id or 0 for f in saved])}
    for family in saved:
        summary = summaries[family.id or 0]
        assert summary.member_count == len(family.members)
        assert summary.postcode == "LE1 7RH"
        assert (summary.reference, summary.status, summary.review_due) == (
            family.reference, family.status, family.review_due)

    status_rank = list(FamilyStatus)
    keys: dict[str, Callable[[FamilySummary], Any]] = {
        "reference": lambda s: s.reference,
        "family_name": lambda s: s.family_name.lower(),
        "members": lambda s: s.member_count,
        "status": lambda s: status_rank.index(s.status),
        "key_worker": lambda s: s.key_worker.lower(),
        "review_due": lambda s: (s.review_due is None, s.review_due or date.min),
    }
    for sort_key, key in keys.items():
        ascending = repo.ids_sorted(sort_key, False)
        expected = sorted(summaries.values(), key=lambda s, k=key: (k(s), s.reference))  # type: ignore[misc]
        assert ascending == [s.id for s in expected], sort_key
        assert repo.ids_sorted(sort_key, True) == ascending[::-1], sort_key
    active = repo.ids_sorted("reference", False, FamilyStatus.ACTIVE)
    assert active == [f.id for f in saved if f.status is FamilyStatus.ACTIVE]


def test_summaries_keep_the_requested_order_and_skip_unknown_ids(conn: Connection) -> None:
    a = add(conn, sample_family("S-1")).id or 0
    b = add(conn, replace(sample_family("S-2"), addresses=())).id or 0
    result = FamilyRepository(conn).summaries([b, 999, a])
    assert [s.id for s in result] == [b, a]
    assert result[0].postcode == ""
    assert FamilyRepository(conn).summaries([]) == []


def test_unknown_sort_key(conn: Connection) -> None:
    with pytest.raises(ValueError, match="sort key"):
        FamilyRepository(conn).ids_sorted("surname", False)
