"""The family record's programme panel: which ISA Appendix D criteria the family meets today,
the records that meet each one and the ones that nearly do, whether it qualifies, and a chart
of results since entry (unauthorised absence by term, incidents by month).

Worked out the first time the tab is shown (an audited view), and again after the record
changes; cleared on lock.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from keyworker_app.domain.criteria import CriterionResult, Evaluation
from keyworker_app.domain.dates import format_date
from keyworker_app.domain.family import Family
from keyworker_app.domain.outcomes import FamilyResults, OutcomeResult
from keyworker_app.domain.sources import evidence_source_text
from keyworker_app.errors import UserFacingError
from keyworker_app.gui.accessible import FOCUS_CONTRAST, error_colour, readable
from keyworker_app.gui.errors import show_error
from keyworker_app.gui.record_model import RecordTableModel
from keyworker_app.gui.widgets import action_button, record_table
from keyworker_app.services.programme import ProgrammeService

log = logging.getLogger("keyworker.gui.criteria_panel")

BAR_HUE = QColor("#2f6f9f")
GRID_HUE = QColor("#b8c2cc")


def chart_colours(palette: QPalette) -> tuple[QColor, QColor, QColor]:
    """(bar, over the threshold, grid) for the palette in force: bars and the threshold line
    reach 3:1 against the window (non-text parts), the threshold's figure 4.5:1 (text)."""
    window = palette.color(QPalette.ColorRole.Window)
    return (readable(BAR_HUE, window, FOCUS_CONTRAST), error_colour(palette),
            readable(GRID_HUE, window, 1.3))


Names = Callable[[str], str]  # a member's ref to how the screen names them ('' for none)


def _evidence(result: CriterionResult, near: bool,
              sources: Callable[[str, tuple[int, ...]], str] = lambda _k, _i: "",
              names: Names = lambda _r: "") -> str:
    """Each record's explanation, whom it is about and where it came from (ISA §9); a line
    said twice (two records with one explanation) is shown once."""
    items = result.near_misses if near else result.evidence
    lines: list[str] = []
    for e in items:
        who = names(e.person_ref) if e.person_ref else ""
        line = f"{who}: {e.explanation}" if who else e.explanation
        source = sources(e.record_kind, e.record_ids)
        line = f"{line} ({source})" if source else line
        if line not in lines:
            lines.append(line)
    return "\n".join(lines) or ("—" if near else "None")


def criteria_columns(sources: Callable[[str, tuple[int, ...]], str],
                     names: Names = lambda _r: "") -> tuple[
        tuple[str, Callable[[CriterionResult], str]], ...]:
    return (
        ("Criterion", lambda r: r.criterion.label),
        ("Met", lambda r: "Yes" if r.met else "No"),
        ("Evidence", lambda r: _evidence(r, False, sources, names)),
        ("Near misses", lambda r: _evidence(r, True, sources, names)),
    )


def result_detail(result: OutcomeResult, names: Names) -> str:
    if not result.by_person:
        return result.detail
    return "Not yet: " + "; ".join(f"{names(ref) or 'A family member'}: {what}"
                                   for ref, what in result.by_person)


def result_columns(names: Names) -> tuple[tuple[str, Callable[[OutcomeResult], str]], ...]:
    return (
        ("Result", lambda r: r.outcome.label),
        ("Applies", lambda r: "Yes" if r.applicable else "No"),
        ("Achieved", lambda r: "Yes" if r.achieved else "No"),
        ("Detail", lambda r: result_detail(r, names)),
    )


# One colour per child in the absence chart (the threshold line: the palette's error colour).
CHILD_COLOURS = (QColor("#2f6f9f"), QColor("#6b8e23"), QColor("#8e5ea2"), QColor("#c17d11"),
                 QColor("#3c8d8d"), QColor("#7a7a7a"))


class ResultsChart(QWidget):
    """Two small bar charts: each child's unauthorised absence by term against the threshold
    (a bar per child, so one child far over the line is not hidden in a household average),
    and proven offences plus ASB interventions by month (entry marked)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Results chart")
        self.setMinimumHeight(190)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # reachable, so its description is read
        self._terms: list[tuple[str, list[tuple[int, float]]]] = []  # (term, [(child, %)])
        self._children: list[str] = []  # the children's names, in colour order
        self._months: list[tuple[str, int]] = []
        self._entry = ""
        self._threshold = 15.0

    def set_results(self, results: FamilyResults | None, threshold: float,
                    names: Names = lambda _r: "") -> None:
        self._threshold = threshold
        self._terms, self._children, self._months, self._entry = [], [], [], ""
        refs: list[str] = []
        if results is not None:
            by_term: dict[str, list[tuple[int, float]]] = {}
            for point in results.absence_by_term:
                if point.person_ref not in refs:
                    refs.append(point.person_ref)
                by_term.setdefault(point.term.label, []).append(
                    (refs.index(point.person_ref), point.unauthorised_absence_pct))
            self._terms = list(by_term.items())
            self._children = [names(r) or "A child" for r in refs]
            self._months = [(m.label, m.offences + m.asb) for m in results.incidents_by_month]
            self._entry = f"{results.entry.month:02d}/{results.entry.year}"
        terms = "; ".join(
            f"{term}: " + ", ".join(f"{self._children[c]} {pct:.1f}%" for c, pct in values)
            for term, values in self._terms) or "no school records"
        months = ", ".join(f"{k}: {v}" for k, v in self._months if v) or "none"
        self.setAccessibleDescription(
            f"Unauthorised absence by term (threshold {threshold:.0f}%): {terms}. "
            f"Incidents by month: {months}.")
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        width = self.width()
        half = (width - 30) / 2
        highest = max([0.0, *(pct for _t, values in self._terms for _c, pct in values)])
        self._bars(painter, QRectF(10, 8, half, self.height() - 16),
                   "Unauthorised absence by term (%)", self._terms,
                   top=max(30.0, self._threshold * 1.5, highest), line=self._threshold)
        self._bars(painter, QRectF(20 + half, 8, half, self.height() - 16),
                   "Offences and ASB by month",
                   [(k, [(0, float(v))]) for k, v in self._months],
                   top=max([3.0, *(float(v) for _k, v in self._months)]),
                   line=None, marker=self._entry)
        painter.end()

    def _bars(self, painter: QPainter, area: QRectF, title: str,
              points: list[tuple[str, list[tuple[int, float]]]], *, top: float,
              line: float | None, marker: str = "") -> None:
        text = self.palette().windowText().color()
        bar_colour, warn, grid = chart_colours(self.palette())
        painter.setPen(text)
        metrics = painter.fontMetrics()
        painter.drawText(area.adjusted(0, 0, 0, 0), Qt.AlignmentFlag.AlignTop
                         | Qt.AlignmentFlag.AlignHCenter, title)
        legend = line is not None and len(self._children) > 1
        head = metrics.height() * (2 if legend else 1) + 6
        if legend:  # which colour is which child
            x = area.left() + 28
            for i, name in enumerate(self._children):
                painter.fillRect(QRectF(x, area.top() + metrics.height() + 3, 10, 10),
                                 CHILD_COLOURS[i % len(CHILD_COLOURS)])
                painter.drawText(QPointF(x + 13, area.top() + 2 * metrics.height()), name)
                x += 23 + metrics.horizontalAdvance(name)
        plot = area.adjusted(28, head, -4, -metrics.height() - 6)
        painter.setPen(QPen(grid, 1))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        painter.drawLine(plot.bottomLeft(), plot.topLeft())
        painter.setPen(text)
        painter.drawText(QRectF(area.left(), plot.top() - 6, 26, 14),
                         Qt.AlignmentFlag.AlignRight, f"{top:.0f}")
        painter.drawText(QRectF(area.left(), plot.bottom() - 7, 26, 14),
                         Qt.AlignmentFlag.AlignRight, "0")
        if not points:
            painter.drawText(plot, Qt.AlignmentFlag.AlignCenter, "No records")
            return
        step = plot.width() / len(points)
        widest = max(metrics.horizontalAdvance(label) for label, _v in points) + 10
        label_every = max(1, int(widest / step) + (1 if widest % step else 0))
        for i, (label, values) in enumerate(points):
            left = plot.left() + i * step
            each = step * 0.7 / max(1, len(values))
            for j, (child, value) in enumerate(values):
                height = plot.height() * min(value, top) / top
                bar = QRectF(left + step * 0.15 + j * each, plot.bottom() - height, each, height)
                over = line is not None and value >= line
                if line is None:
                    painter.fillRect(bar, bar_colour)
                else:  # the child's colour; over the line, a thick warning edge as well
                    painter.fillRect(bar, CHILD_COLOURS[child % len(CHILD_COLOURS)])
                    if over:
                        painter.setPen(QPen(warn, 2))
                        painter.drawRect(bar)
                        painter.setPen(text)
            if i % label_every == 0:
                centre = left + step / 2
                painter.drawText(QRectF(centre - widest / 2, plot.bottom() + 2, widest,
                                        metrics.height()), Qt.AlignmentFlag.AlignHCenter, label)
            if marker and label == marker:  # entry to the programme: a dashed line
                painter.setPen(QPen(text, 1, Qt.PenStyle.DotLine))
                painter.drawLine(QPointF(left, plot.top()), QPointF(left, plot.bottom()))
                painter.drawText(QRectF(left + 3, plot.top(), 60, metrics.height()),
                                 Qt.AlignmentFlag.AlignLeft, "entry")
                painter.setPen(text)
        if line is not None:
            y = plot.bottom() - plot.height() * line / top
            painter.setPen(QPen(warn, 1, Qt.PenStyle.DashLine))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.drawText(QRectF(plot.right() - 60, y - metrics.height() - 1, 60,
                                    metrics.height()), Qt.AlignmentFlag.AlignRight,
                             f"{line:.0f}%")


def _table(name: str, model: RecordTableModel[Any], stretch: tuple[int, ...]) -> QTableView:
    table = record_table(name, model)
    table.setWordWrap(True)
    # Rows follow their wrapped text whatever the column widths become.
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header = table.horizontalHeader()
    for column in stretch:  # the text columns share what the short ones leave
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
    return table


class CriteriaPanel(QWidget):
    def __init__(self, programme: ProgrammeService, family_id: int,
                 today: Callable[[], date] = date.today, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Programme criteria and results")
        self._programme = programme
        self._family_id = family_id
        self._family: Family | None = None  # read with the evaluation, for evidence sources
        self._today = today
        self.evaluation: Evaluation | None = None
        self.results: FamilyResults | None = None
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        self.verdict.setTextFormat(Qt.TextFormat.PlainText)
        font = self.verdict.font()
        font.setBold(True)
        self.verdict.setFont(font)
        self.refresh_button = action_button("&Work out again", "Work out the criteria again",
                                            self.refresh)
        self.criteria_model: RecordTableModel[CriterionResult] = RecordTableModel(
            criteria_columns(self._source_of, self._name_of), self)
        self.results_model: RecordTableModel[OutcomeResult] = RecordTableModel(
            result_columns(self._name_of), self)
        self.criteria_table = _table("Programme criteria", self.criteria_model, (2, 3))
        self.results_table = _table("Results since entry", self.results_model, (3,))
        self.chart = ResultsChart()
        top = QHBoxLayout()
        top.addWidget(self.verdict, 1)
        top.addWidget(self.refresh_button, 0, Qt.AlignmentFlag.AlignTop)
        self.criteria_table.setMinimumHeight(240)
        self.results_table.setMinimumHeight(150)
        results_box = QGroupBox("Results since entry")
        results_layout = QVBoxLayout(results_box)
        results_layout.addWidget(self.results_table, 1)
        results_layout.addWidget(self.chart)
        inner = QWidget()
        inner_layout = QVBoxLayout(inner)
        inner_layout.setContentsMargins(0, 0, 0, 0)
        inner_layout.addLayout(top)
        inner_layout.addWidget(self.criteria_table, 3)
        inner_layout.addWidget(results_box, 2)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(inner)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        self._loaded = False

    @property
    def loaded(self) -> bool:
        return self._loaded

    def ensure_loaded(self) -> None:
        if not self._loaded:
            self.refresh()

    def invalidate(self) -> None:
        """The record changed: work it out again now if shown, else when next shown."""
        self._loaded = False
        if self.isVisible():
            self.refresh()

    def _name_of(self, ref: str) -> str:
        if self._family is None:
            return ""
        try:
            return self._family.member(ref).display_name
        except KeyError:
            return "A former member"

    def _source_of(self, record_kind: str, record_ids: tuple[int, ...]) -> str:
        if self._family is None:
            return ""
        return evidence_source_text(self._programme.policy, self._family, record_kind,
                                    record_ids)

    def refresh(self) -> None:
        day = self._today()
        try:
            self.evaluation = self._programme.evaluate(self._family_id, day)
            self._family = self._programme.family(self._family_id)
            self.results = self._programme.results(self._family_id, day)
        except UserFacingError as exc:
            show_error(self, exc)
            return
        self._loaded = True
        ev = self.evaluation
        self.verdict.setText(
            f"On {format_date(ev.as_of)} the family "
            f"{'QUALIFIES' if ev.qualifies else 'does not qualify'}: {ev.basis}.")
        self.criteria_model.set_rows(ev.results)
        self.results_model.set_rows(self.results.results)
        self.chart.set_results(self.results, self._programme.policy.criteria
                               .unauthorised_absence_pct, self._name_of)
        for table in (self.criteria_table, self.results_table):
            table.resizeColumnToContents(0)
            table.resizeColumnToContents(1)
        self.results_table.resizeColumnToContents(2)

    def clear(self) -> None:
        self.evaluation = None
        self.results = None
        self._loaded = False
        self.verdict.clear()
        self.criteria_model.clear()
        self.results_model.clear()
        self.chart.set_results(None, self._programme.policy.criteria.unauthorised_absence_pct)
