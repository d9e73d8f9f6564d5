"""Records of unknown source are listed with enough to tell them apart, and completing them
sets exactly the chosen records' sources."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from keyworker_app.domain.provenance import THE_FAMILY, Source
from keyworker_app.domain.source_completion import (
    completion_problems,
    records_to_complete,
    with_sources,
)
from keyworker_app.domain.sources import unknown_sources
from tests.gui.samples import sample_family
from tests.unit.domain.criteria_cases import POLICY, offence

POLICE = Source("leicestershire-police")


def _family():  # type: ignore[no-untyped-def]
    family = sample_family("KW-0400", "Ashworth")
    known = replace(offence(date(2024, 9, 1)), source=POLICE)
    first = replace(family.members[0], offences=(known, offence(date(2024, 10, 1))))
    return replace(family, members=(first, *family.members[1:]))


def test_only_records_of_unknown_source_are_listed_with_what_and_whom() -> None:
    family = _family()
    listed = records_to_complete(family)
    assert len(listed) == unknown_sources(family)
    offences = [r for r in listed if r.kind == "Offence"]
    assert [r.key for r in offences] == ["members.0.offences.1"]
    assert "01/10/2024" in offences[0].what
    assert family.members[0].display_name in offences[0].what
    assert any(r.kind == "Case note" and r.key.startswith("notes.") for r in listed)


def test_completing_sets_only_the_chosen_records() -> None:
    family = _family()
    note_key = next(r.key for r in records_to_complete(family) if r.kind == "Case note")
    done = with_sources(family, {"members.0.offences.1": POLICE,
                                 note_key: Source(THE_FAMILY)})
    assert [o.source for o in done.members[0].offences] == [POLICE, POLICE]
    assert done.notes[int(note_key.split(".")[1])].source == Source(THE_FAMILY)
    assert unknown_sources(done) == unknown_sources(family) - 2
    with pytest.raises(KeyError):  # already known: not a record to complete
        with_sources(family, {"members.0.offences.0": Source(THE_FAMILY)})


def test_a_chosen_source_must_be_a_partner_the_family_or_this_organisation() -> None:
    assert completion_problems({"notes.0": POLICE}, POLICY) == []
    [unknown] = completion_problems({"notes.0": Source()}, POLICY)
    assert unknown.path == ("notes.0",)
    [stranger] = completion_problems({"notes.0": Source("zzz")}, POLICY)
    assert "partner in the agreement" in stranger.message
