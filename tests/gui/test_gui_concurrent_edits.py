"""What a key worker sees when the store is shared: a save refused because another window
changed the record keeps the form open with their entry; a damaged page met while
browsing gives the damaged-store advice, not the crash dialog."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from PySide6.QtWidgets import QApplication, QMessageBox

from keyworker_app.errors import StoreDamagedError
from keyworker_app.services.case_store import CaseStore
from keyworker_app.store.instance_lock import InstanceLock
from tests.gui.conftest import Planted, WindowFactory, unlock


def _error_boxes() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.objectName() == "errorBox" and w.isVisible()]


def test_a_stale_save_is_refused_and_the_form_keeps_the_entry(
        qtbot: Any, planted: Planted, make_window: WindowFactory) -> None:
    window = make_window()
    unlock(qtbot, window)
    view = window.open_family(planted.family_id)
    assert view is not None
    ref = view.family.members[0].ref
    dialog = view.open_person_dialog(ref)
    dialog.editors["given_names"].setText("Alexandra")

    # Meanwhile another Keyworker window saves a change to the same member.
    session = window.current_session()
    assert session is not None
    other = session.view_family(planted.family_id)
    member = replace(other.members[0], date_of_birth=date(1985, 4, 13))
    session.update_family(replace(other, members=(member, *other.members[1:])), other)

    assert not dialog.try_save()
    assert dialog.isVisible()
    assert dialog.editors["given_names"].text() == "Alexandra"  # the entry is kept
    # A field the user did not touch now shows what the other window saved.
    assert dialog.editors["date_of_birth"].text() == "13/04/1985"
    boxes = _error_boxes()
    assert boxes and "changed in another Keyworker window" in boxes[0].text()
    assert "Something went wrong" not in boxes[0].text()
    assert view.family.members[0].date_of_birth == date(1985, 4, 13)  # latest on screen
    stored = session.view_family(planted.family_id).members[0]
    assert stored.given_names == "Alex"  # nothing applied over the other change
    for box in boxes:
        box.close()

    assert dialog.try_save()  # now based on the latest copy
    both = session.view_family(planted.family_id).members[0]
    assert (both.given_names, both.date_of_birth) == ("Alexandra", date(1985, 4, 13))


def test_the_unlock_screen_says_the_store_is_open_elsewhere(
        qtbot: Any, planted: Planted, case_store: CaseStore,
        make_window: WindowFactory) -> None:
    other_app = InstanceLock(case_store.paths.instance_lock)
    other_app.acquire()
    try:
        window = make_window()
        message = window.lock_screen.message
        assert "already open in another Keyworker" in message.text()  # before typing
        qtbot.waitUntil(lambda: message.height() > 0)
        assert message.height() >= message.heightForWidth(message.width())  # none cut off
        window.lock_screen.passphrase.setText(planted.passphrase)
        window.lock_screen.unlock_button.click()
        qtbot.waitUntil(lambda: not window.lock_screen.busy, timeout=5000)
        assert window.lock.is_locked
        assert "already open in another Keyworker" in message.text()
        assert "close it and try again" in message.text()
        assert case_store.throttle_wait() == 0  # not counted as a wrong passphrase
    finally:
        other_app.release()
    unlock(qtbot, window)  # the other copy closed: this one opens
    assert not window.lock.is_locked


def test_a_damaged_page_met_while_browsing_gives_the_damaged_store_advice(
        qtbot: Any, planted: Planted, case_store: CaseStore,
        make_window: WindowFactory) -> None:
    window = make_window()
    unlock(qtbot, window)
    db = case_store.paths.database
    size = db.stat().st_size
    with db.open("r+b") as handle:  # every page but the first: the contact log among them
        for offset in range(4096, size, 4096):
            handle.seek(offset + 300)
            handle.write(b"\xa5" * 64)

    assert window.open_family(planted.family_id) is None  # refused, with a reason
    boxes = _error_boxes()
    assert boxes, "no message was shown"
    assert all("damaged" in box.text() for box in boxes)
    assert all("Something went wrong" not in box.text() for box in boxes)
    assert "keyworker restore" in boxes[0].informativeText()


def test_a_damaged_page_met_while_painting_the_caseload_is_shown_once(
        qtbot: Any, planted: Planted, make_window: WindowFactory,
        monkeypatch: Any) -> None:
    window = make_window()
    unlock(qtbot, window)
    session = window.current_session()
    assert session is not None

    def damaged(_ids: object) -> object:
        raise StoreDamagedError("a page could not be read")  # what the store raises

    monkeypatch.setattr(session, "summaries", damaged)
    model = window.caseload.model
    model.load(session)
    with qtbot.waitSignal(model.problem, timeout=2000):
        assert model.data(model.index(0, 1)) is None  # data() itself never raises
    model.data(model.index(1, 1))  # a second failing row is not a second message
    qtbot.waitUntil(lambda: len(_error_boxes()) == 1, timeout=2000)
    qtbot.wait(50)
    boxes = _error_boxes()
    assert len(boxes) == 1 and "damaged" in boxes[0].text()


def test_an_address_edit_refused_as_stale_keeps_the_entry_and_shows_the_rest_as_stored(
        qtbot: Any, planted: Planted, make_window: WindowFactory) -> None:
    window = make_window()
    unlock(qtbot, window)
    view = window.open_family(planted.family_id)
    assert view is not None
    address = view.family.addresses[0]
    assert address.id is not None
    dialog = view.editing.open("address", address.id)
    dialog.editors["line2"].setText("Flat 2")

    session = window.current_session()
    assert session is not None
    other = session.view_family(planted.family_id)  # another window ends the address
    session.update_family(replace(other, addresses=(
        replace(other.addresses[0], to_date=date(2025, 6, 30)),)), other)

    assert not dialog.try_save()
    assert dialog.editors["line2"].text() == "Flat 2"
    assert dialog.editors["to_date"].text() == "30/06/2025"
    for box in _error_boxes():
        box.close()
    assert dialog.try_save()
    stored = session.view_family(planted.family_id).addresses[0]
    assert (stored.line2, stored.to_date) == ("Flat 2", date(2025, 6, 30))
