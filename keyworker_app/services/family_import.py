"""Reading families from the documented JSON import format (docs/import-format.md).

A file is checked completely before anything is returned: one bad field refuses the whole
file, so a partner's data set is never half-imported. Reading checks the format (types, date
shapes, known fields and values); the rules a family keeps are the domain's own
(``domain.family_rules``), the same the forms and the store apply, reported here with the line
and the JSON path of the field at fault and never the value, which may be personal data.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

from keyworker_app.domain import validation as v
from keyworker_app.domain.dates import parse_iso_date, parse_iso_moment
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
from keyworker_app.domain.family_rules import family_problems
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
from keyworker_app.domain.policy import Policy
from keyworker_app.domain.problems import Problem
from keyworker_app.domain.provenance import Source
from keyworker_app.domain.sources import source_problems, sourced_records
from keyworker_app.errors import FamilyImportError, UserFacingError
from keyworker_app.services.json_positions import JsonPath, Positions, format_path, scan_positions

FORMAT_NAME = "keyworker-families"
FORMAT_VERSION = 2  # version 2 adds "source" per record and "default_source" per file
READABLE_VERSIONS = (1, 2)

_DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
# Local time; an offset (as an export writes) is also read.
_DATETIME_RE = re.compile(
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2})?(Z|[+-][0-9]{2}:[0-9]{2})?$")
_INT_LIMIT = 2**62
_MORE_REPORTED = 19  # further problems listed after the first
# Where a record's attribute has another name in the file.
_FILE_NAMES = {"subject_ref": "subject", "object_ref": "object"}

E = TypeVar("E", bound=StrEnum)
T = TypeVar("T")
Obj = dict[str, object]


class _Reader:
    """Typed access to the parsed document, failing with the line and path of the field."""

    def __init__(self, source: str, positions: Positions, today: date) -> None:
        self.source = source
        self.positions = positions
        self.today = today
        self.version = FORMAT_VERSION
        self.default_source = Source()  # the file's "default_source" (version 2)

    def record_source(self, obj: Obj, path: JsonPath) -> Source:
        """A record's "source" (version 2), else the file's default; "unknown" in version 1."""
        if "source" not in obj:
            return self.default_source
        return self.source_value(obj["source"], (*path, "source"))

    def source_value(self, value: object, at: JsonPath) -> Source:
        """A partner id as text, or {"partner", "controller", "controller_name"}."""
        if isinstance(value, str):
            return Source(value.strip())
        o = self.obj(value, at, _SOURCE)
        return Source(self.text(o, at, "partner"),
                      self.text(o, at, "controller", required=False),
                      self.text(o, at, "controller_name", required=False))

    def fail(self, path: JsonPath, problem: str) -> FamilyImportError:
        return FamilyImportError(
            self.source, self.positions.line_of(path), format_path(path), problem
        )

    def obj(self, value: object, path: JsonPath, allowed: frozenset[str]) -> Obj:
        if not isinstance(value, dict):
            raise self.fail(path, "must be an object")
        unknown = sorted(set(value) - allowed)
        if unknown:
            # A misspelt optional field would otherwise be dropped without a word.
            raise self.fail((*path, unknown[0]),
                            f"is not a known field (allowed: {', '.join(sorted(allowed))})")
        return value

    def items(self, obj: Obj, path: JsonPath, key: str) -> list[tuple[object, JsonPath]]:
        """An optional list field: absent means empty."""
        value = obj.get(key, [])
        if not isinstance(value, list):
            raise self.fail((*path, key), "must be a list")
        return [(item, (*path, key, i)) for i, item in enumerate(value)]

    def text(self, obj: Obj, path: JsonPath, key: str, *, required: bool = True) -> str:
        """Text, trimmed; whether it is long enough or too long is a domain rule."""
        at = (*path, key)
        if key not in obj:
            if required:
                raise self.fail(at, "is required")
            return ""
        value = obj[key]
        if not isinstance(value, str):
            raise self.fail(at, "must be text")
        return value.strip()

    def enum(self, obj: Obj, path: JsonPath, key: str, kind: type[E],
             default: E | None = None) -> E:
        if key not in obj and default is not None:
            return default
        value = self.text(obj, path, key)
        try:
            return kind(value)
        except ValueError:
            allowed = ", ".join(e.value for e in kind)
            raise self.fail((*path, key), f"must be one of: {allowed}") from None

    def day(self, obj: Obj, path: JsonPath, key: str) -> date:
        value = self.optional_day(obj, path, key)
        if value is None:
            raise self.fail((*path, key), "is required")
        return value

    def optional_day(self, obj: Obj, path: JsonPath, key: str) -> date | None:
        if obj.get(key) is None:
            return None
        text = obj[key]
        if not isinstance(text, str) or not _DATE_RE.fullmatch(text):
            raise self.fail((*path, key), "must be a date written YYYY-MM-DD")
        try:
            return parse_iso_date(text)
        except ValueError:
            raise self.fail((*path, key), "is not a real calendar date") from None

    def moment(self, obj: Obj, path: JsonPath, key: str) -> datetime:
        text = obj.get(key)
        if text is None:
            raise self.fail((*path, key), "is required")
        if not isinstance(text, str) or not _DATETIME_RE.fullmatch(text):
            raise self.fail((*path, key), "must be a local date and time written "
                                          "YYYY-MM-DDTHH:MM or YYYY-MM-DDTHH:MM:SS")
        try:
            return parse_iso_moment(text)
        except ValueError:
            raise self.fail((*path, key), "is not a real date and time") from None

    def integer(self, obj: Obj, path: JsonPath, key: str, *,
                default: int | None = None) -> int:
        if key not in obj and default is not None:
            return default
        value = obj.get(key)
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.fail((*path, key), "must be a whole number")
        if not -_INT_LIMIT <= value <= _INT_LIMIT:  # the store's integers are 64-bit
            raise self.fail((*path, key), "is far too large")
        return value

    def percentage(self, obj: Obj, path: JsonPath, key: str) -> float:
        value = obj.get(key, 0.0)
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise self.fail((*path, key), "must be a number")
        return float(value)

    def flag(self, obj: Obj, path: JsonPath, key: str) -> bool:
        value = obj.get(key, False)
        if not isinstance(value, bool):
            raise self.fail((*path, key), "must be true or false")
        return value

    def listed(self, obj: Obj, path: JsonPath, key: str, allowed: frozenset[str],
               build: Callable[[Obj, JsonPath], T]) -> tuple[T, ...]:
        return tuple(build(self.obj(item, at, allowed), at)
                     for item, at in self.items(obj, path, key))


def _fields(*names: str) -> frozenset[str]:
    return frozenset(names)


_DOCUMENT = _fields("format", "version", "default_source", "families")
_SOURCE = _fields("partner", "controller", "controller_name")
_FAMILY = _fields("reference", "family_name", "status", "allocated_on", "key_worker",
                  "review_due", "closed_on", "closure_reason", "addresses", "members",
                  "relationships", "asb_interventions", "concerns", "notes")
_ADDRESS = _fields("line1", "line2", "town", "postcode", "from_date", "to_date")
_MEMBER = _fields("ref", "given_names", "family_name", "date_of_birth", "household_role",
                  "sex_gender", "upn", "nhs_number", "ni_number", "offences", "education",
                  "benefits")
_OFFENCE = _fields("offence_date", "disposal", "description", "disposal_date", "source")
_EDUCATION = _fields("academic_year", "term", "fixed_exclusions", "permanent_exclusion",
                     "unauthorised_absence_pct", "provision", "source")
_BENEFIT = _fields("benefit", "from_date", "to_date", "source")
_RELATIONSHIP = _fields("subject", "kind", "object")
_ASB = _fields("kind", "start_date", "end_date", "person_ref", "source")
_CONCERN = _fields("kind", "noted_on", "ended_on", "detail", "person_ref", "source")
_NOTE = _fields("kind", "occurred_at", "author", "summary", "person_ref", "source")


def _address(r: _Reader, o: Obj, at: JsonPath) -> Address:
    return Address(line1=r.text(o, at, "line1"), line2=r.text(o, at, "line2", required=False),
                   town=r.text(o, at, "town"),
                   postcode=v.canonical_postcode(r.text(o, at, "postcode")),
                   from_date=r.optional_day(o, at, "from_date"),
                   to_date=r.optional_day(o, at, "to_date"))


def _offence(r: _Reader, o: Obj, at: JsonPath) -> Offence:
    return Offence(offence_date=r.day(o, at, "offence_date"),
                   disposal=r.enum(o, at, "disposal", Disposal),
                   description=r.text(o, at, "description", required=False),
                   disposal_date=r.optional_day(o, at, "disposal_date"),
                   source=r.record_source(o, at))


def _education(r: _Reader, o: Obj, at: JsonPath) -> EducationTerm:
    return EducationTerm(
        academic_year=r.integer(o, at, "academic_year"),
        term=r.enum(o, at, "term", Term),
        fixed_exclusions=r.integer(o, at, "fixed_exclusions", default=0),
        permanent_exclusion=r.flag(o, at, "permanent_exclusion"),
        unauthorised_absence_pct=r.percentage(o, at, "unauthorised_absence_pct"),
        provision=r.enum(o, at, "provision", Provision, default=Provision.MAINSTREAM),
        source=r.record_source(o, at),
    )


def _benefit(r: _Reader, o: Obj, at: JsonPath) -> BenefitSpell:
    return BenefitSpell(benefit=r.enum(o, at, "benefit", Benefit),
                        from_date=r.day(o, at, "from_date"),
                        to_date=r.optional_day(o, at, "to_date"),
                        source=r.record_source(o, at))


def _member(r: _Reader, o: Obj, at: JsonPath) -> Person:
    return Person(
        ref=r.text(o, at, "ref"),
        given_names=r.text(o, at, "given_names"),
        family_name=r.text(o, at, "family_name"),
        date_of_birth=r.day(o, at, "date_of_birth"),
        household_role=r.enum(o, at, "household_role", HouseholdRole),
        sex_gender=r.text(o, at, "sex_gender", required=False),
        upn=r.text(o, at, "upn", required=False),
        nhs_number=r.text(o, at, "nhs_number", required=False),
        ni_number=r.text(o, at, "ni_number", required=False),
        offences=r.listed(o, at, "offences", _OFFENCE, lambda x, p: _offence(r, x, p)),
        education=r.listed(o, at, "education", _EDUCATION, lambda x, p: _education(r, x, p)),
        benefits=r.listed(o, at, "benefits", _BENEFIT, lambda x, p: _benefit(r, x, p)),
    )


def _relationship(r: _Reader, x: Obj, p: JsonPath) -> Relationship:
    return Relationship(subject_ref=r.text(x, p, "subject"),
                        kind=r.enum(x, p, "kind", RelationshipKind),
                        object_ref=r.text(x, p, "object"))


def _asb(r: _Reader, x: Obj, p: JsonPath) -> AsbIntervention:
    return AsbIntervention(kind=r.enum(x, p, "kind", AsbKind),
                           start_date=r.day(x, p, "start_date"),
                           end_date=r.optional_day(x, p, "end_date"),
                           person_ref=r.text(x, p, "person_ref", required=False),
                           source=r.record_source(x, p))


def _concern(r: _Reader, x: Obj, p: JsonPath) -> Concern:
    return Concern(kind=r.enum(x, p, "kind", ConcernKind), noted_on=r.day(x, p, "noted_on"),
                   ended_on=r.optional_day(x, p, "ended_on"),
                   detail=r.text(x, p, "detail", required=False),
                   person_ref=r.text(x, p, "person_ref", required=False),
                   source=r.record_source(x, p))


def _note(r: _Reader, x: Obj, p: JsonPath) -> CaseNote:
    return CaseNote(kind=r.enum(x, p, "kind", ContactKind),
                    occurred_at=r.moment(x, p, "occurred_at"),
                    author=r.text(x, p, "author"), summary=r.text(x, p, "summary"),
                    person_ref=r.text(x, p, "person_ref", required=False),
                    source=r.record_source(x, p))


def _family(r: _Reader, o: Obj, at: JsonPath) -> Family:
    return Family(
        reference=r.text(o, at, "reference"),
        family_name=r.text(o, at, "family_name"),
        status=r.enum(o, at, "status", FamilyStatus),
        allocated_on=r.day(o, at, "allocated_on"),
        key_worker=r.text(o, at, "key_worker"),
        members=r.listed(o, at, "members", _MEMBER, lambda x, p: _member(r, x, p)),
        relationships=r.listed(o, at, "relationships", _RELATIONSHIP,
                               lambda x, p: _relationship(r, x, p)),
        addresses=r.listed(o, at, "addresses", _ADDRESS, lambda x, p: _address(r, x, p)),
        asb_interventions=r.listed(o, at, "asb_interventions", _ASB,
                                   lambda x, p: _asb(r, x, p)),
        concerns=r.listed(o, at, "concerns", _CONCERN, lambda x, p: _concern(r, x, p)),
        notes=r.listed(o, at, "notes", _NOTE, lambda x, p: _note(r, x, p)),
        closed_on=r.optional_day(o, at, "closed_on"),
        closure_reason=r.text(o, at, "closure_reason", required=False),
        review_due=r.optional_day(o, at, "review_due"),
    )


def _json_path(at: JsonPath, problem: Problem) -> JsonPath:
    return (*at, *(_FILE_NAMES.get(p, p) if isinstance(p, str) else p for p in problem.path))


def _refuse_broken_rules(r: _Reader, families: list[Family]) -> None:
    """The domain's rules for every family, then unique references across the file; every
    problem is reported, the first as the error's own line and path."""
    found: list[tuple[int | None, str, str]] = []
    seen: set[str] = set()
    for i, family in enumerate(families):
        for problem in family_problems(family, r.today):
            path = _json_path(("families", i), problem)
            found.append((r.positions.line_of(path), format_path(path), problem.message))
        if family.reference in seen:
            path = ("families", i, "reference")
            found.append((r.positions.line_of(path), format_path(path),
                          "repeats a family reference used earlier in the file"))
        seen.add(family.reference)
    if found:
        (line, where, message), *more = found
        raise FamilyImportError(r.source, line, where, message,
                                tuple(more[:_MORE_REPORTED]))


def _first_broken_text(document: object) -> JsonPath | None:
    """The path of the first string (key or value) holding a lone surrogate, which no
    file or database can store as text. Iterative: nesting depth cannot exhaust it."""
    stack: list[tuple[JsonPath, object]] = [((), document)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            if _SURROGATE.search(value):
                return path
        elif isinstance(value, dict):
            for key, item in value.items():
                if _SURROGATE.search(key):
                    return path
                stack.append(((*path, key), item))
        elif isinstance(value, list):
            stack.extend(((*path, i), item) for i, item in enumerate(value))
    return None


_SURROGATE = re.compile("[\ud800-\udfff]")


def parse_families_json(text: str, source: str, today: date | None = None,
                        policy: Policy | None = None) -> list[Family]:
    """Families from a ``keyworker-families`` document, or ``FamilyImportError``.

    ``source`` names the file in messages; ``today`` (injected for tests) bounds dates that
    cannot be in the future, such as dates of birth. With ``policy``, every source names one
    of its partners (or the family, this organisation, unknown).
    """
    today = today or date.today()
    try:
        document = json.loads(text)
        positions = scan_positions(text)
    except json.JSONDecodeError as exc:
        raise FamilyImportError(source, exc.lineno, f"column {exc.colno}",
                                f"this is not valid JSON ({exc.msg})") from None
    except RecursionError:
        raise FamilyImportError(source, None, "", "its lists and objects are nested far "
                                "more deeply than a family file ever is") from None
    r = _Reader(source, positions, today)
    if positions.duplicate is not None:
        raise r.fail(positions.duplicate, "appears twice in the same object")
    broken = _first_broken_text(document)
    if broken is not None:
        raise r.fail(broken, "contains a character that is not text (an unpaired "
                             "surrogate such as \\ud800)")

    root = r.obj(document, (), _DOCUMENT)
    if root.get("format") != FORMAT_NAME:
        raise r.fail(("format",), f'must be "{FORMAT_NAME}"')
    version = root.get("version")
    if version not in READABLE_VERSIONS or isinstance(version, bool) \
            or not isinstance(version, int):
        raise r.fail(("version",), "must be 1 or 2, the versions this Keyworker reads")
    r.version = version
    if version == 1:
        _refuse_sources_in_version_1(r, root)
    elif "default_source" in root:
        r.default_source = r.source_value(root["default_source"], ("default_source",))
    if not isinstance(root.get("families"), list):
        raise r.fail(("families",), "is required and must be a list")

    families = list(r.listed(root, (), "families", _FAMILY, lambda x, p: _family(r, x, p)))
    _refuse_broken_rules(r, families)
    if policy is not None:
        _refuse_unknown_partners(r, families, policy)
    return families


def source_paths(root: Obj) -> Iterator[JsonPath]:
    """Where a version 1 document has a "source" it cannot have."""
    families = root.get("families")
    for i, family in enumerate(families if isinstance(families, list) else []):
        if not isinstance(family, dict):
            continue
        lists: list[tuple[JsonPath, object]] = [
            (("families", i, key), family.get(key))
            for key in ("asb_interventions", "concerns", "notes")]
        members = family.get("members")
        for m, member in enumerate(members if isinstance(members, list) else []):
            if isinstance(member, dict):
                lists += [(("families", i, "members", m, key), member.get(key))
                          for key in ("offences", "education", "benefits")]
        for at, records in lists:
            for n, record in enumerate(records if isinstance(records, list) else []):
                if isinstance(record, dict) and "source" in record:
                    yield (*at, n, "source")


def _refuse_sources_in_version_1(r: _Reader, root: Obj) -> None:
    """Version 1 has no sources: a "source" there is a file that says the wrong version."""
    if "default_source" in root:
        raise r.fail(("default_source",), 'needs "version": 2')
    for path in source_paths(root):
        raise r.fail(path, 'needs "version": 2')


def _refuse_unknown_partners(r: _Reader, families: list[Family], policy: Policy) -> None:
    for i, family in enumerate(families):
        for path, record_source in sourced_records(family):
            problems = source_problems(record_source, policy)
            if problems:
                at = ("families", i, *path, "source")
                raise FamilyImportError(r.source, r.positions.line_of(at), format_path(at),
                                        problems[0].message)


def read_families_file(path: Path, today: date | None = None,
                       policy: Policy | None = None) -> list[Family]:
    """The families in the file at ``path``, every one checked (the command line's
    import-families and the app's File → Import families read it alike)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserFacingError(f"Cannot read {path.name}: {exc}.",
                              "Check the file is UTF-8 JSON and readable.") from None
    return parse_families_json(text, path.name, today, policy)
