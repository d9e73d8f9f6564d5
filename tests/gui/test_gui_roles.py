"""A key worker's store greys out the team lead's actions and says who can take them; a
team lead's store offers them."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from keyworker_app.domain.audit import Actor, Role
from keyworker_app.gui.breach_view import BreachDialog
from keyworker_app.gui.retention_view import RetentionQueueView
from keyworker_app.services.case_store import CaseSession
from keyworker_app.store.connection import open_encrypted
from keyworker_app.store.schema import migrate
from tests.unit.services import programme_fixtures
from tests.unit.services.programme_fixtures import POLICY
from tests.unit.services.test_retention_deletion import canary_family

SHOTS = Path("/work/coord/shots/disclosure")


@pytest.fixture(params=[Role.KEY_WORKER, Role.TEAM_LEAD])
def session(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[CaseSession]:
    conn = open_encrypted(tmp_path / "store.db", os.urandom(32))
    migrate(conn)
    opened = CaseSession(conn, Actor("Owner", request.param, "Test Council"),
                         programme_fixtures.TestClock())
    opened.add_family(canary_family("KW-0001", "Quince"))
    yield opened
    if opened.is_open:
        opened.connection.close()


def test_retention_delete_is_greyed_out_for_a_key_worker_saying_who_can(
    qtbot: Any, session: CaseSession
) -> None:
    view = RetentionQueueView(session.programme(POLICY), "Owner",
                              today=lambda: programme_fixtures.TestClock().today())
    qtbot.addWidget(view)
    view.resize(1024, 768)
    view.show()
    view.table.selectRow(0)
    QApplication.processEvents()
    assert view.retain_button.isEnabled()
    if session.actor.role is Role.KEY_WORKER:
        assert not view.delete_button.isEnabled()
        assert "Only a team lead can delete" in view.delete_button.toolTip()
        if SHOTS.is_dir():
            view.grab().save(str(SHOTS / "retention-key-worker.png"))
    else:
        assert view.delete_button.isEnabled()


def test_breach_closed_box_is_greyed_out_for_a_key_worker(
    qtbot: Any, session: CaseSession
) -> None:
    rights = session.programme(POLICY).rights
    may_close = session.actor.role is Role.TEAM_LEAD
    dialog = BreachDialog(POLICY, rights.record_breach,
                          now=lambda: datetime(2025, 3, 15, 9, 0, tzinfo=UTC),
                          may_close=may_close)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.closed.isEnabled() is may_close
    if not may_close:
        assert "Only a team lead can close a breach record" in dialog.closed.text()
        if SHOTS.is_dir():
            dialog.grab().save(str(SHOTS / "breach-key-worker.png"))
