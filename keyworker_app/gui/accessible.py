"""What a screen reader hears when a text changes, and colours that stay readable.

A label that shows text has no accessible name of its own: assistive technology then speaks
the text it shows, so "Unlock message" is never read in place of the message. A text that
changes (an error, a status line, a countdown, a verdict) is *announced*: the label's text is
set and an alert and an announcement event are sent for it, which screen readers read out at
once. A field in error carries its message as its accessible description, so moving into the
field says what is wrong with it.

Colours are derived from the palette in force (light or dark) and then pushed, if needed,
until they reach the WCAG 2.2 contrast for text (4.5:1) against the background they sit on.
"""

from __future__ import annotations

from PySide6 import QtGui
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import (
    QAccessible,
    QAccessibleAnnouncementEvent,
    QAccessibleEvent,
    QColor,
    QGuiApplication,
    QPalette,
    QTextDocument,
)
from PySide6.QtWidgets import QLabel, QTabBar, QTabWidget, QWidget

TEXT_CONTRAST = 4.5  # WCAG 2.2 AA, normal-size text
FOCUS_CONTRAST = 3.0  # WCAG 2.2 AA, focus indicators and other non-text parts
ERROR_HUE = QColor(200, 30, 40)  # the red an error starts from before it is made readable
_DESCRIPTION_KEPT = "keyworker_plain_description"


def _send(event: QAccessibleEvent) -> None:
    QAccessible.updateAccessibility(event)


def announce(label: QLabel, text: str) -> None:
    """Show ``text`` in ``label`` and have a screen reader read it out now (when not empty)."""
    if label.accessibleName() and label.accessibleName() != text:
        label.setAccessibleName("")  # the label speaks what it shows
    label.setText(text)
    if not text:
        return
    _send(QAccessibleEvent(label, QAccessible.Event.NameChanged))
    _send(QAccessibleEvent(label, QAccessible.Event.Alert))
    announcement = QAccessibleAnnouncementEvent(label, text)
    announcement.setPoliteness(QAccessible.AnnouncementPoliteness.Assertive)
    _send(announcement)


def describe_problem(editor: QWidget, message: str) -> None:
    """Give a field in error ``message`` as its accessible description ("" puts back the
    description it had before, such as its hint)."""
    kept = editor.property(_DESCRIPTION_KEPT)
    if kept is None:
        kept = editor.accessibleDescription()
        editor.setProperty(_DESCRIPTION_KEPT, kept)
    editor.setAccessibleDescription(message or str(kept))


# -- contrast -----------------------------------------------------------------------------

def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: QColor) -> float:
    """Relative luminance (WCAG 2.2)."""
    return (0.2126 * _channel(colour.red()) + 0.7152 * _channel(colour.green())
            + 0.0722 * _channel(colour.blue()))


def contrast_ratio(first: QColor, second: QColor) -> float:
    a, b = sorted((luminance(first), luminance(second)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def flatten(colour: QColor, background: QColor) -> QColor:
    """``colour`` as it shows over ``background`` once its transparency is mixed in."""
    alpha = colour.alphaF()
    return QColor(round(colour.red() * alpha + background.red() * (1 - alpha)),
                  round(colour.green() * alpha + background.green() * (1 - alpha)),
                  round(colour.blue() * alpha + background.blue() * (1 - alpha)))


def readable(colour: QColor, background: QColor, ratio: float = TEXT_CONTRAST) -> QColor:
    """``colour`` (keeping its hue) darkened on a light background or lightened on a dark one
    until it reaches ``ratio`` against ``background``."""
    colour = flatten(colour, background)
    dark_background = luminance(background) < 0.18
    step = 0
    while contrast_ratio(colour, background) < ratio and step < 40:
        colour = colour.lighter(112) if dark_background else colour.darker(112)
        if dark_background and colour.value() >= 255:  # pale it towards white
            colour = QColor(min(255, colour.red() + 12), min(255, colour.green() + 12),
                            min(255, colour.blue() + 12))
        step += 1
    return colour


def _palette(palette: QPalette | None) -> QPalette:
    return palette if palette is not None else QGuiApplication.palette()


def error_colour(palette: QPalette | None = None,
                 role: QPalette.ColorRole = QPalette.ColorRole.Window) -> QColor:
    """A red readable on the palette's ``role`` colour (the window behind a label)."""
    return readable(ERROR_HUE, _palette(palette).color(role))


def hint_colour(palette: QPalette | None = None,
                role: QPalette.ColorRole = QPalette.ColorRole.Window) -> QColor:
    """A quieter text colour than the palette's own, but still readable."""
    pal = _palette(palette)
    background = pal.color(role)
    text = pal.color(QPalette.ColorRole.WindowText)
    quiet = QColor(text)
    quiet.setAlphaF(0.72)
    return readable(quiet, background)


def style_error(label: QLabel, palette: QPalette | None = None) -> None:
    """Show ``label`` as an error: bold and red, readable in the palette in force."""
    pal = QPalette(label.palette() if palette is None else palette)
    pal.setColor(QPalette.ColorRole.WindowText, error_colour(pal))
    label.setPalette(pal)
    font = label.font()
    font.setBold(True)
    label.setFont(font)


def style_hint(label: QLabel, palette: QPalette | None = None) -> None:
    """Show ``label`` as a hint: quieter than the text around it, readable all the same."""
    pal = QPalette(label.palette() if palette is None else palette)
    pal.setColor(QPalette.ColorRole.WindowText, hint_colour(pal))
    label.setPalette(pal)


def name_clear_button(editor: QWidget, name: str) -> None:
    """Name the clear button Qt puts in a line edit (it has an icon and no text)."""
    for child in editor.findChildren(QWidget):
        if child.metaObject().className() == "QLineEditIconButton":
            child.setAccessibleName(name)


def plain_text(label: QLabel) -> str:
    """What ``label`` shows, as a screen reader should speak it (no markup, no mnemonic &)."""
    text = label.text()
    if label.textFormat() == Qt.TextFormat.RichText or (
            label.textFormat() == Qt.TextFormat.AutoText and QtGui.Qt.mightBeRichText(text)):
        doc = QTextDocument()
        doc.setHtml(text)
        return doc.toPlainText()
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&") if (
        label.buddy() is not None) else text


def focus_into(widget: QWidget) -> None:
    """Put the keyboard focus on the first control inside ``widget`` that takes Tab focus."""
    candidate = widget.nextInFocusChain()
    while candidate is not widget and candidate is not None:
        if (widget.isAncestorOf(candidate) and candidate.isVisible() and candidate.isEnabled()
                and candidate.focusPolicy() & Qt.FocusPolicy.TabFocus):
            candidate.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        candidate = candidate.nextInFocusChain()
    widget.setFocus(Qt.FocusReason.OtherFocusReason)


class ClosableTabs(QTabWidget):
    """Tabs with close buttons a screen reader can name ("Close KW-0301"); the tab list is
    hidden while it holds no tabs (a screen reader names a tab list by its current tab, so
    an empty one would be a control with no name)."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(name)
        self.tabBar().setAccessibleName(name)
        self.setTabsClosable(True)
        self.tabBar().setVisible(False)

    def tabRemoved(self, index: int) -> None:  # noqa: N802
        super().tabRemoved(index)
        self.tabBar().setVisible(self.count() > 0)

    def tabInserted(self, index: int) -> None:  # noqa: N802
        super().tabInserted(index)
        self.tabBar().setVisible(True)
        for i in range(self.count()):
            button = self.tabBar().tabButton(i, QTabBar.ButtonPosition.RightSide)
            if button is not None:
                button.setAccessibleName(f"Close {self.tabText(i).replace('&', '')}")


DESIGNED_SIZE = QSize(1280, 800)  # the size the screens are laid out for, when it fits
SCREEN_SHARE = 0.92  # of the available height and width, leaving room for a window frame


def first_size(available: QSize) -> QSize:
    """The first window size on a screen whose available area is ``available``: the designed
    size, made smaller to fit a small or scaled screen (1024x768, 200 % on 2560x1440)."""
    return QSize(min(DESIGNED_SIZE.width(), round(available.width() * SCREEN_SHARE)),
                 min(DESIGNED_SIZE.height(), round(available.height() * SCREEN_SHARE)))


def fit_to_screen(window: QWidget) -> None:
    """Size ``window`` from its screen's available geometry and centre it there."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        window.resize(DESIGNED_SIZE)
        return
    area = screen.availableGeometry()
    size = first_size(area.size())
    window.resize(size)
    window.move(area.x() + (area.width() - size.width()) // 2,
                area.y() + (area.height() - size.height()) // 2)


_TEXT_PAIRS = ((QPalette.ColorRole.Text, QPalette.ColorRole.Base),
               (QPalette.ColorRole.Text, QPalette.ColorRole.AlternateBase),
               (QPalette.ColorRole.WindowText, QPalette.ColorRole.Window),
               (QPalette.ColorRole.ButtonText, QPalette.ColorRole.Button),
               (QPalette.ColorRole.ToolTipText, QPalette.ColorRole.ToolTipBase))


def readable_palette(palette: QPalette) -> QPalette:
    """``palette`` (the desktop's, light or dark) with any text pair below 4.5:1 made
    readable: the text colour is pushed away from its background, and the selection colour
    is deepened until its text reads on it (Qt's own light palette puts white on a mid blue
    at 3.7:1). Colours that already read are kept as they are."""
    out = QPalette(palette)
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        for fore, back in _TEXT_PAIRS:
            colour = out.color(group, fore)
            background = out.color(group, back)
            if contrast_ratio(flatten(colour, background), background) < TEXT_CONTRAST:
                out.setColor(group, fore, readable(colour, background))
        selected = out.color(group, QPalette.ColorRole.HighlightedText)
        highlight = out.color(group, QPalette.ColorRole.Highlight)
        if contrast_ratio(selected, highlight) < TEXT_CONTRAST:
            out.setColor(group, QPalette.ColorRole.Highlight, readable(highlight, selected))
    return out


def keep_on_screen(window: QWidget) -> None:
    """Move ``window`` (a dialog just shown) so that all of it lies on its screen, and make
    it no larger than the screen's available area."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return
    area = screen.availableGeometry()
    if window.width() > area.width() or window.height() > area.height():
        window.resize(min(window.width(), area.width()), min(window.height(), area.height()))
    frame = window.frameGeometry()
    x = min(max(frame.x(), area.x()), area.right() + 1 - frame.width())
    y = min(max(frame.y(), area.y()), area.bottom() + 1 - frame.height())
    if (x, y) != (frame.x(), frame.y()):
        window.move(max(x, area.x()), max(y, area.y()))
