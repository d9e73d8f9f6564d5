"""``keyworker export`` end to end: real store, real CLI, real files."""

from __future__ import annotations

from pathlib import Path

from keyworker_app.reports.protect import is_protected
from tests.cli_harness import CliHarness
from tests.unit.reports.pdf_checks import assert_marked_every_page
from tests.unit.services.export_env import STRONG, files_with_canary
from tests.unit.test_cli import PASS, canary_file, init


def setup_store(h: CliHarness) -> Path:
    init(h)
    assert h.run("import-families", str(canary_file(h.root / "canary.json")),
                 KEYWORKER_PASSPHRASE=PASS).code == 0
    (h.root / "canary.json").unlink()
    out = h.root / "out"
    out.mkdir()
    return out


def export(h: CliHarness, *args: str) -> tuple[int, str, str]:
    result = h.run("export", "--family", "CANARY-0001", "--report", "case-summary",
                   "--purpose", "support", *args, KEYWORKER_PASSPHRASE=PASS)
    return result.code, result.out, result.err


def test_refuses_unprotected_export_to_a_non_secure_recipient(harness: CliHarness) -> None:
    out = setup_store(harness)
    for address in ("someone@example.com", "x@police.uk.evil.com", "pnn.police.uk@evil.com"):
        code, _out, err = export(harness, "--out", str(out / "r.pdf"), "--recipient", address)
        assert code == 2
        assert "not a secure e-mail address" in err
        assert address not in err  # only the domain is named
    assert list(out.iterdir()) == []


def test_secure_recipient_unprotected_and_protected_with_password_file(
        harness: CliHarness) -> None:
    out = setup_store(harness)
    code, text, err = export(harness, "--out", str(out / "s.pdf"), "--recipient",
                             "officer@leics.pnn.police.uk")
    assert code == 0, err
    assert "not password-protected" in text
    data = (out / "s.pdf").read_bytes()
    assert not is_protected(data)
    assert_marked_every_page(data, "RESTRICTED")

    secret = harness.root / "pw.txt"
    secret.write_text(STRONG + "\n", encoding="utf-8")
    code, text, err = export(harness, "--out", str(out / "p.pdf"), "--recipient",
                             "someone@example.com", "--password-file", str(secret))
    assert code == 0, err
    assert "another route" in text and STRONG not in text
    assert is_protected((out / "p.pdf").read_bytes())
    secret.unlink()
    # nothing with the canary outside the one unprotected destination
    assert files_with_canary(harness.root) == [out / "s.pdf"]
    audit = harness.run("audit", KEYWORKER_PASSPHRASE=PASS).out
    assert "recipient=secure protected=no purpose=support" in audit
    assert "recipient=not-secure protected=yes purpose=support" in audit
    assert STRONG not in audit and "example.com" not in audit


def test_existing_file_needs_force_and_bad_input_is_explained(harness: CliHarness) -> None:
    out = setup_store(harness)
    target = out / "r.pdf"
    target.write_bytes(b"old")
    code, _o, err = export(harness, "--out", str(target), "--print")
    assert code == 2 and "already exists" in err and "--force" in err
    assert target.read_bytes() == b"old"
    code, _o, err = export(harness, "--out", str(target), "--print", "--force")
    assert code == 0, err
    assert target.read_bytes().startswith(b"%PDF")

    result = harness.run("export", "--family", "NOPE-1", "--report", "case-summary",
                         "--purpose", "support", "--out", str(out / "x.pdf"),
                         KEYWORKER_PASSPHRASE=PASS)
    assert result.code == 2 and "No family with id NOPE-1" in result.err
    code, _o, err = export(harness, "--out", str(out / "x.pdf"), "--purpose", "gossip")
    assert code == 2 and "Purpose" in err
    code, _o, err = export(harness, "--out", str(harness.root / "missing" / "x.pdf"))
    assert code == 2 and "does not exist" in err
    assert sorted(p.name for p in out.iterdir()) == ["r.pdf"]
