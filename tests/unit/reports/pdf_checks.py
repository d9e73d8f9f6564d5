"""Reading exported PDFs back for tests: text per page, with where on the page it sits."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

from pypdf import PdfReader


def positioned_text(data: bytes, password: str = "") -> list[list[tuple[str, float]]]:
    """For each page, the (text, y) runs pypdf extracts; y from the bottom of the page."""
    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        assert reader.decrypt(password), "wrong password"
    pages: list[list[tuple[str, float]]] = []
    for page in reader.pages:
        runs: list[tuple[str, float]] = []

        def visit(text: str, _cm: object, tm: list[float], _fd: object, _fs: object,
                  runs: list[tuple[str, float]] = runs) -> None:
            if text.strip():
                runs.append((text.strip(), float(tm[5])))

        page.extract_text(visitor_text=visit)
        pages.append(runs)
    return pages


def page_height(data: bytes, password: str = "") -> float:
    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        reader.decrypt(password)
    return float(reader.pages[0].mediabox.height)


def assert_marked_every_page(data: bytes, marking: str, password: str = "") -> int:
    """Acceptance 1: marking at top and bottom, "Page X of Y" with the right Y, every page."""
    pages = positioned_text(data, password)
    height = page_height(data, password)
    total = len(pages)
    assert total >= 1
    for number, runs in enumerate(pages, 1):
        marks = [y for text, y in runs if text == marking]
        assert any(y > height * 0.9 for y in marks), f"page {number}: no marking at the top"
        assert any(y < height * 0.1 for y in marks), f"page {number}: no marking at the bottom"
        labels = {text for text, _y in runs if re.fullmatch(r"Page \d+ of \d+", text)}
        assert labels == {f"Page {number} of {total}"}, (number, labels)
    return total


def pdftotext_pages(path: Path, password: str = "") -> list[str]:
    args = ["pdftotext", "-layout"]
    if password:
        args += ["-upw", password]
    text = subprocess.run([*args, str(path), "-"], check=True, capture_output=True,
                          text=True).stdout
    return text.split("\f")[:-1]
