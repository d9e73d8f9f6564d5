"""Hostile import files get a plain message (exit 2), never a traceback, and change
nothing: the real command line over a real store."""

from __future__ import annotations

import hashlib
import json

import pytest

from tests.cli_harness import CliHarness
from tests.unit.test_cli import EXAMPLE, PASS, init


def fingerprint(h: CliHarness) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(h.store.iterdir()) if p.is_file()}


def lone_surrogate() -> str:
    doc = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    doc["families"][0]["family_name"] = "Ash\ud800worth"  # json.dumps writes \ud800
    return json.dumps(doc)


@pytest.mark.parametrize("text, message", [
    ("[" * 200_000 + "]" * 200_000, "nested far more deeply than a family file ever is"),
    ('{"families": ' + '{"a": ' * 50_000 + "1" + "}" * 50_001, "nested far more deeply"),
    (lone_surrogate(), "families[0].family_name: contains a character that is not text"),
], ids=["deep-lists", "deep-objects", "lone-surrogate"])
def test_hostile_import_files_are_refused_plainly(harness: CliHarness, text: str,
                                                  message: str) -> None:
    init(harness)
    source = harness.root / "families.json"
    source.write_text(text, encoding="utf-8")
    before = fingerprint(harness)
    result = harness.run("import-families", str(source), KEYWORKER_PASSPHRASE=PASS)
    assert result.code == 2
    assert message in result.err
    assert "Traceback" not in result.err and "Error" not in result.err.split(":")[0]
    assert "Nothing was imported" in result.err
    assert fingerprint(harness) == before  # not even an unlock was recorded
