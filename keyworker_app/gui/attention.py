"""How a table marks a cell that needs attention (overdue), in colour taken from the palette.

The text of the cell always says it too ("Overdue by 3 days", "24/11/2026 (overdue)"): colour
is never the only sign. The colours follow the application's palette (light or dark), so no
colour is written down here: the background is the palette's highlight washed into the base.
"""

from __future__ import annotations

from PySide6.QtGui import QBrush, QColor, QFont, QGuiApplication, QPalette

from keyworker_app.gui.accessible import readable

WASH = 0.28  # how much of the highlight colour goes into the base


def _mix(base: QColor, tint: QColor, share: float) -> QColor:
    keep = 1.0 - share
    return QColor(round(base.red() * keep + tint.red() * share),
                  round(base.green() * keep + tint.green() * share),
                  round(base.blue() * keep + tint.blue() * share))


def attention_background(palette: QPalette | None = None) -> QBrush:
    """A pale wash of the palette's highlight colour over its base colour."""
    palette = palette or QGuiApplication.palette()
    return QBrush(_mix(palette.color(QPalette.ColorRole.Base),
                       palette.color(QPalette.ColorRole.Highlight), WASH))


def attention_foreground(palette: QPalette | None = None) -> QBrush:
    """The palette's own text colour, pushed if need be to 4.5:1 against the wash."""
    palette = palette or QGuiApplication.palette()
    return QBrush(readable(palette.color(QPalette.ColorRole.Text),
                           attention_background(palette).color()))


def attention_font() -> QFont:
    font = QFont()
    font.setBold(True)
    return font
