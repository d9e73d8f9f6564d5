"""Appendix B as rules: an item filed under an exchange must come from one of its partners, to
the store owner's organisation, and be of a kind it carries; anything else is outside the
agreed exchanges and needs a reason, a lawful basis and an explicit confirmation."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from keyworker_app.domain.problems import InvalidRecordError
from keyworker_app.domain.sources import Filing, exchange_problems
from keyworker_app.domain.taf import OUTSIDE_EXCHANGES, SharedInformation, ShareMethod
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
