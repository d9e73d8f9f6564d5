"""Field lists and value conversions for the TAF dialogs (attendee, action, shared information,
consent, plan progress, addendum). Each ``apply_*`` turns the dialog's strings into a domain
record and checks it with the domain's rules (``domain.taf``, the same the meeting service and
the store apply), which come back inline by their fields.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from keyworker_app.domain.dates import parse_date
from keyworker_app.domain.family import Family
from keyworker_app.domain.input_checks import date_problem, required_problem
from keyworker_app.domain.member_labels import member_choices
from keyworker_app.domain.policy import Exchange, Policy
from keyworker_app.domain.problems import InvalidRecordError, Problem
from keyworker_app.domain.provenance import OTHER_NAMED
from keyworker_app.domain.sources import INFORMATION_CATEGORIES
from keyworker_app.domain.taf import (
    FAMILY_AGENCY,
    OTHER_AGENCY,
    OUTSIDE_EXCHANGES,
    SCHOOL_AGENCY,
    Action,
    ActionStatus,
    Attendance,
    Attendee,
    Consent,
    ConsentMethod,
    ConsentState,
    Decision,
    MemberVoice,
    SharedInformation,
    ShareMethod,
    action_problems,
    agency_text,
    attendee_problems,
    check_shared_item,
    decision_problems,
    require_lawful_basis,
)
from keyworker_app.errors import ValidationError
from keyworker_app.gui.form_dialog import FieldSpec

MEETING_FORM = "taf-meeting"
CONSENT_FORM = "taf-consent"
SHARED_FORM = "taf-shared"
ACTION_UPDATE_FORM = "taf-action-update"
ADDENDUM_FORM = "taf-addendum"
NO_BASIS = ""


def partner_choices(policy: Policy, other: str = "Other (not in the agreement)") -> tuple[
    tuple[str, str], ...
]:
    return (*((p.id, p.name) for p in policy.partners), (OTHER_AGENCY, other))


def agency_label(policy: Policy, agency: str, agency_name: str = "") -> str:
    return agency_text(policy, agency, agency_name, gone=agency)


def attendee_agencies(policy: Policy) -> tuple[tuple[str, str], ...]:
    """Who can sit at a TAF meeting: the family, the school, the agreement's partners, or
    another organisation named by the user."""
    return ((FAMILY_AGENCY, "The family"), (SCHOOL_AGENCY, "School (name it below)"),
            *((p.id, p.name) for p in policy.partners),
            (OTHER_AGENCY, "Other organisation (name it below)"))


def attendee_fields(policy: Policy) -> list[FieldSpec]:
    return [
        FieldSpec("name", "&Name", lambda t: required_problem(t, "the attendee's name")),
        FieldSpec("agency", "A&gency", choices=attendee_agencies(policy)),
        FieldSpec("agency_name", "School or organisation's name (if &other)"),
        FieldSpec("attendance", "A&ttendance", choices=tuple((a.value, a.label)
                                                             for a in Attendance)),
        FieldSpec("role", "&Role"),
    ]


def _checked(problems: list[Problem]) -> None:
    if problems:
        raise InvalidRecordError.for_form(problems, ())


def apply_attendee(values: dict[str, str]) -> Attendee:
    attendee = Attendee(values["name"].strip(), values["agency"], values["role"].strip(),
                        Attendance(values["attendance"]),
                        values["agency_name"].strip()
                        if values["agency"] in (OTHER_AGENCY, SCHOOL_AGENCY) else "")
    _checked(attendee_problems(attendee))
    return attendee


def member_fields(family: Family) -> list[FieldSpec]:
    return [
        FieldSpec("person_ref", "&Family member",
                  choices=member_choices(family.members)),
        FieldSpec("views", "Their &views, in their own words", multiline=True),
    ]


def apply_member(values: dict[str, str]) -> MemberVoice:
    return MemberVoice(values["person_ref"], values["views"].strip())


def decision_fields() -> list[FieldSpec]:
    return [FieldSpec("text", "&Decision", lambda t: required_problem(t, "the decision"),
                      multiline=True)]


def apply_decision(values: dict[str, str]) -> Decision:
    decision = Decision(values["text"].strip())
    _checked(decision_problems(decision))
    return decision


def action_fields(policy: Policy) -> list[FieldSpec]:
    return [
        FieldSpec("what", "&What needs to happen", lambda t: required_problem(t, "the action")),
        FieldSpec("owner", "&Who is responsible", lambda t: required_problem(t, "a name")),
        FieldSpec("agency", "A&gency", choices=(("family", "The family"),
                                               *partner_choices(policy))),
        FieldSpec("due", "&By when", date_problem, placeholder="DD/MM/YYYY"),
    ]


def apply_action(values: dict[str, str], held_on: date | None = None) -> Action:
    """``held_on``: the day of the meeting setting it, if known (nothing is due before it)."""
    action = Action(values["what"].strip(), values["owner"].strip(), values["agency"],
                    parse_date(values["due"]))
    _checked(action_problems(action, held_on))
    return action


def action_update_fields() -> list[FieldSpec]:
    return [
        FieldSpec("status", "&Status", choices=tuple((s.value, s.label) for s in ActionStatus)),
        FieldSpec("outcome", "&Outcome", multiline=True),
    ]


def exchange_text(policy: Policy, exchange: Exchange) -> str:
    """An Appendix B row in full: from whom, to whom, what, how often and how."""
    def names(ids: Sequence[str]) -> str:
        return ", ".join(agency_label(policy, i) for i in ids)

    return (f"{names(exchange.from_partners)} → {names(exchange.to_partners)}: "
            f"{exchange.information} ({exchange.frequency}; {exchange.method})")


def exchange_choices(policy: Policy, from_partner: str) -> tuple[tuple[str, str], ...]:
    """The agreed exchanges the partner chosen in "From" sends, each in full, then "outside
    the agreed exchanges" (the only choice for an organisation outside the agreement)."""
    rows = tuple((e.id, exchange_text(policy, e)) for e in policy.exchanges
                 if from_partner in e.from_partners)
    outside = ("Outside the agreed exchanges" if rows
               else "Outside the agreed exchanges (none agreed from this partner)")
    return (*rows, (OUTSIDE_EXCHANGES, outside))


def shared_fields(policy: Policy, family: Family, today: Callable[[], date]) -> list[FieldSpec]:
    gateways = ((NO_BASIS, "None needed (consent covers it)"),
                *((g.id, f"{g.label} ({g.citation})") for g in policy.gateways))
    return [
        FieldSpec("from_partner", "&From", choices=partner_choices(policy)),
        FieldSpec("exchange", "Agreed e&xchange",
                  choices=exchange_choices(policy, policy.partners[0].id)
                  if policy.partners else ((OUTSIDE_EXCHANGES, "Outside the agreed exchanges"),),
                  follows="from_partner",
                  choices_for=lambda partner: exchange_choices(policy, partner), wrap=True),
        FieldSpec("outside_reason", "Reason outside the agreed exchan&ges"),
        FieldSpec("summary", "S&ummary", lambda t: required_problem(t, "a summary"),
                  multiline=True),
        FieldSpec("received_on", "&Received on", lambda t: date_problem(t, not_after=today()),
                  placeholder="DD/MM/YYYY"),
        FieldSpec("method", "&Method", choices=tuple((m.value, m.label) for m in ShareMethod)),
        FieldSpec("category", "&Kind of information",
                  choices=tuple(INFORMATION_CATEGORIES.items())),
        FieldSpec("data_controller", "Originating data &controller",
                  choices=(*((p.id, p.name) for p in policy.partners),
                           (OTHER_NAMED, "Other (named)"))),
        FieldSpec("data_controller_name", "Data controller's &name (if other)"),
        FieldSpec("about", "&About", choices=(("", "The household as a whole"),
                                              *member_choices(family.members))),
        FieldSpec("lawful_basis", "&Lawful basis", choices=gateways),
        FieldSpec("basis_reason", "R&eason for the lawful basis"),
    ]


def apply_shared(values: dict[str, str], policy: Policy, family: Family,
                 consents: Sequence[Consent], meeting_id: int | None = None) -> SharedInformation:
    """Build the record and refuse it, saying why, where consent does not cover it."""
    item = SharedInformation(
        from_partner=values["from_partner"], exchange=values["exchange"],
        outside_reason=values["outside_reason"].strip(), summary=values["summary"].strip(),
        received_on=parse_date(values["received_on"]), method=ShareMethod(values["method"]),
        data_controller=values["data_controller"],
        data_controller_name=(values.get("data_controller_name", "").strip()
                              if values["data_controller"] == OTHER_NAMED else ""),
        category=values.get("category", ""),
        about=(values["about"],) if values["about"] else (),
        lawful_basis=values["lawful_basis"], basis_reason=values["basis_reason"].strip(),
        meeting_id=meeting_id)
    check_shared_item(item, policy)
    if not item.data_controller_name and item.data_controller == OTHER_NAMED:
        raise ValidationError("Data controller's name",
                              "name the organisation that is the data controller")

    def label(ref: str) -> str:  # shown inline, where the family's names are already on screen
        try:
            return family.member(ref).display_name
        except KeyError:
            return "A family member"

    require_lawful_basis(item, consents, policy, member_label=label)
    return item


def consent_fields(policy: Policy, family: Family) -> list[FieldSpec]:
    return [
        FieldSpec("person_ref", "&Family member", choices=member_choices(family.members)),
        FieldSpec("state", "&Consent", choices=tuple((s.value, s.label) for s in ConsentState)),
        FieldSpec("recorded_on", "&Date", date_problem, placeholder="DD/MM/YYYY"),
        FieldSpec("scope", "&Partners it covers", ticks=True,
                  choices=tuple((p.id, p.name) for p in policy.partners),
                  hint="Tick each partner the family agreed may share with the key worker."),
        FieldSpec("how", "&How it was recorded",
                  choices=tuple((m.value, m.label) for m in ConsentMethod)),
    ]


def apply_consent(values: dict[str, str], policy: Policy, recorded_by: str) -> Consent:
    text = values["scope"].strip()
    known = [p.id for p in policy.partners]
    state = ConsentState(values["state"])
    if text.lower() == "all":  # a draft from before the tick list
        scope = tuple(known)
    else:
        chosen = {part.strip() for part in text.split(",") if part.strip()}
        scope = tuple(k for k in known if k in chosen)  # in the agreement's order
        if chosen - set(known):
            raise ValidationError("scope", "A partner ticked is no longer in the agreement: "
                                           "untick it.")
        if not scope and state is ConsentState.GIVEN:
            raise ValidationError("scope", "Tick at least one partner the consent covers.")
    return Consent(values["person_ref"], state, parse_date(values["recorded_on"]),
                   scope if state is ConsentState.GIVEN else (), ConsentMethod(values["how"]),
                   recorded_by)


def addendum_fields() -> list[FieldSpec]:
    return [FieldSpec("text", "&Correction or addition",
                      lambda t: required_problem(t, "the correction"), multiline=True)]


def scope_label(policy: Policy, scope: Sequence[str]) -> str:
    if set(scope) == {p.id for p in policy.partners}:
        return "All partners"
    return ", ".join(agency_label(policy, s) for s in scope)

