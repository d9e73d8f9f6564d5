"""The Programme tab names people: criteria evidence and near misses say whom each record is
about (never an internal ref such as "c1:"), a line is not said twice, results name the child
who falls short, and the absence chart has a bar for each child, so one child far over the
line is not hidden in a household average."""

from __future__ import annotations

import os
import re
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from keyworker_app.domain.family import HouseholdRole, Person
from keyworker_app.domain.indicators import EducationTerm, Term
from keyworker_app.gui.criteria_panel import CriteriaPanel
from tests.gui.programme_samples import programme_family
from tests.taf_session import open_taf_store

SHOTS = os.environ.get("KEYWORKER_SHOTS", "")
TODAY = date(2025, 3, 19)
REF = re.compile(r"\b[a-z]\d+:")


def _terms(pcts: tuple[float, ...]) -> tuple[EducationTerm, ...]:
    terms = ((2023, Term.SPRING), (2023, Term.SUMMER), (2024, Term.AUTUMN))
    return tuple(EducationTerm(year, term, 0, False, pct)
                 for (year, term), pct in zip(terms, pcts, strict=True))


def test_programme_tab_names_people_and_charts_each_child(qtbot: Any, tmp_path: Path) -> None:
    taf = open_taf_store(tmp_path)
    base = programme_family()
    casey = replace(base.member("s1"), education=_terms((4.0, 5.0, 6.0)))
    riley = Person("s2", "Riley", base.family_name, date(2011, 5, 2), HouseholdRole.CHILD,
                   education=_terms((32.0, 36.0, 39.0)))
    members = tuple(casey if m.ref == "s1" else m for m in base.members) + (riley,)
    family = taf.session.add_family(replace(base, reference="KW-0310", members=members))
    assert family.id is not None
    panel = CriteriaPanel(taf.session.programme(taf.policy), family.id, lambda: TODAY)
    qtbot.addWidget(panel)
    panel.resize(1000, 700)
    panel.refresh()
    evidence = [panel.criteria_model.index(r, c).data()
                for r in range(panel.criteria_model.rowCount()) for c in (2, 3)]
    details = [panel.results_model.index(r, 3).data()
               for r in range(panel.results_model.rowCount())]
    for text in evidence + details:
        assert not REF.search(text), text
    crime = evidence[0]
    assert "Jordan Fairbairn: Proven offence" in crime
    for text in evidence:  # no line said twice in a cell
        assert len(text.splitlines()) == len(set(text.splitlines())), text
    assert any("Riley Fairbairn: Unauthorised absence" in t for t in evidence)
    assert any("Alex Fairbairn: On Jobseeker's Allowance since" in t for t in evidence)
    chart = panel.chart.accessibleDescription()
    assert "Riley Fairbairn 39.0%" in chart and "Casey Fairbairn 6.0%" in chart
    if SHOTS:
        panel.grab().save(str(Path(SHOTS) / "programme_tab_names.png"))
    taf.session.lock()
