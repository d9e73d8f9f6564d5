"""The family import format: the example parses, round-trips, and bad files are refused whole."""

from __future__ import annotations

import copy
import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from keyworker_app.domain.family import (
    Address,
    CaseNote,
    ContactKind,
    Family,
    FamilyStatus,
    HouseholdRole,
    Person,
    Relationship,
    RelationshipKind,
)
from keyworker_app.domain.indicators import (
    AsbIntervention,
    AsbKind,
    Benefit,
    BenefitSpell,
    Concern,
    ConcernKind,
    Disposal,
    EducationTerm,
    Offence,
    Provision,
    Term,
)
from keyworker_app.errors import FamilyImportError, UserFacingError
from keyworker_app.services.family_export import families_to_json
from keyworker_app.services.family_import import parse_families_json

EXAMPLE = Path(__file__).resolve().parents[3] / "docs" / "examples" / "families.json"
TODAY = date(2024, 6, 1)


def _example() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    return data


def test_example_file_parses() -> None:
    families = parse_families_json(EXAMPLE.read_text(encoding="utf-8"), "families.json", TODAY)
    assert [f.reference for f in families] == ["EXAMPLE-0001", "EXAMPLE-0002", "EXAMPLE-0003"]
    first = families[0]
    assert first.current_address is not None
    assert first.current_address.postcode == "ZZ99 2AB"
    assert first.member("c1").offences[0].disposal is Disposal.YOUTH_CAUTION
    assert first.member("c1").education[2].provision is Provision.PRU_AFTER_EXCLUSION
    assert families[1].addresses[0].postcode == "ZZ99 3AB"  # normalised
    assert families[2].status is FamilyStatus.CLOSED
    # The example must stay importable on the real date too.
    assert len(parse_families_json(EXAMPLE.read_text(encoding="utf-8"), "x")) == 3


# --- round trip ---------------------------------------------------------------------------

_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zs", "Zl", "Zp")),
    min_size=1, max_size=20,
)
_optional_text = st.one_of(st.just(""), _text)
_days = st.dates(min_value=date(1950, 1, 1), max_value=TODAY)
_letters = st.sampled_from("ABDEFGHJLNPQRSTUWXYZ")


@st.composite
def _postcodes(draw: st.DrawFn) -> str:
    outward = draw(st.sampled_from(["ZZ99", "LE1", "SW1A", "M1", "B33", "CR2"]))
    return f"{outward} {draw(st.integers(0, 9))}{draw(_letters)}{draw(_letters)}"


@st.composite
def _span(draw: st.DrawFn) -> tuple[date, date | None]:
    start = draw(_days)
    end = draw(st.one_of(st.none(), st.dates(min_value=start, max_value=TODAY)))
    return start, end


@st.composite
def _person(draw: st.DrawFn, ref: str) -> Person:
    offences = []
    for _ in range(draw(st.integers(0, 2))):
        when = draw(_days)
        offences.append(Offence(when, draw(st.sampled_from(Disposal)), draw(_optional_text),
                                draw(st.one_of(st.none(), st.just(when + timedelta(days=3))))
                                if when + timedelta(days=3) <= TODAY else None))
    # Only terms that have started, for children; benefits for adults (the domain's rules).
    role = draw(st.sampled_from(HouseholdRole))
    child = role in (HouseholdRole.CHILD, HouseholdRole.OTHER_CHILD)
    terms = draw(st.lists(st.tuples(st.integers(2000, TODAY.year - 1), st.sampled_from(Term)),
                          max_size=2 if child else 0, unique=True))
    education = [
        EducationTerm(year, term, draw(st.integers(0, 20)), draw(st.booleans()),
                      draw(st.floats(0, 100, allow_nan=False)), draw(st.sampled_from(Provision)))
        for year, term in terms
    ]
    benefits = []
    for _ in range(draw(st.integers(0, 0 if child else 2))):
        start, end = draw(_span())
        benefits.append(BenefitSpell(draw(st.sampled_from(Benefit)), start, end))
    return Person(
        ref=ref, given_names=draw(_text), family_name=draw(_text),
        date_of_birth=draw(_days), household_role=role,
        sex_gender=draw(_optional_text),
        nhs_number=draw(st.sampled_from(["", "999 000 0018", "9990000026"])),
        ni_number=draw(st.sampled_from(["", "QQ 12 34 56 C", "AB123456D"])),
        upn=draw(st.sampled_from(["", "A12345678901B"])),
        offences=tuple(offences), education=tuple(education), benefits=tuple(benefits),
    )


@st.composite
def _family(draw: st.DrawFn, reference: str) -> Family:
    refs = draw(st.lists(st.text("abcxyz0123", min_size=1, max_size=4), min_size=1,
                         max_size=5, unique=True))
    members = tuple(draw(_person(ref)) for ref in refs)
    person_ref = st.sampled_from(["", *refs])
    relationships = []
    if len(refs) > 1:
        for _ in range(draw(st.integers(0, 3))):
            a, b = draw(st.lists(st.sampled_from(refs), min_size=2, max_size=2, unique=True))
            relationship = Relationship(a, draw(st.sampled_from(RelationshipKind)), b)
            if relationship not in relationships:
                relationships.append(relationship)
    addresses = []
    count = draw(st.integers(0, 2))
    for i in range(count):
        start, end = draw(_span())
        if end is None and i < count - 1:  # only the last address may be current
            end = start
        addresses.append(Address(draw(_text), draw(_text), draw(_postcodes()),
                                 draw(_optional_text), start, end))
    asb = []
    for _ in range(draw(st.integers(0, 2))):
        start, end = draw(_span())
        asb.append(AsbIntervention(draw(st.sampled_from(AsbKind)), start, end, draw(person_ref)))
    concerns = []
    for _ in range(draw(st.integers(0, 2))):
        start, end = draw(_span())
        kind = draw(st.sampled_from(ConcernKind))
        concerns.append(Concern(kind, start, end,
                                draw(_text if kind is ConcernKind.OTHER else _optional_text),
                                draw(person_ref)))
    notes = [
        CaseNote(draw(st.sampled_from(ContactKind)),
                 draw(st.datetimes(min_value=datetime(2010, 1, 1),
                                   max_value=datetime(2024, 5, 31))).replace(microsecond=0),
                 draw(_text), draw(_text), draw(person_ref))
        for _ in range(draw(st.integers(0, 2)))
    ]
    allocated, closed = draw(_span())
    return Family(
        reference=reference, family_name=draw(_text), status=draw(st.sampled_from(FamilyStatus)),
        allocated_on=allocated, key_worker=draw(_text), members=members,
        relationships=tuple(relationships), addresses=tuple(addresses),
        asb_interventions=tuple(asb), concerns=tuple(concerns), notes=tuple(notes),
        closed_on=closed, closure_reason=draw(_optional_text),
        review_due=draw(st.one_of(st.none(), st.dates())),
    )


@st.composite
def _families(draw: st.DrawFn) -> list[Family]:
    count = draw(st.integers(0, 3))
    return [draw(_family(f"REF-{i}")) for i in range(count)]


@settings(max_examples=60, deadline=None)
@given(_families(), st.sampled_from([None, 2]))
def test_valid_document_round_trips(families: list[Family], indent: int | None) -> None:
    text = families_to_json(families, indent=indent)
    assert parse_families_json(text, "generated.json", TODAY) == families


# --- refusals -----------------------------------------------------------------------------

def _set(data: dict[str, Any], path: tuple[Any, ...], value: Any) -> None:
    target = data
    for part in path[:-1]:
        target = target[part]
    if value is _DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value


_DELETE = object()

BAD_CASES = [
    (("families", 0, "members", 1, "date_of_birth"), "2030-01-01",
     "families[0].members[1].date_of_birth", "A date of birth cannot be in the future"),
    (("families", 0, "members", 1, "date_of_birth"), "20/11/2008",
     "families[0].members[1].date_of_birth", "YYYY-MM-DD"),
    (("families", 0, "members", 0, "date_of_birth"), "1986-02-30",
     "families[0].members[0].date_of_birth", "not a real calendar date"),
    (("families", 0, "status"), "dormant", "families[0].status",
     "must be one of: referred, active, step-down, closed"),
    (("families", 0, "addresses", 1, "postcode"), "NOT A POSTCODE",
     "families[0].addresses[1].postcode", "Enter a UK postcode"),
    (("families", 0, "members", 1, "education", 1, "unauthorised_absence_pct"), 101,
     "families[0].members[1].education[1].unauthorised_absence_pct", "percentage from 0 to 100"),
    (("families", 0, "relationships", 1, "object"), "zz9",
     "families[0].relationships[1].object", "Choose a member of this family."),
    (("families", 0, "concerns", 0, "person_ref"), "zz9",
     "families[0].concerns[0].person_ref", "Choose a member of this family, or the whole"),
    (("families", 0, "members", 2, "ref"), "c1", "families[0].members[2].ref",
     "Another member of this family has the same ref"),
    (("families", 1, "reference"), "EXAMPLE-0001", "families[1].reference",
     "repeats a family reference"),
    (("families", 1, "members", 0, "given_names"), "   ", "families[1].members[0].given_names",
     "Enter given names"),
    (("families", 1, "members", 0, "given_names"), 42, "families[1].members[0].given_names",
     "must be text"),
    (("families", 1, "key_worker"), _DELETE, "families[1]", "key_worker: is required"),
    (("families", 0, "members", 0, "nhs_number"), "999 000 0019",
     "families[0].members[0].nhs_number", "Enter an NHS number of ten digits"),
    (("families", 0, "asb_interventions", 0, "end_date"), "2023-01-01",
     "families[0].asb_interventions[0].end_date", "The end date is before the start date"),
    (("families", 0, "members", 0, "benefits", 0, "benfit"), "jsa",
     "families[0].members[0].benefits[0].benfit", "is not a known field"),
    (("families", 0, "notes", 0, "occurred_at"), "2024-01-22 10:30",
     "families[0].notes[0].occurred_at", "YYYY-MM-DDTHH:MM"),
    (("version",), 3, "version", "must be 1 or 2"),
    (("format",), "something-else", "format", 'must be "keyworker-families"'),
]


@pytest.mark.parametrize(("path", "value", "where", "problem"), BAD_CASES)
def test_bad_field_is_refused_with_line_and_path_not_value(
    path: tuple[Any, ...], value: Any, where: str, problem: str
) -> None:
    data = _example()
    original = copy.deepcopy(data)
    _set(data, path, value)
    text = json.dumps(data, indent=2)
    with pytest.raises(FamilyImportError) as caught:
        parse_families_json(text, "bad.json", TODAY)
    error = caught.value
    assert isinstance(error, UserFacingError)
    message = str(error)
    assert where in message
    assert problem in message
    assert error.line is not None and f"line {error.line}" in message
    if value is not _DELETE:
        # The line named holds the field at fault, and the message never repeats the value.
        assert f'"{path[-1]}"' in text.splitlines()[error.line - 1]
        if isinstance(value, str) and value.strip():
            assert value not in message
    assert data != original


def test_missing_field_points_at_its_object() -> None:
    data = _example()
    del data["families"][1]["key_worker"]
    text = json.dumps(data, indent=2)
    with pytest.raises(FamilyImportError) as caught:
        parse_families_json(text, "bad.json", TODAY)
    assert caught.value.path == "families[1].key_worker"
    assert caught.value.line is not None
    # The nearest enclosing value is the family object itself.
    assert text.splitlines()[caught.value.line - 1].strip() == "{"


def test_malformed_json_gives_line_and_column() -> None:
    text = '{\n  "format": "keyworker-families",\n  "version": 1,\n  "families": [,]\n}'
    with pytest.raises(FamilyImportError) as caught:
        parse_families_json(text, "broken.json", TODAY)
    assert caught.value.line == 4
    assert "column 16" in str(caught.value)
    assert "not valid JSON" in str(caught.value)


def test_repeated_key_is_refused() -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        '"status": "referred",', '"status": "referred", "status": "active",')
    with pytest.raises(FamilyImportError, match=r"families\[1\]\.status: appears twice"):
        parse_families_json(text, "dup.json", TODAY)


def test_one_bad_family_refuses_the_whole_file() -> None:
    data = _example()
    data["families"][2]["members"][0]["date_of_birth"] = "2099-01-01"
    with pytest.raises(FamilyImportError, match=r"families\[2\]"):
        parse_families_json(json.dumps(data), "mixed.json", TODAY)


def test_top_level_must_be_an_object() -> None:
    with pytest.raises(FamilyImportError, match="must be an object"):
        parse_families_json("[]", "list.json", TODAY)


def test_minimal_example_in_the_format_document_parses() -> None:
    import re

    doc = (EXAMPLE.parents[1] / "import-format.md").read_text(encoding="utf-8")
    match = re.search(r"```json\n(.*?)```", doc, re.DOTALL)
    assert match is not None
    assert len(parse_families_json(match.group(1), "import-format.md", TODAY)) == 1
