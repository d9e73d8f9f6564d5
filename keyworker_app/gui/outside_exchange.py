"""The explicit confirmation asked before information outside the agreed exchanges is recorded
(ISA Appendix B): the reason and lawful basis are on the form; this asks the user to confirm."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from keyworker_app.domain.taf import OUTSIDE_EXCHANGES, SharedInformation
from keyworker_app.errors import ValidationError

QUESTION = ("This information did not come under one of the agreement's exchanges. It will be "
            "marked 'outside the agreed exchanges' on the family's record and in every report, "
            "with the reason and lawful basis you gave.\n\nRecord it as outside the agreed "
            "exchanges?")


def confirm_outside(parent: QWidget | None, item: SharedInformation) -> SharedInformation:
    """The item, confirmed if it is outside the exchanges and the user says so; refused
    (the form stays open) if the user does not confirm."""
    if item.exchange != OUTSIDE_EXCHANGES or item.outside_confirmed:
        return item
    box = QMessageBox(QMessageBox.Icon.Warning, "Outside the agreed exchanges", QUESTION,
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                      parent or QApplication.activeWindow())
    box.setDefaultButton(QMessageBox.StandardButton.No)
    if box.exec() != QMessageBox.StandardButton.Yes:
        raise ValidationError("Agreed exchange", "choose the exchange it came under, or "
                              "confirm that it came outside the agreed exchanges")
    return replace(item, outside_confirmed=True)
