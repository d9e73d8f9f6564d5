"""A subject-access disclosure lists the partners whose information it holds, as the partners
to consult before release (ISA §17), parsed back from the PDF."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

from pypdf import PdfReader

from keyworker_app.domain.provenance import THE_FAMILY, Source
from keyworker_app.domain.subject_access_pack import build_pack
from keyworker_app.domain.taf import SharedInformation, ShareMethod
from keyworker_app.reports import subject_access
from keyworker_app.reports.meta import ReportMeta
from tests.taf_session import shipped_policy
from tests.unit.domain.criteria_cases import SPRING_24, adult, jsa, offence, term

POLICY = shipped_policy()
IDS = [p.id for p in POLICY.partners]
NAMES = {p.id: p.name for p in POLICY.partners}


def _pdf_text(data: bytes) -> str:
    return " ".join(" ".join((page.extract_text() or "").split())
                    for page in PdfReader(io.BytesIO(data)).pages)


def _pack(with_unknown: bool = False):  # type: ignore[no-untyped-def]
    from tests.gui.samples import sample_family

    police = Source("leicestershire-police")
    person = replace(adult(benefits=(replace(jsa(), source=Source("dwp")),),
                           offences=(replace(offence(date(2024, 10, 1)), source=police),)),
                     education=(replace(term(SPRING_24), source=Source(THE_FAMILY)),))
    family = replace(sample_family("KW-0042", "Ashworth"), members=(person,),
                     relationships=(), concerns=(), notes=(), asb_interventions=())
    if with_unknown:
        person = replace(person, offences=(*person.offences, offence(date(2024, 11, 2))))
        family = replace(family, members=(person,))
    shared = [SharedInformation("nhs-lpt", "outside-agreed-exchanges", "Seen at the clinic",
                                date(2025, 1, 5), ShareMethod.SECURE_EMAIL, "nhs-lpt")]
    return build_pack(family, person, [], shared, [])


def _build(pack) -> str:  # type: ignore[no-untyped-def]
    meta = ReportMeta(subject_access.TITLE, "SAR-1", POLICY.handling.protective_marking,
                      POLICY.handling.handling_line, "Sam Worker (Key worker)",
                      None)  # type: ignore[arg-type]
    return _pdf_text(subject_access.build(pack, meta, "SAR-1", received_on=date(2025, 2, 1),
                                          due_on=date(2025, 3, 1),
                                          partner_name=lambda pid: NAMES.get(pid, pid),
                                          partner_ids=IDS))


def test_the_partners_to_consult_are_listed_with_what_is_theirs() -> None:
    pack = _pack()
    assert [pid for pid, _ in pack.partners_to_consult(IDS)] == [
        "leicestershire-police", "nhs-lpt", "dwp"]  # the policy's order
    text = _build(pack)
    section = text[text.index("Partners to consult before release"):text.index("Relationships")]
    assert "section 17" in section
    for partner, kind in (("leicestershire-police", "Offences"), ("dwp", "Benefits"),
                          ("nhs-lpt", "Shared information")):
        assert NAMES[partner] in section and kind in section
    shared = text[text.index("Information shared by partners"):]
    assert shared.count(NAMES["nhs-lpt"]) >= 2  # shared by, and data controller, by name
    assert "The family" not in section  # not a partner to consult
    assert "do not say where they came from" not in section


def test_records_of_unknown_source_are_counted_for_completing() -> None:
    pack = _pack(with_unknown=True)
    assert pack.unknown_sources() == 1
    text = _build(pack)
    assert "1 record(s) in it do not say where they came from" in text
