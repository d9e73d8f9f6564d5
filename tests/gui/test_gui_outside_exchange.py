"""Recording information outside the agreed exchanges asks for an explicit confirmation: No
keeps the form open with the reason; Yes records it confirmed."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from keyworker_app.domain.taf import OUTSIDE_EXCHANGES, SharedInformation, ShareMethod
from keyworker_app.errors import ValidationError
from keyworker_app.gui.outside_exchange import confirm_outside

SHOTS = Path("/work/coord/shots/sources")
ITEM = SharedInformation(from_partner="dwp", exchange=OUTSIDE_EXCHANGES, summary="On JSA.",
                         received_on=date(2025, 3, 3), method=ShareMethod.SECURE_EMAIL,
                         data_controller="dwp", outside_reason="Given at a JAG meeting.",
                         lawful_basis="wra-2012-s134")


def answer(button: QMessageBox.StandardButton, shot: str = "") -> None:
    def press() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        if shot:
            SHOTS.mkdir(parents=True, exist_ok=True)
            box.grab().save(str(SHOTS / shot))
        box.button(button).click()
    QTimer.singleShot(0, press)


def test_no_refuses_and_yes_confirms(qtbot: Any) -> None:
    answer(QMessageBox.StandardButton.No, "outside_confirmation.png")
    with pytest.raises(ValidationError, match="confirm that it came outside"):
        confirm_outside(None, ITEM)
    answer(QMessageBox.StandardButton.Yes)
    assert confirm_outside(None, ITEM).outside_confirmed


def test_an_item_under_an_agreed_exchange_asks_nothing() -> None:
    under = SharedInformation(from_partner="dwp", exchange="dwp-benefit-information",
                              summary="On JSA.", received_on=date(2025, 3, 3),
                              method=ShareMethod.SECURE_EMAIL, data_controller="dwp")
    assert confirm_outside(None, under) is under
