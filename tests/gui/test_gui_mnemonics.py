"""Alt+letter never means two things: with a family record open, whichever of its tabs is
showing, the mnemonics visible at once in the main window (menus, the caseload, the record's
buttons and tabs, the page's buttons and labels) are all different; every tab of the record
has one; and at the default 1280 x 800 all ten tabs show in full, with no scroll arrows."""

from __future__ import annotations

from typing import Any

from keyworker_app.gui.main_window import MainWindow
from tests.gui.screenshot import settle
from tests.gui.ui_scan import mnemonic, visible_mnemonics


def test_every_tab_has_its_own_letter_and_none_clash(qtbot: Any,
                                                    programme_window: MainWindow,
                                                    programme_stored: tuple[Any, int]) -> None:
    window = programme_window
    view = window.open_family(programme_stored[1])
    assert view is not None
    window.show_retention()  # another page beside the record: its tab title has no letter
    window.family_tabs.setCurrentWidget(view)
    tabs = view.tabs
    assert tabs.count() == 10
    letters = [mnemonic(tabs.tabText(i)) for i in range(tabs.count())]
    assert None not in letters, [tabs.tabText(i) for i in range(tabs.count())]
    menus = {mnemonic(a.text()) for a in window.menuBar().actions()}
    assert menus == {"F", "V", "G", "H"}
    for i in range(tabs.count()):
        tabs.setCurrentIndex(i)
        settle(0.02)
        seen = visible_mnemonics(window)
        letters_seen = [letter for letter, _where in seen]
        clashes = sorted({(letter, where) for letter, where in seen
                          if letters_seen.count(letter) > 1})
        assert clashes == [], f"on the {tabs.tabText(i)!r} tab: {clashes}"


def test_record_tabs_fit_at_the_default_size(qtbot: Any, programme_window: MainWindow,
                                             programme_stored: tuple[Any, int]) -> None:
    window = programme_window
    assert (window.width(), window.height()) == (1280, 800)
    view = window.open_family(programme_stored[1])
    assert view is not None
    settle(0.05)
    bar = view.tabs.tabBar()
    assert not view.tabs.usesScrollButtons()
    for i in range(bar.count()):  # every tab shows its whole label: nothing elided
        assert bar.tabRect(i).width() >= bar.tabSizeHint(i).width(), view.tabs.tabText(i)
        assert bar.rect().contains(bar.tabRect(i)), view.tabs.tabText(i)
    assert window.caseload.width() >= 360  # the caseload stays usable beside it
