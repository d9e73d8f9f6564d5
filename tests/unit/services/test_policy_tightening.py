"""A user's own policy file (KEYWORKER_POLICY) may only tighten the shipped policy; IT checks a
candidate with ``keyworker policy check FILE`` without applying it."""

from __future__ import annotations

from pathlib import Path

import pytest

from keyworker_app.cli import main
from keyworker_app.domain.handling import is_secure_email
from keyworker_app.errors import PolicyError
from keyworker_app.services import policy_loader
from keyworker_app.services.policy_loader import POLICY_ENV, find_policy, shipped_policy_path

SHIPPED = shipped_policy_path()


@pytest.fixture
def no_system_policy(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.delenv(POLICY_ENV, raising=False)
    deployed = tmp_path / "system" / "policy.toml"
    monkeypatch.setattr(policy_loader, "system_policy_dirs", lambda: [deployed])
    return deployed


def _edited(tmp_path: Path, old: str, new: str, name: str = "mine.toml") -> Path:
    text = SHIPPED.read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


GMAIL = ('    "cjsm.net",       # CJSM', '    "gmail.com",\n    "cjsm.net",       # CJSM')


def test_keyworker_policy_adding_gmail_as_secure_is_refused_naming_the_key(
    no_system_policy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(POLICY_ENV, str(_edited(tmp_path, *GMAIL)))
    with pytest.raises(PolicyError) as caught:
        find_policy()
    assert "handling.secure_email_suffixes[5]" in caught.value.message
    assert "gmail.com" in caught.value.message


@pytest.mark.parametrize("change", [
    ("idle_timeout_minutes = 5", "idle_timeout_minutes = 15", "device.idle_timeout_minutes"),
    ("screen_capture_protection = true", "screen_capture_protection = false",
     "device.screen_capture_protection"),
    ("lock_on_minimise = true", "lock_on_minimise = false", "device.lock_on_minimise"),
    ("clipboard_clear_seconds = 30", "clipboard_clear_seconds = 300",
     "device.clipboard_clear_seconds"),
    ("min_length = 12", "min_length = 8", "handling.export_password.min_length"),
    ("partner_notice_hours = 24", "partner_notice_hours = 48", "breach.partner_notice_hours"),
    ("regulator_deadline_hours = 72", "regulator_deadline_hours = 96",
     "breach.regulator_deadline_hours"),
    ("follow_up_days = 28", "follow_up_days = 60", "breach.follow_up_days"),
    ("failed_unlocks_to_report = 3", "failed_unlocks_to_report = 9",
     "breach.failed_unlocks_to_report"),
    ('email_domains = ["leicestershire.pnn.police.uk"]',
     'email_domains = ["leicestershire.pnn.police.uk", "example.org"]',
     "partners[2].email_domains[1]"),
])
def test_each_loosening_is_refused_naming_its_key(
    no_system_policy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    change: tuple[str, str, str],
) -> None:
    old, new, key = change
    monkeypatch.setenv(POLICY_ENV, str(_edited(tmp_path, old, new)))
    with pytest.raises(PolicyError, match=key.replace("[", r"\[").replace("]", r"\]")):
        find_policy()


def test_tightening_is_accepted(
    no_system_policy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = SHIPPED.read_text(encoding="utf-8")
    text = text.replace('    "cjsm.net",       # CJSM', '    "probation.gsi.gov.uk",  # CJSM', 1)
    text = text.replace('    "gsi.gov.uk",     # GSi', "    # GSi", 1)
    text = text.replace("idle_timeout_minutes = 5", "idle_timeout_minutes = 2", 1)
    text = text.replace("partner_notice_hours = 24", "partner_notice_hours = 4", 1)
    text = text.replace("failed_unlocks_to_report = 3", "failed_unlocks_to_report = 2", 1)
    path = tmp_path / "tight.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv(POLICY_ENV, str(path))
    policy, used = find_policy()
    assert used == path
    assert policy.device.idle_timeout_minutes == 2
    assert policy.breach.partner_notice_hours == 4
    assert policy.breach.failed_unlocks_to_report == 2
    suffixes = policy.handling.secure_email_suffixes
    assert not is_secure_email("someone@cjsm.net", suffixes)
    assert is_secure_email("someone@leicestershire.probation.gsi.gov.uk", suffixes)


def test_the_deployed_policy_may_differ_from_the_shipped_one(
    no_system_policy: Path, tmp_path: Path
) -> None:
    no_system_policy.parent.mkdir()
    no_system_policy.write_text(_edited(tmp_path, *GMAIL).read_text(encoding="utf-8"),
                                encoding="utf-8")
    policy, _ = find_policy()
    assert is_secure_email("a@gmail.com", policy.handling.secure_email_suffixes)


@pytest.mark.parametrize(("address", "convention"), [
    ("a.b@leicestershire.pnn.police.uk", "PNN"), ("x@dwp.gsi.gov.uk", "GSi"),
    ("x@leics.gcsx.gov.uk", "GCSx"), ("x@firm.cjsm.net", "CJSM"), ("x@mod.uk", "MOD"),
    ("x@army.mod.uk", "MOD"),
])
def test_the_shipped_policy_covers_every_convention_the_agreement_names(
    address: str, convention: str
) -> None:
    policy = policy_loader.parse_policy(SHIPPED.read_text(encoding="utf-8"), "shipped")
    assert is_secure_email(address, policy.handling.secure_email_suffixes), convention
    text = SHIPPED.read_text(encoding="utf-8")
    assert f"# {convention}" in text  # each suffix notes where the agreement names it


def test_policy_check_accepts_a_valid_file_without_applying_it(
    no_system_policy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    candidate = _edited(tmp_path, "idle_timeout_minutes = 5", "idle_timeout_minutes = 3")
    assert main(["policy", "check", str(candidate)]) == 0
    assert "is a valid policy" in capsys.readouterr().out
    assert find_policy()[1] == SHIPPED


def test_policy_check_names_the_problem_and_exits_2(
    no_system_policy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = _edited(tmp_path, "idle_timeout_minutes = 5", "idle_timeout_minutes = 99")
    assert main(["policy", "check", str(broken)]) == 2
    assert "device.idle_timeout_minutes must be between 1 and 15" in capsys.readouterr().err


def test_policy_check_tells_it_would_be_refused_as_a_users_own_file(
    no_system_policy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    loose = _edited(tmp_path, *GMAIL)
    assert main(["policy", "check", str(loose)]) == 0
    out = capsys.readouterr().out
    assert "would be refused" in out and "gmail.com" in out
    assert main(["policy", "check", "--personal", str(loose)]) == 2
    assert "handling.secure_email_suffixes[5]" in capsys.readouterr().err


@pytest.mark.parametrize(("old", "new", "problem"), [
    ("partner_notice_hours = 24", "partner_notice_hours = 0",
     "breach.partner_notice_hours must be between 1 and 720"),
    ("partner_notice_hours = 24", 'partner_notice_hours = "soon"',
     "breach.partner_notice_hours must be a whole number"),
    ("failed_unlocks_to_report = 3", "failed_unlocks_to_report = 0",
     "breach.failed_unlocks_to_report must be between 1 and 10"),
])
def test_breach_follow_up_keys_are_validated(
    no_system_policy: Path, tmp_path: Path, old: str, new: str, problem: str
) -> None:
    with pytest.raises(PolicyError, match=problem):
        policy_loader.load_policy(_edited(tmp_path, old, new))


def test_the_shipped_policy_documents_the_breach_follow_up_keys() -> None:
    text = SHIPPED.read_text(encoding="utf-8")
    policy = policy_loader.load_policy(SHIPPED)
    assert policy.breach.partner_notice_hours == 24
    assert policy.breach.failed_unlocks_to_report == 3
    section = text[text.index("[breach]"):text.index("[[breach.categories]]")]
    for key in ("partner_notice_hours", "follow_up_days", "failed_unlocks_to_report"):
        assert f"\n{key} = " in section
        before = section[:section.index(f"\n{key} = ")]
        assert before.rstrip().splitlines()[-1].startswith("#")  # a comment says what it is
    assert "never" in section and "lengthen" in section
