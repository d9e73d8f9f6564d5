"""Family files carry local time with its offset, so a contact in the hour the clocks go back
(and any other) imports as the moment it was exported."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from keyworker_app.domain.family import CaseNote, ContactKind
from keyworker_app.services.family_export import families_to_json
from keyworker_app.services.family_import import parse_families_json
from tests.gui.samples import sample_family

pytestmark = pytest.mark.usefixtures("london")

FIRST_0130 = datetime(2024, 10, 27, 0, 30, tzinfo=UTC)  # 01:30 BST
SECOND_0130 = datetime(2024, 10, 27, 1, 30, tzinfo=UTC)  # 01:30 GMT
SUMMER_1030 = datetime(2025, 7, 15, 9, 30, tzinfo=UTC)  # 10:30 BST


def test_an_exported_note_in_the_repeated_hour_imports_as_the_same_moment() -> None:
    notes = tuple(CaseNote(ContactKind.PHONE_CALL, at, "Sam Worker", f"Call {i}")
                  for i, at in enumerate((FIRST_0130, SECOND_0130, SUMMER_1030)))
    family = replace(sample_family("KW-0042", "Ashworth"), notes=notes)
    text = families_to_json([family])
    assert '"2024-10-27T01:30:00+01:00"' in text and '"2024-10-27T01:30:00+00:00"' in text
    [back] = parse_families_json(text, "families.json", today=date(2025, 8, 1))
    assert [n.occurred_at for n in back.notes] == [FIRST_0130, SECOND_0130, SUMMER_1030]


def test_a_note_written_without_an_offset_is_local_time() -> None:
    document = json.loads(families_to_json([sample_family("KW-0042", "Ashworth")]))
    document["families"][0]["notes"] = [{"kind": "phone-call", "occurred_at": "2025-07-15T10:30",
                                          "author": "Sam Worker", "summary": "Call"}]
    [back] = parse_families_json(json.dumps(document), "families.json", today=date(2025, 8, 1))
    assert [n.occurred_at for n in back.notes] == [SUMMER_1030]
