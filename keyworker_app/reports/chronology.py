"""The family's chronology in the safeguarding layout: date | event | source | significance |
action taken, oldest first, marked on every page like every report."""

from __future__ import annotations

from reportlab.platypus import Flowable

from keyworker_app.domain.chronology import Entry, EntryKind, significance_text
from keyworker_app.domain.dates import format_date, format_time
from keyworker_app.domain.family import Family
from keyworker_app.reports.blocks import name_of, purpose_notice
from keyworker_app.reports.meta import ReportMeta
from keyworker_app.reports.page import render
from keyworker_app.reports.styles import data_table, gap, long_table_heading, title_block

TITLE = "Chronology"
HEADERS = ["Date", "Event", "Source", "Significance", "Action taken"]


def _row(family: Family, entry: Entry) -> list[str]:
    when = format_date(entry.day)
    if entry.moment is not None:
        when = f"{when} {format_time(entry.moment)}"
    about = ", ".join(name_of(family, r) for r in entry.person_refs)
    event = f"{entry.kind.label}: {entry.event}. " + (f"{about}: " if about else "") \
        + entry.summary
    action = entry.summary if entry.kind is EntryKind.DECISION else ""
    return [when, event, entry.who, significance_text(entry), action]


def story(family: Family, entries: tuple[Entry, ...], purpose_label: str,
          destination_label: str) -> list[Flowable]:
    rows = [_row(family, e) for e in entries]
    return [
        *title_block(TITLE, f"{family.reference} — {family.family_name} family"),
        *purpose_notice(purpose_label, destination_label),
        gap(),
        *long_table_heading("Events in date order"),
        data_table(HEADERS, rows, [2.2, 6.4, 2.6, 2.6, 3]),
    ]


def build(family: Family, entries: tuple[Entry, ...], meta: ReportMeta, purpose_label: str,
          destination_label: str) -> bytes:
    return render(meta, story(family, entries, purpose_label, destination_label))
