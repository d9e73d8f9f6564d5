"""The store owner's role decides the team lead's actions (the agreement's section 7):
retention deletion, payment-by-results claims and breach closure."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from keyworker_app.domain.audit import Actor, Role
from keyworker_app.domain.breach import Breach
from keyworker_app.domain.retention import RetentionDecision, RetentionReview
from keyworker_app.domain.roles import LeadAction, RoleRefusedError
from keyworker_app.services.case_store import CaseSession
from keyworker_app.store.connection import open_encrypted
from keyworker_app.store.schema import migrate
from tests.unit.services import programme_fixtures
from tests.unit.services.programme_fixtures import POLICY
from tests.unit.services.test_retention_deletion import canary_family


@pytest.fixture(params=[Role.KEY_WORKER, Role.TEAM_LEAD])
def session(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[CaseSession]:
    conn = open_encrypted(tmp_path / "store.db", os.urandom(32))
    migrate(conn)
    owner = Actor("Owner", request.param, "Test Council")
    opened = CaseSession(conn, owner, programme_fixtures.TestClock())
    yield opened
    if opened.is_open:
        opened.connection.close()


def _delete(session: CaseSession) -> RetentionReview:
    family = session.add_family(canary_family("KW-0001", "Quince"))
    assert family.id is not None
    programme = session.programme(POLICY)
    today = programme_fixtures.TestClock().today()
    return programme.record_review(RetentionReview(
        family.id, today, RetentionDecision.DELETE, "No further risk", "Owner"))


def test_a_key_workers_store_refuses_retention_deletion_and_a_team_leads_allows_it(
    session: CaseSession,
) -> None:
    if session.actor.role is Role.KEY_WORKER:
        with pytest.raises(RoleRefusedError) as refused:
            _delete(session)
        assert "Only a team lead can delete a family's records" in refused.value.message
        assert session.families().count() == 1  # nothing was deleted
    else:
        saved = _delete(session)
        assert saved.id is not None
        assert session.families().count() == 0


def test_retaining_at_a_review_is_for_either_role(session: CaseSession) -> None:
    family = session.add_family(canary_family("KW-0002", "Medlar"))
    assert family.id is not None
    session.programme(POLICY).record_review(RetentionReview(
        family.id, date(2025, 3, 15), RetentionDecision.RETAIN, "Still open", "Owner",
        date(2025, 9, 30)))


def test_claims_and_breach_closure_follow_the_role(session: CaseSession) -> None:
    programme = session.programme(POLICY)
    lead = session.actor.role is Role.TEAM_LEAD
    assert programme.allows(LeadAction.PBR_CLAIM) is lead
    now = programme_fixtures.TestClock().now()
    breach = programme.rights.record_breach(Breach(
        POLICY.breach.categories[0].id, now - timedelta(hours=1), "Laptop left on a train"))
    closed = Breach(breach.category, breach.found_at, breach.summary, outcome="Recovered",
                    closed_at=now, id=breach.id)
    if lead:
        assert programme.claim() == []
        assert programme.rights.record_breach(closed).closed_at == now
    else:
        with pytest.raises(RoleRefusedError, match="payment-by-results claim"):
            programme.claim()
        with pytest.raises(RoleRefusedError, match="close a breach record"):
            programme.rights.record_breach(closed)
        assert programme.rights.breach(breach.id or 0).closed_at is None
