"""Render the TAF screens (meeting editor, family plan, consent and sharing, Today, Team) to PNGs.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.gui.screenshot_taf
    xvfb-run -a -s "-screen 0 1280x1024x24" env QT_QPA_PLATFORM=xcb \
        .venv/bin/python -m tests.gui.screenshot_taf

A real encrypted store in a temporary folder (in-memory keyring, fast test key derivation),
invented families and meetings, a fixed "today" so overdue rows are highlighted.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import sys  # noqa: E402
import tempfile  # noqa: E402
from dataclasses import replace  # noqa: E402
from datetime import date, datetime, timedelta  # noqa: E402
from pathlib import Path  # noqa: E402

from PySide6.QtWidgets import QApplication, QComboBox  # noqa: E402

from keyworker_app.domain.taf import (  # noqa: E402
    Action,
    ActionStatus,
    Attendance,
    Attendee,
    Consent,
    ConsentMethod,
    ConsentState,
    Decision,
    Meeting,
    MeetingType,
    MemberVoice,
)
from keyworker_app.gui.lock import LockSettings  # noqa: E402
from keyworker_app.gui.main_window import MainWindow  # noqa: E402
from tests.gui.samples import sample_family  # noqa: E402
from tests.gui.screenshot import NAMES, settle  # noqa: E402
from tests.taf_session import PASSPHRASE, SettableClock, open_taf_store  # noqa: E402

OUT = Path(os.environ.get("KEYWORKER_SHOTS", "/tmp/keyworker-shots"))
TODAY = date(2025, 3, 19)


def populate(root: Path) -> tuple[object, int]:
    clock = SettableClock()
    taf = open_taf_store(root, clock)
    session, policy = taf.session, taf.policy
    service = session.meetings(policy)
    family_ids = [taf.family_id, taf.other_family_id]
    for i in range(8):
        family = session.add_family(replace(
            sample_family(f"KW-02{i:02d}", NAMES[(i + 2) % len(NAMES)]),
            key_worker=("Sam Worker", "Priya Shah", "Dan Okafor")[i % 3]))
        assert family.id is not None
        family_ids.append(family.id)
    service.record_consent(taf.family_id, Consent(
        "p1", ConsentState.GIVEN, date(2024, 12, 1), tuple(p.id for p in policy.partners),
        ConsentMethod.SIGNED_FORM, "Sam Worker"))
    service.record_consent(taf.family_id, Consent(
        "c1", ConsentState.NOT_SOUGHT, date(2025, 1, 10), (), ConsentMethod.VERBAL,
        "Sam Worker"))
    first = service.save_meeting(Meeting(
        taf.family_id, MeetingType.INITIAL, datetime(2025, 1, 20, 10, 0), venue="Family home",
        chair="Sam Worker",
        attendees=(Attendee("Pat Teacher", "leicester-city", "Head of year"),
                   Attendee("Jo Nurse", "nhs-lpt", "School nurse", Attendance.APOLOGIES),
                   Attendee("Chris Coach", "other", "Youth worker", agency_name="Youth club")),
        members=(MemberVoice("p1", "I want mornings to be calmer."),),
        child_voice="I like football club and want to stay on the team.",
        strengths="Good routines at weekends; grandparents help.",
        worries="School attendance is 82% this term.",
        needs="A morning routine and a school attendance plan.",
        decisions=(Decision("Key worker to lead the plan."),),
        actions=(Action("Morning routine chart", "Sam Worker", "leicester-city",
                        date(2025, 2, 3), ActionStatus.DONE, "Chart in use."),
                 Action("Attendance meeting with school", "Pat Teacher", "leicester-city",
                        date(2025, 3, 14)),
                 Action("GP appointment for sleep", "Alex Ashworth", "family",
                        date(2025, 3, 28))),
        next_review=date(2025, 3, 24)))
    assert first.id is not None
    service.finalise_meeting(first.id)
    service.add_addendum(first.id, "Jo Nurse sent apologies; her report was read out.")
    for n, fid in enumerate(family_ids):
        service.save_meeting(Meeting(
            fid, MeetingType.REVIEW if n % 3 else MeetingType.INITIAL,
            datetime(2025, 3, 20, 9, 30) + timedelta(days=n, hours=n % 4), chair="Team Lead",
            venue="Children's centre", actions=() if n != 1 else (
                Action("Attendance plan with school", "Pat Teacher", "leicester-city",
                       date(2025, 4, 4)),
                Action("Parenting course place", "Sam Worker", "leicester-city",
                       date(2025, 3, 28)),
                Action("GP appointment for sleep", "Parent", "family", date(2025, 3, 25)))))
    session.lock()
    return taf.store, taf.family_id


def main() -> None:
    app = QApplication.instance() or QApplication(sys.argv)
    OUT.mkdir(exist_ok=True)
    store, family_id = populate(Path(tempfile.mkdtemp()))
    from tests.taf_session import shipped_policy

    window = MainWindow(store, LockSettings(), watch_desktop=False,  # type: ignore[arg-type]
                        today=lambda: TODAY, now=lambda: datetime(2025, 3, 19, 9, 30),
                        policy=shipped_policy())
    window.start()
    window.show()
    window.lock_screen.passphrase.setText(PASSPHRASE)
    window.lock_screen.submit()
    while window.lock.is_locked:
        settle(0.05)
    if window.draft_prompt is not None:
        window.draft_prompt.reject()
    view = window.open_family(family_id)
    assert view is not None and view.taf is not None
    view.tabs.setCurrentWidget(view.taf.plan_page)
    settle()
    window.grab().save(str(OUT / "taf-family-plan.png"))
    view.tabs.setCurrentWidget(view.taf.sharing_page)
    settle()
    window.grab().save(str(OUT / "taf-consent-sharing.png"))
    editor = view.taf.open_meeting(view.taf.meetings[0].id)
    assert editor is not None
    settle()
    editor.grab().save(str(OUT / "taf-meeting-finalised.png"))
    editor.tabs.setCurrentIndex(1)
    settle()
    editor.grab().save(str(OUT / "taf-meeting-views.png"))
    editor.reject()
    new = view.taf.open_meeting(None)
    assert new is not None
    new.venue.setText("Family home")
    sub = new.add_shared()
    settle()
    sub.editors["summary"].setPlainText("Two call-outs in February.")
    for key, wanted in (("from_partner", "leicestershire-police"), ("about", "c1"),
                        ("data_controller", "leicestershire-police")):
        combo = sub.editors[key]
        assert isinstance(combo, QComboBox)
        combo.setCurrentIndex(combo.findData(wanted))
    sub.try_save()  # no consent for the household: refused inline
    settle()
    new.grab().save(str(OUT / "taf-meeting-editor.png"))
    sub.grab().save(str(OUT / "taf-shared-refused.png"))
    sub.reject()
    new.reject()
    window.show_today()
    settle()
    window.grab().save(str(OUT / "taf-today.png"))
    other = window.open_family(window.caseload.model.ids[1])
    assert other is not None and other.taf is not None
    review = other.taf.open_meeting(None)
    assert review is not None and review.brought is not None
    review.tabs.setCurrentWidget(review.brought)
    review.brought.set_decision(0, ActionStatus.DONE, "Plan agreed with the head of year.")
    review.brought.set_decision(1, ActionStatus.CANCELLED, "No places this term.")
    settle()
    review.grab().save(str(OUT / "taf-review-brought-forward.png"))
    review.reject()
    window.show_team()
    settle()
    window.grab().save(str(OUT / "taf-team.png"))
    window.resize(1024, 768)
    settle()
    window.grab().save(str(OUT / "taf-team-1024.png"))
    window.lock.lock("done")
    print(f"screenshots in {OUT}")
    del app


if __name__ == "__main__":
    main()
