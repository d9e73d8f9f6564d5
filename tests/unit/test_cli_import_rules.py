"""``keyworker import-families`` refuses the invalid family whole, naming for each broken rule
the file, the line and the JSON path (acceptance: one rule set, the import path)."""

from __future__ import annotations

from datetime import date

from keyworker_app.domain.family_rules import family_problems
from keyworker_app.services.family_export import families_to_json
from tests.cli_harness import CliHarness
from tests.rule_samples import invalid_family

PASS = "orbit lantern gravel 4711"


def test_import_families_refuses_the_invalid_family_with_line_and_path(
        harness: CliHarness) -> None:
    made = harness.run("init", "--name", "Sam Worker", "--role", "key-worker",
                       "--organisation", "leicester-city", KEYWORKER_PASSPHRASE=PASS)
    assert made.code == 0, made.err
    today = date.today()  # the command judges "the future" by the real day
    family = invalid_family(today)
    text = families_to_json([family], indent=2)
    source = harness.root / "fairweather.json"
    source.write_text(text, encoding="utf-8")

    result = harness.run("import-families", str(source), KEYWORKER_PASSPHRASE=PASS)

    assert result.code == 2
    lines = text.splitlines()
    where = {
        "families[0].addresses[0].to_date": '"line1": "9 Old Road"',  # absent: its address
        "families[0].relationships[1]": '"subject": "p1"',
        "families[0].notes[1].occurred_at": '"occurred_at"',
    }
    for problem, (path, marker) in zip(family_problems(family, today), where.items(),
                                       strict=True):
        reported = next(line for line in result.err.splitlines() if f"{path}: " in line)
        assert reported.rstrip().endswith(problem.message)
        number = int(reported.split("line ")[1].split(",")[0])
        # The line named holds the field at fault (or, for one left out, its object).
        assert marker in lines[number - 1] or marker in lines[number]
    assert "fairweather.json, line" in result.err
    assert "Nothing was imported" in result.err
    assert "Call booked" not in result.err and "Old Road" not in result.err
    verify = harness.run("verify", KEYWORKER_PASSPHRASE=PASS)
    assert "0 families" in verify.out
