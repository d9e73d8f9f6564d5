"""A worker marks a chronology entry as a significant event with a reason: the mark stays on
its entry however often the chronology is built again (and when the record it comes from is
edited), is audited, filters the chronology, and shows in the exported PDF's Significance
column."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

from keyworker_app.domain.chronology import (
    FAMILY_DATES,
    EntryKind,
    build_chronology,
    filter_entries,
)
from keyworker_app.errors import UserFacingError
from tests.unit.reports.pdf_checks import assert_marked_every_page
from tests.unit.services.export_env import ExportEnv
from tests.unit.services.test_export_chronology import SECURE, chronology_request
from tests.unit.services.test_note_amendments import pdftotext_flow

SHOTS = os.environ.get("KEYWORKER_SHOTS", "")
REASON = "First disclosure of domestic abuse by the child"


def _chronology(env: ExportEnv):  # type: ignore[no-untyped-def]
    family = env.session.view_family(env.family_id)
    return build_chronology(family, marks=env.session.chronology_marks(env.family_id))


def test_a_marked_note_stays_marked_after_the_note_is_edited(export_env: ExportEnv) -> None:
    env = export_env
    note = next(e for e in _chronology(env) if e.kind is EntryKind.NOTE)
    env.session.mark_significant(env.family_id, EntryKind.NOTE, note.record, f"  {REASON} ")
    family = env.session.view_family(env.family_id)
    edited = replace(family, notes=tuple(
        replace(n, summary="Mum rang back. " + n.summary) if str(n.id) == note.record else n
        for n in family.notes))
    env.session.update_family(edited, family)
    entries = _chronology(env)
    [marked] = filter_entries(entries, significant_only=True)
    assert marked.key == note.key and "Mum rang back." in marked.summary
    assert marked.significance is not None and marked.significance.reason == REASON
    assert marked.significance.marked_by == env.session.actor.name
    details = [e.detail for e in env.session.audit().events(limit=100)]
    assert f"chronology note {note.record} marked significant" in details
    assert all(REASON not in d for d in details)  # the reason stays in the record only


def test_marking_again_changes_the_reason_and_unmarking_is_audited(
        export_env: ExportEnv) -> None:
    env = export_env
    env.session.mark_significant(env.family_id, EntryKind.ALLOCATION, FAMILY_DATES, "First")
    env.session.mark_significant(env.family_id, EntryKind.ALLOCATION, FAMILY_DATES, "Second")
    assert [m.reason for m in env.session.chronology_marks(env.family_id)] == ["Second"]
    env.session.unmark_significant(env.family_id, EntryKind.ALLOCATION, FAMILY_DATES)
    assert env.session.chronology_marks(env.family_id) == ()
    assert not filter_entries(_chronology(env), significant_only=True)
    details = [e.detail for e in env.session.audit().events(limit=100)]
    assert "chronology allocation family significance reason changed" in details
    assert "chronology allocation family no longer significant" in details


def test_a_mark_needs_a_reason(export_env: ExportEnv) -> None:
    env = export_env
    with pytest.raises(UserFacingError, match="needs the reason"):
        env.session.mark_significant(env.family_id, EntryKind.ALLOCATION, FAMILY_DATES, "  ")
    assert env.session.chronology_marks(env.family_id) == ()


def test_the_exported_chronology_shows_the_significance_and_reason(
        export_env: ExportEnv) -> None:
    env = export_env
    env.session.mark_significant(env.family_id, EntryKind.ALLOCATION, FAMILY_DATES, REASON)
    result = env.service.export(chronology_request(env, SECURE))
    data = result.destination.read_bytes()
    if SHOTS:
        (Path(SHOTS) / "chronology_significant.pdf").write_bytes(data)
    assert assert_marked_every_page(data, env.policy.protective_marking) >= 1
    text = " ".join(pdftotext_flow(result.destination).split())
    assert f"Significant: {REASON}" in text
    assert text.count("Significant:") == 1
