"""Reading a partner's CSV or XLSX file into a table, in memory only.

The bytes are read once; nothing is written anywhere (openpyxl in read-only mode reads the
workbook straight from the bytes, no temporary copy). A workbook with macros, a file too
large, text that is not UTF-8 and a cell longer than any name or address are refused whole,
naming the row and the column, never the content.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from keyworker_app.domain.partner_data import MAX_CELL_CHARS, PartnerImportError

MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_UNPACKED_BYTES = 256 * 1024 * 1024  # a workbook is a zip: refuse a zip bomb
# The csv module refuses a field over 128 KiB with a bare error; read it, then refuse it
# with its row and column named.
csv.field_size_limit(max(csv.field_size_limit(), MAX_FILE_BYTES))


@dataclass(frozen=True, slots=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]


def read_file(path: Path) -> bytes:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise PartnerImportError(["the file could not be read"],
                                 "Check the file's name and that it is still there.") from exc
    if size > MAX_FILE_BYTES:
        raise PartnerImportError([f"the file is larger than {MAX_FILE_BYTES // 2**20} MB"],
                                 "Ask the partner to send it in parts.")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise PartnerImportError(["the file could not be read"]) from exc


def read_table(data: bytes, name: str) -> Table:
    """The file's first sheet (or the CSV) as a header row and the rows under it."""
    if len(data) > MAX_FILE_BYTES:
        raise PartnerImportError([f"the file is larger than {MAX_FILE_BYTES // 2**20} MB"])
    suffix = Path(name).suffix.casefold()
    if suffix in (".xlsm", ".xlsb", ".xls"):
        raise PartnerImportError(["workbooks with macros and old Excel formats are not "
                                  "accepted"], "Ask the partner for .xlsx or CSV (UTF-8).")
    if data[:2] == b"PK" or suffix == ".xlsx":
        table = _xlsx(data)
    else:
        table = _csv(data)
    _check_cells(table)
    return table


def _check_cells(table: Table) -> None:
    problems = []
    seen: set[str] = set()
    for at, header in enumerate(table.headers, start=1):
        if not header:
            problems.append(f"row 1, column {at}: no header")
        elif header in seen:
            problems.append(f"row 1: column '{header}' appears twice")
        seen.add(header)
    if problems:
        raise PartnerImportError(problems)
    for number, cells in enumerate(table.rows, start=2):
        for at, cell in enumerate(cells):
            if isinstance(cell, str) and len(cell) > MAX_CELL_CHARS:
                column = table.headers[at] if at < len(table.headers) else f"{at + 1}"
                problems.append(f"row {number}, column '{column}': longer than "
                                f"{MAX_CELL_CHARS} characters")
        if len(cells) > len(table.headers) and any(c not in (None, "")
                                                   for c in cells[len(table.headers):]):
            problems.append(f"row {number}: more values than the header has columns")
    if problems:
        raise PartnerImportError(problems)


def _csv(data: bytes) -> Table:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = data[:exc.start].count(b"\n") + 1
        raise PartnerImportError([f"row {row}: the text is not UTF-8"],
                                 "Ask the partner to save the file as 'CSV UTF-8', or open it "
                                 "and save it so yourself, then import it again.") from None
    if "\x00" in text:
        raise PartnerImportError(["the file is not a CSV or XLSX table"])
    try:
        read = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise PartnerImportError(["the file is not a CSV table that can be read"]) from exc
    read = [r for r in read if any(cell.strip() for cell in r)]
    if not read:
        raise PartnerImportError(["the file is empty"])
    headers = tuple(h.strip() for h in read[0])
    return Table(headers, tuple(tuple(r) for r in read[1:]))


def _xlsx(data: bytes) -> Table:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            unpacked = sum(i.file_size for i in archive.infolist())
    except zipfile.BadZipFile:
        raise PartnerImportError(["the file is not a workbook that can be read"]) from None
    if any(n.casefold().endswith("vbaproject.bin") for n in names):
        raise PartnerImportError(["the workbook contains macros"],
                                 "Ask the partner for a workbook without macros (.xlsx) or "
                                 "a CSV file.")
    if unpacked > MAX_UNPACKED_BYTES:
        raise PartnerImportError(["the workbook unpacks to more than "
                                  f"{MAX_UNPACKED_BYTES // 2**20} MB"])
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True,
                                      keep_vba=False, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise PartnerImportError(["the file is not a workbook that can be read"]) from exc
    try:
        sheet = book.worksheets[0]
        rows: list[tuple[Any, ...]] = []
        for values in sheet.iter_rows(values_only=True):
            if any(v not in (None, "") for v in values):
                rows.append(tuple(values))
    finally:
        book.close()
    if not rows:
        raise PartnerImportError(["the workbook's first sheet is empty"])
    headers = tuple("" if h is None else str(h).strip() for h in rows[0])
    while headers and not headers[-1]:
        headers = headers[:-1]
    return Table(headers, tuple(rows[1:]))
