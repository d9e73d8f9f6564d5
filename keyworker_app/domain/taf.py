"""Team Around the Family: meetings, the family plan, consent and the record of shared information.

Pure data and rules: no Qt, no SQL, no I/O. Records are immutable; ``id`` is ``None`` until the
store has saved one. Family members are named by their ``ref`` (see ``domain.family``), partners
by the policy's partner ids, exchanges by the policy's Appendix B row ids and lawful bases by the
policy's statutory gateway ids (ISA §3.4), so a record stays traceable to the agreement in force.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from keyworker_app.domain.dates import as_utc, format_date, local_day
from keyworker_app.domain.policy import Policy
from keyworker_app.domain.problems import FieldPath, Problem, require_valid
from keyworker_app.errors import UserFacingError, ValidationError

OTHER_AGENCY = "other"  # an attendee or source that is not one of the policy's partners
FAMILY_AGENCY = "family"  # an attendee or action owner from the family itself
SCHOOL_AGENCY = "school"  # a school (named in agency_name): most TAFs have one at the table
OUTSIDE_EXCHANGES = "outside-agreed-exchanges"  # not one of the agreement's Appendix B rows
CURRENCY_PROMPT = "Check with the source that this is still current"


class MeetingType(enum.StrEnum):
    INITIAL = "initial"
    REVIEW = "review"
    CLOSURE = "closure"

    @property
    def label(self) -> str:
        return {"initial": "Initial TAF", "review": "Review TAF",
                "closure": "Closure TAF"}[self.value]


class MeetingOutcome(enum.StrEnum):
    """What a review or closing meeting decided for the family's plan."""
    CONTINUE = "continue"
    STEP_UP = "step-up"
    STEP_DOWN = "step-down"
    CLOSE = "close"

    @property
    def label(self) -> str:
        return {"continue": "Continue with the plan",
                "step-up": "Step up to children's social care",
                "step-down": "Step down to universal services",
                "close": "Close"}[self.value]


# Meetings whose record must say what was decided for the plan before it is finalised.
OUTCOME_NEEDED = frozenset({MeetingType.REVIEW, MeetingType.CLOSURE})


class Attendance(enum.StrEnum):
    ATTENDED = "attended"
    APOLOGIES = "apologies"
    DID_NOT_ATTEND = "did-not-attend"

    @property
    def label(self) -> str:
        return {"attended": "Attended", "apologies": "Sent apologies",
                "did-not-attend": "Did not attend"}[self.value]


class ActionStatus(enum.StrEnum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"
    CARRIED_OVER = "carried-over"

    @property
    def label(self) -> str:
        return {"open": "Open", "done": "Done", "cancelled": "Cancelled",
                "carried-over": "Carried over"}[self.value]


class ConsentState(enum.StrEnum):
    GIVEN = "given"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    NOT_SOUGHT = "not-sought"

    @property
    def label(self) -> str:
        return {"given": "Given", "refused": "Refused", "withdrawn": "Withdrawn",
                "not-sought": "Not sought"}[self.value]


class ConsentMethod(enum.StrEnum):
    SIGNED_FORM = "signed-form"
    VERBAL = "verbal"
    WRITTEN = "written"  # letter or e-mail from the person
    ELECTRONIC = "electronic"

    @property
    def label(self) -> str:
        return {"signed-form": "Signed consent form", "verbal": "Verbal, noted at the time",
                "written": "Letter or e-mail", "electronic": "Electronic form"}[self.value]


class ShareMethod(enum.StrEnum):
    SECURE_EMAIL = "secure-email"
    AT_MEETING = "at-meeting"
    PHONE = "phone"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {"secure-email": "Secure e-mail", "at-meeting": "At the meeting",
                "phone": "Telephone", "other": "Other"}[self.value]


@dataclass(frozen=True, slots=True)
class Attendee:
    name: str
    agency: str  # a policy partner id, FAMILY_AGENCY, SCHOOL_AGENCY or OTHER_AGENCY
    role: str
    attendance: Attendance = Attendance.ATTENDED
    agency_name: str = ""  # the school's or organisation's name (SCHOOL_ / OTHER_AGENCY)
    id: int | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class MemberVoice:
    """A family member who took part, and their own views in their own words."""

    person_ref: str
    views: str = ""
    id: int | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Decision:
    text: str
    id: int | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Action:
    """One row of the family plan: what, who, by when, and how it turned out."""

    what: str
    owner: str
    agency: str  # a policy partner id, OTHER_AGENCY, or "family"
    due: date
    status: ActionStatus = ActionStatus.OPEN
    outcome: str = ""
    carried_from: int | None = None  # the earlier action this one continues
    meeting_id: int | None = field(default=None, compare=False)  # the meeting it was set at
    id: int | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Consent:
    """A member's consent decision; the latest on or before a day is the one in force."""

    person_ref: str
    state: ConsentState
    recorded_on: date
    scope: tuple[str, ...]  # partner ids the consent covers
    how: ConsentMethod
    recorded_by: str
    id: int | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class SharedInformation:
    """Information a partner gave the key worker, traceable to who, how and by what right."""

    from_partner: str  # a policy partner id, or OTHER_AGENCY
    exchange: str  # an Appendix B exchange id, or OUTSIDE_EXCHANGES
    summary: str
    received_on: date
    method: ShareMethod
    data_controller: str  # the organisation that originally held it (ISA §9)
    about: tuple[str, ...] = ()  # member refs; empty: the household as a whole
    outside_reason: str = ""  # why, when exchange is OUTSIDE_EXCHANGES
    lawful_basis: str = ""  # a gateway id, needed where consent does not cover the share
    basis_reason: str = ""
    category: str = ""  # the kind of information (domain.sources.INFORMATION_CATEGORIES)
    outside_confirmed: bool = False  # the user confirmed it came outside the agreed exchanges
    data_controller_name: str = ""  # the organisation's name when data_controller is other-named
    meeting_id: int | None = field(default=None, compare=False)  # None: the family's record
    id: int | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Addendum:
    text: str
    author: str
    added_at: datetime  # kept in UTC; a naive time is read as local
    id: int | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "added_at", as_utc(self.added_at))


@dataclass(frozen=True, slots=True)
class Meeting:
    family_id: int
    kind: MeetingType
    held_at: datetime
    venue: str = ""
    chair: str = ""
    attendees: tuple[Attendee, ...] = ()
    members: tuple[MemberVoice, ...] = ()
    child_voice: str = ""  # the child's own words, kept apart from the adults' views
    strengths: str = ""  # what is working well
    worries: str = ""  # what we are worried about
    needs: str = ""  # what needs to happen
    decisions: tuple[Decision, ...] = ()
    actions: tuple[Action, ...] = ()
    shared: tuple[SharedInformation, ...] = ()
    next_review: date | None = None
    finalised_at: datetime | None = None
    finalised_by: str = ""
    outcome: MeetingOutcome | None = None  # what a review or closing meeting decided
    outcome_reason: str = ""  # why, in the meeting's words
    progress: str = ""  # what has changed since the last meeting (a review's first question)
    note_taker: str = ""  # who took the notes (TAF guidance: not the chair)
    consent_explained: bool = False  # confidentiality and consent explained to the family
    addenda: tuple[Addendum, ...] = ()
    id: int | None = field(default=None, compare=False)
    # The stored version when this copy was read (0: never saved); a save from an older
    # version is refused rather than written over changes made since.
    version: int = field(default=0, compare=False)

    def __post_init__(self) -> None:
        # Moments are kept in UTC; one typed without a zone is the key worker's local time.
        object.__setattr__(self, "held_at", as_utc(self.held_at))
        if self.finalised_at is not None:
            object.__setattr__(self, "finalised_at", as_utc(self.finalised_at))

    @property
    def is_finalised(self) -> bool:
        return self.finalised_at is not None


# -- read models for the Today and Team views ------------------------------------------------

@dataclass(frozen=True, slots=True)
class DueAction:
    family_id: int
    family_reference: str
    family_name: str
    action: Action
    overdue: bool
    own: bool = False  # the store owner's own action
    days_overdue: int = 0
    family_postcode: str = ""  # the current address's, to tell families with one name apart


@dataclass(frozen=True, slots=True)
class UpcomingMeeting:
    meeting_id: int
    family_id: int
    family_reference: str
    family_name: str
    kind: MeetingType
    held_at: datetime
    chair: str
    previous_finalised: bool | None  # None: no earlier meeting
    open_actions: int
    new_information: int  # shared since the previous meeting (or ever, if none)
    family_postcode: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "held_at", as_utc(self.held_at))


@dataclass(frozen=True, slots=True)
class ReviewDue:
    family_id: int
    family_reference: str
    family_name: str
    due: date
    family_postcode: str = ""


@dataclass(frozen=True, slots=True)
class TodayData:
    actions: tuple[DueAction, ...]
    meetings: tuple[UpcomingMeeting, ...]
    reviews: tuple[ReviewDue, ...]


def _same_name(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def own_actions_first(actions: Iterable[DueAction], owner_name: str,
                      today: date) -> tuple[DueAction, ...]:
    """The worker's own actions first (by due date), then everyone else's; each knows how
    many days it is overdue on ``today``."""
    marked = [replace(d, own=_same_name(d.action.owner, owner_name),
                      days_overdue=max(0, (today - d.action.due).days))
              for d in actions]
    return tuple(sorted(marked, key=lambda d: (not d.own, d.action.due)))


def due_state(d: DueAction) -> str:
    """'Overdue by 3 days' (or 'Overdue' when the day count is not known), else 'Due'."""
    if d.overdue and d.days_overdue:
        n = d.days_overdue
        return f"Overdue by {n} day" + ("" if n == 1 else "s")
    if d.overdue:
        return "Overdue"
    return "Due"


# -- rules ------------------------------------------------------------------------------------

class MeetingFinalisedError(UserFacingError):
    def __init__(self, finalised_at: datetime | None = None) -> None:
        when = f" on {format_date(local_day(finalised_at))}" if finalised_at else ""
        super().__init__(
            f"This meeting record was finalised{when} and can no longer be changed.",
            "Add an addendum to correct or add to it; the original and the addendum both "
            "stay on the record.",
        )


class LawfulBasisRequiredError(ValidationError):
    """Consent does not cover a share and no (valid) lawful basis was given. Says why."""

    def __init__(self, field_name: str, problem: str, refs: Sequence[str]) -> None:
        self.member_refs = tuple(refs)
        super().__init__(field_name, problem)


def consent_in_force(consents: Iterable[Consent], member_ref: str,
                     on_date: date) -> Consent | None:
    """The member's latest consent decision recorded on or before ``on_date``."""
    latest: Consent | None = None
    for consent in consents:  # in recorded order: a later entry on the same day wins
        if consent.person_ref != member_ref or consent.recorded_on > on_date:
            continue
        if latest is None or consent.recorded_on >= latest.recorded_on:
            latest = consent
    return latest


def consent_covers(consents: Iterable[Consent], member_ref: str, partner_id: str,
                   on_date: date) -> bool:
    consent = consent_in_force(consents, member_ref, on_date)
    return (consent is not None and consent.state is ConsentState.GIVEN
            and partner_id in consent.scope)


def _partner_label(policy: Policy, partner_id: str) -> str:
    if partner_id == OTHER_AGENCY:
        return "an organisation outside the agreement"
    try:
        return policy.partner(partner_id).name
    except KeyError:
        return "an unknown partner"


def require_lawful_basis(
    item: SharedInformation,
    consents: Iterable[Consent],
    policy: Policy,
    member_label: Callable[[str], str] = lambda ref: f"Family member {ref}",
) -> None:
    """Refuse a share that consent does not cover unless a lawful basis and reason are given.

    The message names the member through ``member_label`` (ids by default; the GUI shows it
    inline next to the field, where the name is already on screen) and the partner by name.
    """
    consents = tuple(consents)
    uncovered = [ref for ref in item.about
                 if not consent_covers(consents, ref, item.from_partner, item.received_on)]
    if not uncovered:
        return
    who = ", ".join(member_label(ref) for ref in uncovered)
    verb = "has" if len(uncovered) == 1 else "have"
    partner = _partner_label(policy, item.from_partner)
    why = f"{who} {verb} not consented to sharing with {partner}"
    gateways = {g.id: g for g in policy.gateways}
    if not item.lawful_basis:
        raise LawfulBasisRequiredError(
            "Lawful basis",
            f"{why}: choose the lawful basis (a statutory gateway in the agreement) "
            "and give a reason.", uncovered)
    if item.lawful_basis not in gateways:
        raise LawfulBasisRequiredError(
            "Lawful basis", f"{why}, and the lawful basis chosen is not one of the "
            "agreement's statutory gateways.", uncovered)
    if item.from_partner != OTHER_AGENCY:
        try:
            partner_obj = policy.partner(item.from_partner)
        except KeyError:
            partner_obj = None
        if partner_obj is not None and not gateways[item.lawful_basis].applies_to(partner_obj):
            raise LawfulBasisRequiredError(
                "Lawful basis", f"{why}, and the gateway chosen does not apply to "
                f"{partner}: choose one that does.", uncovered)
    if not item.basis_reason.strip():
        raise LawfulBasisRequiredError(
            "Reason for the lawful basis",
            f"{why}: give the reason the lawful basis applies.", uncovered)


def check_shared_item(item: SharedInformation, policy: Policy) -> None:
    """Traceability (ISA §3.4, §9, Appendix B): who gave it, by which route, whose it is."""
    if not item.summary.strip():
        raise ValidationError("Summary", "say briefly what was shared")
    if not item.data_controller.strip():
        raise ValidationError("Originating data controller",
                              "name the organisation that originally held the information")
    known_partners = {p.id for p in policy.partners}
    if item.from_partner != OTHER_AGENCY and item.from_partner not in known_partners:
        raise ValidationError("From", "choose a partner in the agreement, or Other")
    if item.exchange == OUTSIDE_EXCHANGES:
        if not item.outside_reason.strip():
            raise ValidationError("Reason outside the agreed exchanges",
                                  "say why this came outside the agreed exchanges")
    elif item.exchange not in {e.id for e in policy.exchanges}:
        raise ValidationError("Agreed exchange", "choose one of the agreement's exchanges, "
                              "or 'outside the agreed exchanges' with a reason")


def is_overdue(action: Action, today: date) -> bool:
    return action.status is ActionStatus.OPEN and action.due < today


def needs_currency_check(item: SharedInformation, today: date, freshness_days: int) -> bool:
    """ISA Appendix A, fourth principle: before acting on older information, check at source."""
    return (today - item.received_on).days > freshness_days


def require_editable(meeting: Meeting) -> None:
    if meeting.is_finalised:
        raise MeetingFinalisedError(meeting.finalised_at)


def meeting_problems(meeting: Meeting, member_refs: Iterable[str]) -> list[Problem]:
    """Every problem with a meeting and its rows before saving. Messages name fields, never
    values; paths use the records' attribute names (``("actions", 2, "due")``)."""
    known = set(member_refs)
    problems: list[Problem] = []

    def add(path: FieldPath, message: str) -> None:
        problems.append(Problem(path, message))

    if not meeting.chair.strip():
        add(("chair",), "Say who chaired (or will chair) the meeting.")
    for i, attendee in enumerate(meeting.attendees):
        problems.extend(p.under("attendees", i) for p in attendee_problems(attendee))
    seen: set[str] = set()
    for i, voice in enumerate(meeting.members):
        if voice.person_ref not in known:
            add(("members", i, "person_ref"), "Choose a member of this family.")
        elif voice.person_ref in seen:
            add(("members", i, "person_ref"), "This member is already listed.")
        seen.add(voice.person_ref)
    for i, decision in enumerate(meeting.decisions):
        problems.extend(p.under("decisions", i) for p in decision_problems(decision))
    held_on = local_day(meeting.held_at)
    for i, action in enumerate(meeting.actions):
        problems.extend(p.under("actions", i) for p in action_problems(action, held_on))
    for i, item in enumerate(meeting.shared):
        if set(item.about) - known:
            add(("shared", i, "about"), "Choose a member of this family, or the household as "
                                        "a whole.")
    if meeting.next_review is not None and meeting.next_review < held_on:
        add(("next_review",), "The next review cannot be before the meeting.")
    return problems


def attendee_problems(attendee: Attendee) -> list[Problem]:
    problems: list[Problem] = []
    if not attendee.name.strip():
        problems.append(Problem(("name",), "Enter the attendee's name."))
    if attendee.agency == OTHER_AGENCY and not attendee.agency_name.strip():
        problems.append(Problem(("agency_name",), "Name the organisation of an attendee from "
                                                  "outside the agreement."))
    if attendee.agency == SCHOOL_AGENCY and not attendee.agency_name.strip():
        problems.append(Problem(("agency_name",), "Name the school."))
    return problems


def agency_text(policy: Policy, agency: str, agency_name: str = "",
                gone: str = "Partner no longer in the agreement") -> str:
    """An attendee's or action's agency as people say it: the partner's name, "The family",
    the school's or other organisation's name."""
    if agency == OTHER_AGENCY:
        return agency_name or "Other organisation"
    if agency == SCHOOL_AGENCY:
        return agency_name or "School"
    if agency == FAMILY_AGENCY:
        return "The family"
    try:
        return policy.partner(agency).name
    except KeyError:
        return gone


def decision_problems(decision: Decision) -> list[Problem]:
    return [Problem(("text",), "Enter the decision.")] if not decision.text.strip() else []


def action_problems(action: Action, held_on: date | None) -> list[Problem]:
    """One row of the plan, set at a meeting held on ``held_on`` (None: not yet known)."""
    problems: list[Problem] = []
    if not action.what.strip():
        problems.append(Problem(("what",), "Say what needs to happen."))
    if not action.owner.strip():
        problems.append(Problem(("owner",), "Say who is responsible."))
    if held_on is not None and action.due < held_on:
        problems.append(Problem(("due",), "An action cannot be due before the meeting that "
                                          "set it."))
    return problems


def consent_problems(consent: Consent, member_refs: Iterable[str],
                     policy: Policy) -> list[Problem]:
    """A consent decision: whose it is, which partners it covers, who recorded it."""
    problems: list[Problem] = []
    if consent.person_ref not in set(member_refs):
        problems.append(Problem(("person_ref",), "Choose a member of this family."))
    if set(consent.scope) - {p.id for p in policy.partners}:
        problems.append(Problem(("scope",), "Choose partners named in the agreement."))
    if not consent.recorded_by.strip():
        problems.append(Problem(("recorded_by",), "Say who recorded the consent."))
    return problems


def finalise_problems(meeting: Meeting, today: date) -> list[Problem]:
    """A record is finalised once the meeting has taken place, not before; a review or
    closing meeting's record also says what was decided for the plan, and why."""
    problems: list[Problem] = []
    if local_day(meeting.held_at) > today:
        problems.append(Problem(("held_at",), "A meeting dated in the future cannot be "
                                              "finalised: finalise the record once the "
                                              "meeting has taken place."))
    if meeting.kind in OUTCOME_NEEDED:
        if meeting.outcome is None:
            problems.append(Problem(("outcome",), "Choose the meeting's outcome before "
                                                  "finalising a review or closing meeting."))
        if not meeting.outcome_reason.strip():
            problems.append(Problem(("outcome_reason",), "Give the reason for the meeting's "
                                                         "outcome."))
    return problems


def check_meeting(meeting: Meeting, member_refs: Iterable[str]) -> None:
    """Refuse a meeting with any problem (``InvalidRecordError`` lists them all)."""
    require_valid(meeting_problems(meeting, member_refs))


def finalise(meeting: Meeting, at: datetime, by: str) -> Meeting:
    require_editable(meeting)
    return replace(meeting, finalised_at=at, finalised_by=by)


def carry_forward(previous: Iterable[Action], due: date | None = None) -> tuple[Action, ...]:
    """Open actions from earlier meetings, continued at a new one (saving marks the old
    ones carried over)."""
    return tuple(
        Action(what=a.what, owner=a.owner, agency=a.agency, due=due or a.due,
               carried_from=a.id)
        for a in previous if a.status is ActionStatus.OPEN and a.id is not None
    )
