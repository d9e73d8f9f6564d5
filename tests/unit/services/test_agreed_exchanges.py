"""Appendix B as rules: an item filed under an exchange must come from one of its partners, to
the store owner's organisation, and be of a kind it carries; anything else is outside the
agreed exchanges and needs a reason, a lawful basis and an explicit confirmation."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from keyworker_app.domain.problems import InvalidRecordError
from keyworker_app.domain.sources import Filing, exchange_problems
from keyworker_app.domain.taf import OUTSIDE_EXCHANGES, SharedInformation, ShareMethod
from keyworker_app.reports import taf_pack
from keyworker_app.reports.meta import ReportMeta
from tests.taf_session import TafStore, open_taf_store, shipped_policy

CITY = "leicester-city"


@pytest.fixture
def taf(tmp_path: Path) -> TafStore:
    store = open_taf_store(tmp_path)
    yield store
    store.session.lock()


def dwp_benefits(**changes: object) -> SharedInformation:
    values: dict[str, object] = dict(
        from_partner="dwp", exchange="police-allocated-families",
        summary="On JSA since January; one sanction.", received_on=date(2025, 3, 3),
        method=ShareMethod.SECURE_EMAIL, data_controller="dwp", category="benefits",
        lawful_basis="wra-2012-s134", basis_reason="Needed to plan the move into work.")
    values.update(changes)
    return SharedInformation(**values)  # type: ignore[arg-type]


def test_dwp_benefit_information_under_a_police_exchange_is_refused_saying_why(
        taf: TafStore) -> None:
    service = taf.session.meetings(taf.policy)
    with pytest.raises(InvalidRecordError) as refused:
        service.record_shared_item(taf.family_id, dwp_benefits())
    lines = refused.value.lines()
    assert any("carries information from Leicestershire Police only" in line for line in lines)
    assert any("does not carry this kind of information" in line for line in lines)
    assert service.shared_items(taf.family_id) == []
    # Under its own exchange it is recorded.
    saved = service.record_shared_item(taf.family_id,
                                       dwp_benefits(exchange="dwp-benefit-information"))
    assert service.shared_items(taf.family_id) == [saved]


def test_the_same_item_outside_the_exchanges_needs_reason_basis_and_confirmation(
        taf: TafStore) -> None:
    service = taf.session.meetings(taf.policy)
    outside = dwp_benefits(exchange=OUTSIDE_EXCHANGES, outside_reason="Given at a JAG meeting.")
    with pytest.raises(InvalidRecordError, match="Confirm that you are recording"):
        service.record_shared_item(taf.family_id, outside)
    with pytest.raises(InvalidRecordError, match="needs one of the agreement's lawful bases"):
        service.record_shared_item(taf.family_id, dwp_benefits(
            exchange=OUTSIDE_EXCHANGES, outside_reason="Given at a JAG meeting.",
            lawful_basis="", outside_confirmed=True))
    saved = service.record_shared_item(taf.family_id, dwp_benefits(
        exchange=OUTSIDE_EXCHANGES, outside_reason="Given at a JAG meeting.",
        outside_confirmed=True))
    assert saved.outside_confirmed
    assert service.shared_items(taf.family_id)[0].outside_confirmed


def test_an_organisation_outside_an_exchange_does_not_receive_it() -> None:
    policy = shipped_policy()
    filing = Filing("dwp", "dwp-benefit-information", "benefits")
    assert exchange_problems(filing, policy, CITY) == []
    refused = exchange_problems(filing, policy, "nhs-lpt")
    assert [p.path for p in refused] == [("exchange",)]
    assert "Your organisation does not receive this exchange" in refused[0].message


def test_an_item_outside_the_exchanges_is_marked_in_the_taf_pack(taf: TafStore) -> None:
    service = taf.session.meetings(taf.policy)
    service.record_shared_item(taf.family_id, dwp_benefits(
        exchange=OUTSIDE_EXCHANGES, outside_reason="Given at a JAG meeting.",
        outside_confirmed=True))
    family = taf.session.families().get(taf.family_id)
    records = taf_pack.PackRecords(family, [], [], service.shared_items(taf.family_id))
    now = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
    meta = ReportMeta(taf_pack.TITLE, family.reference, "RESTRICTED", "Handle with care.",
                      "Sam Worker (Key worker)", now)
    data = taf_pack.build(records, taf.policy, meta, now, purpose_label="Provide support",
                          destination_label="Print")
    text = " ".join(" ".join(page.extract_text() for page in
                             PdfReader(io.BytesIO(data)).pages).split())
    assert "Outside the agreed exchanges: Given at a JAG meeting." in text
    assert "Department for Work and Pensions" in text
