"""The breach form takes the ISA §12 follow-up: partners told, police, learning, circulation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from keyworker_app.domain.breach import Breach
from keyworker_app.domain.dates import format_datetime
from keyworker_app.gui.breach_view import BreachDialog
from tests.unit.services.programme_fixtures import POLICY

NOW = datetime(2025, 3, 15, 12, 0, tzinfo=UTC)
FOUND = NOW - timedelta(hours=30)


def test_follow_up_is_typed_saved_and_reachable(qtbot: QtBot) -> None:
    saved: list[Breach] = []

    def save(b: Breach) -> Breach:
        saved.append(b)
        return b

    partner = POLICY.partners[0]
    dialog = BreachDialog(POLICY, save, Breach(POLICY.breach.categories[0].id, FOUND,
                                                "Letter to the wrong address", (partner.id,),
                                                True), now=lambda: NOW)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.width() <= 1024 and dialog.height() <= 768
    labels = {w.text(): w.buddy() for w in dialog.findChildren(QLabel) if w.buddy()}
    for text, widget in (("Partners to&ld on:", dialog.partners_told),
                         ("W&hom told:", dialog.told_whom), ("Lea&rning:", dialog.learning),
                         ("C&irculated on:", dialog.circulated)):
        assert labels[text] is widget
        assert widget.focusPolicy() & Qt.FocusPolicy.TabFocus
    dialog.partners_told.setText(format_datetime(FOUND + timedelta(hours=2)))
    dialog.told_whom.setPlainText("Information Governance Manager")
    dialog.police.setChecked(True)
    dialog.police_decision.setPlainText("No further action")
    dialog.learning.setPlainText("Check addresses twice")
    dialog.outcome.setPlainText("Letter returned")
    dialog.circulated.setText(format_datetime(FOUND + timedelta(hours=20)))
    assert dialog.try_save()
    [b] = saved
    assert b.partners_told_at == FOUND + timedelta(hours=2)
    assert b.partners_told_whom == "Information Governance Manager"
    assert b.police_consulted and b.police_decision == "No further action"
    assert b.learning == "Check addresses twice"
    assert b.circulated_at == FOUND + timedelta(hours=20)


def test_a_follow_up_in_the_future_is_refused_on_the_form(qtbot: QtBot) -> None:
    def save(b: Breach) -> Breach:
        from keyworker_app.domain.breach import check_breach
        check_breach(b, POLICY, NOW)
        return b

    dialog = BreachDialog(POLICY, save, Breach(POLICY.breach.categories[0].id, FOUND,
                                                "Lost file", (POLICY.partners[0].id,), True),
                          now=lambda: NOW)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.circulated.setText(format_datetime(NOW + timedelta(days=2)))
    dialog.learning.setPlainText("Lock the cabinet")
    assert not dialog.try_save()
    assert dialog.problem.isVisible() and "future" in dialog.problem.text()
