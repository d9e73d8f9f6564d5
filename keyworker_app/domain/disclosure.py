"""Further disclosure (the agreement's section 5): information a partner gave may go on only to
that partner, to a party to the exchange it came under, or with the partner's written consent
or a statutory obligation. Pure rules, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from keyworker_app.domain.dates import iso_text
from keyworker_app.domain.family import Family
from keyworker_app.domain.policy import Policy
from keyworker_app.domain.provenance import OTHER_NAMED
from keyworker_app.domain.sources import sourced_records
from keyworker_app.domain.taf import SharedInformation
from keyworker_app.errors import UserFacingError, ValidationError

_REFERENCE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9/._-]{0,39}")


@dataclass(frozen=True, slots=True)
class DisclosureBasis:
    """What the user recorded to pass information on: the source's written consent
    (reference and date) or a statutory obligation (a policy gateway id)."""

    consent_ref: str = ""
    consent_on: date | None = None
    statutory: str = ""

    def audit_text(self) -> str:
        if self.consent_ref:
            assert self.consent_on is not None
            return f"consent-ref={self.consent_ref} consent-on={iso_text(self.consent_on)}"
        if self.statutory:
            return f"statutory={self.statutory}"
        return ""


NO_BASIS = DisclosureBasis()


def check_basis(basis: DisclosureBasis, policy: Policy) -> None:
    """A consent needs a plain reference (it goes into the audit) and its date."""
    if basis.consent_ref or basis.consent_on is not None:
        if not _REFERENCE_RE.fullmatch(basis.consent_ref):
            raise ValidationError("Consent reference", "give the reference of the written "
                                  "consent: letters, digits, '/', '.', '-' (up to 40)")
        if basis.consent_on is None:
            raise ValidationError("Consent date", "give the date of the written consent")
    if basis.statutory and basis.statutory not in {g.id for g in policy.gateways}:
        raise ValidationError("Statutory obligation", "choose one of the policy's gateways")


@dataclass(frozen=True, slots=True)
class Provided:
    """One piece of a file's content as §5 sees it: whose it is, and the exchange it came
    under (None for a record that names none: any exchange its partner provides under)."""

    partner: str
    exchange: str | None = None


def provided_by_shared(shared: Iterable[SharedInformation]) -> list[Provided]:
    return [Provided(item.from_partner, item.exchange) for item in shared]


def provided_by_records(family: Family) -> list[Provided]:
    """The family's indicator records and case notes, by source partner and by data
    controller where that is another partner."""
    provided: list[Provided] = []
    for _path, source in sourced_records(family):
        provided.append(Provided(source.partner))
        if source.controller and source.controller not in (source.partner, OTHER_NAMED):
            provided.append(Provided(source.controller))
    return provided


def source_partners(provided: Iterable[Provided], policy: Policy) -> tuple[str, ...]:
    """The policy partners whose information the file holds, in the policy's order."""
    held = {p.partner for p in provided}
    return tuple(p.id for p in policy.partners if p.id in held)


def _parties(item: Provided, policy: Policy) -> set[str]:
    if item.exchange is None:
        exchanges = [x for x in policy.exchanges if item.partner in x.from_partners]
    else:
        exchanges = [x for x in policy.exchanges if x.id == item.exchange]
    return {p for x in exchanges for p in (*x.from_partners, *x.to_partners)}


def needing_consent(provided: Iterable[Provided], to_org: str | None,
                    policy: Policy) -> tuple[str, ...]:
    """Partners whose information would reach ``to_org`` (a partner id, None: an organisation
    outside the agreement) though it is neither them nor a party to the exchange it came under
    (for a record naming no exchange: to any exchange the partner provides under)."""
    partners = {p.id for p in policy.partners}
    needing: list[str] = []
    for item in provided:
        source = item.partner
        if source not in partners or source == to_org or source in needing:
            continue
        if to_org is None or to_org not in _parties(item, policy):
            needing.append(source)
    return tuple(needing)


def purpose_outside(provided: Iterable[Provided], purpose_id: str,
                    policy: Policy) -> tuple[str, ...]:
    """The exchanges (ids, in the policy's order) the file's information came under that do not
    list ``purpose_id`` among their purposes (Appendix B; the second data protection
    principle): recorded with the export so the purpose can be reviewed."""
    used = {item.exchange for item in provided if item.exchange}
    return tuple(x.id for x in policy.exchanges
                 if x.id in used and purpose_id not in x.purposes)


def sources_needing_consent(shared: Iterable[SharedInformation], to_org: str | None,
                            policy: Policy) -> tuple[str, ...]:
    """``needing_consent`` for shared information only."""
    return needing_consent(provided_by_shared(shared), to_org, policy)


class FurtherDisclosureError(UserFacingError):
    def __init__(self, names: list[str]) -> None:
        super().__init__(
            f"This file holds information from {', '.join(names)}, and the recipient is not "
            "that partner nor a party to the exchange it came under (ISA section 5).",
            "Record the partner's written consent (reference and date) or the statutory "
            "obligation, or leave that information out.")


def require_basis(needing: tuple[str, ...], basis: DisclosureBasis, policy: Policy) -> None:
    if needing and not (basis.consent_ref or basis.statutory):
        raise FurtherDisclosureError([policy.partner(p).name for p in needing])
