"""Exporting the TAF meeting record and preparation pack from a real store: the meeting must
be the family's, the audit event names the meeting by id, and the files are marked."""

from __future__ import annotations

import pytest

from keyworker_app.domain.handling import Recipient
from keyworker_app.errors import RecordNotFoundError, ValidationError
from keyworker_app.reports.protect import is_protected
from keyworker_app.services.export import ExportRequest, ReportKind
from tests.gui.samples import sample_family
from tests.unit.reports.pdf_checks import assert_marked_every_page, positioned_text
from tests.unit.reports.taf_fixtures import save_three_meetings
from tests.unit.services.export_env import CANARY, STRONG, ExportEnv


def request(env: ExportEnv, report: ReportKind, name: str, meeting_id: int | None = None,
            password: str = "") -> ExportRequest:
    return ExportRequest(env.family_id, report, env.out / name, Recipient.printing(),
                         "support", password=password, meeting_id=meeting_id)


def text_of(data: bytes, password: str = "") -> str:
    return " ".join(t for page in positioned_text(data, password) for t, _y in page)


def test_meeting_record_export_is_marked_and_audited_with_the_meeting(
        export_env: ExportEnv) -> None:
    env = export_env
    ids = save_three_meetings(env.session, env.policy, env.family_id)
    result = env.service.export(request(env, ReportKind.MEETING_RECORD, "m.pdf", ids[1]))
    data = result.destination.read_bytes()
    assert assert_marked_every_page(data, env.policy.protective_marking) >= 4
    text = text_of(data)
    assert "TAF meeting record — KW-0099" in text and "Review TAF" in text
    [event] = env.export_events()
    assert event.startswith(f"family:{env.family_id} report=meeting-record ref=KW-0099 "
                            "recipient=print protected=no purpose=support copy=unprotected "
                            f"meeting={ids[1]} sources=")
    # the partners whose information was shared at that meeting
    sources = env.session.meetings(env.policy).view_meeting(ids[1]).shared
    assert event.split("sources=")[1].split()[0] == (
        ",".join(p.id for p in env.policy.partners if p.id in {s.from_partner for s in sources})
        or "none")
    assert CANARY not in event
    draft = env.service.export(request(env, ReportKind.MEETING_RECORD, "d.pdf", ids[2],
                                       STRONG))
    assert is_protected(draft.destination.read_bytes())
    assert "DRAFT — not finalised" in text_of(draft.destination.read_bytes(), STRONG)
    views = [e for e in env.session.audit().events(limit=1000)
             if e.action == "view" and e.object_type == "meeting"]
    assert {e.object_id for e in views} >= {str(ids[1]), str(ids[2])}


def test_unknown_meeting_or_another_familys_meeting_is_refused(export_env: ExportEnv) -> None:
    env = export_env
    save_three_meetings(env.session, env.policy, env.family_id)
    other = env.session.add_family(sample_family("KW-0100", "Brightwell"))
    assert other.id is not None
    [theirs, *_rest] = save_three_meetings(env.session, env.policy, other.id)
    with pytest.raises(RecordNotFoundError, match="No meeting with id 9999"):
        env.service.export(request(env, ReportKind.MEETING_RECORD, "x.pdf", 9999))
    with pytest.raises(ValidationError, match="belongs to another family"):
        env.service.export(request(env, ReportKind.MEETING_RECORD, "y.pdf", theirs))
    with pytest.raises(ValidationError, match="choose the meeting"):
        env.service.export(request(env, ReportKind.MEETING_RECORD, "z.pdf"))
    assert list(env.out.iterdir()) == []
    assert env.export_events() == []
    assert not [e for e in env.session.audit().events(limit=1000)
                if e.action == "view" and e.object_id == str(theirs)]


def test_taf_pack_export(export_env: ExportEnv) -> None:
    env = export_env
    save_three_meetings(env.session, env.policy, env.family_id)
    result = env.service.export(request(env, ReportKind.TAF_PACK, "p.pdf", password=STRONG))
    data = result.destination.read_bytes()
    assert is_protected(data)
    assert assert_marked_every_page(data, env.policy.protective_marking, STRONG) >= 4
    text = text_of(data, STRONG)
    assert "TAF preparation pack — KW-0099" in text
    assert "Decisions at the last meeting" in text and "OVERDUE" in text
    [event] = env.export_events()
    assert "report=taf-pack ref=KW-0099 recipient=print protected=yes" in event
    assert "meeting=" not in event


def test_a_taf_pack_with_police_information_to_a_non_partner_needs_the_polices_consent(
        export_env: ExportEnv) -> None:
    from datetime import date

    from keyworker_app.domain.disclosure import NO_BASIS, DisclosureBasis, FurtherDisclosureError

    env = export_env
    save_three_meetings(env.session, env.policy, env.family_id)
    recipient = env.service.recipient_for("solicitor@firm.cjsm.net")  # secure, not a partner

    def pack(name: str, basis: DisclosureBasis = NO_BASIS) -> ExportRequest:
        return ExportRequest(env.family_id, ReportKind.TAF_PACK, env.out / name, recipient,
                             "support", basis=basis)

    with pytest.raises(FurtherDisclosureError, match="Leicestershire Police"):
        env.service.export(pack("refused.pdf"))
    assert not (env.out / "refused.pdf").exists()
    assert env.export_events() == []
    consent = DisclosureBasis(consent_ref="LP/2025/0042", consent_on=date(2025, 3, 1))
    env.service.export(pack("pack.pdf", consent))
    [event] = env.export_events()
    assert "to-domain=firm.cjsm.net to-org=unknown" in event
    assert "leicestershire-police" in event.split("further-disclosure=")[1]
    assert "consent-ref=LP/2025/0042 consent-on=2025-03-01" in event
    assert "solicitor" not in event
