"""Fonts, paragraph styles and the one table style every report uses.

Names in case records are not all Latin-1 (Łukasz, Şahin, Ana-María, ...): the PDF standard
fonts would print black boxes for them. A Unicode TrueType font is used when one is found (a
bundled ``resources/fonts`` copy first, then the usual system fonts); otherwise Helvetica with
characters it cannot show replaced by their closest Latin-1 form, never dropped silently.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, Spacer, Table, TableStyle

from keyworker_app.resources import resource_path

MUTED = colors.HexColor("#333333")
RULE = colors.HexColor("#9aa5b1")
HEADER_FILL = colors.HexColor("#dfe6ee")
STRIPE = colors.HexColor("#f5f7fa")
TABLE_WIDTH = 174 * 72 / 25.4  # A4 width less two 18 mm margins, in points

_CANDIDATES = (
    # (regular, bold) pairs, most preferred first
    ("fonts/DejaVuSans.ttf", "fonts/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
     "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/TTF/DejaVuSans.ttf", "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf"),
    (os.path.join(os.environ.get("WINDIR", r"C:\Windows"), "Fonts", "arial.ttf"),
     os.path.join(os.environ.get("WINDIR", r"C:\Windows"), "Fonts", "arialbd.ttf")),
)


def _find_font(relative_or_absolute: str) -> Path | None:
    path = Path(relative_or_absolute)
    if not path.is_absolute():
        try:
            path = resource_path(*path.parts)
        except (FileNotFoundError, OSError):
            return None
    return path if path.is_file() else None


def _register_fonts() -> tuple[str, str, bool]:
    for regular, bold in _CANDIDATES:
        regular_path, bold_path = _find_font(regular), _find_font(bold)
        if regular_path and bold_path:
            try:
                pdfmetrics.registerFont(TTFont("KwSans", str(regular_path)))
                pdfmetrics.registerFont(TTFont("KwSans-Bold", str(bold_path)))
            except Exception:  # noqa: BLE001 - a damaged font file: try the next one
                continue
            pdfmetrics.registerFontFamily("KwSans", normal="KwSans", bold="KwSans-Bold",
                                          italic="KwSans", boldItalic="KwSans-Bold")
            return "KwSans", "KwSans-Bold", True
    return "Helvetica", "Helvetica-Bold", False


BODY_FONT, BOLD_FONT, UNICODE_FONT = _register_fonts()


def ascii_safe(text: str) -> str:
    """Text the body font can show: unchanged with a Unicode font, else Latin-1 forms."""
    if UNICODE_FONT:
        return text
    out = []
    for char in text:
        try:
            char.encode("cp1252")
            out.append(char)
        except UnicodeEncodeError:
            base = unicodedata.normalize("NFKD", char).encode("cp1252", "ignore").decode(
                "cp1252")
            out.append(base or "?")
    return "".join(out)


def _style(name: str, size: float, leading: float, font: str = "", **kw: object) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=font or BODY_FONT, fontSize=size, leading=leading,
                          alignment=TA_LEFT, **kw)


TITLE = _style("kwTitle", 17, 21, BOLD_FONT, spaceAfter=2)
SUBTITLE = _style("kwSubtitle", 10, 13, textColor=MUTED, spaceAfter=8)
HEADING = _style("kwHeading", 12, 15, BOLD_FONT, spaceBefore=10, spaceAfter=4, keepWithNext=1)
# For a heading over a table that may run for pages: keeping it with the whole table would
# push both to the next page and leave this one empty.
LONG_HEADING = _style("kwLongHeading", 12, 15, BOLD_FONT, spaceBefore=10, spaceAfter=4)
BODY = _style("kwBody", 9.5, 12.5)
NOTE = _style("kwNote", 8.5, 11, textColor=MUTED)
CELL = _style("kwCell", 8.5, 10.5)
CELL_HEAD = _style("kwCellHead", 8.5, 10.5, BOLD_FONT)


def text(value: str) -> str:
    """Escape record text for a Paragraph (names may hold '&' or '<') and keep line breaks."""
    return escape(ascii_safe(value)).replace("\n", "<br/>")


def para(value: str, style: ParagraphStyle = BODY) -> Paragraph:
    return Paragraph(text(value), style)


def heading(value: str) -> Paragraph:
    return Paragraph(text(value), HEADING)


def long_table_heading(value: str) -> list[Flowable]:
    """A heading over a long table: a new page only if too little room is left for the
    heading and the table's first rows, never for the whole table."""
    return [CondPageBreak(90), Paragraph(text(value), LONG_HEADING)]


def title_block(title: str, subtitle: str) -> list[Flowable]:
    return [Paragraph(text(title), TITLE), Paragraph(text(subtitle), SUBTITLE)]


def key_values(rows: Sequence[tuple[str, str]], width: float) -> Table:
    """A two-column block of labelled facts (no header row)."""
    data = [[Paragraph(text(k), CELL_HEAD), Paragraph(text(v), CELL)] for k, v in rows]
    table = Table(data, colWidths=[width * 0.28, width * 0.72], hAlign="LEFT")
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]))
    return table


MAX_CELL_LINES = 8  # a row never grows taller than a page; longer cells continue below


def _chunks(value: str, width_pt: float) -> list[str]:
    """Split a long cell into pieces of at most ``MAX_CELL_LINES`` wrapped lines, at word
    boundaries, so each table row fits on a page and the table can break between rows."""
    per_line = max(8, int(width_pt / (CELL.fontSize * 0.56)))
    limit = per_line * MAX_CELL_LINES
    if len(value) <= limit:
        return [value]
    pieces: list[str] = []
    rest = value
    while len(rest) > limit:
        cut = rest.rfind(" ", 0, limit)
        cut = cut if cut > limit // 2 else limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces


def data_table(headers: Sequence[str], rows: Sequence[Sequence[str]],
               widths: Sequence[float], empty: str = "None recorded.") -> Flowable:
    """A table whose header row repeats on every page it spans. Long cells wrap; a cell too
    long for one page continues in the rows below (marked "continued"), so the table always
    breaks between rows and nothing is clipped."""
    if not rows:
        return Paragraph(text(empty), NOTE)
    total = sum(widths)
    col_widths = [w / total * TABLE_WIDTH for w in widths]
    data: list[list[Paragraph]] = [[Paragraph(text(h), CELL_HEAD) for h in headers]]
    stripes: list[int] = []
    for number, row in enumerate(rows):
        pieces = [_chunks(cell, w - 8) for cell, w in zip(row, col_widths, strict=True)]
        for line in range(max(len(p) for p in pieces)):
            cells = []
            for column, cell_pieces in enumerate(pieces):
                value = cell_pieces[line] if line < len(cell_pieces) else ""
                if line and column == 0:
                    # the first column says "continued", and keeps its own text if it too
                    # runs on (a long first column must not lose its continuation)
                    cells.append(Paragraph(
                        "(continued)" + (f" {text(value)}" if value else ""), NOTE))
                    continue
                cells.append(Paragraph(text(value), CELL))
            data.append(cells)
            if number % 2:
                stripes.append(len(data) - 1)
    table = Table(data, colWidths=col_widths, repeatRows=1, splitByRow=1, hAlign="LEFT")
    commands: list[tuple[object, ...]] = [
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, RULE),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
    commands += [("BACKGROUND", (0, i), (-1, i), STRIPE) for i in stripes]
    table.setStyle(TableStyle(commands))
    return table


def gap(height: float = 6) -> Spacer:
    return Spacer(1, height)
