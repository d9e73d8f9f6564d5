"""The policy file: the shipped one loads, bad ones are refused naming the key, precedence."""

from __future__ import annotations

from pathlib import Path

import pytest

from keyworker_app.domain.handling import is_secure_email
from keyworker_app.domain.indicators import Benefit, Disposal
from keyworker_app.errors import PolicyError
from keyworker_app.services import policy_loader
from keyworker_app.services.policy_loader import (
    POLICY_ENV,
    find_policy,
    load_policy,
    shipped_policy_path,
)

SHIPPED = shipped_policy_path()


@pytest.fixture
def no_system_policy(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.delenv(POLICY_ENV, raising=False)
    deployed = tmp_path / "system" / "policy.toml"
    monkeypatch.setattr(policy_loader, "system_policy_dirs", lambda: [deployed])
    return deployed


def test_shipped_policy_loads_with_the_agreements_values() -> None:
    policy = load_policy(SHIPPED)
    assert policy.protective_marking == "RESTRICTED"
    assert "Appendix C" in policy.handling_line
    assert policy.device.idle_timeout_minutes == 5
    assert policy.device.clipboard_clear_seconds == 30
    assert policy.retention.review_months == 12
    assert policy.breach.regulator_deadline_hours == 72
    assert len(policy.breach.categories) == 6
    assert policy.criteria.fixed_exclusions_threshold == 3
    assert policy.criteria.unauthorised_absence_pct == 15.0
    assert Disposal.RESTORATIVE_JUSTICE not in policy.criteria.proven_disposals
    assert set(policy.criteria.out_of_work_benefits) == {b for b in Benefit if b.is_out_of_work}
    assert policy.results.youth_offending_reduction_pct == 33.0
    assert policy.results.continuous_employment_weeks == 13
    assert len(policy.partners) >= 18
    police = policy.partner("leicestershire-police")
    assert police.kind == "police"
    assert any(g.id == "police-act-1996-s30" for g in policy.gateways_for(police))
    assert policy.exchanges and policy.purposes


def test_shipped_policy_names_posts_not_people() -> None:
    text = SHIPPED.read_text(encoding="utf-8").lower()
    for personal in ("wyeth", "chafer", "doyle", "linton", "diffey", "gill@", "wright"):
        assert personal not in text
    assert "@" not in text


def test_secure_email_matches_whole_labels() -> None:
    suffixes = load_policy(SHIPPED).handling.secure_email_suffixes
    assert is_secure_email("someone@leicestershire.pnn.police.uk", suffixes)
    assert is_secure_email("Someone@Example.GCSX.gov.uk", suffixes)
    assert not is_secure_email("someone@notgsi.gov.uk", suffixes)
    assert not is_secure_email("someone@pnn.police.uk.example.com", suffixes)
    assert not is_secure_email("no-at-sign", suffixes)


def _bad(tmp_path: Path, old: str, new: str) -> Path:
    text = SHIPPED.read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / "policy.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("lock_on_minimise = true\n", "", "device.lock_on_minimise is missing"),
        ("idle_timeout_minutes = 5", 'idle_timeout_minutes = "5"',
         "device.idle_timeout_minutes must be a whole number"),
        ("idle_timeout_minutes = 5", "idle_timeout_minutes = 16",
         "device.idle_timeout_minutes must be between 1 and 15"),
        ("idle_timeout_minutes = 5", "idle_timeout_minutes = 0",
         "device.idle_timeout_minutes must be between 1 and 15"),
        ("lock_on_minimise = true", "lock_on_minimise = 1",
         "device.lock_on_minimise must be true or false"),
        ('protective_marking = "RESTRICTED"', 'protective_marking = "  "',
         "handling.protective_marking must not be empty"),
        ('protective_marking = "RESTRICTED"', 'protective_marking = "Restricted"',
         "handling.protective_marking must be in capitals"),
        ('"pnn.police.uk",', '"*.pnn.police.uk",',
         "handling.secure_email_suffixes[0] is not a domain"),
        ('"gsi.gov.uk",', '"someone@gsi.gov.uk",',
         "handling.secure_email_suffixes[1] is not a domain"),
        ('from = ["probation"]', 'from = ["nobody"]',
         "exchanges[2].from[0] names an unknown partner id"),
        ('purposes = ["identify-families"]\n', 'purposes = ["gossip"]\n',
         "exchanges[2].purposes[0] names an unknown purpose id"),
        ('kind = "dwp"', 'kind = "bank"', "partners[7].kind must be one of:"),
        ('"fine",', '"a-stern-look",', "criteria.proven_disposals[2] must be one of:"),
        ('id = "blaby"', 'id = "rutland"', "partners[9].id repeats an id"),
        ("effective_from = 2013-10-01", 'effective_from = "October 2013"',
         "policy.effective_from must be a date"),
        ("unauthorised_absence_pct = 15.0", "unauthorised_absence_pct = 150",
         "criteria.unauthorised_absence_pct must be between 0 and 100"),
        ("[results]", "[resultz]", "results is missing"),
        ("[device]", "[device\n", "it is not valid TOML"),
    ],
)
def test_bad_policy_is_refused_naming_the_key(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    path = _bad(tmp_path, old, new)
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    assert expected in caught.value.message
    assert str(path) in caught.value.message


def test_missing_file_is_a_policy_error(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="does not exist"):
        load_policy(tmp_path / "absent.toml")


def test_shipped_policy_is_used_when_nothing_else_is_found(no_system_policy: Path) -> None:
    policy, path = find_policy()
    assert path == SHIPPED
    assert policy.protective_marking == "RESTRICTED"


def test_deployed_policy_overrides_the_shipped_one(no_system_policy: Path) -> None:
    no_system_policy.parent.mkdir()
    text = SHIPPED.read_text(encoding="utf-8")
    no_system_policy.write_text(
        text.replace('"RESTRICTED"', '"OFFICIAL-SENSITIVE"', 1), encoding="utf-8")
    policy, path = find_policy()
    assert path == no_system_policy
    assert policy.protective_marking == "OFFICIAL-SENSITIVE"


def test_deployed_policy_beats_the_environment(
    no_system_policy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A user's own file must not loosen the organisation's rules (secure recipients,
    # idle timeout, screen-capture protection).
    no_system_policy.parent.mkdir()
    deployed = _bad(tmp_path, "idle_timeout_minutes = 5", "idle_timeout_minutes = 3")
    no_system_policy.write_text(deployed.read_text(encoding="utf-8"), encoding="utf-8")
    loosened = _bad(tmp_path, "idle_timeout_minutes = 5", "idle_timeout_minutes = 15")
    monkeypatch.setenv(POLICY_ENV, str(loosened))
    policy, path = find_policy()
    assert path == no_system_policy
    assert policy.device.idle_timeout_minutes == 3


def test_environment_chooses_where_no_policy_is_deployed(
    no_system_policy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chosen = _bad(tmp_path, "idle_timeout_minutes = 5", "idle_timeout_minutes = 2")
    monkeypatch.setenv(POLICY_ENV, str(chosen))
    policy, path = find_policy()
    assert path == chosen
    assert policy.device.idle_timeout_minutes == 2


def test_environment_naming_a_missing_file_is_an_error_not_a_fallback(
    no_system_policy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(POLICY_ENV, str(tmp_path / "typo.toml"))
    with pytest.raises(PolicyError, match=POLICY_ENV):
        find_policy()


def test_a_broken_deployed_policy_is_refused_not_skipped(no_system_policy: Path) -> None:
    no_system_policy.parent.mkdir()
    no_system_policy.write_text("[policy]\nname = 'x'\n", encoding="utf-8")
    with pytest.raises(PolicyError, match="device is missing"):
        find_policy()


def test_a_policy_knows_the_sha256_of_its_file_as_written(tmp_path: Path) -> None:
    import hashlib

    from keyworker_app.services.policy_loader import load_policy, shipped_policy_path

    text = shipped_policy_path().read_text(encoding="utf-8")
    crlf = tmp_path / "policy.toml"
    crlf.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    loaded = load_policy(crlf)
    assert loaded.file_sha256 == hashlib.sha256(crlf.read_bytes()).hexdigest()
    assert loaded.file_sha256 != load_policy(shipped_policy_path()).file_sha256
    assert loaded == load_policy(shipped_policy_path())  # the same rules all the same
