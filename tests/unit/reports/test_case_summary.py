"""The case summary: marked pages, page numbers, tables split across pages, no clipping."""

from __future__ import annotations

import re
from pathlib import Path

from keyworker_app.domain.family import Family
from keyworker_app.reports import case_summary
from keyworker_app.reports.meta import ReportMeta
from tests.gui.samples import sample_family
from tests.unit.reports.conftest import MARKING, TODAY
from tests.unit.reports.pdf_checks import assert_marked_every_page, pdftotext_pages


def build(family: Family, meta: ReportMeta) -> bytes:
    return case_summary.build(family, meta, TODAY, "Provide support", "Print")


def test_short_summary_is_marked(meta: ReportMeta) -> None:
    data = build(sample_family("KW-0042", "Ashworth"), meta)
    assert data.startswith(b"%PDF-")
    assert assert_marked_every_page(data, MARKING) >= 1


def test_long_notes_split_across_pages_with_repeated_headers(
        meta: ReportMeta, long_family: Family, tmp_path: Path) -> None:
    data = build(long_family, meta)
    total = assert_marked_every_page(data, MARKING)
    assert total >= 5
    path = tmp_path / "summary.pdf"
    path.write_bytes(data)
    pages = pdftotext_pages(path)
    assert len(pages) == total
    log_pages = [i for i, text in enumerate(pages) if "Visit " in text]
    assert len(log_pages) >= 3, "the contact log should span several pages"
    for index in log_pages:
        # the contact log's header row is repeated on every page the table reaches
        assert re.search(r"When\s+Kind\s+About\s+Recorded", pages[index]), index
        assert "Source" in pages[index], index
    for number, text in enumerate(pages, 1):
        assert "Case summary — KW-0042" in text
        assert "Generated 07/03/2025 14:30 by Sam Worker (Key worker), Leeds City Council" \
            in text
        assert "Handle per the ISA Appendix C" in text
        assert f"Page {number} of {total}" in text
    # every word of the longest note reaches the page (continued rows, nothing clipped)
    everything = " ".join(" ".join(pages).split())
    assert everything.count("call the school by 9:30") >= 30


def test_names_with_markup_characters_and_non_latin_letters(meta: ReportMeta,
                                                              tmp_path: Path) -> None:
    data = build(sample_family("KW-0042", "Łukasz & <Şahin>"), meta)
    path = tmp_path / "s.pdf"
    path.write_bytes(data)
    text = "".join(pdftotext_pages(path))
    assert "& <" in text and "■" not in text


def test_pdf_properties_name_no_one(meta: ReportMeta) -> None:
    import io

    from pypdf import PdfReader

    info = PdfReader(io.BytesIO(build(sample_family("KW-0042", "Ashworth"), meta))).metadata
    assert info is not None
    assert "Ashworth" not in " ".join(str(v) for v in info.values())
