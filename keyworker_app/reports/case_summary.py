"""The case summary: one family's record as it stands, for a partner or a handover."""

from __future__ import annotations

from datetime import date

from reportlab.platypus import Flowable

from keyworker_app.domain.dates import format_date, format_datetime
from keyworker_app.domain.family import Family
from keyworker_app.reports.blocks import family_facts, members_table, name_of, purpose_notice
from keyworker_app.reports.meta import ReportMeta
from keyworker_app.reports.page import render
from keyworker_app.reports.styles import data_table, gap, heading, title_block

TITLE = "Case summary"


def _benefit(value: str) -> str:
    text = value.replace("-", " ")
    return text.upper() if len(text) <= 3 else text.capitalize()


def indicator_sections(family: Family) -> list[Flowable]:
    people = family.members
    offences = [[p.display_name, format_date(o.offence_date), o.disposal.label,
                 "Yes" if o.disposal.is_formal else "No", o.description]
                for p in people for o in sorted(p.offences, key=lambda o: o.offence_date)]
    asb = [[a.kind.label, name_of(family, a.person_ref), format_date(a.start_date),
            format_date(a.end_date)] for a in family.asb_interventions]
    education = [[p.display_name, f"{e.academic_year}/{(e.academic_year + 1) % 100:02d}",
                  e.term.value.capitalize(), str(e.fixed_exclusions),
                  "Yes" if e.permanent_exclusion else "No",
                  f"{e.unauthorised_absence_pct:.1f}%"]
                 for p in people for e in sorted(p.education, key=lambda e: e.sort_key)]
    benefits = [[p.display_name, _benefit(b.benefit.value), format_date(b.from_date),
                 format_date(b.to_date)] for p in people for b in p.benefits]
    concerns = [[c.kind.label, name_of(family, c.person_ref), format_date(c.noted_on),
                 format_date(c.ended_on), c.detail] for c in family.concerns]
    return [
        heading("Offences"),
        data_table(["Person", "Date", "Disposal", "Proven", "Description"], offences,
                   [3, 1.6, 3, 1.1, 4]),
        heading("Anti-social behaviour interventions"),
        data_table(["Intervention", "Person", "From", "To"], asb, [4, 3, 1.6, 1.6]),
        heading("Education by term"),
        data_table(["Person", "Year", "Term", "Fixed exclusions", "Permanent exclusion",
                    "Unauthorised absence"], education, [3.2, 1.3, 1.3, 1.6, 1.8, 1.8]),
        heading("Benefits"),
        data_table(["Person", "Benefit", "From", "To"], benefits, [3.5, 3, 1.6, 1.6]),
        heading("Concerns"),
        data_table(["Concern", "Person", "Noted", "Ended", "Detail"], concerns,
                   [2.8, 2.6, 1.6, 1.6, 4.5]),
    ]


def story(family: Family, today: date, purpose_label: str,
          destination_label: str) -> list[Flowable]:
    relationships = [[name_of(family, r.subject_ref), r.kind.label, name_of(family, r.object_ref)]
                     for r in family.relationships]
    addresses = [[", ".join(x for x in (a.line1, a.line2) if x), a.town, a.postcode,
                  format_date(a.from_date), format_date(a.to_date) or "Current"]
                 for a in family.addresses]
    ordered = sorted(family.notes, key=lambda n: n.occurred_at)
    notes = [[format_datetime(n.occurred_at), n.kind.label, name_of(family, n.person_ref),
              n.author, n.summary + (" (amended: see below)" if n.amendments else "")]
             for n in ordered]
    amendments = [[format_datetime(n.occurred_at), format_datetime(a.amended_at), a.author,
                   a.reason, a.text] for n in ordered for a in n.amendments]
    return [
        *title_block(TITLE, f"{family.reference} — {family.family_name} family"),
        *purpose_notice(purpose_label, destination_label),
        gap(),
        heading("Family"),
        family_facts(family),
        *members_table(family, today),
        heading("Relationships"),
        data_table(["Person", "Relationship", "To"], relationships, [3, 2, 3]),
        heading("Addresses"),
        data_table(["Address", "Town", "Postcode", "From", "To"], addresses,
                   [4.5, 2, 1.6, 1.6, 1.6]),
        *indicator_sections(family),
        heading("Contact log"),
        data_table(["When", "Kind", "About", "Recorded by", "Summary"], notes,
                   [2.1, 1.6, 2, 2, 6.5]),
        *([heading("Amendments to case notes"),
           data_table(["Note of", "Amended", "By", "Reason", "Amended text"], amendments,
                      [2.1, 2.1, 2, 3, 5])] if amendments else []),
    ]


def build(family: Family, meta: ReportMeta, today: date, purpose_label: str,
          destination_label: str) -> bytes:
    return render(meta, story(family, today, purpose_label, destination_label))
