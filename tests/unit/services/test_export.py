"""The export use case: handling rules, one atomic write, the audit event, bad input."""

from __future__ import annotations

import errno
import hashlib
import os
import tempfile
from pathlib import Path

import pytest

from keyworker_app.domain.handling import Recipient, RecipientKind
from keyworker_app.errors import RecordNotFoundError, UserFacingError, ValidationError
from keyworker_app.reports.protect import is_protected
from keyworker_app.security import atomic
from keyworker_app.services.export import ExportRequest, ReportKind
from keyworker_app.services.policy_loader import shipped_policy_path
from tests.unit.reports.pdf_checks import assert_marked_every_page
from tests.unit.services.export_env import (
    CANARY,
    CANARY_GIVEN,
    STRONG,
    ExportEnv,
    WriteWatch,
    files_with_canary,
    holds_canary,
)

SECURE = "officer@leics.pnn.police.uk"
INSECURE = "someone@example.com"


def request(env: ExportEnv, recipient: Recipient, password: str = "", name: str = "r.pdf",
            **kw: object) -> ExportRequest:
    return ExportRequest(family_id=env.family_id, report=ReportKind.CASE_SUMMARY,
                         destination=env.out / name, recipient=recipient,
                         purpose_id="support", password=password, **kw)  # type: ignore[arg-type]


def test_secure_recipient_may_get_it_unprotected(export_env: ExportEnv) -> None:
    env = export_env
    result = env.service.export(request(env, env.service.recipient_for(SECURE)))
    data = result.destination.read_bytes()
    assert not is_protected(data) and not result.protected
    assert assert_marked_every_page(data, env.policy.protective_marking) >= 3
    assert result.sha256 == hashlib.sha256(data).hexdigest()
    assert os.stat(result.destination).st_mode & 0o077 == 0  # owner-only
    [event] = env.export_events()
    assert event == (f"family:{env.family_id} report=case-summary ref=KW-0099 recipient=secure "
                     "protected=no purpose=support to-domain=leics.pnn.police.uk to-org=unknown "
                     f"sources=none sha256={result.sha256} " + POLICY_IN_AUDIT)


# The policy in force, by name, version and the SHA-256 of its file as any sha256 tool gives it.
POLICY_IN_AUDIT = (
    'policy="Supporting Families information sharing agreement (2013)" '
    'policy-version="V12, October 2013" policy-sha256='
    + hashlib.sha256(shipped_policy_path().read_bytes()).hexdigest())


@pytest.mark.parametrize(("address", "domain", "org"), [
    ("a.officer@leicestershire.pnn.police.uk", "leicestershire.pnn.police.uk",
     "leicestershire-police"),
    ("solicitor@firm.cjsm.net", "firm.cjsm.net", "unknown"),
    ("someone@family-name.co.uk", "not-recorded", "unknown"),
])
def test_the_audit_names_the_recipients_domain_and_organisation_never_the_person(
    export_env: ExportEnv, address: str, domain: str, org: str
) -> None:
    env = export_env
    env.service.export(request(env, env.service.recipient_for(address), STRONG))
    [event] = env.export_events()
    assert f"to-domain={domain} to-org={org}" in event
    assert address.split("@", maxsplit=1)[0] not in event


@pytest.mark.parametrize("address", [INSECURE, "x@police.uk.evil.com", "pnn.police.uk@evil.com",
                                     "x@leics.pnn.police.uk.evil.com"])
def test_non_secure_recipient_without_password_is_refused(export_env: ExportEnv,
                                                          address: str) -> None:
    env = export_env
    recipient = env.service.recipient_for(address)
    assert recipient.kind is RecipientKind.OTHER_EMAIL
    with pytest.raises(UserFacingError, match="not a secure e-mail address"):
        env.service.export(request(env, recipient))
    assert list(env.out.iterdir()) == []
    assert env.export_events() == []


def test_weak_password_refused_strong_one_protects(export_env: ExportEnv) -> None:
    env = export_env
    recipient = env.service.recipient_for(INSECURE)
    with pytest.raises(ValidationError, match="Password"):
        env.service.export(request(env, recipient, "password1234"))
    result = env.service.export(request(env, recipient, STRONG))
    data = result.destination.read_bytes()
    assert is_protected(data) and result.protected
    assert assert_marked_every_page(data, env.policy.protective_marking, STRONG) >= 3
    [event] = env.export_events()
    assert "recipient=not-secure protected=yes purpose=support" in event


def test_audit_event_holds_no_password_name_or_address(export_env: ExportEnv) -> None:
    env = export_env
    env.service.export(request(env, env.service.recipient_for(INSECURE), STRONG))
    events = env.session.audit().events(limit=1000)
    for e in events:
        text = " ".join(str(v) for v in (e.actor, e.organisation, e.object_type, e.object_id,
                                         e.detail))
        for secret in (STRONG, CANARY, CANARY_GIVEN, INSECURE, "example.com", "Alex"):
            assert secret not in text


def test_print_and_meeting_copies(export_env: ExportEnv) -> None:
    env = export_env
    env.service.export(request(env, Recipient.printing(), name="print.pdf"))
    env.service.export(request(env, Recipient.meeting(), STRONG, name="meeting.pdf"))
    events = env.export_events()
    assert any("recipient=meeting protected=yes" in e for e in events)
    assert any("recipient=print protected=no" in e for e in events)
    # Both leave the secure routes: audited as unprotected copies with their purpose, even
    # the password-protected one, and never as secure.
    assert len(events) == 2
    for e in events:
        assert "purpose=support copy=unprotected" in e
        assert "recipient=secure" not in e and POLICY_IN_AUDIT in e


def test_a_secure_e_mail_export_is_not_called_a_copy(export_env: ExportEnv) -> None:
    env = export_env
    env.service.export(request(env, env.service.recipient_for(SECURE)))
    [event] = env.export_events()
    assert "copy=" not in event and event.endswith(POLICY_IN_AUDIT)


def test_no_file_with_the_canary_appears_outside_the_destination(export_env: ExportEnv) -> None:
    env = export_env
    destinations = []
    with WriteWatch() as watch:
        for address, password, name in ((SECURE, "", "a.pdf"), (INSECURE, STRONG, "b.pdf")):
            result = env.service.export(request(env, env.service.recipient_for(address),
                                                password, name=name))
            destinations.append(result.destination)
    # Python opened files for writing only inside the destination folder (the atomic
    # write's own temp file, renamed onto the destination), besides the audit trail's head
    # kept beside the store (a row number and a hash; the canary scan below covers it) ...
    written = {Path(p).resolve().parent for p in watch.paths
               if "casestore.audit-head" not in Path(p).name}
    assert written <= {env.out.resolve()}, watch.paths
    # ... and afterwards the canary is in the unprotected destination and nowhere else.
    assert set(files_with_canary(env.root, Path(tempfile.gettempdir()))) == {destinations[0]}
    assert not holds_canary(destinations[1].read_bytes())
    assert sorted(p.name for p in env.out.iterdir()) == ["a.pdf", "b.pdf"]


def test_existing_file_needs_replace(export_env: ExportEnv) -> None:
    env = export_env
    target = env.out / "r.pdf"
    target.write_bytes(b"old")
    with pytest.raises(UserFacingError, match="already exists"):
        env.service.export(request(env, Recipient.printing()))
    assert target.read_bytes() == b"old"
    env.service.export(request(env, Recipient.printing(), replace=True))
    assert target.read_bytes().startswith(b"%PDF")
    assert [p.name for p in env.out.iterdir()] == ["r.pdf"]


def test_file_appearing_meanwhile_is_not_replaced(export_env: ExportEnv) -> None:
    env = export_env
    prepared = env.service.prepare(request(env, Recipient.printing()))
    (env.out / "r.pdf").write_bytes(b"someone else's")
    with pytest.raises(UserFacingError, match="appeared"):
        env.service.write(prepared)
    assert (env.out / "r.pdf").read_bytes() == b"someone else's"
    assert [p.name for p in env.out.iterdir()] == ["r.pdf"]


def test_disk_full_leaves_nothing(export_env: ExportEnv, monkeypatch: pytest.MonkeyPatch) -> None:
    env = export_env

    def full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", full)
    with pytest.raises(UserFacingError, match="disk is full"):
        env.service.export(request(env, Recipient.printing()))
    monkeypatch.undo()
    assert list(env.out.iterdir()) == []
    assert env.export_events() == []


def test_unwritable_or_missing_folder(export_env: ExportEnv,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    env = export_env
    missing = request(env, Recipient.printing())
    missing = ExportRequest(**{**{f: getattr(missing, f) for f in missing.__slots__},
                               "destination": env.root / "nowhere" / "r.pdf"})
    with pytest.raises(UserFacingError, match="does not exist"):
        env.service.export(missing)

    def denied(*_a: object, **_k: object) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(atomic.tempfile, "mkstemp", denied)
    with pytest.raises(UserFacingError, match="permission denied"):
        env.service.export(request(env, Recipient.printing()))
    monkeypatch.undo()
    assert list(env.out.iterdir()) == []


def test_failed_audit_removes_the_file(export_env: ExportEnv,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    env = export_env

    def broken(*_a: object, **_k: object) -> None:
        raise UserFacingError("The case store is locked.")

    monkeypatch.setattr(env.session, "record", broken)
    with pytest.raises(UserFacingError, match="locked"):
        env.service.export(request(env, Recipient.printing()))
    assert list(env.out.iterdir()) == []


def test_other_bad_requests(export_env: ExportEnv) -> None:
    env = export_env
    with pytest.raises(ValidationError, match="Purpose"):
        env.service.export(ExportRequest(env.family_id, ReportKind.CASE_SUMMARY,
                                         env.out / "r.pdf", Recipient.printing(), "gossip"))
    with pytest.raises(ValidationError, match="File name"):
        env.service.export(request(env, Recipient.printing(), STRONG, name=f"{STRONG}.pdf"))
    with pytest.raises(ValidationError, match="Meeting"):
        env.service.export(ExportRequest(env.family_id, ReportKind.MEETING_RECORD,
                                         env.out / "m.pdf", Recipient.printing(), "support"))
    with pytest.raises(RecordNotFoundError):
        env.service.export(ExportRequest(9999, ReportKind.CASE_SUMMARY, env.out / "r.pdf",
                                         Recipient.printing(), "support"))
    assert list(env.out.iterdir()) == []
