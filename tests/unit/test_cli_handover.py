"""``keyworker contact``, ``handover`` and ``receive`` end to end on two real stores."""

from __future__ import annotations

import re

from tests.cli_harness import CliHarness

PASS = "orbit lantern gravel 4711"


def test_cards_handover_and_receive_between_two_stores(harness: CliHarness) -> None:
    a, b = str(harness.root / "a"), str(harness.root / "b")
    assert harness.run("--store", a, "demo", "--families", "3", "--meetings-for", "2",
                       KEYWORKER_PASSPHRASE=PASS).code == 0
    made = harness.run("--store", b, "init", "--name", "Jo Lead", "--role", "team-lead",
                       "--organisation", "leicester-city", KEYWORKER_PASSPHRASE=PASS)
    assert made.code == 0, made.err
    cards = {}
    for name, store in (("a", a), ("b", b)):
        path = harness.root / f"{name}.kwcard"
        done = harness.run("--store", store, "contact", "export", str(path),
                           KEYWORKER_PASSPHRASE=PASS)
        assert done.code == 0, done.err
        found = re.search(r"Fingerprint: ((?:[A-Z2-7]{4} ){7}[A-Z2-7]{4})", done.out)
        assert found, done.out
        cards[name] = (path, found.group(1))

    wrong = harness.run("--store", b, "contact", "add", str(cards["a"][0]), "--fingerprint",
                        cards["b"][1], KEYWORKER_PASSPHRASE=PASS)
    assert wrong.code == 2 and "does not match" in wrong.err
    unasked = harness.run("--store", b, "contact", "add", str(cards["a"][0]),
                          KEYWORKER_PASSPHRASE=PASS)
    assert unasked.code == 2 and "--yes" in unasked.err  # no terminal to ask on
    for store, other in ((b, "a"), (a, "b")):
        added = harness.run("--store", store, "contact", "add", str(cards[other][0]),
                            "--fingerprint", cards[other][1], KEYWORKER_PASSPHRASE=PASS)
        assert added.code == 0 and "Added" in added.out, added.err
    listed = harness.run("--store", a, "contact", "list", KEYWORKER_PASSPHRASE=PASS)
    assert "Jo Lead (Team lead" in listed.out and cards["b"][1] in listed.out

    bundle = harness.root / "case.kwbundle"
    missing = harness.run("--store", a, "handover", "--family", "DEMO-99999", "--to",
                          cards["b"][1], "--kind", "transfer", "--out", str(bundle),
                          KEYWORKER_PASSPHRASE=PASS)
    assert missing.code == 2 and not bundle.exists()
    sent = harness.run("--store", a, "handover", "--family", "DEMO-00001", "--to",
                       cards["b"][1][:9], "--kind", "transfer", "--out", str(bundle),
                       KEYWORKER_PASSPHRASE=PASS)
    assert sent.code == 0, sent.err
    assert "DEMO-00001" in sent.out and bundle.exists()

    got = harness.run("--store", b, "receive", str(bundle), "--yes", KEYWORKER_PASSPHRASE=PASS)
    assert got.code == 0, got.err
    assert "Hand over (transfer) from " in got.out and "DEMO-00001:" in got.out
    again = harness.run("--store", b, "receive", str(bundle), "--yes",
                        KEYWORKER_PASSPHRASE=PASS)
    assert again.code == 2 and "already received" in again.err
    junk = harness.root / "junk.kwbundle"
    junk.write_bytes(b"not a bundle")
    bad = harness.run("--store", b, "receive", str(junk), "--yes", KEYWORKER_PASSPHRASE=PASS)
    assert bad.code == 2 and "damaged or changed" in bad.err
    audit = harness.run("--store", b, "audit", KEYWORKER_PASSPHRASE=PASS)
    assert "bundle-received" in audit.out and "contact-added" in audit.out
