"""Suspension of the agreement (ISA §15): a partner, or the whole agreement, is suspended for
45 days from its start (or until lifted); meanwhile nothing new is recorded from it, nothing
is exported to it, and the Risk Assessment and Resolution meeting is due within 14 days.

Pure rules: whether a suspension is in force is worked out from the day the caller gives
(the injected clock), so a suspension ends by itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from keyworker_app.domain.audit import Role
from keyworker_app.domain.dates import format_date
from keyworker_app.domain.family import Family
from keyworker_app.domain.handling import domain_matches, email_domain
from keyworker_app.domain.policy import Policy
from keyworker_app.domain.problems import Problem
from keyworker_app.domain.provenance import THE_FAMILY, THIS_ORGANISATION, UNKNOWN, Source

SUSPENSION_DAYS = 45  # §15: the suspension lasts 45 days unless lifted sooner
MEETING_WITHIN_DAYS = 14  # §15: the Risk Assessment and Resolution meeting, within 14 days
WHOLE_AGREEMENT = "*"  # a suspension of the agreement itself, for every partner
RECORDING_ROLES = frozenset({Role.TEAM_LEAD})  # who may record or lift a suspension


@dataclass(frozen=True, slots=True)
class Suspension:
    partner_id: str  # a policy partner id, or WHOLE_AGREEMENT
    starts_on: date
    evidence: str  # a reference to the evidence (never the evidence itself)
    recorded_by: str
    lifted_on: date | None = None
    id: int | None = field(default=None, compare=False)

    @property
    def ends_on(self) -> date:
        """The first day the suspension no longer applies."""
        natural = self.starts_on + timedelta(days=SUSPENSION_DAYS)
        if self.lifted_on is not None and self.lifted_on < natural:
            return self.lifted_on
        return natural

    @property
    def meeting_due_on(self) -> date:
        return self.starts_on + timedelta(days=MEETING_WITHIN_DAYS)

    def in_force(self, today: date) -> bool:
        return self.starts_on <= today < self.ends_on

    def covers(self, partner_id: str) -> bool:
        return self.partner_id in (WHOLE_AGREEMENT, partner_id)


def partner_label(policy: Policy | None, partner_id: str) -> str:
    if partner_id == WHOLE_AGREEMENT:
        return "the whole agreement"
    if policy is None:
        return partner_id
    try:
        return policy.partner(partner_id).name
    except KeyError:
        return partner_id


def suspension_problems(suspension: Suspension, policy: Policy, role: Role,
                        today: date) -> list[Problem]:
    problems: list[Problem] = []
    if role not in RECORDING_ROLES:
        problems.append(Problem(("role",), "only a team lead or the information governance "
                                        "officer can record or lift a suspension"))
    if suspension.partner_id != WHOLE_AGREEMENT and suspension.partner_id not in {
            p.id for p in policy.partners}:
        problems.append(Problem(("partner",), "choose one of the agreement's partners, or the "
                                           "whole agreement"))
    if not suspension.evidence.strip():
        problems.append(Problem(("evidence",), "give the reference of the evidence for the "
                                            "suspension"))
    if suspension.starts_on > today + timedelta(days=SUSPENSION_DAYS):
        problems.append(Problem(("starts_on",), "must not be more than 45 days ahead"))
    return problems


def lift_problems(suspension: Suspension, role: Role, on: date) -> list[Problem]:
    problems: list[Problem] = []
    if role not in RECORDING_ROLES:
        problems.append(Problem(("role",), "only a team lead or the information governance "
                                        "officer can record or lift a suspension"))
    if suspension.lifted_on is not None:
        problems.append(Problem(("lifted_on",), "this suspension has already been lifted"))
    elif on < suspension.starts_on:
        problems.append(Problem(("lifted_on",), "must not be before the suspension started"))
    elif on >= suspension.ends_on:
        problems.append(Problem(("lifted_on",), "the suspension has already ended"))
    return problems


def in_force(suspensions: Iterable[Suspension], today: date) -> list[Suspension]:
    return [s for s in suspensions if s.in_force(today)]


def suspending(suspensions: Iterable[Suspension], partner_id: str,
               today: date) -> Suspension | None:
    """The suspension in force that covers ``partner_id``, if any."""
    for s in suspensions:
        if s.in_force(today) and s.covers(partner_id):
            return s
    return None


def new_record_partners(family: Family) -> set[str]:
    """The source partners of the family's records not yet saved (no id): what a save adds."""
    records: list[tuple[int | None, Source]] = []
    for person in family.members:
        records += [(o.id, o.source) for o in person.offences]
        records += [(e.id, e.source) for e in person.education]
        records += [(b.id, b.source) for b in person.benefits]
    records += [(a.id, a.source) for a in family.asb_interventions]
    records += [(c.id, c.source) for c in family.concerns]
    records += [(n.id, n.source) for n in family.notes]
    return {source.partner for record_id, source in records if record_id is None}


def family_refusal(suspensions: Sequence[Suspension], policy: Policy | None, family: Family,
                   today: date) -> str | None:
    """Why the family's new records may not be saved today (one comes from a suspended
    partner), or None."""
    for partner_id in sorted(new_record_partners(family)):
        reason = source_refusal(suspensions, policy, partner_id, today)
        if reason is not None:
            return reason
    return None


def source_refusal(suspensions: Sequence[Suspension], policy: Policy | None, partner_id: str,
                   today: date) -> str | None:
    """Why new information from ``partner_id`` may not be recorded today, or None."""
    if partner_id in (THE_FAMILY, THIS_ORGANISATION, UNKNOWN):
        return None
    s = suspending(suspensions, partner_id, today)
    if s is None:
        return None
    return (f"Information from {partner_label(policy, partner_id)} cannot be recorded: the "
            f"agreement is suspended for {partner_label(policy, s.partner_id)} until "
            f"{_day(s.ends_on)} (ISA §15, evidence {s.evidence}).")


def recipient_partners(policy: Policy, address: str) -> tuple[str, ...]:
    """The partners whose e-mail domains ``address`` belongs to (whole labels match)."""
    domain = email_domain(address)
    if domain is None:
        return ()
    found = [p.id for p in policy.partners
             if any(domain_matches(domain, suffix) for suffix in p.email_domains)]
    return tuple(found)


def recipient_refusal(suspensions: Sequence[Suspension], policy: Policy, address: str,
                      today: date) -> str | None:
    """Why nothing may be exported to ``address`` today, or None."""
    if any(s.partner_id == WHOLE_AGREEMENT and s.in_force(today) for s in suspensions):
        s = suspending(suspensions, WHOLE_AGREEMENT, today)
        assert s is not None
        return (f"Nothing can be exported under the agreement: it is suspended until "
                f"{_day(s.ends_on)} (ISA §15, evidence {s.evidence}).")
    for partner_id in recipient_partners(policy, address):
        s = suspending(suspensions, partner_id, today)
        if s is not None:
            return (f"Nothing can be exported to {partner_label(policy, partner_id)}: the "
                    f"agreement is suspended for it until {_day(s.ends_on)} (ISA §15, "
                    f"evidence {s.evidence}).")
    return None


def _day(d: date) -> str:
    return format_date(d)


def suspension_notices(suspensions: Iterable[Suspension], policy: Policy | None,
                       today: date) -> list[str]:
    """One line per suspension in force, for Today and Team: until when, and the meeting."""
    lines = []
    for s in in_force(suspensions, today):
        due = ("overdue since" if today > s.meeting_due_on else "due by")
        lines.append(f"Suspended: {partner_label(policy, s.partner_id)} until "
                     f"{_day(s.ends_on)} (ISA §15). The Risk Assessment and Resolution "
                     f"meeting is {due} {_day(s.meeting_due_on)}.")
    return lines


SUSPENDED_MARK = " (suspended)"  # after a partner's name while the agreement is suspended for it


def suspended_partners(suspensions: Iterable[Suspension], policy: Policy,
                       today: date) -> frozenset[str]:
    """The policy's partners under a suspension in force today (all of them for the whole
    agreement)."""
    running = in_force(suspensions, today)
    return frozenset(p.id for p in policy.partners if any(s.covers(p.id) for s in running))


def marked_policy(policy: Policy, suspended: frozenset[str]) -> Policy:
    """The policy for showing records: each suspended partner's name ends "(suspended)", so
    every source, shared item, chronology entry and report that names it says so."""
    if not suspended:
        return policy
    return replace(policy, partners=tuple(
        replace(p, name=p.name + SUSPENDED_MARK) if p.id in suspended else p
        for p in policy.partners))


def record_banner(suspensions: Iterable[Suspension], policy: Policy, today: date,
                  partners_in_record: Iterable[str]) -> str:
    """What a family record shows while its information from a partner is under suspension:
    empty when none of its partners is suspended."""
    held = set(partners_in_record)
    lines = []
    for s in in_force(suspensions, today):
        covered = sorted(p.id for p in policy.partners if s.covers(p.id) and p.id in held)
        if not covered:
            continue
        names = ", ".join(partner_label(policy, pid) for pid in covered)
        lines.append(f"Suspended until {_day(s.ends_on)} (ISA §15): the agreement for "
                     f"{partner_label(policy, s.partner_id)}. Information here from {names} is "
                     "marked \"(suspended)\": record nothing new from it, and share nothing "
                     "under its exchanges.")
    return "\n".join(lines)
