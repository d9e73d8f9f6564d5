"""Saves are optimistic: each window saves the change from the copy it read, never its copy.

Two connections to one real SQLCipher store stand for two Keyworker windows; each holds
the family as it read it, as the family screen does.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest

from keyworker_app.domain.family import Address, CaseNote, ContactKind, Family
from keyworker_app.errors import StaleRecordError
from keyworker_app.store.connection import Connection, scalar, transaction
from keyworker_app.store.repositories import FamilyRepository
from tests.unit.store.store_fixtures import OpenStore
from tests.unit.store.test_repositories import sample_family


def _note(text: str) -> CaseNote:
    return CaseNote(ContactKind.PHONE_CALL, datetime(2025, 3, 1, 14, 0), "Kim", text)


def _save(conn: Connection, edited: Family, base: Family) -> Family:
    with transaction(conn):
        return FamilyRepository(conn).update(edited, base)


@pytest.fixture
def windows(open_store: OpenStore) -> tuple[Connection, Connection, Family]:
    one, two = open_store(), open_store()
    with transaction(one):
        saved = FamilyRepository(one).add(sample_family())
    return one, two, saved


def test_a_note_saved_from_an_old_copy_keeps_the_other_windows_notes(
    windows: tuple[Connection, Connection, Family],
) -> None:
    one, two, saved = windows
    copy_one = FamilyRepository(one).get(saved.id or 0)
    copy_two = FamilyRepository(two).get(saved.id or 0)
    after_two = _save(two, replace(copy_two, notes=(*copy_two.notes, _note("from two"))),
                      copy_two)
    # Window one still shows its old copy (without "from two") and adds its own note.
    after_one = _save(one, replace(copy_one, notes=(*copy_one.notes, _note("from one"))),
                      copy_one)
    summaries = [n.summary for n in after_one.notes]
    assert summaries == ["Visit", "from two", "from one"]
    assert FamilyRepository(two).get(saved.id or 0) == after_one  # what was returned is stored
    assert after_two.notes[1].id == after_one.notes[1].id


def test_a_stale_edit_of_the_family_is_refused_and_changes_nothing(
    windows: tuple[Connection, Connection, Family],
) -> None:
    one, two, saved = windows
    stale = FamilyRepository(one).get(saved.id or 0)
    fresh = FamilyRepository(two).get(saved.id or 0)
    _save(two, replace(fresh, key_worker="Sam"), fresh)
    attempt = replace(stale, key_worker="Alex", notes=(*stale.notes, _note("with the edit")))
    with pytest.raises(StaleRecordError) as caught:
        _save(one, attempt, stale)
    assert "changed in another Keyworker window" in caught.value.message
    assert "Your entry has been kept" in caught.value.advice
    stored = FamilyRepository(one).get(saved.id or 0)
    assert stored.key_worker == "Sam"
    assert [n.summary for n in stored.notes] == ["Visit"]  # all or nothing
    assert attempt.key_worker == "Alex"  # the user's edit is theirs to try again
    # Based on the latest copy, the same edit goes through.
    assert _save(one, replace(stored, key_worker="Alex"), stored).key_worker == "Alex"


def test_edits_of_one_member_from_two_windows_the_second_is_refused(
    windows: tuple[Connection, Connection, Family],
) -> None:
    one, two, saved = windows
    stale = FamilyRepository(one).get(saved.id or 0)
    fresh = FamilyRepository(two).get(saved.id or 0)
    mum = fresh.members[0]
    _save(two, replace(fresh, members=(replace(mum, date_of_birth=date(1985, 4, 2)),
                                       *fresh.members[1:])), fresh)
    with pytest.raises(StaleRecordError):
        _save(one, replace(stale, members=(replace(stale.members[0], given_names="Anne"),
                                           *stale.members[1:])), stale)
    stored = FamilyRepository(one).get(saved.id or 0).members[0]
    assert (stored.given_names, stored.date_of_birth) == ("Ann", date(1985, 4, 2))


def test_different_records_edited_in_two_windows_both_land(
    windows: tuple[Connection, Connection, Family],
) -> None:
    one, two, saved = windows
    stale = FamilyRepository(one).get(saved.id or 0)
    fresh = FamilyRepository(two).get(saved.id or 0)
    _save(two, replace(fresh, members=(replace(fresh.members[0], upn="A123456789012"),
                                       *fresh.members[1:])), fresh)
    moved = replace(stale, addresses=(replace(stale.addresses[0], to_date=date(2025, 3, 1)),
                                      Address("2 Street", "Leicester", "LE3 9AB")))
    result = _save(one, moved, stale)
    assert result.members[0].upn == "A123456789012"
    assert [a.town for a in result.addresses] == ["Leicester", "Leicester"]
    assert result.addresses[0].to_date == date(2025, 3, 1)


def test_removing_a_note_another_window_changed_is_refused(
    windows: tuple[Connection, Connection, Family],
) -> None:
    one, two, saved = windows
    stale = FamilyRepository(one).get(saved.id or 0)
    fresh = FamilyRepository(two).get(saved.id or 0)
    _save(two, replace(fresh, notes=(replace(fresh.notes[0], summary="Visit, corrected"),)),
          fresh)
    with pytest.raises(StaleRecordError):
        _save(one, replace(stale, notes=()), stale)
    assert scalar(one, "SELECT summary FROM case_note") == "Visit, corrected"


def test_a_row_removed_elsewhere_is_not_resurrected_by_an_old_copy(
    windows: tuple[Connection, Connection, Family],
) -> None:
    one, two, saved = windows
    stale = FamilyRepository(one).get(saved.id or 0)
    fresh = FamilyRepository(two).get(saved.id or 0)
    _save(two, replace(fresh, notes=()), fresh)  # the other window removed the note
    result = _save(one, replace(stale, review_due=date(2025, 9, 1)), stale)
    assert result.notes == ()  # the old copy's note did not come back
    assert result.review_due == date(2025, 9, 1)


def test_the_version_moves_on_with_each_save_of_the_familys_own_fields(
    windows: tuple[Connection, Connection, Family],
) -> None:
    one, _two, saved = windows
    assert saved.version == 1
    renamed = _save(one, replace(saved, family_name="Bronte"), saved)
    assert renamed.version == 2
    noted = _save(one, replace(renamed, notes=(*renamed.notes, _note("n"))), renamed)
    assert noted.version == 2  # a note is not a change of the family's own fields
    with transaction(one):
        FamilyRepository(one).close(saved.id or 0, date(2025, 6, 1), "Goals met")
    with pytest.raises(StaleRecordError):  # an old copy cannot reopen a closed case
        _save(one, replace(noted, key_worker="Sam"), noted)
