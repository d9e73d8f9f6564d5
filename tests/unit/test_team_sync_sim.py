"""The team-sync simulation (docs/design/team-sync.md) in its short form: the rules converge,
and the same checks catch a rule that does not (the newest arrival wins)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "team_sync_sim.py"


@pytest.fixture(scope="module")
def sim() -> ModuleType:
    spec = importlib.util.spec_from_file_location("team_sync_sim", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["team_sync_sim"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def test_the_short_form_reports_convergence(sim: ModuleType,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert sim.main(["--short"]) == 0
    out = capsys.readouterr().out
    assert out.count("converged: yes") == 2 and "all runs converged" in out
    report = sim.simulate(4, 300, 1)
    assert report.partitions > 0 and report.finalised > 0  # partitions and finalising happened
    assert report.conflict_copies + report.resolutions > 0  # and concurrent edits


def test_a_rule_that_depends_on_arrival_order_is_caught(sim: ModuleType,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sim, "winner", lambda versions: list(versions.values())[-1])
    report = sim.simulate(4, 300, 1)
    assert not report.converged and report.problems
