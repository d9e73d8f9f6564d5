"""What a report's page furniture shows, as plain data: the services fill it in without loading
reportlab (``reports.page`` draws it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from keyworker_app.domain.dates import format_datetime


@dataclass(frozen=True, slots=True)
class ReportMeta:
    """What the furniture shows. ``title`` and ``subject`` go into the PDF's properties too, so
    they must not name anyone: a viewer shows the title in its window bar."""

    title: str  # e.g. "Case summary"
    subject: str  # e.g. the family reference "KW-0001"
    marking: str  # the policy's protective marking, printed in capitals
    handling_line: str
    generated_by: str  # "Sam Worker (Key worker), Leeds City Council"
    generated_at: datetime

    @property
    def heading(self) -> str:
        return f"{self.title} — {self.subject}" if self.subject else self.title

    @property
    def generated_line(self) -> str:
        # When first, then who: a long organisation name is what gets shortened to fit.
        return f"Generated {format_datetime(self.generated_at)} by {self.generated_by}"
