"""The information sharing agreement (ISA) as data.

The app reads exactly one policy: who the partners are, what they agreed to exchange and why,
how shared information is marked and handled, and the thresholds the programme's criteria are
judged on. Keeping these here, not in code, means a later framework or a neighbouring
organisation's agreement is a new policy file rather than a new release.

Pure data: no I/O. ``keyworker_app.services.policy_loader`` builds these from a TOML file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from keyworker_app.domain.handover import HandoverRules
from keyworker_app.domain.indicators import Benefit, ConcernKind, Disposal

# A policy may shorten the idle timeout but never lengthen it past this: 15 minutes is the
# commonest baseline in public device guidance, and the screen shows case records.
MAX_IDLE_TIMEOUT_MINUTES = 15

PARTNER_KINDS = (
    "council",
    "police",
    "health",
    "probation",
    "dwp",
    "yos",
    "provider",
    "voluntary",
    "multi-agency",  # meetings of several agencies, e.g. a joint action group
)


@dataclass(frozen=True, slots=True)
class GovernanceContact:
    """A post to notify (e.g. of a breach), never a named person: people move on."""

    role: str  # "information-governance" or "information-security"
    post: str
    telephone: str = ""  # switchboard-style; the deployed policy fills in today's number
    email: str = ""  # a functional mailbox, never a personal address


@dataclass(frozen=True, slots=True)
class Partner:
    id: str
    name: str
    kind: str  # one of PARTNER_KINDS
    contacts: tuple[GovernanceContact, ...] = ()
    # Domains the partner's staff use for e-mail (whole labels match), so an export's recipient
    # resolves to an organisation. Security is the handling suffixes' business, not this list's.
    email_domains: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Purpose:
    """One of the purposes the agreement allows information to be shared for."""

    id: str
    label: str


@dataclass(frozen=True, slots=True)
class StatutoryGateway:
    """A legal power or duty that lets partners of the named kinds share information."""

    id: str
    label: str
    citation: str
    partner_kinds: tuple[str, ...]

    def applies_to(self, partner: Partner) -> bool:
        return partner.kind in self.partner_kinds


@dataclass(frozen=True, slots=True)
class Exchange:
    """One agreed flow of information between partners (a row of the agreement's table)."""

    id: str
    from_partners: tuple[str, ...]  # partner ids
    to_partners: tuple[str, ...]
    information: str
    purposes: tuple[str, ...]  # purpose ids
    frequency: str
    method: str
    categories: tuple[str, ...] = ()  # the kinds of information it carries (domain.sources)


@dataclass(frozen=True, slots=True)
class ExportPasswordRules:
    min_length: int
    min_character_classes: int  # of lower, upper, digit, symbol; a long passphrase may use 1
    passphrase_min_words: int  # this many words or more is strong whatever the classes


@dataclass(frozen=True, slots=True)
class Handling:
    """How shared information must be marked and moved (the agreement's handling rules)."""

    protective_marking: str  # printed in capitals at the top and bottom of every page
    handling_line: str  # a one-line instruction printed on every report
    secure_email_suffixes: tuple[str, ...]  # domains matched by whole labels
    export_password: ExportPasswordRules


@dataclass(frozen=True, slots=True)
class DeviceRules:
    idle_timeout_minutes: int
    lock_on_minimise: bool
    clipboard_clear_seconds: int
    screen_capture_protection: bool


@dataclass(frozen=True, slots=True)
class RetentionRules:
    review_months: int  # how often each family's records are reviewed for deletion
    information_freshness_days: int  # older shared information must be re-checked at source


@dataclass(frozen=True, slots=True)
class BreachCategory:
    id: str
    label: str


@dataclass(frozen=True, slots=True)
class BreachRules:
    categories: tuple[BreachCategory, ...]
    regulator_deadline_hours: int
    # ISA §12: partners whose information is involved are told of a serious breach within this.
    partner_notice_hours: int = 24
    # The police's decision and the learning are expected within this many days of finding it.
    follow_up_days: int = 28
    # This many failed unlocks since the last opening are offered as a possible breach (§12).
    failed_unlocks_to_report: int = 3


# What a policy file that leaves out a breach key gets (the shipped policy sets each).
BREACH_DEFAULTS = BreachRules(categories=(), regulator_deadline_hours=72)


@dataclass(frozen=True, slots=True)
class Criteria:
    """Thresholds for deciding a family meets the programme's criteria."""

    offence_window_months: int
    youth_age_below: int  # "under 18": ages strictly below this count as youth
    proven_disposals: tuple[Disposal, ...]
    asb_window_months: int
    fixed_exclusions_threshold: int  # this many or more in the window meets the criterion
    terms_window: int  # the last N complete school terms
    unauthorised_absence_pct: float  # this or more meets the criterion
    out_of_work_benefits: tuple[Benefit, ...]
    local_discretion_min_criteria: int  # meets this many of the others ...
    local_discretion_concerns: tuple[ConcernKind, ...]  # ... and is a cause for concern


@dataclass(frozen=True, slots=True)
class Results:
    """What counts as a result that earns payment."""

    exclusions_below: int
    absence_pct_below: float
    youth_offending_reduction_pct: float
    asb_reduction_pct: float
    measured_over_months: int
    continuous_employment_weeks: int


@dataclass(frozen=True, slots=True)
class Policy:
    name: str
    version: str
    effective_from: date
    handling: Handling
    device: DeviceRules
    retention: RetentionRules
    breach: BreachRules
    criteria: Criteria
    results: Results
    partners: tuple[Partner, ...] = ()
    purposes: tuple[Purpose, ...] = ()
    gateways: tuple[StatutoryGateway, ...] = ()
    exchanges: tuple[Exchange, ...] = ()
    # Handover bundles: how long a TAF-preparation copy lives, how long a bundle may wait to
    # be received, what a sender keeps after a transfer ([handover]; defaults when absent).
    handover: HandoverRules = HandoverRules()
    # The SHA-256 of the policy file as read (the text's, for a policy built from text): an
    # export's audit names the policy in force by its name and this hash.
    file_sha256: str = field(default="", compare=False)

    @property
    def protective_marking(self) -> str:
        return self.handling.protective_marking

    @property
    def handling_line(self) -> str:
        return self.handling.handling_line

    def partner(self, partner_id: str) -> Partner:
        for partner in self.partners:
            if partner.id == partner_id:
                return partner
        raise KeyError(partner_id)

    def purpose(self, purpose_id: str) -> Purpose:
        for purpose in self.purposes:
            if purpose.id == purpose_id:
                return purpose
        raise KeyError(purpose_id)

    def gateways_for(self, partner: Partner) -> tuple[StatutoryGateway, ...]:
        return tuple(g for g in self.gateways if g.applies_to(partner))

