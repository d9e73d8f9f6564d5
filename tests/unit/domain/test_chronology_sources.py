"""The chronology names the source partner of each imported record (version 2), and says
"Unknown (to complete)" for a version 1 file's records."""

from __future__ import annotations

import json

import pytest

from keyworker_app.domain.chronology import EntryKind, build_chronology
from keyworker_app.services.family_import import parse_families_json
from tests.gui.programme_samples import TODAY
from tests.gui.test_gui_sources import COUNTY, DWP, POLICE, document
from tests.taf_session import shipped_policy

POLICY = shipped_policy()
NAMES = {p.id: p.name for p in POLICY.partners}


def _who(version: int) -> dict[EntryKind, str]:
    [family] = parse_families_json(json.dumps(document(version)), "okafor.json", TODAY,
                                   policy=POLICY)
    entries = build_chronology(family, partner_names=NAMES)
    return {e.kind: e.who for e in entries
            if e.kind in (EntryKind.OFFENCE, EntryKind.BENEFIT, EntryKind.EDUCATION)}


def test_a_version_2_import_names_each_records_source_in_the_chronology() -> None:
    assert _who(2) == {EntryKind.OFFENCE: POLICE, EntryKind.BENEFIT: DWP,
                       EntryKind.EDUCATION: COUNTY}


@pytest.mark.parametrize("kind", [EntryKind.OFFENCE, EntryKind.BENEFIT, EntryKind.EDUCATION])
def test_a_version_1_import_says_unknown_in_the_chronology(kind: EntryKind) -> None:
    assert _who(1)[kind] == "Unknown (to complete)"
