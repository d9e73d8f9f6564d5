"""What assistive technology and a PDF viewer are told about an exported report: its title
(shown in the viewer's window bar instead of the file name), its language (en-GB, so a screen
reader picks a British voice), its author, and text that reads top to bottom on every page
(the marking and heading first, the body, then the handling line and marking at the foot)."""

from __future__ import annotations

import io

import pikepdf

from keyworker_app.reports import case_summary
from keyworker_app.reports.meta import ReportMeta
from tests.unit.reports.conftest import MARKING, long_notes_family
from tests.unit.reports.pdf_checks import positioned_text
from tests.unit.reports.test_case_summary import TODAY


def test_title_language_author_and_reading_order(meta: ReportMeta) -> None:
    data = case_summary.build(long_notes_family(), meta, TODAY, "Provide support", "Print")
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert str(pdf.Root.Lang) == "en-GB"
        assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle) is True
        info = pdf.docinfo
        assert str(info.Title) == "Case summary — KW-0042"
        assert str(info.Author) == "Keyworker"
        assert len(pdf.pages) >= 2
    for number, runs in enumerate(positioned_text(data), 1):
        texts = [text for text, _y in runs]
        # The first text drawn is the top marking, then the page heading; the body follows;
        # the handling line, who generated it and the bottom marking are read last.
        assert texts[0] == MARKING, (number, texts[:3])
        assert texts[1].startswith("Case summary"), (number, texts[:3])
        assert texts[-1] == MARKING, (number, texts[-3:])
        handling = max(i for i, t in enumerate(texts) if t.startswith("Handle per the ISA"))
        assert handling >= len(texts) - 6, (number, texts[handling:])
        assert handling > 3  # the body came before it
