"""Line numbers for the values in a JSON document, by JSON path.

The standard ``json`` module reports positions only for syntax errors. To tell a user which
line holds a bad field we re-scan the (already parsed, so known-good) text once and record
where each value starts. Keys repeated within one object are reported here too: ``json``
silently keeps the last, which would hide a mistake.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

JsonPath = tuple[str | int, ...]

_WS = re.compile(r"[ \t\n\r]*")
_SCALAR = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?|true|false|null")


def format_path(path: JsonPath) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out or "(the document)"


@dataclass
class Positions:
    """The line each value starts on; ``duplicate`` is the first repeated key found, if any."""

    lines: dict[JsonPath, int] = field(default_factory=dict)
    duplicate: JsonPath | None = None

    def line_of(self, path: JsonPath) -> int | None:
        # A missing field has no line of its own: point at the nearest enclosing value.
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path)


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.positions = Positions()
        # Line starts let us turn offsets into line numbers by bisection, not by counting.
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def line(self, offset: int) -> int:
        lo, hi = 0, len(self.line_starts)
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if self.line_starts[mid] <= offset:
                lo = mid
            else:
                hi = mid
        return lo + 1

    def skip_ws(self, pos: int) -> int:
        match = _WS.match(self.text, pos)
        return match.end() if match else pos

    def value(self, pos: int, path: JsonPath) -> int:
        pos = self.skip_ws(pos)
        self.positions.lines[path] = self.line(pos)
        char = self.text[pos]
        if char == "{":
            return self.obj(pos + 1, path)
        if char == "[":
            return self.array(pos + 1, path)
        if char == '"':
            return int(json.decoder.scanstring(self.text, pos + 1)[1])  # type: ignore[attr-defined]
        match = _SCALAR.match(self.text, pos)
        if match is None:  # NaN/Infinity, which json accepts; treat as one token
            match = re.compile(r"-?[A-Za-z]+").match(self.text, pos)
            assert match is not None
        return match.end()

    def obj(self, pos: int, path: JsonPath) -> int:
        seen: set[str] = set()
        pos = self.skip_ws(pos)
        if self.text[pos] == "}":
            return pos + 1
        while True:
            pos = self.skip_ws(pos)
            key, pos = json.decoder.scanstring(self.text, pos + 1)  # type: ignore[attr-defined]
            assert isinstance(key, str)
            if key in seen and self.positions.duplicate is None:
                self.positions.duplicate = (*path, key)
            seen.add(key)
            pos = self.skip_ws(pos) + 1  # the colon
            pos = self.skip_ws(self.value(pos, (*path, key)))
            if self.text[pos] == "}":
                return pos + 1
            pos += 1  # the comma

    def array(self, pos: int, path: JsonPath) -> int:
        pos = self.skip_ws(pos)
        if self.text[pos] == "]":
            return pos + 1
        index = 0
        while True:
            pos = self.skip_ws(self.value(pos, (*path, index)))
            if self.text[pos] == "]":
                return pos + 1
            pos += 1
            index += 1


def scan_positions(text: str) -> Positions:
    """Positions of every value in ``text``, which must already have parsed as JSON."""
    scanner = _Scanner(text)
    scanner.value(0, ())
    # The key's position was recorded by its value; a duplicate's line is its later occurrence.
    return scanner.positions
