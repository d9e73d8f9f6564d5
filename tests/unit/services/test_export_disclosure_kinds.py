"""ISA §5 for every family export: a case summary, chronology or TAF pack holding a partner's
records, and a meeting record holding what a partner shared at the meeting, go to another
organisation only when it is that partner or a party to its exchanges, or with the partner's
written consent; each export's audit lists the source partners the file holds."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from keyworker_app.domain.disclosure import NO_BASIS, DisclosureBasis, FurtherDisclosureError
from keyworker_app.domain.handling import Recipient
from keyworker_app.domain.provenance import Source
from keyworker_app.services.export import ExportRequest, ReportKind
from tests.gui.samples import sample_family
from tests.unit.domain.criteria_cases import offence
from tests.unit.reports.taf_fixtures import save_three_meetings
from tests.unit.services.export_env import ExportEnv

POLICE = "leicestershire-police"
CONSENT = DisclosureBasis(consent_ref="LP/2025/0042", consent_on=date(2025, 3, 1))
DWP = "benefits@dwp.gsi.gov.uk"  # a partner, but no party to any police exchange
CITY = "early.help@leicester.gcsx.gov.uk"  # receives the police's exchanges


def _police_family(env: ExportEnv) -> int:
    family = sample_family("KW-0200", "Ashworth")
    first = replace(family.members[0], offences=(
        replace(offence(date(2024, 10, 1)), source=Source(POLICE)),))
    saved = env.session.add_family(replace(family, members=(first, *family.members[1:])))
    assert saved.id is not None
    return saved.id


def _request(env: ExportEnv, family_id: int, kind: ReportKind, to: str, name: str, *,
             basis: DisclosureBasis = NO_BASIS, meeting_id: int | None = None) -> ExportRequest:
    return ExportRequest(family_id, kind, env.out / name, env.service.recipient_for(to),
                         "support", password="Tr4m-Lantern-91", meeting_id=meeting_id,
                         basis=basis)


@pytest.mark.parametrize("kind", [ReportKind.CASE_SUMMARY, ReportKind.CHRONOLOGY,
                                  ReportKind.TAF_PACK])
def test_a_police_record_to_an_organisation_outside_its_exchanges_needs_consent(
        export_env: ExportEnv, kind: ReportKind) -> None:
    env = export_env
    family_id = _police_family(env)
    with pytest.raises(FurtherDisclosureError, match="Leicestershire Police"):
        env.service.export(_request(env, family_id, kind, DWP, "refused.pdf"))
    assert not (env.out / "refused.pdf").exists() and env.export_events() == []
    env.service.export(_request(env, family_id, kind, DWP, "ok.pdf", basis=CONSENT))
    [event] = env.export_events()
    assert f"sources={POLICE} further-disclosure={POLICE}" in event
    assert "consent-ref=LP/2025/0042" in event and "to-org=dwp" in event


@pytest.mark.parametrize("kind", [ReportKind.CASE_SUMMARY, ReportKind.CHRONOLOGY])
def test_a_party_to_the_partners_exchanges_needs_no_consent(
        export_env: ExportEnv, kind: ReportKind) -> None:
    env = export_env
    family_id = _police_family(env)
    env.service.export(_request(env, family_id, kind, CITY, "city.pdf"))
    [event] = env.export_events()
    assert f"sources={POLICE}" in event and "further-disclosure" not in event


def test_a_meeting_record_with_police_information_needs_consent_outside_its_exchange(
        export_env: ExportEnv) -> None:
    env = export_env
    ids = save_three_meetings(env.session, env.policy, env.family_id)
    shared = env.session.meetings(env.policy).view_meeting(ids[1]).shared
    assert POLICE in {s.from_partner for s in shared}
    with pytest.raises(FurtherDisclosureError, match="Leicestershire Police"):
        env.service.export(_request(env, env.family_id, ReportKind.MEETING_RECORD, DWP,
                                    "m.pdf", meeting_id=ids[1]))
    env.service.export(_request(env, env.family_id, ReportKind.MEETING_RECORD, DWP, "m.pdf",
                                basis=CONSENT, meeting_id=ids[1]))
    [event] = env.export_events()
    assert POLICE in event.split("sources=")[1].split()[0].split(",")
    assert POLICE in event.split("further-disclosure=")[1].split()[0].split(",")


def test_a_printed_copy_lists_its_sources_without_asking_for_consent(
        export_env: ExportEnv) -> None:
    env = export_env
    family_id = _police_family(env)
    env.service.export(ExportRequest(family_id, ReportKind.CASE_SUMMARY, env.out / "p.pdf",
                                     Recipient.printing(), "support"))
    [event] = env.export_events()
    assert f"sources={POLICE}" in event and "further-disclosure" not in event


def test_an_export_for_a_purpose_its_exchanges_do_not_list_is_marked_in_the_audit(
        export_env: ExportEnv) -> None:
    env = export_env
    save_three_meetings(env.session, env.policy, env.family_id)

    def pack(name: str, purpose: str) -> ExportRequest:
        return ExportRequest(env.family_id, ReportKind.TAF_PACK, env.out / name,
                             Recipient.printing(), purpose)

    env.service.export(pack("support.pdf", "support"))
    env.service.export(pack("evaluate.pdf", "evaluate"))
    supported, evaluated = sorted(env.export_events(), key=lambda e: "evaluate" in e)
    assert "outside-purposes" not in supported
    outside = evaluated.split("outside-purposes=")[1].split()[0].split(",")
    assert "police-allocated-families" in outside  # agreed for support only
