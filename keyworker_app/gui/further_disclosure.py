"""What the export dialog asks when a file would pass a partner's information on further
(ISA section 5): the partner's written consent (its reference and date) or the statutory
obligation that requires it. Hidden until the export service refuses for want of either."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from keyworker_app.domain.dates import DATE_HINT, parse_date
from keyworker_app.domain.disclosure import NO_BASIS, DisclosureBasis
from keyworker_app.domain.policy import Policy
from keyworker_app.errors import UserFacingError


class FurtherDisclosureFields(QWidget):
    """The consent group and the statutory option; ``basis()`` reads them."""

    DRAFT_FIELDS: dict[str, type] = {"disclosure_shown": bool, "consent_ref": str,
                                     "consent_date": str, "statutory": str}

    def __init__(self, policy: Policy, parent: QWidget | None = None, *,
                 again: str = "export again") -> None:
        super().__init__(parent)
        self.consent = QGroupBox("Written consent of the partner")
        self.reference = QLineEdit()
        self.reference.setAccessibleName("Consent reference")
        self.reference.setMaxLength(40)
        self.day = QLineEdit()
        self.day.setAccessibleName("Consent date")
        self.day.setPlaceholderText(DATE_HINT)
        consent_form = QFormLayout(self.consent)
        consent_form.addRow("Consent re&ference:", self.reference)
        consent_form.addRow("Consent &date:", self.day)

        self.statutory = QCheckBox("Or a &statutory obligation requires it:")
        self.gateway = QComboBox()
        self.gateway.setAccessibleName("Statutory obligation")
        # Long citations must not widen the dialog when the fields appear.
        self.gateway.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.gateway.setMinimumContentsLength(30)
        for gateway in policy.gateways:
            self.gateway.addItem(f"{gateway.label} ({gateway.citation})", gateway.id)
        self.gateway.setEnabled(False)
        self.statutory.toggled.connect(self.gateway.setEnabled)
        self.statutory.setEnabled(bool(policy.gateways))

        note = QLabel("Record the basis for passing the partner's information on, then "
                      f"{again}.")
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(note)
        layout.addWidget(self.consent)
        layout.addWidget(self.statutory)
        layout.addWidget(self.gateway)
        self.setVisible(False)

    def basis(self) -> DisclosureBasis:
        """What is recorded (nothing while the fields are hidden); a date that is not a
        date is refused with a plain message."""
        if self.isHidden():
            return NO_BASIS
        reference, typed_day = self.reference.text().strip(), self.day.text().strip()
        consent_on = None
        if typed_day:
            try:
                consent_on = parse_date(typed_day)
            except ValueError as exc:
                raise UserFacingError(f"Consent date: {exc}",
                                      f"Type the date of the written consent as "
                                      f"{DATE_HINT}.") from None
        statutory = str(self.gateway.currentData() or "") if self.statutory.isChecked() else ""
        return DisclosureBasis(consent_ref=reference, consent_on=consent_on,
                               statutory=statutory)

    def draft_state(self) -> dict[str, Any]:
        return {"disclosure_shown": not self.isHidden(), "consent_ref": self.reference.text(),
                "consent_date": self.day.text(),
                "statutory": str(self.gateway.currentData() or "")
                if self.statutory.isChecked() else ""}

    def apply_draft_state(self, draft: dict[str, Any]) -> None:
        self.setVisible(bool(draft.get("disclosure_shown")))
        self.reference.setText(str(draft.get("consent_ref", "")))
        self.day.setText(str(draft.get("consent_date", "")))
        found = self.gateway.findData(str(draft.get("statutory", "")))
        self.statutory.setChecked(found >= 0 and bool(draft.get("statutory")))
        if found >= 0:
            self.gateway.setCurrentIndex(found)
