"""Acceptance: every text colour the app sets reaches 4.5:1 against its background, and focus
indicators 3:1, in a light and in a dark palette.

For each palette the real window is built under it and every screen is toured
(tests/gui/screen_tour.py). On each: no style sheet sets a colour (colours come from the
palette); each visible label's text colour against the background it sits on; each table
cell's foreground and background as the model gives them (overdue rows, the caseload's
overdue dates) or the palette's, row by row; the chart's bars and threshold. The palettes'
own pairs (text on base, selection, the highlight that draws focus) are checked too.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLabel, QWidget

from keyworker_app.gui.accessible import (
    FOCUS_CONTRAST,
    TEXT_CONTRAST,
    contrast_ratio,
    error_colour,
    flatten,
    readable_palette,
)
from keyworker_app.gui.attention import attention_background, attention_foreground
from keyworker_app.gui.criteria_panel import chart_colours
from keyworker_app.gui.lock import LockSettings
from keyworker_app.gui.main_window import MainWindow
from tests.gui.conftest import FakeClock, unlock
from tests.gui.screen_tour import settle, tour_unlocked

R = QPalette.ColorRole
DARK = {R.Window: "#202326", R.WindowText: "#fcfcfc", R.Base: "#141618",
        R.AlternateBase: "#1d1f22", R.Text: "#fcfcfc", R.Button: "#292c30",
        R.ButtonText: "#fcfcfc", R.Highlight: "#3daee9", R.HighlightedText: "#141618",
        R.ToolTipBase: "#292c30", R.ToolTipText: "#fcfcfc", R.BrightText: "#ffffff",
        R.PlaceholderText: "#a1a9b1", R.Link: "#1d99f3", R.Light: "#3c4147",
        R.Midlight: "#33373c", R.Mid: "#1c1e21", R.Dark: "#121315", R.Shadow: "#0a0b0c"}


def dark_palette() -> QPalette:
    palette = QPalette()
    for role, colour in DARK.items():
        palette.setColor(role, QColor(colour))
    return palette


def light_palette() -> QPalette:
    return QApplication.style().standardPalette()


def _background(widget: QWidget) -> QColor:
    """The colour behind ``widget``: the nearest ancestor that paints its own background."""
    here: QWidget | None = widget
    while here is not None:
        if here.autoFillBackground() or here.isWindow():
            return here.palette().color(here.backgroundRole())
        here = here.parentWidget()
    return widget.palette().color(R.Window)


def _where(widget: QWidget) -> str:
    return f"{type(widget).__name__} {widget.objectName()}".strip()


def label_problems(root: QWidget) -> list[str]:
    found: list[str] = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisible():
            continue
        if "color" in widget.styleSheet():
            found.append(f"{_where(widget)}: colour written in a style sheet")
        if isinstance(widget, QLabel) and widget.text().strip():
            back = _background(widget)
            fore = flatten(widget.palette().color(widget.foregroundRole()), back)
            ratio = contrast_ratio(fore, back)
            if ratio < TEXT_CONTRAST:
                found.append(f"{_where(widget)} {widget.text()[:40]!r}: {ratio:.2f}:1")
    return found


def cell_problems(root: QWidget) -> list[str]:
    found: list[str] = []
    for view in root.findChildren(QAbstractItemView):
        model = view.model()
        if not view.isVisible() or model is None:
            continue
        palette = view.palette()
        columns = 1 if isinstance(model, QAbstractListModel) else model.columnCount()
        for row in range(min(model.rowCount(QModelIndex()), 60)):
            base = palette.color(R.AlternateBase if view.alternatingRowColors() and row % 2
                                 else R.Base)
            for column in range(columns):
                index = model.index(row, column)
                if not str(index.data() or "").strip():
                    continue
                back_brush = index.data(Qt.ItemDataRole.BackgroundRole)
                fore_brush = index.data(Qt.ItemDataRole.ForegroundRole)
                back = back_brush.color() if back_brush is not None else base
                fore = flatten(fore_brush.color() if fore_brush is not None
                               else palette.color(R.Text), back)
                ratio = contrast_ratio(fore, back)
                if ratio < TEXT_CONTRAST:
                    found.append(f"{view.accessibleName()} row {row} column {column} "
                                 f"{str(index.data())[:30]!r}: {ratio:.2f}:1")
    return found


def palette_problems(palette: QPalette) -> list[str]:
    found = []
    for fore, back in ((R.Text, R.Base), (R.Text, R.AlternateBase), (R.WindowText, R.Window),
                       (R.ButtonText, R.Button), (R.HighlightedText, R.Highlight),
                       (R.ToolTipText, R.ToolTipBase)):
        ratio = contrast_ratio(palette.color(fore), palette.color(back))
        if ratio < TEXT_CONTRAST:
            found.append(f"{fore.name} on {back.name}: {ratio:.2f}:1")
    for back in (R.Window, R.Base, R.Button):  # the focus frame is drawn in the highlight
        ratio = contrast_ratio(palette.color(R.Highlight), palette.color(back))
        if ratio < FOCUS_CONTRAST:
            found.append(f"focus (Highlight) on {back.name}: {ratio:.2f}:1")
    overdue = contrast_ratio(attention_foreground(palette).color(),
                             attention_background(palette).color())
    if overdue < TEXT_CONTRAST:  # overdue rows and dates (Today, family plan, caseload)
        found.append(f"overdue cells: {overdue:.2f}:1")
    errors = contrast_ratio(error_colour(palette), palette.color(R.Window))
    if errors < TEXT_CONTRAST:
        found.append(f"error text: {errors:.2f}:1")
    bar, warn, _grid = chart_colours(palette)
    window = palette.color(R.Window)
    if contrast_ratio(bar, window) < FOCUS_CONTRAST:
        found.append("chart bars")
    if contrast_ratio(warn, window) < TEXT_CONTRAST:
        found.append("chart threshold figure")
    return found


@pytest.fixture(params=["light", "dark"])
def palette(request: Any) -> Iterator[QPalette]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = app.palette()
    # As the app does at start (gui/app.py): the desktop's palette, made readable.
    chosen = readable_palette(light_palette() if request.param == "light" else dark_palette())
    app.setPalette(chosen)
    yield chosen
    app.setPalette(before)


def test_every_text_colour_is_readable_in_light_and_dark(
        qtbot: Any, palette: QPalette, programme_stored: tuple[Any, int],
        clock: FakeClock) -> None:
    from tests.gui.programme_samples import NOW, TODAY
    from tests.taf_session import PASSPHRASE, shipped_policy

    assert palette_problems(palette) == []
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    window = MainWindow(programme_stored[0].store, LockSettings(300), clock=clock,
                        watch_desktop=False, today=lambda: TODAY,
                        now=lambda: NOW.replace(tzinfo=None), policy=shipped_policy())
    qtbot.addWidget(window)
    window.lock.install(app)
    window.start()
    window.show()
    problems: dict[str, list[str]] = {}
    seen = 0

    def visit(label: str, shown: QWidget) -> None:
        nonlocal seen
        seen += 1
        found = label_problems(shown) + cell_problems(shown)
        if found:
            problems[label] = found

    window.lock_screen.passphrase.setText("not the passphrase")
    window.lock_screen.submit()
    qtbot.waitUntil(lambda: not window.lock_screen.busy, timeout=5000)
    visit("Lock screen › wrong passphrase", window)
    unlock(qtbot, window, PASSPHRASE)
    tour_unlocked(window, programme_stored[1], visit)
    settle()
    app.removeEventFilter(window.lock)
    window.lock.lock("teardown")
    assert seen > 40
    assert problems == {}, "\n".join(f"{k}: {v}" for k, v in problems.items())
