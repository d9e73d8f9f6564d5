"""Read one application's accessibility tree through AT-SPI, as a screen reader does.

Run with the *system* Python (it needs python3-pyatspi and gir1.2-atspi-2.0 from apt, which a
virtualenv does not see):

    /usr/bin/python3 tests/e2e/atspi_walk.py walk PID      # one JSON object on stdout
    /usr/bin/python3 tests/e2e/atspi_walk.py listen PID SECONDS

``walk`` lists what a screen reader would find wrong in the showing windows of process PID:
a control with no name, a label whose name is not the text it shows, a table column header
with no text; and counts what it walked. ``listen`` prints (as JSON lines) the announcement,
alert and name-change events PID sends until SECONDS pass.
Not imported by the test suite (it is a separate program for another interpreter).
"""

from __future__ import annotations

import json
import sys
import threading

import pyatspi  # type: ignore[import-not-found]

CONTROLS = {
    "push button", "toggle button", "check box", "radio button", "combo box", "text",
    "entry", "password text", "spin button", "slider", "table", "tree table", "list",
    "list box", "page tab list", "page tab", "menu item", "check menu item", "progress bar",
}
NO_DESCENT = {"table", "tree table", "list", "list box", "tree", "menu bar", "menu"}


def application(pid: int) -> object | None:
    desktop = pyatspi.Registry.getDesktop(0)
    for i in range(desktop.childCount):
        app = desktop.getChildAtIndex(i)
        try:
            if app is not None and app.get_process_id() == pid:
                return app
        except Exception:  # an application that went away meanwhile
            continue
    return None


def _text(node: object) -> str | None:
    try:
        text = node.queryText()  # type: ignore[attr-defined]
    except NotImplementedError:
        return None
    return str(text.getText(0, -1))


def _where(path: list[str], role: str, name: str) -> str:
    return f"{' / '.join(path[-3:])} / {role} {name!r}"


def walk(pid: int) -> dict[str, object]:
    app = application(pid)
    if app is None:
        return {"error": f"no application with process id {pid} on the accessibility bus"}
    problems: list[str] = []
    counts = {"nodes": 0, "controls": 0, "labels": 0, "windows": 0}

    def visit(node: object, path: list[str]) -> None:
        states = node.getState()  # type: ignore[attr-defined]
        if not states.contains(pyatspi.STATE_SHOWING):
            return
        counts["nodes"] += 1
        role = node.getRoleName()  # type: ignore[attr-defined]
        name = (node.name or "").strip()  # type: ignore[attr-defined]
        if role == "label":
            counts["labels"] += 1
            shown = (_text(node) or "").strip()
            if shown and name != shown:
                problems.append(f"{_where(path, role, name)}: shows {shown[:80]!r}")
        elif role in CONTROLS:
            counts["controls"] += 1
            if not name:
                problems.append(f"{_where(path, role, name)}: control with no name")
        if role in ("table", "tree table"):
            try:
                table = node.queryTable()  # type: ignore[attr-defined]
                for column in range(table.nColumns):
                    header = table.getColumnHeader(column)
                    title = ((header.name if header is not None else "")
                             or table.getColumnDescription(column) or "")
                    if not title.strip():
                        problems.append(f"{_where(path, role, name)}: column {column} "
                                        "header has no text")
            except NotImplementedError:
                pass
        if role in NO_DESCENT:
            return
        for i in range(node.childCount):  # type: ignore[attr-defined]
            child = node.getChildAtIndex(i)  # type: ignore[attr-defined]
            if child is not None:
                visit(child, [*path, f"{role} {name!r}"[:40]])

    for i in range(app.childCount):  # type: ignore[attr-defined]
        window = app.getChildAtIndex(i)  # type: ignore[attr-defined]
        if window is None or not window.getState().contains(pyatspi.STATE_SHOWING):
            continue
        counts["windows"] += 1
        visit(window, [])
    return {"problems": problems, **counts}


def listen(pid: int, seconds: float) -> None:
    def event(e: object) -> None:
        try:
            source = e.source  # type: ignore[attr-defined]
            if source.get_process_id() != pid:
                return
            print(json.dumps({"type": str(e.type),  # type: ignore[attr-defined]
                              "role": source.getRoleName(), "name": source.name,
                              "detail": str(e.any_data or "")}), flush=True)  # type: ignore[attr-defined]
        except Exception:
            return

    for kind in ("object:announcement", "object:property-change:accessible-name",
                 "object:state-changed:showing", "window:activate"):
        pyatspi.Registry.registerEventListener(event, kind)
    threading.Timer(seconds, pyatspi.Registry.stop).start()
    print(json.dumps({"listening": True}), flush=True)
    pyatspi.Registry.start()


if __name__ == "__main__":
    if sys.argv[1] == "walk":
        print(json.dumps(walk(int(sys.argv[2]))))
    else:
        listen(int(sys.argv[2]), float(sys.argv[3]))
