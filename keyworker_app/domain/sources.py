"""Where each fact came from (ISA §9) and whether it came by an agreed exchange (Appendix B).

Every indicator record, case note and item of shared information may carry a ``Source``: the
partner it came from (a policy partner id, the family, or this organisation) and, where it
differs, the data controller (a partner of the policy, or another organisation by name).
Records from before sources were kept, and version 1 import files, say "unknown" until a key
worker completes them.

An item filed under an exchange must fit it: from one of its "from" partners, received by one of
its "to" organisations (the store owner's), of a category it lists. Anything else is "outside
the agreed exchanges" and needs a reason, a lawful basis and an explicit confirmation.

Pure functions returning ``Problem``s: no Qt, no SQL, no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from keyworker_app.domain.family import Family
from keyworker_app.domain.policy import Exchange, Policy
from keyworker_app.domain.problems import FieldPath, Problem
from keyworker_app.domain.provenance import (
    OTHER_NAMED,
    SPECIAL_SOURCES,
    THE_FAMILY,
    THIS_ORGANISATION,
    UNKNOWN,
    Source,
)
from keyworker_app.domain.taf import OUTSIDE_EXCHANGES, SharedInformation

# What an exchange may carry; an item names one. The policy's exchanges list theirs.
INFORMATION_CATEGORIES = {
    "identity": "Names, addresses and dates of birth",
    "offences": "Offences and their outcomes",
    "asb": "Anti-social behaviour incidents and interventions",
    "education": "School attendance and exclusions",
    "benefits": "Benefits, sanctions and employment",
    "substance-misuse": "Drug or alcohol use",
    "services-involved": "Services involved with the family",
    "family-information": "Relevant information about the family's members",
    "staff-contacts": "Staff contacts",
}


def partner_label(policy: Policy, partner_id: str) -> str:
    if partner_id in SPECIAL_SOURCES:
        return SPECIAL_SOURCES[partner_id]
    try:
        return policy.partner(partner_id).name
    except KeyError:
        return partner_id or SPECIAL_SOURCES[UNKNOWN]


def source_label(policy: Policy, source: Source) -> str:
    """"Leicestershire Police", or "The family (data controller: Probation)"."""
    label = partner_label(policy, source.partner)
    if source.controller == OTHER_NAMED:
        return f"{label} (data controller: {source.controller_name})"
    if source.controller and source.controller != source.partner:
        return f"{label} (data controller: {partner_label(policy, source.controller)})"
    return label


def source_problems(source: Source, policy: Policy) -> list[Problem]:
    """A source names a partner of the policy (or the family, this organisation, unknown);
    a data controller is a partner of the policy or another organisation named in full."""
    partners = {p.id for p in policy.partners}
    problems: list[Problem] = []
    if source.partner not in partners and source.partner not in SPECIAL_SOURCES:
        problems.append(Problem(("source",), "Choose a partner in the agreement, the family "
                                "or this organisation as the source."))
    if source.controller == OTHER_NAMED:
        if not source.controller_name.strip():
            problems.append(Problem(("controller_name",),
                                    "Name the organisation that is the data controller."))
    elif source.controller and source.controller not in partners:
        problems.append(Problem(("controller",), "Choose a partner in the agreement as the "
                                "data controller, or 'other (named)' with its name."))
    return problems


def receiving_partner(policy: Policy, organisation: str) -> str:
    """The policy partner id of the store owner's organisation (given by id or name), or ""."""
    wanted = organisation.strip().casefold()
    for partner in policy.partners:
        if wanted in (partner.id.casefold(), partner.name.casefold()):
            return partner.id
    return ""


@dataclass(frozen=True, slots=True)
class Filing:
    """How one item says it arrived: from whom, under which exchange, of what kind."""

    from_partner: str
    exchange: str  # an exchange id, or OUTSIDE_EXCHANGES
    category: str  # one of INFORMATION_CATEGORIES
    outside_reason: str = ""
    lawful_basis: str = ""  # a gateway id
    outside_confirmed: bool = False  # the user confirmed it falls outside the agreed exchanges


def _names(policy: Policy, ids: Iterable[str]) -> str:
    return ", ".join(partner_label(policy, i) for i in ids)


def exchange_problems(filing: Filing, policy: Policy, receiver: str) -> list[Problem]:
    """Whether an item fits the exchange it is filed under (Appendix B). ``receiver`` is the
    store owner's partner id ("" when the organisation is not a partner)."""
    if filing.exchange == OUTSIDE_EXCHANGES:
        return outside_problems(filing, policy)
    exchange: Exchange | None = next(
        (e for e in policy.exchanges if e.id == filing.exchange), None)
    if exchange is None:
        return [Problem(("exchange",), "Choose one of the agreement's exchanges, or 'outside "
                        "the agreed exchanges' with a reason.")]
    problems: list[Problem] = []
    if filing.from_partner not in exchange.from_partners:
        problems.append(Problem(("from_partner",), "This exchange carries information from "
                                f"{_names(policy, exchange.from_partners)} only: "
                                "choose the exchange it came under, or 'outside the agreed "
                                "exchanges'."))
    if receiver not in exchange.to_partners:
        problems.append(Problem(("exchange",), "Your organisation does not receive this "
                                "exchange; it goes to "
                                f"{_names(policy, exchange.to_partners)}."))
    if filing.category not in exchange.categories:
        listed = ", ".join(INFORMATION_CATEGORIES.get(c, c).lower()
                           for c in exchange.categories) or "nothing the app knows"
        problems.append(Problem(("category",), "This exchange does not carry this kind of "
                                f"information (it carries: {listed})."))
    return problems


def outside_problems(filing: Filing, policy: Policy) -> list[Problem]:
    problems: list[Problem] = []
    if not filing.outside_reason.strip():
        problems.append(Problem(("outside_reason",),
                                "Say why this came outside the agreed exchanges."))
    if filing.lawful_basis not in {g.id for g in policy.gateways}:
        problems.append(Problem(("lawful_basis",), "Information outside the agreed exchanges "
                                "needs one of the agreement's lawful bases."))
    if not filing.outside_confirmed:
        problems.append(Problem(("outside_confirmed",), "Confirm that you are recording "
                                "information outside the agreed exchanges."))
    return problems


__all__ = ["OTHER_NAMED", "THE_FAMILY", "THIS_ORGANISATION", "UNKNOWN", "Source"]


def shared_item_problems(item: SharedInformation, policy: Policy,
                         receiver: str) -> list[Problem]:
    """A newly recorded item of shared information: its data controller is a partner (or
    named), and it fits the exchange it is filed under or is confirmed as outside them."""
    problems = [
        Problem(("data_controller" if p.leaf == "controller" else "data_controller_name",),
                p.message)
        for p in source_problems(Source(THIS_ORGANISATION, item.data_controller,
                                        item.data_controller_name), policy)]
    if not item.data_controller:
        problems.append(Problem(("data_controller",), "Choose the partner that is the data "
                                "controller, or 'other (named)' with its name."))
    filing = Filing(item.from_partner, item.exchange, item.category, item.outside_reason,
                    item.lawful_basis, item.outside_confirmed)
    return problems + exchange_problems(filing, policy, receiver)


def is_outside(item: SharedInformation) -> bool:
    return item.exchange == OUTSIDE_EXCHANGES


def controller_label(policy: Policy, item: SharedInformation) -> str:
    """The data controller by name: a partner's, the one given for 'other (named)', or what was
    typed before controllers were chosen from the agreement."""
    if item.data_controller == OTHER_NAMED:
        return item.data_controller_name
    try:
        return policy.partner(item.data_controller).name
    except KeyError:
        return item.data_controller


def sourced_records(family: Family) -> Iterator[tuple[FieldPath, Source]]:
    """Every record of the family that carries a source, with its path in the family."""
    for m, person in enumerate(family.members):
        for key, sources in (("offences", [o.source for o in person.offences]),
                             ("education", [e.source for e in person.education]),
                             ("benefits", [b.source for b in person.benefits])):
            for i, source in enumerate(sources):
                yield ("members", m, key, i), source
    for key, sources in (("asb_interventions", [a.source for a in family.asb_interventions]),
                         ("concerns", [c.source for c in family.concerns]),
                         ("notes", [n.source for n in family.notes])):
        for i, source in enumerate(sources):
            yield (key, i), source


def unknown_sources(family: Family) -> int:
    """How many of the family's records do not yet say where they came from."""
    return sum(1 for _path, source in sourced_records(family) if source.is_unknown)


def record_sources(family: Family) -> dict[tuple[str, int], Source]:
    """Each saved record's source by (record kind as criteria evidence names it, id)."""
    found: dict[tuple[str, int], Source] = {}

    def add(kind: str, records: Iterable[tuple[int | None, Source]]) -> None:
        for record_id, source in records:
            if record_id is not None:
                found[(kind, record_id)] = source

    for person in family.members:
        add("offence", ((o.id, o.source) for o in person.offences))
        add("education-term", ((e.id, e.source) for e in person.education))
        add("benefit-spell", ((b.id, b.source) for b in person.benefits))
    add("asb-intervention", ((a.id, a.source) for a in family.asb_interventions))
    add("concern", ((c.id, c.source) for c in family.concerns))
    add("note", ((n.id, n.source) for n in family.notes))
    return found


def evidence_source_text(policy: Policy, family: Family, record_kind: str,
                         record_ids: Iterable[int]) -> str:
    """"Source: Leicestershire Police" for the records a piece of evidence rests on."""
    sources = record_sources(family)
    labels = list(dict.fromkeys(source_label(policy, sources[(record_kind, i)])
                                for i in record_ids if (record_kind, i) in sources))
    return f"Source: {'; '.join(labels)}" if labels else ""


def exchange_summary(policy: Policy, item: SharedInformation) -> str:
    """Under which agreed exchange an item came, with its agreed frequency and method, or
    that it came outside them: "Appendix B row 6 (On allocation, then as updated; Secure
    e-mail)"."""
    if is_outside(item):
        return "Outside the agreed exchanges"
    for number, exchange in enumerate(policy.exchanges, 1):
        if exchange.id == item.exchange:
            return f"Appendix B row {number} ({exchange.frequency}; {exchange.method})"
    return "An exchange no longer in the agreement"
