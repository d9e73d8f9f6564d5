"""A breach record for the information-governance officer (ISA §12).

Category, when it was found, what happened, the partners whose information is involved with
the governance contacts the policy gives for them (ISA Appendix E: posts, never named people),
the 72-hour clock for telling the regulator, the decision not to report and its reason, the
actions taken and the outcome; then the §12 follow-up: when and whom the partners were told,
the police's view, the learning and when it was circulated.
"""

from __future__ import annotations

from datetime import datetime

from reportlab.platypus import Flowable

from keyworker_app.domain.breach import (
    Breach,
    category_label,
    contacts,
    partner_notice_deadline,
    partners_notice_overdue,
    reporting_state,
)
from keyworker_app.domain.dates import format_datetime
from keyworker_app.domain.policy import Policy
from keyworker_app.reports.breach_text import breach_reference, clock_text
from keyworker_app.reports.meta import ReportMeta
from keyworker_app.reports.page import render
from keyworker_app.reports.styles import (
    TABLE_WIDTH,
    data_table,
    heading,
    key_values,
    para,
    title_block,
)

TITLE = "Breach record"


def story(breach: Breach, policy: Policy, now: datetime) -> list[Flowable]:
    state = reporting_state(breach, policy, now)
    facts = [
        ("Breach", breach_reference(breach)),
        ("Category", category_label(breach.category, policy)),
        ("Found", format_datetime(breach.found_at)),
        ("Serious (a risk to people)", "Yes" if breach.serious else "No"),
        ("Reporting", state.label),
        (f"{policy.breach.regulator_deadline_hours}-hour clock", clock_text(breach, policy, now)),
        ("Decision not to report", breach.not_reported_reason or "None recorded"),
        ("Closed", format_datetime(breach.closed_at) or "Open"),
    ]
    partner_rows = [[partner.name, c.post, c.role.replace("-", " ").capitalize(),
                     c.telephone, c.email]
                    for partner, posts in contacts(breach, policy) for c in posts]
    partner_rows += [[partner.name, "No governance contact in the policy", "", "", ""]
                     for partner, posts in contacts(breach, policy) if not posts]
    return [
        *title_block(TITLE, f"{breach_reference(breach)} — "
                     f"{category_label(breach.category, policy)}"),
        key_values(facts, TABLE_WIDTH),
        heading("What happened"),
        para(breach.summary),
        heading("Partners whose information is involved, and who to tell (Appendix E)"),
        data_table(["Partner", "Post", "Role", "Telephone", "E-mail"], partner_rows,
                   [3, 3.5, 2, 1.8, 3], "No partner's information is involved."),
        heading("Follow-up (ISA §12)"),
        key_values(follow_up(breach, policy, now), TABLE_WIDTH),
        heading("Actions taken"),
        para(breach.actions or "None recorded."),
        heading("Outcome"),
        para(breach.outcome or "Not yet recorded."),
        heading("Learning"),
        para(breach.learning or "Not yet recorded."),
    ]


def follow_up(breach: Breach, policy: Policy, now: datetime) -> list[tuple[str, str]]:
    """When and whom the partners were told, the police, and circulation of the learning."""
    if breach.partners_told_at is not None:
        told = format_datetime(breach.partners_told_at)
    elif partners_notice_overdue(breach, policy, now):
        told = (f"Not yet — overdue (due by "
                f"{format_datetime(partner_notice_deadline(breach, policy))})")
    elif breach.serious and breach.partners:
        told = f"Not yet (due by {format_datetime(partner_notice_deadline(breach, policy))})"
    else:
        told = "Not recorded"
    police = "Yes" if breach.police_consulted else "No"
    return [
        ("Partners told", told),
        ("Whom they were told", breach.partners_told_whom or "Not recorded"),
        ("Police consulted", police),
        ("Police decision", breach.police_decision or "None recorded"),
        ("Outcome and learning circulated to partners",
         format_datetime(breach.circulated_at) or "Not yet"),
    ]


def build(breach: Breach, policy: Policy, meta: ReportMeta, now: datetime) -> bytes:
    return render(meta, story(breach, policy, now))
