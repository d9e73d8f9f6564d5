"""The case summary: one family's record as it stands, for a partner or a handover."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from reportlab.platypus import Flowable

from keyworker_app.domain.dates import format_date, format_datetime
from keyworker_app.domain.family import Family
from keyworker_app.domain.policy import Policy
from keyworker_app.domain.provenance import SPECIAL_SOURCES, Source
from keyworker_app.domain.sources import source_label
from keyworker_app.reports.blocks import family_facts, members_table, name_of, purpose_notice
from keyworker_app.reports.meta import ReportMeta
from keyworker_app.reports.page import render
from keyworker_app.reports.styles import data_table, gap, heading, title_block

TITLE = "Case summary"
SourceText = Callable[[Source], str]


def _benefit(value: str) -> str:
    text = value.replace("-", " ")
    return text.upper() if len(text) <= 3 else text.capitalize()


def _plain_source(source: Source) -> str:
    return SPECIAL_SOURCES.get(source.partner, source.partner)


def indicator_sections(family: Family, src: SourceText = _plain_source) -> list[Flowable]:
    """Each indicator table, every row naming where it came from (ISA §9)."""
    people = family.members
    offences = [[p.display_name, format_date(o.offence_date), o.disposal.label,
                 "Yes" if o.disposal.is_formal else "No", o.description, src(o.source)]
                for p in people for o in sorted(p.offences, key=lambda o: o.offence_date)]
    asb = [[a.kind.label, name_of(family, a.person_ref), format_date(a.start_date),
            format_date(a.end_date), src(a.source)] for a in family.asb_interventions]
    education = [[p.display_name, f"{e.academic_year}/{(e.academic_year + 1) % 100:02d}",
                  e.term.value.capitalize(), str(e.fixed_exclusions),
                  "Yes" if e.permanent_exclusion else "No",
                  f"{e.unauthorised_absence_pct:.1f}%", src(e.source)]
                 for p in people for e in sorted(p.education, key=lambda e: e.sort_key)]
    benefits = [[p.display_name, _benefit(b.benefit.value), format_date(b.from_date),
                 format_date(b.to_date), src(b.source)] for p in people for b in p.benefits]
    concerns = [[c.kind.label, name_of(family, c.person_ref), format_date(c.noted_on),
                 format_date(c.ended_on), c.detail, src(c.source)] for c in family.concerns]
    return [
        heading("Offences"),
        data_table(["Person", "Date", "Disposal", "Proven", "Description", "Source"], offences,
                   [2.4, 1.6, 2.4, 1.4, 3.1, 2.6]),
        heading("Anti-social behaviour interventions"),
        data_table(["Intervention", "Person", "From", "To", "Source"], asb,
                   [3.6, 2.8, 1.6, 1.6, 3]),
        heading("Education by term"),
        data_table(["Person", "Year", "Term", "Fixed exclusions", "Permanent exclusion",
                    "Unauthorised absence", "Source"], education,
                   [2.3, 1.2, 1.2, 1.5, 1.7, 2.0, 2.6]),
        heading("Benefits"),
        data_table(["Person", "Benefit", "From", "To", "Source"], benefits,
                   [3, 2.8, 1.6, 1.6, 3]),
        heading("Concerns"),
        data_table(["Concern", "Person", "Noted", "Ended", "Detail", "Source"], concerns,
                   [2.4, 2.2, 1.5, 1.5, 3.6, 2.6]),
    ]


def story(family: Family, today: date, purpose_label: str,
          destination_label: str, src: SourceText = _plain_source) -> list[Flowable]:
    relationships = [[name_of(family, r.subject_ref), r.kind.label, name_of(family, r.object_ref)]
                     for r in family.relationships]
    addresses = [[", ".join(x for x in (a.line1, a.line2) if x), a.town, a.postcode,
                  format_date(a.from_date), format_date(a.to_date) or "Current"]
                 for a in family.addresses]
    ordered = sorted(family.notes, key=lambda n: n.occurred_at)
    notes = [[format_datetime(n.occurred_at), n.kind.label, name_of(family, n.person_ref),
              n.author, n.summary + (" (amended: see below)" if n.amendments else ""),
              src(n.source)]
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
        *indicator_sections(family, src),
        heading("Contact log"),
        data_table(["When", "Kind", "About", "Recorded by", "Summary", "Source"], notes,
                   [2.1, 1.5, 1.8, 1.8, 4.6, 2.4]),
        *([heading("Amendments to case notes"),
           data_table(["Note of", "Amended", "By", "Reason", "Amended text"], amendments,
                      [2.1, 2.1, 2, 3, 5])] if amendments else []),
    ]


def build(family: Family, meta: ReportMeta, today: date, purpose_label: str,
          destination_label: str, *, policy: Policy | None = None) -> bytes:
    """With ``policy``, sources are named by the agreement's partner names."""
    src: SourceText = _plain_source
    if policy is not None:
        def src(source: Source) -> str:
            return source_label(policy, source)
    return render(meta, story(family, today, purpose_label, destination_label, src))
