"""Acceptance 4 (every item model passes qtmodeltester) and 6 (wrong passphrase, countdown)."""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import Qt

from keyworker_app.errors import WrongPassphraseError
from keyworker_app.gui.caseload import CaseloadModel, CaseloadProxy
from keyworker_app.gui.record_model import RecordTableModel
from keyworker_app.security.throttle import FREE_FAILURES, delay_after
from tests.gui.conftest import FakeClock, Planted, WindowFactory, unlock


def test_caseload_models_pass_modeltester(qtbot: Any, qtmodeltester: Any, planted: Planted,
                                          make_window: WindowFactory) -> None:
    window = make_window()
    unlock(qtbot, window)
    qtmodeltester.check(window.caseload.model)
    qtmodeltester.check(window.caseload.proxy)
    window.caseload.search.setText(planted.canary)
    window.caseload.apply_search()
    assert window.caseload.proxy.rowCount() == 1
    qtmodeltester.check(window.caseload.proxy)
    window.caseload.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(window.caseload.proxy)
    window.caseload.clear()
    qtmodeltester.check(window.caseload.model)


def test_caseload_sorts_through_the_store(qtbot: Any, planted: Planted,
                                          make_window: WindowFactory) -> None:
    """The order on screen is the order the store answered with: the proxy never sorts."""
    window = make_window()
    unlock(qtbot, window)
    session: Any = window.current_session()
    asked: list[tuple[str, bool, list[int]]] = []
    store_order = session.family_ids

    def spy(sort_key: str = "reference", descending: bool = False,
            status: Any = None) -> list[int]:
        ids = store_order(sort_key, descending, status)
        asked.append((sort_key, descending, ids))
        return ids

    session.family_ids = spy
    proxy = window.caseload.proxy

    def shown_ids() -> list[int | None]:
        rows = [proxy.mapToSource(proxy.index(r, 0)).row() for r in range(proxy.rowCount())]
        assert rows == sorted(rows)  # the proxy keeps the store's order
        return [window.caseload.model.family_id(r) for r in rows]

    for order, descending in ((Qt.SortOrder.AscendingOrder, False),
                              (Qt.SortOrder.DescendingOrder, True)):
        window.caseload.table.sortByColumn(1, order)
        assert asked[-1][:2] == ("family_name", descending)
        assert shown_ids() == asked[-1][2]
        names = [proxy.index(r, 1).data() for r in range(proxy.rowCount())]
        assert names == sorted(names, key=str.casefold, reverse=descending)
        assert len(names) == 3


def test_caseload_model_data_never_raises(qtmodeltester: Any) -> None:
    class Broken:
        def family_ids(self, *_a: Any, **_k: Any) -> list[int]:
            return [1, 2]

        def summaries(self, _ids: Any) -> list[Any]:
            raise RuntimeError("backend fell over")

    model = CaseloadModel()
    model.load(Broken())  # type: ignore[arg-type]
    assert model.index(0, 1).data() is None
    qtmodeltester.check(model)
    proxy = CaseloadProxy()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy)


def test_family_record_models_pass_modeltester(qtbot: Any, qtmodeltester: Any,
                                               planted: Planted,
                                               make_window: WindowFactory) -> None:
    window = make_window()
    unlock(qtbot, window)
    view = window.open_family(planted.family_id)
    assert view is not None
    assert len(view.models) >= 9
    for model in view.models:
        assert isinstance(model, RecordTableModel)
        qtmodeltester.check(model)
    assert view.models[0].rowCount() == len(view.family.members)


def fail_until_countdown(qtbot: Any, screen: Any) -> int:
    """Wrong passphrases until the countdown shows; returns how many it took."""
    for attempt in range(1, 11):
        screen.passphrase.setText("not the passphrase")
        screen.unlock_button.click()
        qtbot.waitUntil(lambda: not screen.busy, timeout=5000)
        assert screen.passphrase.text() == ""  # never left in the field
        if screen.countdown.isVisible():
            return attempt
    raise AssertionError("no countdown after ten wrong passphrases")


def seconds_shown(text: str) -> int:
    match = re.fullmatch(r"You can try again in (\d+) seconds?\.", text)
    assert match, text
    return int(match.group(1))


def test_wrong_passphrase_shows_message_and_countdown(
        qtbot: Any, planted: Planted, make_window: WindowFactory, clock: FakeClock,
        store_fingerprint: Any) -> None:
    before = store_fingerprint()
    window = make_window()
    screen = window.lock_screen
    # The first FREE_FAILURES mistakes cost nothing; the next one starts a 2-second wait.
    assert fail_until_countdown(qtbot, screen) == FREE_FAILURES + 1
    wrong = WrongPassphraseError()
    assert screen.message.text() == f"{wrong.message}\n{wrong.advice}"
    assert 1 <= seconds_shown(screen.countdown.text()) <= delay_after(FREE_FAILURES + 1)
    assert not screen.unlock_button.isEnabled()
    assert window.lock.is_locked
    assert store_fingerprint() == before  # the store is untouched
    first = screen.remaining_seconds()
    clock.advance(1)
    screen.tick()
    assert screen.remaining_seconds() == first - 1
    clock.advance(3600)
    screen.tick()
    assert screen.unlock_button.isEnabled()
    assert not screen.countdown.isVisible()


def test_a_wait_in_force_is_shown_by_a_freshly_started_window(
        qtbot: Any, planted: Planted, make_window: WindowFactory) -> None:
    fail_until_countdown(qtbot, make_window().lock_screen)
    again = make_window().lock_screen  # as after quitting and starting the app again
    qtbot.waitUntil(again.countdown.isVisible, timeout=5000)
    assert 1 <= seconds_shown(again.countdown.text()) <= delay_after(FREE_FAILURES + 1)
    assert not again.unlock_button.isEnabled()


def test_unlock_runs_off_the_gui_thread(qtbot: Any, planted: Planted,
                                        make_window: WindowFactory) -> None:
    import threading

    seen: list[str] = []
    store: Any = planted.store
    original = store.unlock

    def spy(passphrase: str, **options: Any) -> Any:
        seen.append(threading.current_thread().name)
        return original(passphrase, **options)

    store.unlock = spy
    window = make_window()
    window.lock_screen.passphrase.setText(planted.passphrase)
    window.lock_screen.unlock_button.click()
    assert window.lock_screen.busy_bar.isVisibleTo(window.lock_screen)
    qtbot.waitUntil(lambda: not window.lock.is_locked, timeout=5000)
    assert seen and seen[0] != threading.main_thread().name
    assert window.lock_screen.user_label.text() == window.current_session().actor.name  # type: ignore[union-attr]
