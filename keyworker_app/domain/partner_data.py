"""Partner data sets (ISA §4.3.1, Appendix B): what a file received under an exchange holds.

A partner sends a table (CSV or XLSX) of people with the facts the exchange carries:
proven offences, ASB interventions, school terms or benefit spells. The team maps the
file's columns to the fields below once per exchange; every row is then checked whole
before anything is kept. Problems name the row (as a spreadsheet numbers it: the header is
row 1) and the column (its header, which is not personal), never a cell's content.

Pure code: the tables arrive as lists of cell values (text, numbers or dates).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

from keyworker_app.domain.dates import iso_text, parse_date, parse_iso_date
from keyworker_app.domain.indicators import (
    AsbIntervention,
    AsbKind,
    Benefit,
    BenefitSpell,
    Disposal,
    EducationTerm,
    Offence,
    Provision,
    Term,
)
from keyworker_app.domain.normalise import normalise_postcode
from keyworker_app.domain.partner_names import folded
from keyworker_app.domain.policy import Exchange, Policy
from keyworker_app.domain.provenance import Source
from keyworker_app.errors import UserFacingError

MAX_CELL_CHARS = 500  # a name or an address is never longer; a longer value is refused
MAX_ROWS = 200_000
MAX_PROBLEMS_SHOWN = 20
_E = TypeVar("_E", bound=enum.StrEnum)


class FileKind(enum.StrEnum):
    """What the rows carry beside identity, from the exchange's categories."""

    OFFENCES = "offences"
    ASB = "asb"
    EDUCATION = "education"
    BENEFITS = "benefits"
    IDENTITY = "identity"


class PartnerField(enum.StrEnum):
    GIVEN_NAMES = "given_names"
    FAMILY_NAME = "family_name"
    DATE_OF_BIRTH = "date_of_birth"
    ADDRESS = "address"
    TOWN = "town"
    POSTCODE = "postcode"
    PARTNER_REF = "partner_ref"
    OFFENCE_DATE = "offence_date"
    DISPOSAL = "disposal"
    ASB_KIND = "asb_kind"
    START_DATE = "start_date"
    END_DATE = "end_date"
    ACADEMIC_YEAR = "academic_year"
    TERM = "term"
    ABSENCE_PCT = "unauthorised_absence_pct"
    FIXED_EXCLUSIONS = "fixed_exclusions"
    PERMANENT_EXCLUSION = "permanent_exclusion"
    PROVISION = "provision"
    BENEFIT = "benefit"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    PartnerField.GIVEN_NAMES: "given names", PartnerField.FAMILY_NAME: "family name",
    PartnerField.DATE_OF_BIRTH: "date of birth", PartnerField.ADDRESS: "address",
    PartnerField.TOWN: "town", PartnerField.POSTCODE: "postcode",
    PartnerField.PARTNER_REF: "partner's reference", PartnerField.OFFENCE_DATE: "offence date",
    PartnerField.DISPOSAL: "disposal", PartnerField.ASB_KIND: "kind of ASB intervention",
    PartnerField.START_DATE: "start date", PartnerField.END_DATE: "end date",
    PartnerField.ACADEMIC_YEAR: "academic year", PartnerField.TERM: "term",
    PartnerField.ABSENCE_PCT: "unauthorised absence %",
    PartnerField.FIXED_EXCLUSIONS: "fixed exclusions",
    PartnerField.PERMANENT_EXCLUSION: "permanent exclusion",
    PartnerField.PROVISION: "provision", PartnerField.BENEFIT: "benefit",
}

F = PartnerField
IDENTITY_REQUIRED = (F.GIVEN_NAMES, F.FAMILY_NAME, F.DATE_OF_BIRTH, F.ADDRESS)
IDENTITY_OPTIONAL = (F.TOWN, F.POSTCODE, F.PARTNER_REF)
KIND_FIELDS: dict[FileKind, tuple[tuple[PartnerField, ...], tuple[PartnerField, ...]]] = {
    FileKind.OFFENCES: ((F.OFFENCE_DATE, F.DISPOSAL), ()),
    FileKind.ASB: ((F.ASB_KIND, F.START_DATE), (F.END_DATE,)),
    FileKind.EDUCATION: ((F.ACADEMIC_YEAR, F.TERM, F.ABSENCE_PCT),
                         (F.FIXED_EXCLUSIONS, F.PERMANENT_EXCLUSION, F.PROVISION)),
    FileKind.BENEFITS: ((F.BENEFIT, F.START_DATE), (F.END_DATE,)),
    FileKind.IDENTITY: ((), ()),
}
_CATEGORY_KINDS = (("offences", FileKind.OFFENCES), ("asb", FileKind.ASB),
                   ("education", FileKind.EDUCATION), ("benefits", FileKind.BENEFITS))

# Header spellings partners commonly use, for the first guess at a mapping.
_ALIASES: dict[PartnerField, tuple[str, ...]] = {
    F.GIVEN_NAMES: ("forename", "forenames", "first name", "first names", "given name"),
    F.FAMILY_NAME: ("surname", "last name", "family name"),
    F.DATE_OF_BIRTH: ("dob", "date of birth", "birth date"),
    F.ADDRESS: ("address", "address line 1", "street address"),
    F.TOWN: ("town", "city", "locality"),
    F.POSTCODE: ("postcode", "post code"),
    F.PARTNER_REF: ("id", "ref", "reference", "partner ref", "urn"),
    F.OFFENCE_DATE: ("offence date", "date of offence"),
    F.DISPOSAL: ("disposal", "outcome"),
    F.ASB_KIND: ("intervention", "asb intervention", "kind"),
    F.START_DATE: ("start date", "from", "from date", "start"),
    F.END_DATE: ("end date", "to", "to date", "end"),
    F.ACADEMIC_YEAR: ("academic year", "year"),
    F.TERM: ("term",),
    F.ABSENCE_PCT: ("unauthorised absence", "unauthorised absence %", "absence %",
                    "unauthorised absence pct"),
    F.FIXED_EXCLUSIONS: ("fixed exclusions", "fixed term exclusions"),
    F.PERMANENT_EXCLUSION: ("permanent exclusion", "permanently excluded"),
    F.PROVISION: ("provision",),
    F.BENEFIT: ("benefit", "benefit type"),
}


def file_kind(exchange: Exchange) -> FileKind:
    for category, kind in _CATEGORY_KINDS:
        if category in exchange.categories:
            return kind
    return FileKind.IDENTITY


def fields_for(kind: FileKind) -> tuple[tuple[PartnerField, ...], tuple[PartnerField, ...]]:
    """(required, optional) fields of a file of ``kind``."""
    required, optional = KIND_FIELDS[kind]
    return IDENTITY_REQUIRED + required, IDENTITY_OPTIONAL + optional


class PartnerImportError(UserFacingError):
    """A partner file refused whole; ``problems`` name rows and columns, never values."""

    def __init__(self, problems: Sequence[str], advice: str = "") -> None:
        self.problems = tuple(problems)
        shown = list(self.problems[:MAX_PROBLEMS_SHOWN])
        more = len(self.problems) - len(shown)
        if more:
            shown.append(f"and {more} more problem{'s' if more > 1 else ''}")
        super().__init__("The file was not imported: " + "; ".join(shown) + ".",
                         advice or "Nothing from it was kept. Correct the file, or ask the "
                         "partner to send it again, then import it again.")


def importable_exchange(policy: Policy, exchange_id: str) -> Exchange:
    """The exchange a file arrives under; refused unless the policy lists it with people."""
    for exchange in policy.exchanges:
        if exchange.id == exchange_id:
            if "identity" not in exchange.categories:
                raise PartnerImportError([f"the exchange '{exchange_id}' carries no names, "
                                          "dates of birth and addresses to match"])
            return exchange
    known = ", ".join(e.id for e in policy.exchanges if "identity" in e.categories)
    raise PartnerImportError([f"the policy has no exchange '{exchange_id}'"],
                             f"Use one of the agreed exchanges: {known}.")


def source_of(exchange: Exchange) -> Source:
    """The source partner of a file's facts: the exchange's first sender."""
    return Source(exchange.from_partners[0]) if exchange.from_partners else Source()


# -- the column mapping -------------------------------------------------------------------

def _header_key(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9%]+", " ", text.casefold()).split())


def guess_mapping(headers: Sequence[str], kind: FileKind) -> dict[PartnerField, str]:
    """A first mapping from header spellings (the field's own name or a common alias)."""
    required, optional = fields_for(kind)
    keyed = {_header_key(h): h for h in headers}
    mapping: dict[PartnerField, str] = {}
    for fld in required + optional:
        for name in (fld.value.replace("_", " "), *(_ALIASES.get(fld, ()))):
            if name in keyed and keyed[name] not in mapping.values():
                mapping[fld] = keyed[name]
                break
    return mapping


def mapping_from_json(data: Mapping[str, Any]) -> dict[PartnerField, str]:
    """A mapping file: {"field": "Column header", ...}; unknown fields are refused."""
    mapping: dict[PartnerField, str] = {}
    for key, value in data.items():
        try:
            fld = PartnerField(str(key))
        except ValueError:
            raise PartnerImportError([f"the mapping names an unknown field '{key}'"],
                                     "Fields: " + ", ".join(f.value for f in PartnerField)
                                     + ".") from None
        if not isinstance(value, str) or not value.strip():
            raise PartnerImportError([f"the mapping gives no column for '{key}'"])
        mapping[fld] = value
    return mapping


def mapping_to_json(mapping: Mapping[PartnerField, str]) -> dict[str, str]:
    return {fld.value: column for fld, column in sorted(mapping.items())}


# -- rows ---------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class PartnerRow:
    """One person-and-fact row of a partner file, checked and with canonical values."""

    row: int  # as the spreadsheet numbers it (header = 1)
    given_names: str
    family_name: str
    date_of_birth: date
    address: str
    town: str = ""
    postcode: str = ""  # normalised, no spaces
    partner_ref: str = ""
    facts: tuple[tuple[str, str], ...] = ()  # (field value, canonical text), in field order
    id: int | None = field(default=None, compare=False)
    file_id: int | None = field(default=None, compare=False)

    def fact(self, fld: PartnerField) -> str:
        return dict(self.facts).get(fld.value, "")

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.family_name}".strip()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return iso_text(date(value.year, value.month, value.day))
    if isinstance(value, date):
        return iso_text(value)
    return str(value).strip()


def read_day(value: Any) -> date:
    """A date cell: a spreadsheet date, DD/MM/YYYY or YYYY-MM-DD. ValueError otherwise."""
    if isinstance(value, datetime):
        return date(value.year, value.month, value.day)
    if isinstance(value, date):
        return value
    text = _text(value)
    if _ISO_DAY.fullmatch(text):
        return parse_iso_date(text)
    shape = _DMY.fullmatch(text)
    if shape:
        try:
            return date(int(shape[3]), int(shape[2]), int(shape[1]))
        except ValueError:
            pass
    return parse_date(text)


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


_ENUM_TEXT: dict[tuple[type[enum.StrEnum], str], enum.StrEnum] = {}


def _enum_value(enum_type: type[_E], text: str) -> _E:
    known = _ENUM_TEXT.get((enum_type, text))
    if known is not None:
        return known  # type: ignore[return-value]
    found = _enum_lookup(enum_type, text)
    if len(_ENUM_TEXT) < 10_000:
        _ENUM_TEXT[(enum_type, text)] = found
    return found


def _enum_lookup(enum_type: type[_E], text: str) -> _E:
    wanted = _header_key(text).replace(" ", "-")
    for member in enum_type:
        label = str(getattr(member, "label", member.value))
        if wanted in (member.value, _header_key(label).replace(" ", "-")):
            return member
    raise ValueError("not one of the values this field takes")


_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0", ""}


def _day_text(value: Any) -> str:
    try:
        return iso_text(read_day(value))
    except ValueError:
        raise ValueError("not a date (DD/MM/YYYY)") from None


def _optional_day_text(value: Any) -> str:
    return _day_text(value) if _text(value) else ""


def _enum_text(enum_type: type[enum.StrEnum], blank: str = "") -> Any:
    def convert(value: Any) -> str:
        text = _text(value)
        if blank and not text:
            return blank
        return str(_enum_value(enum_type, text).value)
    return convert


_YEAR = re.compile(r"(\d{4})(?:\s*[/-]\s*\d{2,4})?")


def _year_text(value: Any) -> str:
    match = _YEAR.fullmatch(_text(value))
    if not match:
        raise ValueError("not an academic year (e.g. 2024/25)")
    return match[1]


def _pct_text(value: Any) -> str:
    try:
        pct = float(_text(value).rstrip("%").strip())
    except ValueError:
        raise ValueError("not a percentage") from None
    if not 0 <= pct <= 100:
        raise ValueError("not between 0 and 100")
    return f"{pct:g}"


def _count_text(value: Any) -> str:
    text = _text(value)
    if not text:
        return "0"
    if not text.isdigit():
        raise ValueError("not a whole number")
    return str(int(text))


def _yes_no_text(value: Any) -> str:
    text = _text(value).casefold()
    if text in _YES:
        return "yes"
    if text in _NO:
        return "no"
    raise ValueError("not yes or no")


_CONVERT: dict[PartnerField, Any] = {
    F.DATE_OF_BIRTH: _day_text, F.OFFENCE_DATE: _day_text, F.START_DATE: _day_text,
    F.END_DATE: _optional_day_text, F.DISPOSAL: _enum_text(Disposal),
    F.ASB_KIND: _enum_text(AsbKind), F.TERM: _enum_text(Term),
    F.PROVISION: _enum_text(Provision, Provision.MAINSTREAM.value),
    F.BENEFIT: _enum_text(Benefit), F.ACADEMIC_YEAR: _year_text, F.ABSENCE_PCT: _pct_text,
    F.FIXED_EXCLUSIONS: _count_text, F.PERMANENT_EXCLUSION: _yes_no_text,
}


def _canonical(fld: PartnerField, value: Any) -> str:
    """The field's canonical text, or ValueError with a message that repeats no value."""
    convert = _CONVERT.get(fld)
    return _text(value) if convert is None else str(convert(value))


def check_table(headers: Sequence[str], rows: Sequence[Sequence[Any]],
                mapping: Mapping[PartnerField, str], kind: FileKind) -> list[PartnerRow]:
    """Every row checked; all rows, or PartnerImportError listing every problem found."""
    required, optional = fields_for(kind)
    problems: list[str] = []
    index = {h: i for i, h in enumerate(headers)}
    for fld in required:
        if fld not in mapping:
            problems.append(f"no column is mapped to {fld.label} (no header such as "
                            f"'{_ALIASES[fld][0].capitalize()}')")
        elif mapping[fld] not in index:
            problems.append(f"column '{mapping[fld]}' ({fld.label}) is missing")
    for fld, column in mapping.items():
        if fld not in required and fld not in optional:
            problems.append(f"{fld.label} is not part of this exchange's files")
        elif fld in optional and column not in index:
            problems.append(f"column '{column}' ({fld.label}) is missing")
    if problems:
        raise PartnerImportError(problems)
    if not rows:
        raise PartnerImportError(["the file has no rows under its header"])
    if len(rows) > MAX_ROWS:
        raise PartnerImportError([f"the file has more than {MAX_ROWS:,} rows"],
                                 "Ask the partner to send it in parts.")
    # (name, column, index, converter or None, must be non-empty), worked out once
    used = [(fld.value, mapping[fld], index[mapping[fld]], _CONVERT.get(fld),
             fld in required and fld is not F.ADDRESS, fld.label)
            for fld in required + optional if fld in mapping]
    fact_names = [f.value for f in KIND_FIELDS[kind][0] + KIND_FIELDS[kind][1]]
    checked: list[PartnerRow] = []
    for number, cells in enumerate(rows, start=2):
        values: dict[str, str] = {}
        bad = False
        width = len(cells)
        for name, column, at, convert, needed, label in used:
            raw = cells[at] if at < width else None
            text = raw.strip() if type(raw) is str else _text(raw)
            if len(text) > MAX_CELL_CHARS:
                problems.append(f"row {number}, column '{column}': longer than "
                                f"{MAX_CELL_CHARS} characters")
                bad = True
            elif needed and not text:
                problems.append(f"row {number}, column '{column}': empty ({label} is needed)")
                bad = True
            elif convert is None:
                values[name] = text
            else:
                try:
                    values[name] = convert(raw)
                except ValueError as exc:
                    problems.append(f"row {number}, column '{column}': {exc}")
                    bad = True
        if bad:
            continue
        facts = tuple((n, values[n]) for n in fact_names if n in values)
        checked.append(PartnerRow(
            number, values["given_names"], values["family_name"],
            parse_iso_date(values["date_of_birth"]), values.get("address", ""),
            values.get("town", ""), normalise_postcode(values.get("postcode", "")),
            values.get("partner_ref", ""), facts))
    if problems:
        raise PartnerImportError(problems)
    return checked


def preview(headers: Sequence[str], rows: Sequence[Sequence[Any]],
            mapping: Mapping[PartnerField, str], count: int = 5) -> list[dict[PartnerField, str]]:
    """The first ``count`` rows as the mapping reads them (shown, never stored)."""
    index = {h: i for i, h in enumerate(headers)}
    shown: list[dict[PartnerField, str]] = []
    for cells in rows[:count]:
        shown.append({fld: _text(cells[index[col]])[:60] if col in index and
                      index[col] < len(cells) else "" for fld, col in mapping.items()})
    return shown


# -- facts as the family's records --------------------------------------------------------

def indicator(row: PartnerRow, kind: FileKind, source: Source) -> (
        Offence | AsbIntervention | EducationTerm | BenefitSpell | None):
    """The row's fact as the record a family would hold, with its source partner."""
    facts = dict(row.facts)

    def day(name: PartnerField) -> date | None:
        text = facts.get(name.value, "")
        return parse_iso_date(text) if text else None

    if kind is FileKind.OFFENCES:
        when = day(F.OFFENCE_DATE)
        assert when is not None
        return Offence(when, Disposal(facts[F.DISPOSAL.value]), source=source)
    if kind is FileKind.ASB:
        start = day(F.START_DATE)
        assert start is not None
        return AsbIntervention(AsbKind(facts[F.ASB_KIND.value]), start, day(F.END_DATE),
                               source=source)
    if kind is FileKind.EDUCATION:
        return EducationTerm(int(facts[F.ACADEMIC_YEAR.value]), Term(facts[F.TERM.value]),
                             int(facts.get(F.FIXED_EXCLUSIONS.value, "0") or 0),
                             facts.get(F.PERMANENT_EXCLUSION.value) == "yes",
                             float(facts[F.ABSENCE_PCT.value]),
                             Provision(facts.get(F.PROVISION.value) or "mainstream"),
                             source=source)
    if kind is FileKind.BENEFITS:
        start = day(F.START_DATE)
        assert start is not None
        return BenefitSpell(Benefit(facts[F.BENEFIT.value]), start, day(F.END_DATE),
                            source=source)
    return None


def identity_text(row: PartnerRow) -> str:
    """Normalised name and date of birth: what a review decision is remembered by."""
    return f"{folded(row.given_names)}|{folded(row.family_name)}|{iso_text(row.date_of_birth)}"
