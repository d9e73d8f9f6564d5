"""Retention deletion: the family's personal data leaves every byte of the store file and
WAL (checked by decrypting every page, free pages and WAL frames included); the marker stays;
the audit trail records who and why."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from keyworker_app.domain.audit import AuditAction
from keyworker_app.domain.family import (
    Address,
    CaseNote,
    ContactKind,
    Family,
    FamilyStatus,
    HouseholdRole,
    Person,
)
from keyworker_app.domain.indicators import Concern, ConcernKind, Disposal, Offence
from keyworker_app.domain.retention import MARKER_NOTE, RetentionDecision, RetentionReview
from keyworker_app.domain.taf import (
    Attendee,
    Consent,
    ConsentMethod,
    ConsentState,
    Meeting,
    MeetingType,
    MemberVoice,
    SharedInformation,
    ShareMethod,
)
from keyworker_app.errors import ValidationError
from keyworker_app.store.connection import transaction
from keyworker_app.store.fulltext import indexed_words
from keyworker_app.store.taf_repo import MeetingRepository
from tests.unit.services.programme_fixtures import POLICY, Programme
from tests.unit.services.sqlcipher_pages import found_in, plaintext_pages

CANARY = "Xylocarpine"  # planted in every kind of record except the kept name
NAME = "Quennell"


def canary_family(reference: str, canary: str) -> Family:
    person = Person("m1", "Ada", NAME, date(1990, 5, 17), HouseholdRole.PARENT_CARER,
                    sex_gender=f"{canary}-recorded",
                    offences=(Offence(date(2024, 6, 1), Disposal.CAUTION, f"{canary} offence"),))
    child = Person("c1", "Bea", NAME, date(2012, 1, 2), HouseholdRole.CHILD,
                   sex_gender=f"{canary}-as-recorded")
    return Family(reference, NAME, FamilyStatus.ACTIVE, date(2024, 1, 10), "KW",
                  members=(person, child),
                  addresses=(Address(f"1 {canary} Road", "Leicester", "LE1 1AA"),),
                  concerns=(Concern(ConcernKind.MENTAL_HEALTH, date(2024, 2, 1),
                                    detail=f"{canary} concern", person_ref="m1"),),
                  notes=(CaseNote(ContactKind.HOME_VISIT, datetime(2024, 3, 1, 10, 0), "KW",
                                  f"Visited {canary}", "m1"),))


def plant_taf(p: Programme, family_id: int, canary: str) -> None:
    partner = POLICY.partners[0].id
    repo = MeetingRepository(p.session.connection, p.clock.now)
    with transaction(p.session.connection):
        repo.add_consent(family_id, Consent("m1", ConsentState.GIVEN, date(2024, 1, 12),
                                            (partner,), ConsentMethod.SIGNED_FORM,
                                            f"{canary} recorder"))
        repo.add(Meeting(family_id, MeetingType.INITIAL, datetime(2024, 2, 1, 10, 0),
                         venue=f"{canary} centre", chair=f"{canary} Chair",
                         attendees=(Attendee(f"{canary} Officer", partner, "Officer"),),
                         members=(MemberVoice("m1", f"{canary} views"),),
                         worries=f"{canary} worries",
                         shared=(SharedInformation(partner, "outside-agreed-exchanges",
                                                   f"{canary} shared", date(2024, 2, 1),
                                                   ShareMethod.AT_MEETING, partner,
                                                   ("m1",), "because"),)))
    p.session.save_draft("case-note", f"family:{family_id}/note:new", {"summary": canary})


def delete(p: Programme, family_id: int, reason: str = "No further risk") -> RetentionReview:
    return p.service.record_review(RetentionReview(
        family_id, p.clock.today(), RetentionDecision.DELETE, reason, "Team Lead"))


def test_deletion_leaves_no_byte_of_the_family(programme: Programme) -> None:
    p = programme
    keep = p.session.add_family(canary_family("TF-KEEP", "Keepsake"))
    gone = p.session.add_family(canary_family("TF-GONE", CANARY))
    assert gone.id is not None and keep.id is not None
    plant_taf(p, gone.id, CANARY)
    p.session.connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
    # Positive control: the decryption sees the canary before deletion, and so does the
    # full-text index (its terms are kept folded to lower case, in its shadow tables).
    assert found_in(p.path, p.key, CANARY)
    assert indexed_words(p.session.connection, CANARY) >= 5
    assert found_in(p.path, p.key, CANARY.lower())
    assert any(b"SQLite format 3" in page or b"CREATE TABLE" in page
               for page in plaintext_pages(p.path, p.key))

    review = delete(p, gone.id)

    assert not found_in(p.path, p.key, CANARY)
    assert not found_in(p.path, p.key, CANARY.lower())  # nor in the full-text index
    assert indexed_words(p.session.connection, CANARY) == 0
    assert p.session.search_records(CANARY) == []
    assert found_in(p.path, p.key, "Keepsake")  # the other family is untouched
    assert found_in(p.path, p.key, "keepsake")
    assert {h.family_id for h in p.session.search_records("keepsake")} == {keep.id}
    conn = p.session.connection
    assert conn.execute("PRAGMA freelist_count").fetchone()[0] == 0
    assert not p.path.with_name(p.path.name + "-wal").exists() or (
        p.path.with_name(p.path.name + "-wal").stat().st_size == 0)
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    # Markers: name, date of birth, the note and the date; nothing else.
    markers = p.service._repo().markers(NAME[:4])  # noqa: SLF001
    assert {(m.name, m.date_of_birth, m.note, m.marked_on) for m in markers} >= {
        (f"Ada {NAME}", date(1990, 5, 17), MARKER_NOTE, date(2025, 3, 15)),
        (f"Bea {NAME}", date(2012, 1, 2), MARKER_NOTE, date(2025, 3, 15)),
    }
    # The audit trail: who (the actor) and why (the review it points at).
    event = p.session.audit().events(limit=1)[0]
    assert event.action is AuditAction.DELETE and event.object_id == str(gone.id)
    assert event.actor == "Team Lead"
    assert f"retention-review={review.id}" in event.detail
    assert CANARY not in event.detail and NAME not in event.detail
    kept, reference = p.service._repo().review(review.id or 0)  # noqa: SLF001
    assert (kept.reason, kept.reviewer, reference) == ("No further risk", "Team Lead", "TF-GONE")
    assert p.session.verify().ok


def test_retain_moves_the_review_date_and_deletes_nothing(programme: Programme) -> None:
    p = programme
    fam = p.session.add_family(canary_family("TF-1", "Keepsake"))
    assert fam.id is not None
    [entry] = p.service.retention_queue()
    assert entry.review_on == date(2025, 1, 10)  # allocation + 12 months
    assert entry.overdue(p.clock.today())
    p.service.record_review(RetentionReview(fam.id, date(2025, 3, 15), RetentionDecision.RETAIN,
                                            "Risk remains", "Team Lead", date(2025, 9, 30)))
    [entry] = p.service.retention_queue()
    assert entry.review_on == date(2025, 9, 30)
    assert entry.last_review == date(2025, 3, 15)
    assert p.service.retention_queue(due_within_days=30) == []
    assert p.session.families().count() == 1
    event = p.session.audit().events(limit=1)[0]
    assert event.action is AuditAction.UPDATE and "decision=retain" in event.detail


def test_a_review_needs_a_reason(programme: Programme) -> None:
    p = programme
    fam = p.session.add_family(canary_family("TF-1", "Keepsake"))
    with pytest.raises(ValidationError):
        delete(p, fam.id or 0, reason=" ")
    assert p.session.families().count() == 1


def test_queue_orders_by_due_date(programme: Programme) -> None:
    p = programme
    for ref, allocated in (("TF-B", date(2024, 6, 1)), ("TF-A", date(2024, 6, 1)),
                           ("TF-C", date(2024, 2, 29))):
        p.session.add_family(replace(canary_family(ref, "K"), allocated_on=allocated))
    queue = p.service.retention_queue()
    assert [(e.reference, e.review_on) for e in queue] == [
        ("TF-C", date(2025, 2, 28)), ("TF-A", date(2025, 6, 1)), ("TF-B", date(2025, 6, 1))]
    assert datetime.now(UTC).year >= 2025


def test_the_scan_would_catch_a_deletion_without_compaction(
        programme: Programme, monkeypatch: pytest.MonkeyPatch) -> None:
    """Negative control: skip the VACUUM and checkpoint and the old WAL frames still hold
    the canary, so the first test's clean scan is evidence, not an artefact."""
    p = programme
    gone = p.session.add_family(canary_family("TF-GONE", CANARY))
    monkeypatch.setattr(type(p.service), "secure_erase", lambda self: None)
    delete(p, gone.id or 0)
    assert found_in(p.path, p.key, CANARY)


def test_the_scan_would_catch_index_words_left_by_a_plain_delete(programme: Programme) -> None:
    """Negative control for the full-text index: without FTS5's secure-delete a deletion
    only adds a tombstone, and the scan still finds the word in the index's pages."""
    p = programme
    conn = p.session.connection
    with transaction(conn):
        conn.execute("INSERT INTO record_text (record_text, rank) VALUES ('secure-delete', 0)")
    p.session.add_family(canary_family("TF-KEEP", "Keepsake"))
    gone = p.session.add_family(canary_family("TF-GONE", CANARY))
    delete(p, gone.id or 0)
    assert not found_in(p.path, p.key, CANARY)  # the rows are gone...
    assert indexed_words(conn, CANARY) == 0
    assert found_in(p.path, p.key, CANARY.lower())  # ...but not the index's copy of the word
