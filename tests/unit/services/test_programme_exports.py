"""Subject-access, PbR-claim and breach-record exports through the shared export step:
marked on every page, Page X of Y, the SAR always protected (qpdf: AES-256, R6), the claim
by reference only (planted canary names appear nowhere), audit events without names or
passwords, and no file left when the audit fails."""

from __future__ import annotations

import csv
import subprocess
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from keyworker_app.domain.audit import AuditAction
from keyworker_app.domain.breach import Breach
from keyworker_app.domain.dates import format_datetime
from keyworker_app.domain.family import Family
from keyworker_app.domain.handling import Recipient
from keyworker_app.domain.subject_access import SubjectAccessRequest
from keyworker_app.errors import UserFacingError, ValidationError
from keyworker_app.reports.protect import is_protected
from keyworker_app.services.programme_exports import (
    ProgrammeExportRequest,
    ProgrammeExportService,
    ProgrammeReport,
)
from tests.unit.domain.criteria_cases import SPRING_24, adult, child, jsa, offence, term
from tests.unit.reports.pdf_checks import assert_marked_every_page, pdftotext_pages
from tests.unit.services.programme_fixtures import POLICY, Programme
from tests.unit.services.test_retention_deletion import NAME, canary_family, plant_taf

STRONG = "Tr4m-Lantern-91"
INSECURE = "person@example.com"
SECURE = "ig@leics.pnn.police.uk"
MARKING = POLICY.handling.protective_marking
FIXED_NOW = datetime(2025, 3, 15, 12, 0, tzinfo=UTC)
QUALIFY_CANARY = "Vexillary"


def has_words(text: str, phrase: str) -> bool:
    """Every word of ``phrase`` is in ``text`` (a table cell may wrap across lines)."""
    return all(word in text for word in phrase.split())


def service(p: Programme) -> ProgrammeExportService:
    return ProgrammeExportService(p.session, p.service, now=lambda: FIXED_NOW)


def export_events(p: Programme) -> list[str]:
    return [f"{e.object_type}:{e.object_id} {e.detail}"
            for e in p.session.audit().events(limit=1000) if e.action is AuditAction.EXPORT]


def audit_text(p: Programme) -> str:
    return "\n".join(f"{e.actor} {e.object_type} {e.object_id} {e.detail}"
                     for e in p.session.audit().events(limit=1000))


def qualifying_family(reference: str, name: str) -> Family:
    """Meets crime/ASB, education and work at entry (01/11/2024)."""
    base = canary_family(reference, name)
    young = replace(child("y1", date(2008, 1, 1), offences=(offence(date(2024, 10, 1)),)),
                    family_name=name, given_names=f"{name}son")
    pupil = replace(child("s1", education=(term(SPRING_24, fixed=3),)), family_name=name)
    parent = replace(adult(benefits=(jsa(),)), family_name=name, given_names=f"{name}ina")
    return replace(base, allocated_on=date(2024, 11, 1), members=(parent, young, pupil),
                   relationships=(), concerns=(), notes=())


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


@pytest.fixture
def sar(programme: Programme) -> tuple[int, int]:
    p = programme
    fam = p.session.add_family(canary_family("TF-SAR", "Marker"))
    assert fam.id is not None
    plant_taf(p, fam.id, "Marker")
    [hit] = [h for h in p.service.rights.find_people(f"Ada {NAME}")]
    logged = p.service.rights.log_request(
        SubjectAccessRequest(date(2025, 1, 31), "SAR-2025-001", hit.person_id))
    assert logged.id is not None
    return logged.id, hit.person_id


def test_subject_access_pdf_is_protected_marked_and_complete(
        programme: Programme, sar: tuple[int, int], out: Path) -> None:
    p = programme
    request_id, person_id = sar
    exports = service(p)
    result = exports.export(ProgrammeExportRequest(
        ProgrammeReport.SUBJECT_ACCESS, out / "sar.pdf", exports.recipient_for(INSECURE),
        STRONG, request_id=request_id))
    data = result.destination.read_bytes()
    assert result.protected and is_protected(data)
    assert b"Quennell" not in data and MARKING.encode() not in data
    # qpdf: AES-256, revision 6; a password is needed, and only the right one opens it.
    shown = subprocess.run(["qpdf", f"--password={STRONG}", "--show-encryption",
                            str(result.destination)], check=True, capture_output=True,
                           text=True).stdout
    assert "R = 6" in shown and "file encryption method: AESv3" in shown
    assert subprocess.run(["qpdf", "--requires-password", str(result.destination)],
                          check=False).returncode == 0
    wrong = subprocess.run(["qpdf", "--password=wrong-Password-1", "--check",
                            str(result.destination)], capture_output=True, check=False)
    assert wrong.returncode != 0
    pages = assert_marked_every_page(data, MARKING, STRONG)
    text = " ".join(pdftotext_pages(result.destination, STRONG))
    assert f"Page {pages} of {pages}" in text
    # Each record says where it came from; these were recorded without a source.
    assert "Unknown (to complete)" in " ".join(text.split())
    for expected in (f"Ada {NAME}", "17/05/1990", "TF-SAR", "SAR-2025-001", "28/02/2025",
                     "Marker concern", "Visited Marker", "Marker shared", "Marker views",
                     POLICY.partners[0].name, "Given", "Household"):
        assert has_words(text, expected), expected
    consult = " ".join(text.split())
    consult = consult[consult.index("Partners to consult before release"):
                      consult.index("Relationships")]
    assert has_words(consult, f"{POLICY.partners[0].name} Shared information")
    [event] = export_events(p)
    assert event.startswith(f"subject-access-request:{request_id} report=subject-access "
                            f"format=pdf request={request_id} person={person_id} "
                            f"sources={POLICY.partners[0].id} unknown-sources=3 "
                            "recipient=not-secure protected=yes purpose=subject-access-request "
                            f"sha256={result.sha256}")
    for secret in (STRONG, NAME, "Marker", INSECURE, "example.com"):
        assert secret not in audit_text(p).replace("Team Lead", "")


@pytest.mark.parametrize("recipient", [Recipient.printing(), Recipient.meeting(), SECURE])
def test_subject_access_is_always_protected(programme: Programme, sar: tuple[int, int],
                                            out: Path, recipient: Recipient | str) -> None:
    exports = service(programme)
    if isinstance(recipient, str):
        recipient = exports.recipient_for(recipient)
    with pytest.raises(UserFacingError, match="must be password-protected"):
        exports.export(ProgrammeExportRequest(ProgrammeReport.SUBJECT_ACCESS,
                                              out / "sar.pdf", recipient,
                                              request_id=sar[0]))
    with pytest.raises(ValidationError, match="Password"):
        exports.export(ProgrammeExportRequest(ProgrammeReport.SUBJECT_ACCESS,
                                              out / "sar.pdf", recipient, "short",
                                              request_id=sar[0]))
    assert list(out.iterdir()) == []
    assert export_events(programme) == []


def test_request_without_a_person_is_refused(programme: Programme, out: Path) -> None:
    logged = programme.service.rights.log_request(
        SubjectAccessRequest(date(2025, 3, 1), "SAR-2025-002"))
    with pytest.raises(UserFacingError, match="not linked to a person"):
        service(programme).export(ProgrammeExportRequest(
            ProgrammeReport.SUBJECT_ACCESS, out / "s.pdf", Recipient.printing(), STRONG,
            request_id=logged.id))
    assert list(out.iterdir()) == []


def test_claim_pdf_and_csv_list_references_and_no_names(programme: Programme,
                                                        out: Path) -> None:
    p = programme
    for i in range(3):
        p.session.add_family(qualifying_family(f"TF-Q{i}", f"{QUALIFY_CANARY}{i}"))
    p.session.add_family(canary_family("TF-NO", "Notqualifying"))
    exports = service(p)
    pdf = exports.export(ProgrammeExportRequest(
        ProgrammeReport.PBR_CLAIM, out / "claim.pdf", exports.recipient_for(SECURE),
        as_of=date(2025, 3, 15)))
    data = pdf.destination.read_bytes()
    assert not pdf.protected
    assert assert_marked_every_page(data, MARKING) >= 1
    text = " ".join(pdftotext_pages(pdf.destination))
    for ref in ("TF-Q0", "TF-Q1", "TF-Q2"):
        assert ref in text
    assert "TF-NO" not in text and "Qualifying families" in text
    csv_result = exports.claim_csv(out / "claim.csv", Recipient.meeting(),
                                   date(2025, 3, 15))
    body = csv_result.destination.read_text(encoding="utf-8-sig")
    rows = list(csv.reader(body.splitlines()))
    assert rows[0] == [MARKING] and rows[-1] == [MARKING]
    assert [r[0] for r in rows[2:-1]] == ["TF-Q0", "TF-Q1", "TF-Q2"]
    for file_text in (text, body, audit_text(p)):
        assert QUALIFY_CANARY not in file_text and NAME not in file_text
        assert "Notqualifying" not in file_text
    events = export_events(p)
    assert any("report=pbr-claim format=pdf as-of=2025-03-15 families=3 sources=none "
               "recipient=secure protected=no purpose=measure-outcomes" in e for e in events)
    assert any("format=csv" in e and "families=3" in e for e in events)
    with pytest.raises(UserFacingError, match="not a secure e-mail address"):
        exports.claim_csv(out / "c2.csv", exports.recipient_for(INSECURE))


def test_breach_record_for_the_ig_officer(programme: Programme, out: Path) -> None:
    p = programme
    partner = next(x for x in POLICY.partners if x.contacts)
    found = FIXED_NOW - timedelta(hours=30)
    breach = p.service.rights.record_breach(Breach(
        POLICY.breach.categories[1].id, found - timedelta(seconds=0),
        "Minutes e-mailed to the wrong school", (partner.id,), True,
        not_reported_reason="Recalled unread within the hour; no risk to anyone",
        actions="Recall requested; staff reminded", outcome="Closed after review"))
    exports = service(p)
    result = exports.export(ProgrammeExportRequest(
        ProgrammeReport.BREACH_RECORD, out / "breach.pdf", exports.recipient_for(INSECURE),
        STRONG, breach_id=breach.id))
    assert result.protected
    assert assert_marked_every_page(result.destination.read_bytes(), MARKING, STRONG) >= 1
    text = " ".join(" ".join(pdftotext_pages(result.destination, STRONG)).split())
    for expected in (POLICY.breach.categories[1].label, "Minutes e-mailed to the wrong school",
                     partner.name, partner.contacts[0].post, "72-hour clock",
                     "Decided not to report", "Recalled unread within the hour",
                     "Recall requested", "Closed after review", "14/03/2025"):
        assert has_words(text, expected), expected
    [event] = export_events(p)
    assert event.startswith(f"breach:{breach.id} report=breach-record format=pdf "
                            f"breach={breach.id} sources=none recipient=not-secure protected=yes "
                            "purpose=breach-management")
    assert "wrong school" not in event


def test_breach_clock_running(programme: Programme, out: Path) -> None:
    p = programme
    breach = p.service.rights.record_breach(Breach(
        POLICY.breach.categories[0].id, FIXED_NOW - timedelta(hours=10), "Laptop stolen",
        (), True))
    exports = service(p)
    result = exports.export(ProgrammeExportRequest(
        ProgrammeReport.BREACH_RECORD, out / "b.pdf", Recipient.printing(),
        breach_id=breach.id))
    text = " ".join(" ".join(pdftotext_pages(result.destination)).split())
    assert "62 hours 0 minutes left to tell the regulator" in text
    assert "No partner's information is involved." in text


def test_failed_audit_removes_the_file(programme: Programme, sar: tuple[int, int],
                                       out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    exports = service(programme)
    prepared = exports.prepare(ProgrammeExportRequest(
        ProgrammeReport.SUBJECT_ACCESS, out / "sar.pdf", Recipient.printing(), STRONG,
        request_id=sar[0]))
    result = exports.write(prepared)
    assert result.destination.exists()

    def broken(*_a: object, **_k: object) -> None:
        raise UserFacingError("The case store is locked.")

    monkeypatch.setattr(programme.session, "record", broken)
    with pytest.raises(UserFacingError, match="locked"):
        exports.record(result)
    assert list(out.iterdir()) == []


def test_breach_record_shows_the_follow_up(programme: Programme, out: Path) -> None:
    p = programme
    partner = next(x for x in POLICY.partners if x.contacts)
    found = FIXED_NOW - timedelta(hours=40)
    told = p.service.rights.record_breach(Breach(
        POLICY.breach.categories[1].id, found, "Letter sent to the wrong address",
        (partner.id,), True, outcome="Letter returned unopened",
        partners_told_at=found + timedelta(hours=3), partners_told_whom=partner.contacts[0].post,
        police_consulted=True, police_decision="No criminal offence; no further action",
        learning="Two people check the envelope", circulated_at=found + timedelta(hours=30)))
    late = p.service.rights.record_breach(Breach(
        POLICY.breach.categories[0].id, found, "Laptop stolen", (partner.id,), True))
    exports = service(p)
    pages: dict[int | None, str] = {}
    for breach in (told, late):
        result = exports.export(ProgrammeExportRequest(
            ProgrammeReport.BREACH_RECORD, out / f"b{breach.id}.pdf", Recipient.printing(),
            breach_id=breach.id))
        pages[breach.id] = " ".join(" ".join(pdftotext_pages(result.destination)).split())
    text = pages[told.id]
    for expected in ("Follow-up (ISA §12)", "Partners told",
                     f"Partners told {format_datetime(found + timedelta(hours=3))}",
                     partner.contacts[0].post, "Police consulted Yes",
                     "No criminal offence; no further action", "Learning",
                     "Two people check the envelope",
                     "Outcome and learning circulated to partners "
                     + format_datetime(found + timedelta(hours=30))):
        assert has_words(text, expected), expected
    hours = POLICY.breach.partner_notice_hours
    due = format_datetime(found + timedelta(hours=hours))
    assert has_words(pages[late.id], f"Partners told Not yet — overdue (due by {due})")
    assert has_words(pages[late.id], "Police consulted No")


def test_a_subject_access_pack_marks_a_suspended_partner_to_consult(
        programme: Programme, sar: tuple[int, int], out: Path) -> None:
    p = programme
    request_id, _person_id = sar
    partner = POLICY.partners[0]
    p.session.suspensions(POLICY).record(partner.id, p.clock.today(), "IG-2025-020")
    exports = service(p)
    result = exports.export(ProgrammeExportRequest(
        ProgrammeReport.SUBJECT_ACCESS, out / "sar.pdf", exports.recipient_for(INSECURE),
        STRONG, request_id=request_id))
    text = " ".join(" ".join(pdftotext_pages(result.destination, STRONG)).split())
    consult = text[text.index("Partners to consult before release"):text.index("Relationships")]
    assert has_words(consult, f"{partner.name} (suspended)")
