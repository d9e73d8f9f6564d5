"""What a handover bundle holds once opened: families in the import format (with their
sources), and for each its meetings, consent and shared information. Plain JSON, encrypted
and signed by ``services.handover``; never written anywhere in the clear.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date

from keyworker_app.domain.family import Family, NoteAmendment
from keyworker_app.domain.handover import BundleTamperedError
from keyworker_app.domain.policy import Policy
from keyworker_app.domain.record_codec import from_plain, to_plain
from keyworker_app.domain.taf import Consent, Meeting, SharedInformation
from keyworker_app.errors import UserFacingError
from keyworker_app.services.family_export import family_to_dict
from keyworker_app.services.family_import import FORMAT_NAME, FORMAT_VERSION, parse_families_json

PAYLOAD_FORMAT = "keyworker-bundle-contents"


@dataclass(frozen=True, slots=True)
class FamilyRecords:
    """One family as it travels: meetings carry their own actions and shared items;
    ``shared`` is what is on the family's record outside any meeting."""

    family: Family
    meetings: tuple[Meeting, ...] = ()
    consents: tuple[Consent, ...] = ()
    shared: tuple[SharedInformation, ...] = ()
    # Amendments to the family's case notes: (the note's position in family.notes, amendment).
    amendments: tuple[tuple[int, NoteAmendment], ...] = ()

    @property
    def reference(self) -> str:
        return self.family.reference

    def all_shared(self) -> list[SharedInformation]:
        return [*self.shared, *(s for m in self.meetings for s in m.shared)]


def to_json(records: list[FamilyRecords]) -> bytes:
    doc = {
        "format": PAYLOAD_FORMAT, "version": 1,
        "families": {"format": FORMAT_NAME, "version": FORMAT_VERSION,
                     "families": [family_to_dict(r.family) for r in records]},
        "records": [{
            "reference": r.reference,
            "meetings": [to_plain(m) for m in r.meetings],
            "consents": [to_plain(c) for c in r.consents],
            "shared": [to_plain(s) for s in r.shared],
            "amendments": [{"note": i, **to_plain(a)} for i, a in r.amendments],
        } for r in records],
    }
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def with_amendments(records: FamilyRecords) -> FamilyRecords:
    """The records with their notes' amendments listed (they travel beside the notes)."""
    return replace(records, amendments=tuple(
        (i, a) for i, note in enumerate(records.family.notes) for a in note.amendments))


def _amendment(family: Family, obj: dict[str, object]) -> tuple[int, NoteAmendment]:
    index = obj.pop("note")
    if not isinstance(index, int) or isinstance(index, bool) or not (
            0 <= index < len(family.notes)):
        raise BundleTamperedError()
    return index, from_plain(NoteAmendment, obj)


def from_json(data: bytes, today: date, policy: Policy) -> list[FamilyRecords]:
    """The families and their records. A bundle that opened and verified but does not read
    is damaged at source: refused as tampered, nothing imported."""
    try:
        doc = json.loads(data.decode("utf-8"))
        if doc["format"] != PAYLOAD_FORMAT or doc["version"] != 1:
            raise BundleTamperedError()
        families = parse_families_json(json.dumps(doc["families"]), "the bundle", today,
                                       policy)
        records = doc["records"]
        if [r["reference"] for r in records] != [f.reference for f in families]:
            raise BundleTamperedError()
        out = []
        for family, r in zip(families, records, strict=True):
            out.append(FamilyRecords(
                family,
                tuple(from_plain(Meeting, m, family_id=0) for m in r["meetings"]),
                tuple(from_plain(Consent, c) for c in r["consents"]),
                tuple(from_plain(SharedInformation, s) for s in r["shared"]),
                tuple(_amendment(family, a) for a in r.get("amendments", []))))
        return out
    except UserFacingError as exc:
        if isinstance(exc, BundleTamperedError):
            raise
        raise UserFacingError("The bundle's records do not meet this store's rules.",
                              f"Nothing was imported. {exc.message}") from None
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise BundleTamperedError() from None

