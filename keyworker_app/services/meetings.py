"""TAF use cases: record and finalise meetings, the family plan, consent, shared information,
and the Today (key worker) and Team (team lead) views.

The service owns the transactions and writes the audit events (ids and counts only, never
what was said or about whom). Reports build the TAF meeting record and preparation pack from
the read methods here: ``view_meeting``, ``meetings_of_family``, ``family_plan`` and
``shared_items``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import date, timedelta

from keyworker_app.domain.audit import AuditAction
from keyworker_app.domain.dates import start_of_day
from keyworker_app.domain.policy import Policy
from keyworker_app.domain.problems import require_valid
from keyworker_app.domain.sources import receiving_partner, shared_item_problems
from keyworker_app.domain.suspension import source_refusal, suspension_notices
from keyworker_app.domain.taf import (
    Action,
    ActionStatus,
    Addendum,
    Consent,
    Meeting,
    SharedInformation,
    TodayData,
    UpcomingMeeting,
    check_meeting,
    check_shared_item,
    consent_problems,
    finalise_problems,
    own_actions_first,
    require_editable,
    require_lawful_basis,
)
from keyworker_app.domain.team import TeamOverview
from keyworker_app.errors import UserFacingError, ValidationError
from keyworker_app.services.clock import Clock
from keyworker_app.store import taf_read, team_read
from keyworker_app.store.audit import AuditLog
from keyworker_app.store.connection import Connection, transaction
from keyworker_app.store.suspension_repo import SuspensionRepository
from keyworker_app.store.taf_repo import MeetingRepository

log = logging.getLogger("keyworker.services.meetings")

TEAM_WINDOW_DAYS = 14
TODAY_ACTIONS_AHEAD_DAYS = 7  # the Today view lists actions due within a week, and overdue ones
REVIEWS_AHEAD_DAYS = 14


class MeetingService:
    def __init__(self, connection: Connection, audit: Callable[[], AuditLog], clock: Clock,
                 actor_name: str, policy: Policy, *, organisation: str = "") -> None:
        self._conn = connection
        # The store owner's organisation as a partner id: the receiver of every exchange.
        self._receiver = receiving_partner(policy, organisation)
        self._audit = audit
        self._clock = clock
        self._actor_name = actor_name
        self.policy = policy

    def _repo(self) -> MeetingRepository:
        return MeetingRepository(self._conn, self._clock.now)

    def _refuse_read_only(self, family_id: int) -> None:
        """A TAF-preparation copy from another store, or a case handed over from this one,
        takes no new meeting records (services.handover)."""
        from keyworker_app.services.handover import refuse_read_only
        from keyworker_app.store.handover_repo import HandoverRepository

        refuse_read_only(HandoverRepository(self._conn, self._clock.now), family_id)

    def _member_refs(self, family_id: int) -> list[str]:
        return taf_read.member_refs(self._conn, family_id)

    # -- meetings ----------------------------------------------------------------------------
    def save_meeting(self, meeting: Meeting,
                     brought_forward: Mapping[int, tuple[ActionStatus, str]] | None = None,
                     ) -> Meeting:
        """Create or update a meeting and all its rows in one transaction.

        Refuses a finalised meeting; checks every shared item's route and lawful basis
        against the family's consent; actions continuing earlier ones mark those carried over.
        """
        self._refuse_read_only(meeting.family_id)
        refs = self._member_refs(meeting.family_id)
        check_meeting(meeting, refs)
        consents = taf_read.family_consents(self._conn, meeting.family_id)
        for item in meeting.shared:
            check_shared_item(item, self.policy)
            if item.id is None:  # items recorded before the exchanges were checked stay
                require_valid(shared_item_problems(item, self.policy, self._receiver))
            require_lawful_basis(item, consents, self.policy)
            if item.id is None:
                self._refuse_suspended(item)
        with transaction(self._conn):
            repo = self._repo()
            if meeting.id is None:
                saved = repo.add(replace(meeting, finalised_at=None, finalised_by=""))
                event = AuditAction.CREATE
            else:
                stored = taf_read.load_meeting(self._conn, meeting.id)
                require_editable(stored)
                if stored.family_id != meeting.family_id:
                    raise ValidationError("Family", "a meeting cannot move to another family")
                saved = repo.update(replace(meeting, finalised_at=None, finalised_by="",
                                            addenda=stored.addenda))
                event = AuditAction.UPDATE
            for action in saved.actions:
                if action.carried_from is not None:
                    repo.set_action_status(action.carried_from, ActionStatus.CARRIED_OVER,
                                           taf_read.load_action(self._conn,
                                                                action.carried_from).outcome)
            decided = brought_forward or {}
            if decided and not set(decided) <= {
                    a.id for a in taf_read.family_actions(self._conn, saved.family_id)}:
                raise ValidationError("Brought forward", "an action of another family")
            for action_id, (status, note) in decided.items():
                # What became of each open action brought forward from the last meeting.
                repo.set_action_status(action_id, status, note.strip())
                self._audit().record(AuditAction.UPDATE, "action", action_id,
                                     f"status={status.value} at_review=1")
            assert saved.id is not None
            self._audit().record(
                event, "meeting", saved.id,
                f"family={saved.family_id} attendees={len(saved.attendees)} "
                f"actions={len(saved.actions)} shared={len(saved.shared)} "
                f"decisions={len(saved.decisions)}")
        log.info("meeting %d saved", saved.id)
        return saved

    def finalise_meeting(self, meeting_id: int) -> Meeting:
        with transaction(self._conn):
            stored = taf_read.load_meeting(self._conn, meeting_id)
            self._refuse_read_only(stored.family_id)
            require_editable(stored)
            require_valid(finalise_problems(stored, self._clock.today()))
            self._repo().finalise(meeting_id, self._clock.now(), self._actor_name)
            self._audit().record(AuditAction.UPDATE, "meeting", meeting_id, "finalised")
        return taf_read.load_meeting(self._conn, meeting_id)

    def add_addendum(self, meeting_id: int, text: str) -> Meeting:
        """A correction or addition to a finalised record; the original stays as it was."""
        if not text.strip():
            raise ValidationError("Addendum", "write the correction or addition")
        with transaction(self._conn):
            stored = taf_read.load_meeting(self._conn, meeting_id)
            self._refuse_read_only(stored.family_id)
            if not stored.is_finalised:
                raise ValidationError("Addendum", "the meeting is not finalised yet: "
                                      "edit the record itself")
            added = self._repo().add_addendum(
                meeting_id, Addendum(text.strip(), self._actor_name, self._clock.now()))
            self._audit().record(AuditAction.CREATE, "addendum", added.id or 0,
                                 f"meeting={meeting_id}")
        return taf_read.load_meeting(self._conn, meeting_id)

    def view_meeting(self, meeting_id: int) -> Meeting:
        """A meeting with everything on it (attendees, views, decisions, actions, shared
        information, addenda); an audited 'view'."""
        meeting = taf_read.load_meeting(self._conn, meeting_id)
        with transaction(self._conn):
            self._audit().record(AuditAction.VIEW, "meeting", meeting_id)
        return meeting

    def meeting_family(self, meeting_id: int) -> int:
        """The id of the family a meeting belongs to (not an audited view: nothing of the
        record is shown); ``RecordNotFoundError`` if there is no such meeting."""
        return taf_read.load_meeting(self._conn, meeting_id).family_id

    def brought_forward(self, family_id: int) -> tuple[Meeting | None, list[Action]]:
        """The family's latest meeting and its actions still open, for a review to decide on."""
        meetings = self.meetings_of_family(family_id)
        if not meetings:
            return None, []
        last = max(meetings, key=lambda m: m.held_at)
        return last, [a for a in last.actions if a.status is ActionStatus.OPEN
                      and a.id is not None]

    def meetings_of_family(self, family_id: int) -> list[Meeting]:
        """Every meeting of the family, oldest first, whole (read with the family's view)."""
        return taf_read.load_meetings(self._conn, "family_id = ?", (family_id,))

    # -- the family plan ------------------------------------------------------------------------
    def family_plan(self, family_id: int) -> list[Action]:
        """All actions set at any of the family's meetings (each carries its meeting_id)."""
        return taf_read.family_actions(self._conn, family_id)

    def update_action(self, action_id: int, status: ActionStatus, outcome: str = "") -> Action:
        """Progress on the plan; allowed after the meeting is finalised (it is not the record)."""
        meeting_id = taf_read.load_action(self._conn, action_id).meeting_id
        if meeting_id is not None:
            self._refuse_read_only(self.meeting_family(meeting_id))
        with transaction(self._conn):
            self._repo().set_action_status(action_id, status, outcome.strip())
            self._audit().record(AuditAction.UPDATE, "action", action_id,
                                 f"status={status.value}")
        return taf_read.load_action(self._conn, action_id)

    # -- consent and shared information --------------------------------------------------------
    def consents(self, family_id: int) -> list[Consent]:
        return taf_read.family_consents(self._conn, family_id)

    def record_consent(self, family_id: int, consent: Consent) -> Consent:
        self._refuse_read_only(family_id)
        require_valid(consent_problems(consent, self._member_refs(family_id), self.policy))
        with transaction(self._conn):
            saved = self._repo().add_consent(family_id, consent)
            self._audit().record(AuditAction.CREATE, "consent", saved.id or 0,
                                 f"family={family_id} state={consent.state.value}")
        return saved

    def record_shared_item(self, family_id: int, item: SharedInformation) -> SharedInformation:
        """Record information a partner shared, on the family's record or on a meeting that is
        not yet finalised. Refused, saying why, where consent does not cover it and no lawful
        basis with a reason is given."""
        self._refuse_read_only(family_id)
        check_shared_item(item, self.policy)
        require_valid(shared_item_problems(item, self.policy, self._receiver))
        if set(item.about) - set(self._member_refs(family_id)):
            raise ValidationError("About", "names someone who is not in the family")
        require_lawful_basis(item, self.consents(family_id), self.policy)
        self._refuse_suspended(item)
        with transaction(self._conn):
            if item.meeting_id is not None:
                meeting = taf_read.load_meeting(self._conn, item.meeting_id)
                if meeting.family_id != family_id:
                    raise ValidationError("Meeting", "the meeting belongs to another family")
                require_editable(meeting)
            saved = self._repo().add_shared(family_id, item)
            self._audit().record(AuditAction.CREATE, "shared-item", saved.id or 0,
                                 f"family={family_id} exchange={item.exchange}"
                                 f"{' confirmed-outside' if item.outside_confirmed else ''}")
        return saved

    def suspension_notices(self, day: date) -> list[str]:
        """What Today and Team show while the agreement is suspended for a partner."""
        suspensions = SuspensionRepository(self._conn, self._clock.now).all()
        return suspension_notices(suspensions, self.policy, day)

    def suspended_partners(self) -> frozenset[str]:
        """The partners under a suspension in force today (ISA §15): shown marked."""
        from keyworker_app.domain.suspension import suspended_partners

        suspensions = SuspensionRepository(self._conn, self._clock.now).all()
        return suspended_partners(suspensions, self.policy, self._clock.today())

    def suspension_banner(self, partners_in_record: Iterable[str]) -> str:
        """The family record's banner while a partner whose information it holds is
        suspended, or ""."""
        from keyworker_app.domain.suspension import record_banner

        suspensions = SuspensionRepository(self._conn, self._clock.now).all()
        return record_banner(suspensions, self.policy, self._clock.today(), partners_in_record)

    def breach_notices(self) -> list[str]:
        """Breaches with an ISA §12 step overdue (partners, regulator, police, learning,
        circulation), for Today."""
        from keyworker_app.domain.breach import follow_up_notices
        from keyworker_app.store.programme_repo import ProgrammeRepository

        breaches = ProgrammeRepository(self._conn, self._clock.now).breaches()
        return follow_up_notices(breaches, self.policy, self._clock.now())

    def _refuse_suspended(self, item: SharedInformation) -> None:
        """No new information from a suspended partner, nor under its exchanges (§15)."""
        suspensions = SuspensionRepository(self._conn, self._clock.now).all()
        today = self._clock.today()
        partners = [item.from_partner]
        for exchange in self.policy.exchanges:
            if exchange.id == item.exchange:
                partners += [*exchange.from_partners, *exchange.to_partners]
        for partner_id in partners:
            reason = source_refusal(suspensions, self.policy, partner_id, today)
            if reason is not None:
                raise UserFacingError(reason, "Nothing was recorded. Record it when the "
                                      "suspension ends or is lifted.")

    def shared_items(self, family_id: int) -> list[SharedInformation]:
        return taf_read.family_shared(self._conn, family_id)

    # -- Today and Team ------------------------------------------------------------------------
    def today(self, on: date | None = None) -> TodayData:
        """Actions due within a week or overdue (the worker's own first), meetings this week
        (Monday to Sunday) not yet finalised, and reviews falling due without a meeting booked."""
        day = on or self._clock.today()
        monday = start_of_day(day - timedelta(days=day.weekday()))
        return TodayData(
            actions=own_actions_first(taf_read.due_actions(
                self._conn, day, day + timedelta(days=TODAY_ACTIONS_AHEAD_DAYS)),
                self._actor_name, day),
            meetings=tuple(taf_read.upcoming_meetings(
                self._conn, monday, start_of_day(day + timedelta(days=7 - day.weekday())),
                unfinalised_only=True)),
            reviews=tuple(taf_read.reviews_due(self._conn, start_of_day(day),
                                               day + timedelta(days=REVIEWS_AHEAD_DAYS))),
        )

    def team(self, on: date | None = None,
             days: int = TEAM_WINDOW_DAYS) -> list[UpcomingMeeting]:
        """Meetings from the start of ``on`` for ``days`` days, with preparation state."""
        first = on or self._clock.today()
        return taf_read.upcoming_meetings(self._conn, start_of_day(first),
                                          start_of_day(first + timedelta(days=days)))

    def team_overview(self, on: date | None = None,
                      days: int = TEAM_WINDOW_DAYS) -> TeamOverview:
        """Each open family with its overdue actions, next review and the meetings booked from
        the start of ``on`` for ``days`` days (for the team lead's per-worker counts)."""
        first = on or self._clock.today()
        return TeamOverview(first, first + timedelta(days=days), tuple(team_read.team_families(
            self._conn, first, start_of_day(first),
            start_of_day(first + timedelta(days=days)))))

    def freshness_days(self) -> int:
        return self.policy.retention.information_freshness_days
