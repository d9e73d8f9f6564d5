"""The subject-access disclosure (ISA §17): everything held about one person.

Built from ``SubjectAccessPack``. Items about the whole household are included and flagged
"Household", because they may also hold other people's information, which must be reviewed
(and redacted where needed) before the pack is released. Shared information names the partner
that shared it and the data controller. The PDF's title and subject (shown in a viewer's window
bar) carry the request reference only, never the person's name.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING

from reportlab.platypus import Flowable

from keyworker_app.domain.dates import format_date, format_datetime
from keyworker_app.domain.provenance import OTHER_NAMED, SPECIAL_SOURCES, Source
from keyworker_app.reports.case_summary import _benefit
from keyworker_app.reports.meta import ReportMeta
from keyworker_app.reports.page import render
from keyworker_app.reports.styles import (
    NOTE,
    TABLE_WIDTH,
    data_table,
    gap,
    heading,
    key_values,
    para,
    title_block,
)

if TYPE_CHECKING:
    from keyworker_app.domain.subject_access_pack import SubjectAccessPack
    from keyworker_app.domain.taf import SharedInformation

TITLE = "Subject access disclosure"
HOUSEHOLD = "Household (review before release)"
REVIEW_NOTICE = ("Items marked 'Household' are about the whole household and may hold "
                 "information about other people. Review them, and redact what is not about "
                 "the person, before this disclosure is released.")


def _controller(item: SharedInformation, partner_ids: Sequence[str],
                partner_name: Callable[[str], str]) -> str:
    """The data controller by name: a partner's, the one given for 'other (named)', or the
    text typed before controllers were chosen from the agreement."""
    if item.data_controller == OTHER_NAMED:
        return item.data_controller_name
    if item.data_controller in partner_ids:
        return partner_name(item.data_controller)
    return item.data_controller


def _who(pack: SubjectAccessPack, ref: str) -> str:
    if not ref:
        return HOUSEHOLD
    return "This person" if pack.about_them(ref) else f"Household member {ref}"


CONSULT_NOTICE = ("The agreement (section 17) asks that the partners whose information a "
                  "disclosure holds are consulted before it is released: they may ask for an "
                  "exemption to be considered.")


def consult_section(pack: SubjectAccessPack, partner_ids: Sequence[str],
                    partner_name: Callable[[str], str]) -> list[Flowable]:
    rows = [[partner_name(pid), ", ".join(kinds)]
            for pid, kinds in pack.partners_to_consult(partner_ids)]
    out: list[Flowable] = [heading("Partners to consult before release"),
                           para(CONSULT_NOTICE, NOTE),
                           data_table(["Partner", "Their information in this disclosure"],
                                      rows, [5, 7],
                                      empty="No partner's information is held in it.")]
    unknown = pack.unknown_sources()
    if unknown:
        out.append(para(f"{unknown} record(s) in it do not say where they came from "
                        "(\"Unknown (to complete)\"): complete their sources in the family "
                        "record, then consult those partners too.", NOTE))
    return out


def story(pack: SubjectAccessPack, request_label: str, *, received_on: date, due_on: date,
          partner_name: Callable[[str], str],
          partner_ids: Sequence[str] = ()) -> list[Flowable]:
    p = pack.person
    facts = [("Request", request_label), ("Received", format_date(received_on)),
             ("Due", format_date(due_on)), ("Name", p.display_name),
             ("Date of birth", format_date(p.date_of_birth)),
             ("Role in household", p.household_role.label),
             ("Family reference", pack.family_reference)]
    facts += [(label, value) for label, value in (
        ("Sex or gender as recorded", p.sex_gender), ("Unique Pupil Number", p.upn),
        ("NHS number", p.nhs_number), ("National Insurance number", p.ni_number)) if value]
    relationships = [[_who(pack, r.subject_ref), r.kind.label, _who(pack, r.object_ref)]
                     for r in pack.relationships]
    addresses = [[", ".join(x for x in (a.line1, a.line2) if x), a.town, a.postcode,
                  format_date(a.from_date), format_date(a.to_date) or "Current"]
                 for a in pack.addresses]
    def src(source: Source) -> str:  # where each record came from (ISA §9)
        return SPECIAL_SOURCES.get(source.partner) or partner_name(source.partner)

    offences = [[format_date(o.offence_date), o.disposal.label, o.description, src(o.source)]
                for o in sorted(p.offences, key=lambda o: o.offence_date)]
    education = [[f"{e.academic_year}/{(e.academic_year + 1) % 100:02d}",
                  e.term.value.capitalize(), str(e.fixed_exclusions),
                  "Yes" if e.permanent_exclusion else "No", f"{e.unauthorised_absence_pct:.1f}%",
                  src(e.source)]
                 for e in sorted(p.education, key=lambda e: e.sort_key)]
    benefits = [[_benefit(b.benefit.value), format_date(b.from_date), format_date(b.to_date),
                 src(b.source)]
                for b in p.benefits]
    asb = [[a.kind.label, _who(pack, a.person_ref), format_date(a.start_date),
            format_date(a.end_date), src(a.source)] for a in pack.asb]
    concerns = [[c.kind.label, _who(pack, c.person_ref), format_date(c.noted_on),
                 format_date(c.ended_on), c.detail, src(c.source)] for c in pack.concerns]
    notes = [[format_datetime(n.occurred_at), n.kind.label, _who(pack, n.person_ref), n.author,
              n.summary] for n in sorted(pack.notes, key=lambda n: n.occurred_at)]
    consents = [[format_date(c.recorded_on), c.state.label,
                 ", ".join(partner_name(s) for s in c.scope) or "None", c.how.label,
                 c.recorded_by] for c in pack.consents]
    meetings = []
    for m in sorted(pack.meetings, key=lambda m: m.held_at):
        views = " ".join(v.views for v in m.members if pack.about_them(v.person_ref))
        meetings.append([format_datetime(m.held_at), m.kind.label, m.venue, m.chair,
                         views or "Not recorded", "Finalised" if m.finalised_at else "Draft"])
    shared = [[format_date(s.received_on), partner_name(s.from_partner),
               _controller(s, partner_ids, partner_name),
               s.method.label, "This person" if s.about else HOUSEHOLD, s.summary]
              for s in sorted(pack.shared, key=lambda s: s.received_on)]
    return [
        *title_block(TITLE, f"Request {request_label}"),
        para(REVIEW_NOTICE, NOTE),
        gap(),
        heading("The person"),
        key_values(facts, TABLE_WIDTH),
        *consult_section(pack, partner_ids, partner_name),
        heading("Relationships"),
        data_table(["Person", "Relationship", "To"], relationships, [3, 2, 3]),
        heading("Addresses (the household's)"),
        data_table(["Address", "Town", "Postcode", "From", "To"], addresses,
                   [4.5, 2, 1.6, 1.6, 1.6]),
        heading("Offences"),
        data_table(["Date", "Disposal", "Description", "Source"], offences, [1.6, 3, 4, 2.6]),
        heading("Education by term"),
        data_table(["Year", "Term", "Fixed exclusions", "Permanent exclusion",
                    "Unauthorised absence", "Source"], education,
                   [1.3, 1.3, 1.6, 1.8, 2.0, 2.6]),
        heading("Benefits"),
        data_table(["Benefit", "From", "To", "Source"], benefits, [3, 1.6, 1.6, 2.6]),
        heading("Anti-social behaviour interventions"),
        data_table(["Intervention", "About", "From", "To", "Source"], asb,
                   [3.6, 2.6, 1.6, 1.6, 2.6]),
        heading("Concerns"),
        data_table(["Concern", "About", "Noted", "Ended", "Detail", "Source"], concerns,
                   [2.4, 2.2, 1.5, 1.5, 3.6, 2.6]),
        heading("Contact log"),
        data_table(["When", "Kind", "About", "Recorded by", "Summary"], notes,
                   [2.1, 1.6, 2, 2, 6.5]),
        heading("Consent to share"),
        data_table(["Recorded", "Consent", "Partners covered", "How", "Recorded by"], consents,
                   [1.6, 1.6, 5, 2, 2]),
        heading("Team Around the Family meetings they took part in or were discussed at"),
        data_table(["When", "Meeting", "Venue", "Chair", "Their views", "Record"], meetings,
                   [2.1, 1.8, 2, 2, 4.5, 1.4]),
        heading("Information shared by partners, and who shared it"),
        data_table(["Received", "Shared by", "Data controller", "How", "About", "What"],
                   shared, [1.6, 2.6, 2.4, 1.8, 2, 4.5]),
    ]


def build(pack: SubjectAccessPack, meta: ReportMeta, request_label: str, *, received_on: date,
          due_on: date, partner_name: Callable[[str], str],
          partner_ids: Sequence[str] = ()) -> bytes:
    """``partner_ids``: the policy's partners, in order (those to consult are listed)."""
    return render(meta, story(pack, request_label, received_on=received_on, due_on=due_on,
                              partner_name=partner_name, partner_ids=partner_ids))
