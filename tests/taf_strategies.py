"""Hypothesis strategies for TAF records (meetings, actions, consent, shared information).

Built for one saved family: member refs and partner, exchange and gateway ids are drawn from
what the caller passes, so every record is valid for the store and the policy. Shared items
carry a lawful basis and a reason, so they pass whatever consent is recorded.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from hypothesis import strategies as st

from keyworker_app.domain.policy import Policy
from keyworker_app.domain.taf import (
    OTHER_AGENCY,
    OUTCOME_NEEDED,
    OUTSIDE_EXCHANGES,
    Action,
    ActionStatus,
    Attendance,
    Attendee,
    Consent,
    ConsentMethod,
    ConsentState,
    Decision,
    Meeting,
    MeetingOutcome,
    MeetingType,
    MemberVoice,
    SharedInformation,
    ShareMethod,
)
from tests.strategies import names, text

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31))
moments = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2060, 1, 1))
filled = names.filter(str.strip)  # something a check accepts as filled in, any script


def attendees(policy: Policy) -> st.SearchStrategy[Attendee]:
    partner = st.sampled_from([p.id for p in policy.partners])
    inside = st.builds(Attendee, name=filled, agency=partner, role=text,
                       attendance=st.sampled_from(Attendance), agency_name=st.just(""))
    outside = st.builds(Attendee, name=filled, agency=st.just(OTHER_AGENCY), role=text,
                        attendance=st.sampled_from(Attendance), agency_name=filled)
    return inside | outside


def actions(policy: Policy, earliest: date = date(2000, 1, 1)) -> st.SearchStrategy[Action]:
    """Plan rows due on or after ``earliest`` (an action is never due before its meeting)."""
    agency = st.sampled_from([*(p.id for p in policy.partners), OTHER_AGENCY, "family"])
    return st.builds(Action, what=filled, owner=filled, agency=agency,
                     due=st.dates(min_value=earliest, max_value=date(2061, 12, 31)),
                     status=st.sampled_from(ActionStatus), outcome=text)


def shared_items(policy: Policy, refs: Sequence[str],
                 receiver: str = "leicester-city") -> st.SearchStrategy[SharedInformation]:
    """Items the agreement allows: under an exchange ``receiver`` receives, from one of its
    partners and of a kind it carries, or confirmed outside the exchanges with a basis."""
    # Only partners some statutory gateway applies to: for the rest, consent is the only route.
    partner = st.sampled_from([p.id for p in policy.partners if policy.gateways_for(p)])
    exchanges = [e for e in policy.exchanges if receiver in e.to_partners
                 and any(policy.gateways_for(policy.partner(f)) for f in e.from_partners)]
    controller = st.sampled_from([p.id for p in policy.partners])

    @st.composite
    def build(draw: st.DrawFn) -> SharedInformation:
        outside = draw(st.booleans())
        if outside:
            from_partner, exchange, category = draw(partner), OUTSIDE_EXCHANGES, ""
        else:
            agreed = draw(st.sampled_from(exchanges))
            from_partner = draw(st.sampled_from([
                f for f in agreed.from_partners if policy.gateways_for(policy.partner(f))]))
            exchange, category = agreed.id, draw(st.sampled_from(agreed.categories))
        gateways = policy.gateways_for(policy.partner(from_partner))
        return SharedInformation(
            from_partner=from_partner,
            exchange=exchange,
            outside_reason=draw(filled) if outside else "",
            summary=draw(filled), received_on=draw(days),
            method=draw(st.sampled_from(ShareMethod)), data_controller=draw(controller),
            about=tuple(draw(st.lists(st.sampled_from(refs), unique=True, max_size=3)))
            if refs else (),
            lawful_basis=draw(st.sampled_from([g.id for g in gateways])),
            basis_reason=draw(filled), category=category, outside_confirmed=outside)

    return build()


def consents(policy: Policy, refs: Sequence[str]) -> st.SearchStrategy[Consent]:
    return st.builds(
        Consent, person_ref=st.sampled_from(refs), state=st.sampled_from(ConsentState),
        recorded_on=days,
        scope=st.lists(st.sampled_from([p.id for p in policy.partners]), unique=True,
                       max_size=4).map(tuple),
        how=st.sampled_from(ConsentMethod), recorded_by=filled)


@st.composite
def meetings(draw: st.DrawFn, family_id: int, refs: Sequence[str], policy: Policy) -> Meeting:
    held = draw(moments)
    members = draw(st.lists(st.sampled_from(refs), unique=True, max_size=3)) if refs else []
    review = draw(st.none() | st.dates(min_value=held.date(), max_value=date(2061, 1, 1)))
    kind = draw(st.sampled_from(MeetingType))
    # A review or closing meeting's record says what was decided, and why (or it cannot
    # be finalised); others may still carry an outcome.
    needed = kind in OUTCOME_NEEDED
    outcome = draw(st.sampled_from(MeetingOutcome) if needed
                   else st.none() | st.sampled_from(MeetingOutcome))
    reason = draw(filled) if needed or outcome is not None else ""
    return Meeting(
        family_id=family_id, kind=kind, held_at=held, outcome=outcome, outcome_reason=reason,
        venue=draw(text), chair=draw(filled),
        attendees=tuple(draw(st.lists(attendees(policy), max_size=4))),
        members=tuple(MemberVoice(ref, draw(text)) for ref in members),
        child_voice=draw(text), strengths=draw(text), worries=draw(text), needs=draw(text),
        decisions=tuple(Decision(t) for t in draw(st.lists(filled, max_size=3))),
        actions=tuple(draw(st.lists(actions(policy, held.date()), max_size=4))),
        shared=tuple(draw(st.lists(shared_items(policy, refs), max_size=3))),
        next_review=review,
    )
