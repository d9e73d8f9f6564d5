"""Full-text search over notes, amendments, TAF meetings and indicator details: every kind of
record is found by its words, changes and deletions keep the index in step, and whatever a
key worker types never becomes an error."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from keyworker_app.domain.family import CaseNote, ContactKind
from keyworker_app.domain.indicators import Concern, ConcernKind
from keyworker_app.domain.record_text import TextKind
from keyworker_app.domain.taf import Action, Addendum, Decision, Meeting, MeetingType
from keyworker_app.store.connection import open_encrypted, transaction
from keyworker_app.store.fulltext import indexed_words, match_expression, search_records
from keyworker_app.store.schema import MIGRATIONS, migrate
from keyworker_app.store.schema_fulltext import FULLTEXT_STATEMENTS
from keyworker_app.store.taf_repo import MeetingRepository
from tests.fixtures import make_golden_v1 as golden
from tests.unit.services.programme_fixtures import Programme
from tests.unit.services.test_retention_deletion import canary_family, plant_taf


def kinds_found(p: Programme, word: str) -> set[TextKind]:
    return {hit.kind for hit in p.session.search_records(word)}


def test_every_kind_of_record_is_found_by_its_words(programme: Programme) -> None:
    p = programme
    family = p.session.add_family(canary_family("TF-1", "Marrowfat"))
    other = p.session.add_family(canary_family("TF-2", "Keepsake"))
    assert family.id is not None and other.id is not None
    plant_taf(p, family.id, "Marrowfat")
    with transaction(p.session.connection):
        repo = MeetingRepository(p.session.connection, p.clock.now)
        review = repo.add(Meeting(family.id, MeetingType.REVIEW, datetime(2024, 3, 1, 10, 0),
                                  chair="KW",
                                  decisions=(Decision("Marrowfat decision"),),
                                  actions=(Action("Marrowfat action", "KW", "family",
                                                  date(2024, 4, 1)),)))
        assert review.id is not None
        repo.add_addendum(review.id, Addendum("Marrowfat addendum", "Team Lead",
                                              datetime(2024, 3, 2, tzinfo=UTC)))
    # Every kind: note, concern, offence, the meeting's discussion, a member's views, shared
    # information, a decision, an action and an addendum.
    assert kinds_found(p, "marrowfat") == {
        TextKind.NOTE, TextKind.CONCERN, TextKind.OFFENCE, TextKind.MEETING,
        TextKind.MEMBER_VIEWS, TextKind.SHARED, TextKind.DECISION, TextKind.ACTION,
        TextKind.ADDENDUM}
    hits = p.session.search_records("marrowfat worries")
    assert [(h.family_id, h.reference, h.kind) for h in hits] == [
        (family.id, "TF-1", TextKind.MEETING)]
    assert "«Marrowfat» «worries»" in hits[0].snippet_text()
    assert {h.family_id for h in p.session.search_records("keepsake")} == {other.id}


def test_an_amendment_is_searchable_and_the_original_still_is(programme: Programme) -> None:
    p = programme
    family = p.session.add_family(canary_family("TF-1", "Plain"))
    assert family.id is not None and family.notes[0].id is not None
    p.session.amend_note(family.id, family.notes[0].id, "Wrong school named",
                         "Visited; the school is Quarrybank Academy")
    [hit] = p.session.search_records("quarryb")  # a prefix, as while typing
    assert (hit.kind, hit.family_id, hit.record_id) == (TextKind.AMENDMENT, family.id,
                                                        hit.record_id)
    assert "«Quarrybank»" in hit.snippet_text()
    assert kinds_found(p, "wrong school") == {TextKind.AMENDMENT}  # the reason too
    assert kinds_found(p, "visited plain") == {TextKind.NOTE}  # the original text is kept


def test_edits_replace_the_words_and_deleting_a_record_drops_them(programme: Programme) -> None:
    p = programme
    base = p.session.add_family(canary_family("TF-1", "Plain"))
    assert base.id is not None
    edited = replace(base, concerns=(replace(base.concerns[0], detail="Rent arrears mounting"),),
                     notes=(*base.notes, CaseNote(ContactKind.PHONE_CALL,
                                                  datetime(2024, 4, 1, 9, 0), "KW",
                                                  "Spoke to the Zephyrine housing officer")))
    saved = p.session.update_family(edited, base)
    assert kinds_found(p, "arrears") == {TextKind.CONCERN}
    assert kinds_found(p, "plain concern") == set()  # the old detail is gone
    assert kinds_found(p, "zephyrine") == {TextKind.NOTE}
    p.session.update_family(replace(saved, notes=saved.notes[:1], concerns=(
        Concern(ConcernKind.MENTAL_HEALTH, saved.concerns[0].noted_on, detail="Calmer"),)),
        saved)
    assert kinds_found(p, "zephyrine") == set()
    assert kinds_found(p, "calmer") == {TextKind.CONCERN}


@pytest.mark.parametrize("typed", [
    '"', '""', "'", "*", "**", "a*", "NEAR", "NEAR(", "near(a b)", "AND", "OR NOT", "(",
    ")", "-", "^", ":", "body:", "family_id:1", "{body}", "a + b", "\ud800", "x\udfffy",
    "é", "\x00", "\x02\x03", "x" * 10_000, "word " * 5_000, "🙂", "⁂", "_", "%", "\\"])
def test_odd_input_is_never_an_error(programme: Programme, typed: str) -> None:
    p = programme
    p.session.add_family(canary_family("TF-1", "Plain"))
    assert isinstance(p.session.search_records(typed), list)


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_any_text_makes_a_valid_query(text: str) -> None:
    import sqlcipher3

    conn = sqlcipher3.connect(":memory:")
    try:
        conn.execute("CREATE VIRTUAL TABLE t USING fts5(body)")
        conn.execute("INSERT INTO t VALUES ('some words')")
        query = match_expression(text)
        if query is not None:
            conn.execute("SELECT count(*) FROM t WHERE t MATCH ?", (query,)).fetchone()
    finally:
        conn.close()


def test_the_last_word_is_a_prefix_only_while_typing() -> None:
    assert match_expression("home vis") == '"home" "vis" *'
    assert match_expression("home vis ") == '"home" "vis"'
    assert match_expression('say "NEAR" ') == '"say" "NEAR"'
    assert match_expression('(say) NEAR*') == '"say" "NEAR" *'
    assert match_expression("a") == '"a"'
    assert match_expression(" \t*") is None


def test_a_store_from_before_the_index_is_indexed_when_it_migrates(tmp_path: Path) -> None:
    db = tmp_path / "golden.db"
    shutil.copy(Path(golden.__file__).with_name("golden-v1.db"), db)
    conn = open_encrypted(db, golden.GOLDEN_KEY)
    try:
        mine = next(i for i, m in enumerate(MIGRATIONS) if m.statements == FULLTEXT_STATEMENTS)
        migrate(conn, MIGRATIONS[:mine])  # the release before the index
        notes = int(conn.execute("SELECT count(*) FROM case_note WHERE summary LIKE "
                                 "'%attendance%'").fetchone()[0])
        assert notes > 0
        assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'record_text'"
                            ).fetchone()[0] == 0
        migrate(conn)
        assert indexed_words(conn, "attendance") == notes
        assert len(search_records(conn, "attendance", limit=5)) == min(5, notes)
    finally:
        conn.close()
