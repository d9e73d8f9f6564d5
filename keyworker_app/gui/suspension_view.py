"""Programme → Suspensions of the agreement (ISA §15): every suspension recorded, whether it
is in force today, until when, and when the Risk Assessment and Resolution meeting is due;
a team lead records one (partner or the whole agreement, start date, evidence reference) and
can lift one that is in force."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from keyworker_app.domain.dates import format_date, parse_date
from keyworker_app.domain.problems import InvalidRecordError
from keyworker_app.domain.roles import LeadAction, allowed, who_can
from keyworker_app.domain.suspension import WHOLE_AGREEMENT, Suspension, partner_label
from keyworker_app.errors import UserFacingError
from keyworker_app.gui.errors import show_error
from keyworker_app.gui.form_dialog import DraftRegistry, FieldSpec, FormDialog
from keyworker_app.gui.record_model import RecordTableModel
from keyworker_app.gui.widgets import action_button, button_row, confirm_box, record_table
from keyworker_app.services.suspensions import SuspensionService

RECORD_FORM = "suspension-record"
RECORD_KEY = "programme/suspension"


def _check_day(value: str) -> str | None:
    try:
        parse_date(value)
    except ValueError as exc:
        return str(exc)
    return None


class SuspensionView(QWidget):
    def __init__(self, service: SuspensionService, parent: QWidget | None = None, *,
                 registry: DraftRegistry | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self._registry = registry
        self.dialog: FormDialog | None = None
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
        self.record_button = action_button("&Record a suspension…",
                                           "Record a suspension of a partner or of the whole "
                                           "agreement", self.open_record)
        if not allowed(service.role, LeadAction.SUSPENSION):
            for button in (self.record_button, self.lift_button):
                button.setEnabled(False)
                button.setToolTip(who_can(LeadAction.SUSPENSION))
        layout = QVBoxLayout(self)
        intro = QLabel("While a suspension is in force (45 days, or until lifted) nothing new "
                       "is recorded from that partner and nothing is exported to it. The Risk "
                       "Assessment and Resolution meeting is due within 14 days (ISA §15).")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addLayout(button_row([self.record_button, self.lift_button]))
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

    def open_record(self, initial: dict[str, str] | None = None,
                    restored: bool = False) -> FormDialog:
        """Record a suspension: the partner (or the whole agreement), the day it starts and the
        reference of its evidence. The service refuses it on a key worker's store."""
        policy = self._service.policy
        choices = ((WHOLE_AGREEMENT, "The whole agreement"),) + tuple(
            (p.id, p.name) for p in policy.partners)

        def submit(values: dict[str, str]) -> None:
            try:
                self._service.record(values["partner"], parse_date(values["starts_on"]),
                                     values["evidence"])
            except InvalidRecordError as exc:
                raise InvalidRecordError.for_form(exc.problems, ()) from None

        dialog = FormDialog(
            self, "Record a suspension of the agreement", RECORD_FORM, RECORD_KEY,
            fields=[
                FieldSpec("partner", "&Partner", choices=choices,
                          hint="The partner that suspended the agreement, or the whole "
                               "agreement."),
                FieldSpec("starts_on", "&Start date", _check_day, placeholder="DD/MM/YYYY",
                          hint="It lasts 45 days from this day unless lifted sooner."),
                FieldSpec("evidence", "&Evidence reference", placeholder="e.g. IG-2025-014",
                          hint="A reference to the evidence, never the evidence itself."),
            ],
            on_submit=submit,
            initial=initial or {"starts_on": format_date(self._service.today())},
            registry=self._registry, restored=restored, ask_before_discard=True)
        dialog.finished.connect(self._recorded)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _recorded(self, _code: int) -> None:
        self.dialog = None
        self.refresh()
