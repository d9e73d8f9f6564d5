"""Programme → Suspensions of the agreement (ISA §15): every suspension recorded, whether it
is in force today, until when, and when the Risk Assessment and Resolution meeting is due;
a team lead can lift one that is in force. (Recording one: ``keyworker suspension add``.)"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from keyworker_app.domain.dates import format_date
from keyworker_app.domain.suspension import Suspension, partner_label
from keyworker_app.errors import UserFacingError
from keyworker_app.gui.errors import show_error
from keyworker_app.gui.record_model import RecordTableModel
from keyworker_app.gui.widgets import action_button, button_row, confirm_box, record_table
from keyworker_app.services.suspensions import SuspensionService


class SuspensionView(QWidget):
    def __init__(self, service: SuspensionService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        policy = service.policy
        today = service.today
        self.model: RecordTableModel[Suspension] = RecordTableModel([
            ("Partner", lambda s: partner_label(policy, s.partner_id)),
            ("State", lambda s: "In force" if s.in_force(today()) else "Ended"),
            ("From", lambda s: format_date(s.starts_on)),
            ("Until", lambda s: format_date(s.ends_on)),
            ("Meeting due by", lambda s: format_date(s.meeting_due_on)),
            ("Evidence", lambda s: s.evidence),
            ("Recorded by", lambda s: s.recorded_by)], self)
        self.table = record_table("Suspensions of the agreement", self.model,
                                  single_selection=True)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.lift_button = action_button("&Lift suspension…", "Lift the selected suspension",
                                         self._ask_lift)
        layout = QVBoxLayout(self)
        intro = QLabel("While a suspension is in force (45 days, or until lifted) nothing new "
                       "is recorded from that partner and nothing is exported to it. The Risk "
                       "Assessment and Resolution meeting is due within 14 days (ISA §15). "
                       "Record one with: keyworker suspension add.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addLayout(button_row([self.lift_button]))
        self.refresh()

    def refresh(self) -> None:
        rows = self._service.all()
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        current = [s for s in rows if s.in_force(self._service.today())]
        self.summary.setText(
            "No suspension is in force." if not current else
            "In force: " + "; ".join(
                f"{partner_label(self._service.policy, s.partner_id)} until "
                f"{format_date(s.ends_on)} (meeting due by {format_date(s.meeting_due_on)})"
                for s in current))

    def selected(self) -> Suspension | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.record(rows[0].row()) if rows else None

    def _ask_lift(self) -> None:
        chosen = self.selected()
        if chosen is None or chosen.id is None:
            return
        suspension_id = chosen.id
        partner = partner_label(self._service.policy, chosen.partner_id)
        confirm_box(self, "Lift suspension", f"Lift the suspension of {partner}?",
                    detail="Information from the partner can be recorded and exported again "
                    "from today.", confirm_text="&Lift",
                    confirmed=lambda: self.lift(suspension_id))

    def lift(self, suspension_id: int) -> None:
        try:
            self._service.lift(suspension_id)
        except UserFacingError as exc:
            show_error(self, exc)
        self.refresh()
