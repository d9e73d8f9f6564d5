"""File → Contacts…, Hand over… and Receive… on real stores: a card is added only once its
fingerprint is confirmed, a family is handed over to a contact, and a received copy is shown
before it is imported, read-only afterwards; a replay is refused in words."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from keyworker_app.domain.family import CaseNote, ContactKind
from keyworker_app.domain.handover import BundleKind, ReadOnlyFamilyError
from keyworker_app.gui.handover_dialogs import (
    AddContactDialog,
    ContactsDialog,
    ReceiveDialog,
    SendDialog,
)
from keyworker_app.gui.lock import LockSettings
from keyworker_app.gui.main_window import MainWindow
from keyworker_app.services.handover import HandoverService
from tests.gui.conftest import FakeClock, unlock
from tests.gui.samples import LEAD, sample_family
from tests.taf_session import shipped_policy
from tests.unit.services.handover_stores import BLABY, Store, empty_store, key_worker_store

SHOTS = Path(os.environ.get("KEYWORKER_SHOTS", "/nonexistent"))


def _shot(widget: Any, name: str) -> None:
    if SHOTS.is_dir():
        widget.grab().save(str(SHOTS / f"{name}.png"))


@pytest.fixture
def two_stores(tmp_path: Path) -> Iterator[tuple[Store, Store, int]]:
    a, family_id = key_worker_store(tmp_path / "a")
    b = empty_store(tmp_path / "b", LEAD)
    a.session.lock()
    yield a, b, family_id
    if b.session.is_open:
        b.session.lock()


@pytest.fixture
def window(qtbot: Any, two_stores: tuple[Store, Store, int]) -> Iterator[MainWindow]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    win = MainWindow(two_stores[0].store, LockSettings(300), clock=FakeClock(),
                     watch_desktop=False, policy=shipped_policy())
    qtbot.addWidget(win)
    win.lock.install(app)
    win.start()
    win.resize(1024, 768)
    win.show()
    unlock(qtbot, win)
    yield win
    app.removeEventFilter(win.lock)
    win.lock.lock("teardown")


def test_contacts_hand_over_and_receive_from_the_file_menu(
        qtbot: Any, window: MainWindow, two_stores: tuple[Store, Store, int],
        tmp_path: Path) -> None:
    _a, b, family_id = two_stores
    b_card = tmp_path / "jo.kwcard"
    b.handover().export_card(b_card)
    handover = window.file_actions.handover
    titles = [a.text() for a in window.menuBar().actions()[0].menu().actions()]
    for entry in ("&Hand over…", "Send a cop&y…", "&Receive…", "C&ontacts…"):
        assert entry in titles

    contacts = handover.contacts()
    assert isinstance(contacts, ContactsDialog)
    assert contacts.model.rowCount() == 0
    adding = contacts.open_card(b_card)
    assert isinstance(adding, AddContactDialog)
    assert adding.fingerprint.text() == b.handover().my_card().fingerprint_groups
    assert not adding.add_button.isEnabled()  # not before the fingerprint was compared
    _shot(adding, "add-contact")
    adding.matches.setChecked(True)
    adding.add_button.click()
    assert contacts.model.rowCount() == 1
    assert "Jo Lead" in contacts.status.text()
    _shot(contacts, "contacts")
    a_card = tmp_path / "sam.kwcard"
    contacts.export_to(a_card)
    contacts.reject()
    b.handover().add_contact(HandoverService.read_card(a_card))

    sending = handover.send(BundleKind.TRANSFER)
    assert isinstance(sending, SendDialog)
    assert sending.contacts.currentText().startswith("Jo Lead")
    sending.send_button.click()
    assert "Tick at least one family" in sending.problem.text()
    for i in range(sending.families.count()):
        item = sending.families.item(i)
        if item.text().startswith("KW-0201"):
            item.setCheckState(item.checkState().Checked)
    bundle = tmp_path / "case.kwbundle"
    sending.file.setText(str(bundle))
    _shot(sending, "hand-over")
    sending.send_button.click()
    qtbot.waitUntil(lambda: handover.dialog is None, timeout=10_000)
    assert bundle.exists() and "only your colleague's store" in window.statusBar().currentMessage()
    assert b.handover().receive(b.handover().open_bundle(bundle.read_bytes()))

    # B sends a copy of its own family back; A's store shows it first, then imports it.
    mine = b.session.add_family(sample_family("KW-0301", "Brightwell", children=1))
    assert mine.id is not None
    a_contact = b.handover().contacts()[0]
    copy = b.handover().send([mine.id], a_contact, BundleKind.COPY, tmp_path / "copy.kwbundle")
    handover.check_bundle(copy.path)
    qtbot.waitUntil(lambda: isinstance(handover.dialog, ReceiveDialog), timeout=10_000)
    receiving = handover.dialog
    assert isinstance(receiving, ReceiveDialog)
    text = receiving.contents.toPlainText()
    assert "Copy for TAF preparation from Jo Lead" in text and "KW-0301" in text
    _shot(receiving, "receive")
    receiving.import_button.click()
    qtbot.waitUntil(lambda: handover.dialog is None, timeout=10_000)
    session = window.current_session()
    assert session is not None
    got = session.families().find_id_by_reference("KW-0301")
    assert got is not None
    with pytest.raises(ReadOnlyFamilyError):
        session.add_note(got, CaseNote(ContactKind.PHONE_CALL,
                                       session.families().get(got).notes[0].occurred_at,
                                       "Sam Worker", "Not on a copy."))
    view = window.open_family(got)
    assert view is not None and view.read_only_banner.isVisible()
    assert "copy for TAF preparation from Jo Lead" in view.read_only_banner.text()
    _shot(window, "main-window-after-receive")

    handover.check_bundle(copy.path)  # again: a replay
    qtbot.waitUntil(lambda: any(isinstance(w, QMessageBox) and w.isVisible()
                                for w in QApplication.topLevelWidgets()), timeout=10_000)
    box = next(w for w in QApplication.topLevelWidgets()
               if isinstance(w, QMessageBox) and w.isVisible())
    assert "already received" in box.text()
    _shot(box, "replay-refused")
    box.close()
    del family_id


def test_sending_to_another_organisation_asks_for_the_partners_consent(
        qtbot: Any, window: MainWindow, tmp_path: Path) -> None:
    blaby = empty_store(tmp_path / "blaby", BLABY)
    try:
        card = tmp_path / "dee.kwcard"
        blaby.handover().export_card(card)
        session = window.current_session()
        assert session is not None
        session.handover(shipped_policy()).add_contact(HandoverService.read_card(card))
        sending = window.file_actions.handover.send(BundleKind.COPY)
        assert isinstance(sending, SendDialog) and sending.disclosure.isHidden()
        for i in range(sending.families.count()):
            item = sending.families.item(i)
            if item.text().startswith("KW-0201"):
                item.setCheckState(item.checkState().Checked)
        bundle = tmp_path / "to-blaby.kwbundle"
        sending.file.setText(str(bundle))
        sending.send_button.click()
        qtbot.waitUntil(lambda: not sending.busy and sending.send_button.isEnabled(),
                        timeout=10_000)
        assert "Leicestershire Police" in sending.problem.text()
        assert not sending.disclosure.isHidden() and not bundle.exists()
        _shot(sending, "hand-over-consent")
        sending.disclosure.reference.setText("POL/2025/17")
        sending.disclosure.day.setText("06/03/2025")
        sending.send_button.click()
        qtbot.waitUntil(lambda: window.file_actions.handover.dialog is None, timeout=10_000)
        assert bundle.exists()
    finally:
        blaby.session.lock()
