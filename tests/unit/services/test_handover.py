"""Case handover between real encrypted stores: a transfer arrives whole and leaves only
ciphertext outside the stores (acceptance 1); wrong recipient, tampering, an unknown sender,
replay and expiry are each refused with their own message and change nothing (2); a copy for
TAF preparation is deleted on its day (3)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from keyworker_app.domain.audit import AuditAction
from keyworker_app.domain.disclosure import DisclosureBasis, FurtherDisclosureError
from keyworker_app.domain.family import CaseNote, ContactKind
from keyworker_app.domain.handover import (
    BundleKind,
    BundleTamperedError,
    ExpiredBundleError,
    HandoverRules,
    ReadOnlyFamilyError,
    ReplayedBundleError,
    SenderKeeps,
    UnknownSenderError,
    WrongRecipientError,
)
from keyworker_app.domain.policy_tightening import loosenings
from keyworker_app.errors import PolicyError, UserFacingError
from keyworker_app.services import bundle_payload
from keyworker_app.services import handover as handover_service
from keyworker_app.services.handover import HANDED_OVER_REASON, HandoverService
from keyworker_app.services.policy_loader import parse_policy, shipped_policy_path
from keyworker_app.store.handover_repo import HandoverRepository
from keyworker_app.store.taf_read import family_shared
from tests.gui.samples import LEAD, sample_family
from tests.taf_session import shipped_policy
from tests.unit.services.handover_stores import (
    BLABY,
    CANARY,
    OTHER_LEAD,
    Store,
    empty_store,
    files_outside,
    introduce,
    key_worker_store,
    store_contents,
)

Stores = tuple[Store, Store, int, Path]


@pytest.fixture
def stores(tmp_path: Path) -> Iterator[Stores]:
    a, family_id = key_worker_store(tmp_path / "a")
    b = empty_store(tmp_path / "b", LEAD)
    opened = [a, b]
    yield a, b, family_id, tmp_path
    for s in opened:
        if s.session.is_open:
            s.session.lock()


def _events(s: Store, action: AuditAction) -> list[str]:
    return [f"{e.object_id} {e.detail}" for e in s.session.audit().events(limit=200)
            if e.action is action]


def test_a_handed_over_family_arrives_whole_and_only_ciphertext_leaves_the_stores(
        stores: Stores) -> None:
    a, b, family_id, root = stores
    b_for_a, a_for_b = introduce(a, b, root / "cards")
    assert a_for_b.card.fingerprint_groups == a.handover().my_card().fingerprint_groups
    first_note = a.session.families().get(family_id).notes[0]
    assert first_note.id is not None
    a.session.amend_note(family_id, first_note.id, "Wrong day recorded.", "Visit was on 4/2.")
    sent_family = a.session.families().get(family_id)
    sent_meetings = a.session.meetings(a.handover().policy).meetings_of_family(family_id)
    out = root / "outbox"
    out.mkdir()
    sent = a.handover().send([family_id], b_for_a, BundleKind.TRANSFER, out / "case.kwbundle")

    service = b.handover()
    opened = service.open_bundle(sent.path.read_bytes())
    assert opened.references == ("KW-0201",) and not opened.merges
    (new_id,) = service.receive(opened)

    got = b.session.families().get(new_id)
    assert replace(got, id=None, version=0) == replace(sent_family, id=None, version=0)
    assert [n.source.partner for n in got.notes] == [n.source.partner
                                                     for n in sent_family.notes]
    assert [n.amendments for n in got.notes] == [n.amendments for n in sent_family.notes]
    assert [a.reason for a in got.notes[0].amendments] == ["Wrong day recorded."]
    meetings = b.session.meetings(service.policy)
    got_meetings = meetings.meetings_of_family(new_id)
    assert [(m.kind, m.held_at, m.worries, m.is_finalised) for m in got_meetings] == [
        (m.kind, m.held_at, m.worries, m.is_finalised) for m in sent_meetings]
    assert [a.what for a in got_meetings[0].actions] == ["Morning routine chart"]
    items = family_shared(b.session.connection, new_id)
    assert [(s.from_partner, s.exchange) for s in items] == [
        ("leicestershire-police", "police-allocated-families")]

    # A keeps a marker and a closed, read-only summary.
    (marker,) = HandoverRepository(a.session.connection, a.clock.now).markers()
    assert marker.reference == "KW-0201" and marker.family_id == family_id
    kept = a.session.families().get(family_id)
    assert kept.closed_on is not None and kept.closure_reason == HANDED_OVER_REASON
    with pytest.raises(ReadOnlyFamilyError):
        a.session.add_note(family_id, CaseNote(ContactKind.PHONE_CALL, kept.notes[0].occurred_at,
                                               "Sam Worker", "After the handover."))

    # Both audits: bundle id, SHA-256, kind, family reference, counterpart; no names.
    (sent_event,) = _events(a, AuditAction.BUNDLE_SENT)
    (got_event,) = _events(b, AuditAction.BUNDLE_RECEIVED)
    for event, counterpart in ((sent_event, b_for_a), (got_event, a_for_b)):
        assert event.startswith(sent.bundle_id)
        assert f"sha256={sent.sha256}" in event and "kind=transfer" in event
        assert "families=KW-0201" in event
        assert f"counterpart={counterpart.card.fingerprint[:16]}" in event
        for name in (CANARY, "Sam Worker", "Jo Lead", "Alex"):
            assert name not in event

    # The canary would be readable in the bundle's contents, so the scan below can fail...
    assert CANARY.encode() in bundle_payload.to_json([a.handover()._records(family_id)])
    # ... and yet no file outside the two encrypted stores holds it, in any common encoding.
    a.session.lock()
    b.session.lock()
    outside = files_outside(root, [a.root, b.root])
    assert sent.path in outside and len(outside) > 4
    for path in outside:
        data = path.read_bytes()
        for encoded in (CANARY.encode(), CANARY.encode("utf-16-le"), CANARY.upper().encode()):
            assert encoded not in data, path.name


def test_refusals_each_say_why_and_change_nothing(stores: Stores) -> None:
    a, b, family_id, root = stores
    c = empty_store(root / "c", OTHER_LEAD)
    d = empty_store(root / "d", OTHER_LEAD)
    try:
        b_for_a, _ = introduce(a, b, root / "cards")
        introduce(a, c, root / "cards")  # C knows A: only the recipient check stops it
        # D knows B, but B does not know D.
        d_to_b = d.handover().add_contact(HandoverService.read_card(
            next((root / "cards").glob("Jo-Lead.kwcard"))))
        out = root / "outbox"
        out.mkdir()
        data = a.handover().send([family_id], b_for_a, BundleKind.COPY,
                                 out / "copy.kwbundle").path.read_bytes()
        messages = []
        before_c = store_contents(c.session)
        with pytest.raises(WrongRecipientError) as wrong:
            c.handover().open_bundle(data)
        messages.append(wrong.value.message)
        assert store_contents(c.session) == before_c

        before_b = store_contents(b.session)
        flipped = bytearray(data)
        middle = data.index(b'"ciphertext":"') + 40
        flipped[middle] = ord("A") if flipped[middle] != ord("A") else ord("B")
        with pytest.raises(BundleTamperedError) as tampered:
            b.handover().open_bundle(bytes(flipped))
        messages.append(tampered.value.message)

        assert store_contents(b.session) == before_b
        strange_family = d.session.add_family(sample_family("KW-0999", "Strangeways"))
        strange = d.handover().send([strange_family.id or 0], d_to_b, BundleKind.TRANSFER,
                                    out / "strange.kwbundle").path.read_bytes()
        with pytest.raises(UnknownSenderError) as unknown:
            b.handover().open_bundle(strange)
        messages.append(unknown.value.message)
        assert store_contents(b.session) == before_b

        b.handover().receive(b.handover().open_bundle(data))
        received = store_contents(b.session)
        with pytest.raises(ReplayedBundleError) as replayed:
            b.handover().open_bundle(data)
        messages.append(replayed.value.message)
        assert store_contents(b.session) == received
        assert before_b != received  # the real import did change B

        b.clock.set_day(b.clock.today() + timedelta(days=31))
        late = a.handover().send([family_id], b_for_a, BundleKind.COPY, out / "late.kwbundle")
        with pytest.raises(ExpiredBundleError) as expired:
            b.handover().open_bundle(late.path.read_bytes())
        messages.append(expired.value.message)
        assert len(set(messages)) == 5, messages
        assert store_contents(c.session) == before_c
    finally:
        for s in (c, d):
            s.session.lock()


def test_a_copy_for_taf_preparation_expires_and_is_securely_deleted(stores: Stores) -> None:
    a, b, family_id, root = stores
    b_for_a, _ = introduce(a, b, root / "cards")
    (root / "outbox").mkdir()
    sent = a.handover().send([family_id], b_for_a, BundleKind.COPY,
                             root / "outbox" / "copy.kwbundle")
    assert sent.expires_on == a.clock.today() + timedelta(days=30)
    (copy_id,) = b.handover().receive(b.handover().open_bundle(sent.path.read_bytes()))
    with pytest.raises(ReadOnlyFamilyError, match="copy for TAF preparation"):
        b.session.add_note(copy_id, CaseNote(ContactKind.PHONE_CALL,
                                             b.session.families().get(copy_id).notes[0].occurred_at,
                                             "Jo Lead", "Not allowed on a copy."))
    meetings = b.session.meetings(b.handover().policy)
    (meeting,) = meetings.meetings_of_family(copy_id)
    assert meeting.id is not None
    with pytest.raises(ReadOnlyFamilyError):  # not even an addendum on a copy's record
        meetings.add_addendum(meeting.id, "Typed on the team lead's copy.")
    assert a.session.families().get(family_id).closed_on is None  # a copy leaves A as it was

    b.clock.set_day(sent.expires_on - timedelta(days=1))
    b.reopen()
    assert b.session.families().find_id_by_reference("KW-0201") == copy_id

    b.clock.set_day(sent.expires_on)
    b.reopen()
    conn = b.session.connection
    assert b.session.families().find_id_by_reference("KW-0201") is None
    for table in ("person", "case_note", "meeting", "shared_item", "family_copy"):
        assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table
    assert conn.execute("PRAGMA freelist_count").fetchone()[0] == 0  # freed pages zeroed
    (expired,) = _events(b, AuditAction.COPY_EXPIRED)
    assert f"bundle={sent.bundle_id}" in expired and "family-ref=KW-0201" in expired
    assert CANARY not in expired


def test_information_shared_with_this_organisation_only_needs_consent_to_go_elsewhere(
        stores: Stores) -> None:
    a, _b, family_id, root = stores
    blaby = empty_store(root / "blaby", BLABY)
    try:
        to_blaby, _ = introduce(a, blaby, root / "cards")
        (root / "outbox").mkdir()
        dest = root / "outbox" / "to-blaby.kwbundle"
        with pytest.raises(FurtherDisclosureError, match="Leicestershire Police"):
            a.handover().send([family_id], to_blaby, BundleKind.COPY, dest)
        assert not dest.exists()
        a.handover().send([family_id], to_blaby, BundleKind.COPY, dest,
                          basis=DisclosureBasis("POL/2025/17", date(2025, 3, 6)))
        (event,) = _events(a, AuditAction.BUNDLE_SENT)
        assert "sources=leicestershire-police" in event and "consent-ref=POL/2025/17" in event
    finally:
        blaby.session.lock()


def test_a_family_already_present_is_merged_with_a_preview(stores: Stores) -> None:
    a, b, family_id, root = stores
    b_for_a, _ = introduce(a, b, root / "cards")
    (root / "outbox").mkdir()
    first = a.handover().send([family_id], b_for_a, BundleKind.COPY,
                              root / "outbox" / "1.kwbundle")
    b.handover().receive(b.handover().open_bundle(first.path.read_bytes()))
    a.session.add_note(family_id, CaseNote(ContactKind.HOME_VISIT,
                                           a.clock.now(), "Sam Worker", "Second visit."))
    second = a.handover().send([family_id], b_for_a, BundleKind.TRANSFER,
                               root / "outbox" / "2.kwbundle")
    opened = b.handover().open_bundle(second.path.read_bytes())
    (preview,) = opened.merges
    assert preview.differences == ("1 case note added",)
    (got,) = b.handover().receive(opened)
    family = b.session.families().get(got)
    assert [n.summary for n in family.notes][-1] == "Second visit."
    assert b.handover().read_only_reason(got) is None  # a transfer: B holds the case now
    assert len(b.session.meetings(b.handover().policy).meetings_of_family(got)) == 1


def test_each_store_has_its_identity_made_once_and_kept_inside(tmp_path: Path) -> None:
    s = empty_store(tmp_path, LEAD)
    try:
        card = s.handover().my_card()
        s.reopen()
        assert s.handover().my_card() == card  # made at init, kept
        # A store from before schema 13 has none: it is made on its first opening.
        with s.session.connection:
            s.session.connection.execute("DELETE FROM store_identity")
        s.reopen()
        assert s.handover().my_card().fingerprint != card.fingerprint
        assert len(_events(s, AuditAction.IDENTITY_CREATED)) == 2
        private = HandoverRepository(s.session.connection, s.clock.now).keys()
        assert private is not None
        s.session.lock()
        for path in files_outside(tmp_path, [s.root]):
            assert private.signing_private not in path.read_bytes(), path.name
    finally:
        if s.session.is_open:
            s.session.lock()


def test_the_policy_can_keep_only_a_marker_of_a_case_handed_over(stores: Stores) -> None:
    a, b, family_id, root = stores
    b_for_a, _ = introduce(a, b, root / "cards")
    policy = replace(shipped_policy(), handover=HandoverRules(
        copy_days=7, sender_keeps=SenderKeeps.MARKER))
    (root / "outbox").mkdir()
    service = a.session.handover(policy)
    copy = service.send([family_id], b_for_a, BundleKind.COPY, root / "outbox" / "c.kwbundle")
    assert copy.expires_on == a.clock.today() + timedelta(days=7)
    service.send([family_id], b_for_a, BundleKind.TRANSFER, root / "outbox" / "t.kwbundle")
    assert a.session.families().find_id_by_reference("KW-0201") is None
    (marker,) = HandoverRepository(a.session.connection, a.clock.now).markers()
    assert marker.reference == "KW-0201" and marker.family_id is None
    assert a.session.connection.execute("PRAGMA freelist_count").fetchone()[0] == 0


def test_the_policy_file_sets_the_handover_rules_and_may_only_tighten_them() -> None:
    text = shipped_policy_path().read_text(encoding="utf-8")
    assert shipped_policy().handover == HandoverRules()  # 30 days, 14 days, a summary
    tighter = parse_policy(text.replace("copy_days = 30", "copy_days = 10").replace(
        'sender_keeps = "summary"', 'sender_keeps = "marker"'), "team.toml")
    assert tighter.handover == HandoverRules(10, 14, SenderKeeps.MARKER)
    assert loosenings(tighter, shipped_policy()) == []
    assert loosenings(shipped_policy(), tighter) == [
        "handover.copy_days is 30, longer than the 10 of the policy in force",
        "handover.sender_keeps is 'summary'; the policy in force keeps only a marker of a "
        "case handed over"]
    with pytest.raises(PolicyError, match="handover.sender_keeps must be one of"):
        parse_policy(text.replace('sender_keeps = "summary"', 'sender_keeps = "all"'), "x")


def test_a_copy_lives_no_longer_than_the_receiving_policy_allows(stores: Stores) -> None:
    a, b, family_id, root = stores
    b_for_a, _ = introduce(a, b, root / "cards")
    (root / "outbox").mkdir()
    sent = a.handover().send([family_id], b_for_a, BundleKind.COPY,
                             root / "outbox" / "copy.kwbundle")  # the sender says 30 days
    strict = b.session.handover(replace(shipped_policy(), handover=HandoverRules(copy_days=7)))
    (copy_id,) = strict.receive(strict.open_bundle(sent.path.read_bytes()))
    mark = HandoverRepository(b.session.connection, b.clock.now).copy_of(copy_id)
    assert mark is not None and mark.expires_on == b.clock.today() + timedelta(days=7)


def test_a_file_far_too_large_is_refused_before_it_is_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    big = tmp_path / "big.kwbundle"
    big.write_bytes(b"x" * 2048)
    monkeypatch.setattr(handover_service, "MAX_BUNDLE_BYTES", 1024)
    with pytest.raises(UserFacingError, match="far too large"):
        handover_service.read_bundle_file(big)
    with pytest.raises(UserFacingError, match="Cannot read"):
        handover_service.read_bundle_file(tmp_path / "missing.kwbundle")
