"""What a subject-access disclosure holds about one person (ISA §17): plain data gathered
by the information-rights service and laid out by the report. Pure domain code."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from keyworker_app.domain.family import (
    Address,
    CaseNote,
    Family,
    Person,
    Relationship,
)
from keyworker_app.domain.indicators import AsbIntervention, Concern
from keyworker_app.domain.provenance import Source
from keyworker_app.domain.taf import Consent, Meeting, SharedInformation


@dataclass(frozen=True, slots=True)
class SubjectAccessPack:
    """Everything held about one person. Household-wide items (``person_ref`` empty, or
    shared information about the whole household) are included and flagged, because they
    may also hold other people's information that must be reviewed before release."""

    person: Person
    family_reference: str
    relationships: tuple[Relationship, ...]
    addresses: tuple[Address, ...]
    asb: tuple[AsbIntervention, ...]
    concerns: tuple[Concern, ...]
    notes: tuple[CaseNote, ...]
    consents: tuple[Consent, ...]
    meetings: tuple[Meeting, ...]  # meetings where they were heard or information about them
    shared: tuple[SharedInformation, ...]  # with from_partner: who shared it

    def about_them(self, person_ref: str) -> bool:
        return person_ref == self.person.ref

    def sourced(self) -> list[tuple[str, Source]]:
        """Each record in the pack that carries a source, with what kind of record it is."""
        p = self.person
        found: list[tuple[str, Source]] = [("Offences", o.source) for o in p.offences]
        found += [("Education", e.source) for e in p.education]
        found += [("Benefits", b.source) for b in p.benefits]
        found += [("Anti-social behaviour", a.source) for a in self.asb]
        found += [("Concerns", c.source) for c in self.concerns]
        found += [("Contact log", n.source) for n in self.notes]
        return found

    def unknown_sources(self) -> int:
        """Records in the pack that do not yet say where they came from."""
        return sum(1 for _kind, source in self.sourced() if source.is_unknown)

    def partners_to_consult(self, partner_ids: Sequence[str]) -> list[tuple[str, list[str]]]:
        """The partners (ids, in the policy's order) whose information the pack holds, each
        with the kinds of record that are theirs: they are consulted before release (§17)."""
        kinds: dict[str, list[str]] = {}

        def add(partner: str, kind: str) -> None:
            if partner in partner_ids and kind not in kinds.setdefault(partner, []):
                kinds[partner].append(kind)

        for kind, source in self.sourced():
            add(source.partner, kind)
            add(source.controller, kind)
        shared = [*self.shared, *(s for m in self.meetings for s in m.shared)]
        for item in shared:
            add(item.from_partner, "Shared information")
            add(item.data_controller, "Shared information")
        return [(pid, kinds[pid]) for pid in partner_ids if pid in kinds]


def _mine(ref: str, person_ref: str) -> bool:
    return person_ref in ("", ref)


def build_pack(family: Family, person: Person, meetings: list[Meeting],
               shared: list[SharedInformation], consents: list[Consent]) -> SubjectAccessPack:
    ref = person.ref
    about = [s for s in shared if not s.about or ref in s.about]
    heard = tuple(m for m in meetings
                  if any(v.person_ref == ref for v in m.members)
                  or any(not s.about or ref in s.about for s in m.shared))
    return SubjectAccessPack(
        person=person,
        family_reference=family.reference,
        relationships=tuple(r for r in family.relationships if ref in (r.subject_ref,
                                                                       r.object_ref)),
        addresses=family.addresses,
        asb=tuple(a for a in family.asb_interventions if _mine(ref, a.person_ref)),
        concerns=tuple(c for c in family.concerns if _mine(ref, c.person_ref)),
        notes=tuple(n for n in family.notes if _mine(ref, n.person_ref)),
        consents=tuple(c for c in consents if c.person_ref == ref),
        meetings=heard,
        shared=tuple(about),
    )
