"""The TAF meeting record, for the family and the people who attended.

What the meeting said and agreed, and nothing else from the case file: no dates of birth,
addresses or contact log (minimisation). Family members are named only where they took part
or where information shared at the meeting is about them. A record that is not finalised
says so on every page.
"""

from __future__ import annotations

from datetime import date

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from keyworker_app.domain.dates import format_date, format_datetime
from keyworker_app.domain.family import Family
from keyworker_app.domain.policy import Policy
from keyworker_app.domain.taf import OUTCOME_NEEDED, Meeting, MeetingType
from keyworker_app.reports.blocks import name_of, purpose_notice
from keyworker_app.reports.meta import ReportMeta
from keyworker_app.reports.page import render
from keyworker_app.reports.styles import (
    BODY,
    BOLD_FONT,
    NOTE,
    RULE,
    TABLE_WIDTH,
    data_table,
    gap,
    heading,
    key_values,
    para,
    text,
    title_block,
)
from keyworker_app.reports.taf_blocks import (
    actions_table,
    agency_label,
    flowing_heading,
    shared_table,
    text_section,
)

TITLE = "TAF meeting record"
DRAFT = "DRAFT — not finalised"
_BANNER = ParagraphStyle("kwBanner", parent=BODY, fontName=BOLD_FONT, fontSize=10.5, leading=13)


def title_for(meeting: Meeting) -> str:
    """The report title; a draft says so in the furniture of every page."""
    return TITLE if meeting.is_finalised else f"{TITLE} ({DRAFT})"


def status_banner(meeting: Meeting) -> Flowable:
    if meeting.is_finalised:
        words = (f"Finalised by {meeting.finalised_by} on "
                 f"{format_datetime(meeting.finalised_at)}. Corrections appear as addenda "
                 "at the end; the original record is unchanged.")
    else:
        words = (f"{DRAFT.upper()}. This record may still change; it is not the agreed "
                 "record of the meeting until it is finalised.")
    table = Table([[Paragraph(text(words), _BANNER)]], colWidths=[TABLE_WIDTH], hAlign="LEFT")
    table.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 1.2 if not meeting.is_finalised
                                else 0.6, RULE), ("TOPPADDING", (0, 0), (-1, -1), 5),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                               ("LEFTPADDING", (0, 0), (-1, -1), 6)]))
    return table


def outcome_section(meeting: Meeting) -> list[Flowable]:
    """What the meeting decided for the plan, and why (review and closing meetings)."""
    if meeting.outcome is None and meeting.kind not in OUTCOME_NEEDED:
        return []
    decided = (f"Outcome: {meeting.outcome.label}." if meeting.outcome is not None
               else "No outcome has been recorded yet.")
    return [heading("Outcome of the meeting"), para(decided),
            para(f"Reason: {meeting.outcome_reason}" if meeting.outcome_reason.strip()
                 else "No reason has been recorded yet.")]


def story(meeting: Meeting, family: Family, policy: Policy, today: date, *,
          purpose_label: str, destination_label: str) -> list[Flowable]:
    facts = [("Family reference", family.reference), ("Meeting", meeting.kind.label),
             ("Date and time", format_datetime(meeting.held_at)),
             ("Venue", meeting.venue or "Not recorded"), ("Chair", meeting.chair),
             ("Notes taken by", meeting.note_taker or "Not recorded"),
             ("Confidentiality and consent explained to the family",
              "Yes" if meeting.consent_explained else "Not recorded"),
             ("Next review", format_date(meeting.next_review) or "Not set")]
    attendees = [[a.name, agency_label(policy, a.agency, a.agency_name), a.role,
                  a.attendance.label] for a in meeting.attendees]
    voices = [[name_of(family, m.person_ref), m.views or "No views recorded."]
              for m in meeting.members]
    decisions = [[str(number), d.text] for number, d in enumerate(meeting.decisions, 1)]
    addenda = [[format_datetime(a.added_at), a.author, a.text] for a in meeting.addenda]
    return [
        *title_block(TITLE, f"{meeting.kind.label} — {format_datetime(meeting.held_at)}"),
        status_banner(meeting),
        gap(8),
        key_values(facts, TABLE_WIDTH),
        gap(4),
        *purpose_notice(purpose_label, destination_label),
        heading("Who attended"),
        data_table(["Name", "Agency", "Role", "Attendance"], attendees, [3, 4, 3, 2],
                   "No attendees recorded."),
        heading("Family members who took part, and their views"),
        data_table(["Family member", "Their views, in their own words"], voices, [3, 9],
                   "No family member is recorded as taking part."),
        *text_section("The child's voice", meeting.child_voice,
                      "The child's own views were not recorded at this meeting."),
        *(text_section("What has changed since the last meeting", meeting.progress)
          if meeting.progress.strip() or meeting.kind is not MeetingType.INITIAL else []),
        *text_section("What is working well", meeting.strengths),
        *text_section("What we are worried about", meeting.worries),
        *text_section("What needs to happen", meeting.needs),
        heading("Decisions"),
        data_table(["No.", "Decision"], decisions, [0.6, 11.4], "No decisions recorded."),
        *flowing_heading("The plan"),
        actions_table(meeting.actions, policy, today, empty="No actions were set."),
        *flowing_heading("Information shared at the meeting"),
        para("Each item shows the partner it came from, the agreed exchange it came under "
             "(or why it came outside them), how and when it was received, the organisation "
             "that originally held it, and the lawful basis where consent did not cover it.",
             NOTE),
        gap(3),
        shared_table(meeting.shared, family, policy,
                     empty="No information was recorded as shared at the meeting."),
        *outcome_section(meeting),
        heading("Next review"),
        para(f"The next review is due by {format_date(meeting.next_review)}."
             if meeting.next_review else "No review date was set."),
        heading("Addenda"),
        data_table(["Added", "By", "Addendum"], addenda, [2.2, 2.6, 7.2], "No addenda."),
    ]


def build(meeting: Meeting, family: Family, policy: Policy, meta: ReportMeta, today: date,
          *, purpose_label: str, destination_label: str) -> bytes:
    return render(meta, story(meeting, family, policy, today, purpose_label=purpose_label,
                              destination_label=destination_label))
