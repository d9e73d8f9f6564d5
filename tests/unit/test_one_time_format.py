"""Every date and time the app shows goes through ``domain.dates``: nothing else formats a
datetime, converts it to local time or takes its day, so no screen, report or command can
print UTC as if it were local again. Parses the source (no importing)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "keyworker_app"
THE_ONE_PLACE = PACKAGE / "domain" / "dates.py"
# The storage layers write and read their own fixed machine format (always UTC).
STORAGE = (PACKAGE / "store", PACKAGE / "security")

FORMATTING = {"strftime", "strptime", "astimezone", "ctime", "asctime"}
STORAGE_FORMAT = {"isoformat", "fromisoformat"}
TIME_DIRECTIVE = re.compile(r"%[aAbBdHIjmMpSyYzZ]")
DATE_PATTERN = re.compile(r"%[dmyYHIM][/:-]%[dmyYbBHIMS]")  # %d/%m, %H:%M, %Y-%m ...


def problems(source: str, storage: bool = False) -> list[str]:
    """Each direct formatting of a date or time in ``source``: 'line: what'."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            name = node.func.attr
            local_day = name == "date" and not node.args and not node.keywords
            utc_only = name == "astimezone" and storage and bool(node.args)
            if ((name in FORMATTING and not utc_only) or local_day
                    or (name in STORAGE_FORMAT and not storage)):
                found.append(f"{node.lineno}: .{name}()")
        elif isinstance(node, ast.FormattedValue) and node.format_spec is not None:
            spec = ast.unparse(node.format_spec)
            if TIME_DIRECTIVE.search(spec):
                found.append(f"{node.lineno}: f-string date format")
        elif (isinstance(node, ast.Constant) and isinstance(node.value, str) and not storage
              and DATE_PATTERN.search(node.value)):  # storage: SQL's own UTC conversions
            found.append(f"{node.lineno}: date format {node.value!r}")
    return found


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if p != THE_ONE_PLACE)


def test_the_scan_sees_the_whole_package() -> None:
    assert len(modules()) > 50 and THE_ONE_PLACE.exists()


@pytest.mark.parametrize("snippet", [
    "x = moment.strftime('%H')",
    "x = f'{moment:%d/%m/%Y %H:%M}'",
    "x = moment.astimezone()",
    "x = moment.date()",
    "x = moment.isoformat()",
    "x = datetime.strptime(text, FMT)",
    "FMT = '%d/%m/%Y'",
    "x = format(moment, '%H:%M')",
    "FMT = '%Y-%m-%d'",
])
def test_the_scan_catches_direct_formatting(snippet: str) -> None:
    assert problems(snippet)


def test_the_scan_lets_storage_keep_its_utc_format() -> None:
    assert not problems("t = moment.astimezone(UTC).isoformat()", storage=True)
    assert problems("t = moment.astimezone().isoformat()", storage=True)
    assert not problems("x = f'{count:6} {name!r:>10}'; d = date.today()")
    assert not problems("log.info('calibrated: %d KiB, %d passes', kib, passes)")


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_formats_times_itself(path: Path) -> None:
    storage = any(path.is_relative_to(s) for s in STORAGE)
    found = problems(path.read_text(encoding="utf-8"), storage)
    assert not found, (f"{path.relative_to(PACKAGE)} formats dates or times directly; use "
                       f"keyworker_app.domain.dates (to_local, format_datetime, ...): {found}")
