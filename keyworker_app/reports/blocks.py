"""Blocks more than one report uses: the purpose notice, family facts and the members table."""

from __future__ import annotations

from datetime import date

from reportlab.platypus import Flowable

from keyworker_app.domain.dates import age_on, format_date
from keyworker_app.domain.family import Family
from keyworker_app.reports.styles import NOTE, TABLE_WIDTH, data_table, heading, key_values, para


def name_of(family: Family, ref: str) -> str:
    if not ref:
        return "Household"
    try:
        return family.member(ref).display_name
    except KeyError:
        return "Unknown member"


def purpose_notice(purpose_label: str, destination_label: str) -> list[Flowable]:
    """ISA §5: no use or disclosure beyond the agreed purpose, said on the report itself."""
    return [
        key_values([("Purpose", purpose_label), ("Prepared for", destination_label)],
                   TABLE_WIDTH),
        para("Shared under the information sharing agreement for the purpose above only. Do "
             "not use it for any other purpose or pass it on without the written consent of "
             "the originating partner.", NOTE),
    ]


def family_facts(family: Family) -> Flowable:
    rows = [
        ("Family reference", family.reference),
        ("Family name", family.family_name),
        ("Status", family.status.label),
        ("Key worker", family.key_worker),
        ("Allocated", format_date(family.allocated_on)),
    ]
    if family.review_due:
        rows.append(("Review due", format_date(family.review_due)))
    if family.closed_on:
        rows.append(("Closed", f"{format_date(family.closed_on)}: {family.closure_reason}"))
    address = family.current_address
    if address is not None:
        rows.append(("Current address", ", ".join(
            part for part in (address.line1, address.line2, address.town, address.postcode)
            if part)))
    return key_values(rows, TABLE_WIDTH)


def members_table(family: Family, today: date) -> list[Flowable]:
    rows = [[p.display_name, format_date(p.date_of_birth), str(age_on(p.date_of_birth, today)),
             p.household_role.label] for p in family.members]
    return [heading("Members"),
            data_table(["Name", "Date of birth", "Age", "Role in household"], rows,
                       [4, 2, 1, 2.5], "No members recorded.")]
