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
from keyworker_app.domain.policy import Policy
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


def sources_needing_consent(shared: Iterable[SharedInformation], to_org: str | None,
                            policy: Policy) -> tuple[str, ...]:
    """Partners whose information would reach ``to_org`` (a partner id, None: an organisation
    outside the agreement) though it is neither them nor a party to the exchange it came under."""
    exchanges = {x.id: x for x in policy.exchanges}
    partners = {p.id for p in policy.partners}
    needing: list[str] = []
    for item in shared:
        source = item.from_partner
        if source not in partners or source == to_org or source in needing:
            continue
        exchange = exchanges.get(item.exchange)
        parties = (set(exchange.from_partners) | set(exchange.to_partners)) if exchange else set()
        if to_org is None or to_org not in parties:
            needing.append(source)
    return tuple(needing)


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
