"""File → Hand over… / Send a copy… / Receive… / Contacts…: the GUI of ``services.handover``.

Nothing here is typed: families are ticked, the contact chosen from a list, files picked with
the file chooser, and a colleague's card is added only after ticking that its fingerprint was
compared with them. A lock closes every one of these windows (nothing to keep as a draft).
The slow parts (signing, encrypting, importing) run off the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from keyworker_app.domain.dates import format_date
from keyworker_app.domain.disclosure import FurtherDisclosureError
from keyworker_app.domain.handover import BundleKind, Contact, ContactCard
from keyworker_app.errors import UserFacingError
from keyworker_app.gui.accessible import style_error
from keyworker_app.gui.discard_prompt import ask_discard
from keyworker_app.gui.errors import show_error
from keyworker_app.gui.form_dialog import DraftRegistry, fit_wrapped_text
from keyworker_app.gui.further_disclosure import FurtherDisclosureFields
from keyworker_app.gui.widgets import action_button, button_row, record_table
from keyworker_app.gui.worker import run_in_background

if TYPE_CHECKING:
    from keyworker_app.services.api import Session
    from keyworker_app.services.handover import HandoverService, OpenedBundle

_ROLE = Qt.ItemDataRole
_INDEX = QModelIndex | QPersistentModelIndex
CARD_FILTER = "Contact cards (*.kwcard);;All files (*)"
BUNDLE_FILTER = "Keyworker bundles (*.kwbundle);;All files (*)"
HANDOVER_FORM = "handover-send"  # the draft kind of Hand over… / Send a copy…


def _problem_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    style_error(label)  # from the palette in force, readable light or dark
    label.setVisible(False)
    return label


def _fingerprint_label(groups: str) -> QLabel:
    label = QLabel(groups)
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setPointSizeF(font.pointSizeF() * 1.3)
    font.setWeight(QFont.Weight.Bold)
    label.setFont(font)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                  | Qt.TextInteractionFlag.TextSelectableByKeyboard)
    label.setWordWrap(True)
    label.setAccessibleDescription("Fingerprint, in groups of four letters and digits")
    return label


class ContactsModel(QAbstractTableModel):
    HEADERS = ("Name", "Role", "Organisation", "Fingerprint")

    def __init__(self, contacts: list[Contact] | None = None) -> None:
        super().__init__()
        self._contacts = list(contacts or [])

    def set_contacts(self, contacts: list[Contact]) -> None:
        self.beginResetModel()
        self._contacts = list(contacts)
        self.endResetModel()

    def rowCount(self, parent: _INDEX = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._contacts)

    def columnCount(self, parent: _INDEX = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: _INDEX, role: int = _ROLE.DisplayRole) -> Any:
        if not index.isValid() or role not in (_ROLE.DisplayRole, _ROLE.AccessibleTextRole):
            return None
        contact = self._contacts[index.row()]
        card = contact.card
        return (card.name, card.role.label, card.organisation,
                card.fingerprint_groups)[index.column()]

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = _ROLE.DisplayRole) -> Any:
        if orientation is Qt.Orientation.Horizontal and role == _ROLE.DisplayRole:
            return self.HEADERS[section]
        return None


class AddContactDialog(QDialog):
    """A colleague's card, added only once its fingerprint was compared with them."""

    def __init__(self, card: ContactCard, add: Callable[[ContactCard], object],
                 parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add a colleague's contact card")
        self.setModal(True)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._card = card
        self._add = add
        intro = QLabel(
            f"This card is for {card.label}. Phone them (on a number you already know, not "
            "one from the card's e-mail) and ask them to read the fingerprint shown in their "
            "File → Contacts. Compare it group by group with this one:")
        intro.setWordWrap(True)
        self.fingerprint = _fingerprint_label(card.fingerprint_groups)
        self.matches = QCheckBox("&The fingerprint my colleague read to me matches, every group")
        self.problem = _problem_label()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.add_button = self.buttons.addButton("&Add contact",
                                                 QDialogButtonBox.ButtonRole.AcceptRole)
        self.add_button.setEnabled(False)
        self.matches.toggled.connect(self.add_button.setEnabled)
        self.buttons.accepted.connect(self.run)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (intro, self.fingerprint, self.matches, self.problem, self.buttons):
            layout.addWidget(widget)
        self.setMinimumWidth(520)

    def run(self) -> None:
        if not self.matches.isChecked():
            return
        try:
            self._add(self._card)
        except UserFacingError as exc:
            self.problem.setText(f"{exc.message} {exc.advice}".strip())
            self.problem.setVisible(True)
            return
        self.accept()


class ContactsDialog(QDialog):
    """File → Contacts…: this store's card and fingerprint, and colleagues' cards."""

    def __init__(self, service: HandoverService, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Contacts")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._service = service
        self.file_dialog: QFileDialog | None = None
        self.add_dialog: AddContactDialog | None = None
        card = service.my_card()
        mine = QLabel(f"<b>Your contact card</b>: {card.label}")
        mine.setWordWrap(True)
        told = QLabel("Your fingerprint, to read to a colleague who adds your card:")
        told.setWordWrap(True)
        self.fingerprint = _fingerprint_label(card.fingerprint_groups)
        self.export_button = action_button("&Export my card…", "Save your contact card to a "
                                           "file for a colleague", self.choose_export)
        self.model = ContactsModel(service.contacts())
        self.table = record_table("Colleagues' contact cards", self.model,
                                  object_name="contacts_table", single_selection=True)
        self._fit_columns()
        heading = QLabel("&Colleagues' cards (bundles can go to and come from these only):")
        heading.setBuddy(self.table)
        heading.setWordWrap(True)
        self.add_button = action_button("&Add a colleague's card…", "Add a colleague's "
                                        "contact card after comparing its fingerprint",
                                        self.choose_card)
        self.status = QLabel()
        self.status.setWordWrap(True)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(mine)
        layout.addWidget(told)
        layout.addWidget(self.fingerprint)
        layout.addLayout(button_row([self.export_button]))
        layout.addSpacing(8)
        layout.addWidget(heading)
        layout.addWidget(self.table, 1)
        layout.addLayout(button_row([self.add_button]))
        layout.addWidget(self.status)
        layout.addWidget(close)
        self.resize(760, 460)

    def _fit_columns(self) -> None:
        """The organisation takes the spare width (or gives it up); the rest fit their text."""
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        for column in range(self.model.columnCount()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch if column == 2
                                        else QHeaderView.ResizeMode.ResizeToContents)

    def say(self, text: str) -> None:
        self.status.setText(text)

    def choose_export(self) -> QFileDialog:
        name = "".join(c if c.isalnum() else "-" for c in self._service.owner.name).strip("-")
        dialog = QFileDialog(self, "Export my contact card",
                             str(Path.home() / f"{name or 'my'}-contact.kwcard"), CARD_FILTER)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.fileSelected.connect(lambda path: self.export_to(Path(path)))
        self.file_dialog = dialog
        dialog.open()
        return dialog

    def export_to(self, path: Path) -> None:
        try:
            self._service.export_card(path, replace_file=path.exists())
        except UserFacingError as exc:
            show_error(self, exc)
            return
        self.say(f"Your card was saved as {path}. Send it to your colleague, then read them "
                 "your fingerprint by phone.")

    def choose_card(self) -> QFileDialog:
        dialog = QFileDialog(self, "Add a colleague's contact card", str(Path.home()),
                             CARD_FILTER)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(lambda path: self.open_card(Path(path)))
        self.file_dialog = dialog
        dialog.open()
        return dialog

    def open_card(self, path: Path) -> AddContactDialog | None:
        try:
            card = self._service.read_card(path)
        except UserFacingError as exc:
            show_error(self, exc)
            return None
        dialog = AddContactDialog(card, self._added, self)
        dialog.finished.connect(lambda _c: setattr(self, "add_dialog", None))
        self.add_dialog = dialog
        dialog.open()
        return dialog

    def _added(self, card: ContactCard) -> None:
        self._service.add_contact(card)
        self.model.set_contacts(self._service.contacts())
        self._fit_columns()
        self.say(f"{card.label} was added to your contacts.")


class SendDialog(QDialog):
    """Hand over… (transfer) or Send a copy… (TAF preparation): families, recipient, file, and
    (once the service asks, ISA §5) the partner's written consent. What was chosen and typed
    is kept through a lock as a draft (form ``HANDOVER_FORM``)."""

    sent = Signal(object)  # a services.handover.SentBundle
    DRAFT_FIELDS: dict[str, type] = {"families": list, "contact": str, "file": str,
                                     **FurtherDisclosureFields.DRAFT_FIELDS}

    def __init__(self, session: Session, service: HandoverService, kind: BundleKind,
                 parent: QWidget | None, *, selected: int | None = None,
                 registry: DraftRegistry | None = None,
                 draft: dict[str, Any] | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.form = HANDOVER_FORM
        self._service = service
        self.busy = False
        self._for_lock = False
        self.file_dialog: QFileDialog | None = None
        self.discard_box: QMessageBox | None = None
        transfer = kind is BundleKind.TRANSFER
        self.setWindowTitle("Hand over a case" if transfer else "Send a copy for TAF preparation")
        self.setModal(True)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        intro = QLabel(
            "The families you tick are written to a bundle only your colleague's store can "
            "open, signed by this store. After a hand-over, this store keeps a closed, "
            "read-only record and your colleague holds the case." if transfer else
            "Your colleague receives a read-only copy to prepare a TAF meeting. Their store "
            f"deletes it after {service.rules.copy_days} days. Your record is not changed.")
        intro.setWordWrap(True)
        self.families = QListWidget()
        self.families.setAccessibleName("Families to send")
        ids = session.family_ids()
        for summary in session.summaries(ids):
            if service.read_only_reason(summary.id) is not None:
                continue  # a copy, or handed over already: not passed on
            item = QListWidgetItem(f"{summary.reference} — {summary.family_name}")
            item.setData(_ROLE.UserRole, summary.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if summary.id == selected
                               else Qt.CheckState.Unchecked)
            self.families.addItem(item)
        self.families.itemChanged.connect(lambda _i: self.show_problem(""))
        self.contacts = QComboBox()
        for contact in service.contacts():
            self.contacts.addItem(contact.card.label, contact)
        self.file = QLineEdit()
        self.file.setReadOnly(True)
        self.file.setAccessibleName("Bundle file")
        self.file.setPlaceholderText("Choose where to save the bundle")
        browse = action_button("&Choose…", "Choose where to save the bundle", self.choose_file)
        self.disclosure = FurtherDisclosureFields(service.policy, again="send again")
        self.problem = _problem_label()
        form = QFormLayout()
        families_label = QLabel("Fa&milies:")
        families_label.setBuddy(self.families)
        form.addRow(families_label, self.families)
        to_label = QLabel("&To:")
        to_label.setBuddy(self.contacts)
        form.addRow(to_label, self.contacts)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file, 1)
        file_row.addWidget(browse)
        file_label = QLabel("Bundle file:")
        file_label.setBuddy(browse)
        form.addRow(file_label, file_row)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.send_button = self.buttons.addButton("&Hand over" if transfer else "Se&nd copy",
                                                  QDialogButtonBox.ButtonRole.AcceptRole)
        self.send_button.setDefault(True)
        self.buttons.accepted.connect(self.run)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form, 1)
        layout.addWidget(self.disclosure)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        if not self.contacts.count():
            self.show_problem("You have no contacts yet. Add your colleague's card first "
                              "(File → Contacts…).")
            self.send_button.setEnabled(False)
        self.setMinimumWidth(560)
        self._initial = self.draft_state()
        if draft is not None:
            self.apply_draft_state(draft)
        if registry is not None:
            registry.register_editor(self)
            self.finished.connect(lambda _c: registry.unregister_editor(self))

    # -- drafts ---------------------------------------------------------------------------
    def draft_state(self) -> dict[str, Any]:
        contact = self.contacts.currentData()
        return {"families": [str(i) for i in self.ticked()],
                "contact": contact.card.fingerprint if isinstance(contact, Contact) else "",
                "file": self.file.text(), **self.disclosure.draft_state()}

    def apply_draft_state(self, draft: dict[str, Any]) -> None:
        wanted = {str(i) for i in draft.get("families", [])}
        for i in range(self.families.count()):
            item = self.families.item(i)
            item.setCheckState(Qt.CheckState.Checked if str(item.data(_ROLE.UserRole)) in wanted
                               else Qt.CheckState.Unchecked)
        for i in range(self.contacts.count()):
            contact = self.contacts.itemData(i)
            if isinstance(contact, Contact) and contact.card.fingerprint == draft.get("contact"):
                self.contacts.setCurrentIndex(i)
        self.file.setText(str(draft.get("file", "")))
        self.disclosure.apply_draft_state(draft)

    def changed(self) -> bool:
        return self.draft_state() != self._initial

    def collect_draft(self) -> tuple[str, str, dict[str, Any]] | None:
        self._for_lock = True  # the lock closes this next, without asking
        if not self.changed():
            return None
        return HANDOVER_FORM, f"handover:{self.kind.value}", self.draft_state()

    def reject(self) -> None:
        if self._for_lock or not self.changed() or not self.isVisible():
            super().reject()
        elif self.discard_box is None:
            self.discard_box = ask_discard(self, super().reject)
            self.discard_box.finished.connect(lambda _c: setattr(self, "discard_box", None))

    # -- sending --------------------------------------------------------------------------
    def ticked(self) -> list[int]:
        return [int(self.families.item(i).data(_ROLE.UserRole))
                for i in range(self.families.count())
                if self.families.item(i).checkState() is Qt.CheckState.Checked]

    def choose_file(self) -> QFileDialog:
        stem = "handover" if self.kind is BundleKind.TRANSFER else "taf-copy"
        dialog = QFileDialog(self, "Save the bundle", str(Path.home() / f"{stem}.kwbundle"),
                             BUNDLE_FILTER)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.fileSelected.connect(self.file.setText)
        self.file_dialog = dialog
        dialog.open()
        return dialog

    def show_problem(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.setVisible(bool(text))

    def run(self) -> None:
        if self.busy:
            return
        ids, contact, dest = self.ticked(), self.contacts.currentData(), self.file.text()
        if not ids:
            self.show_problem("Tick at least one family.")
            return
        if not isinstance(contact, Contact):
            self.show_problem("Choose who it is for.")
            return
        if not dest:
            self.show_problem("Choose where to save the bundle.")
            return
        try:
            basis = self.disclosure.basis()
        except UserFacingError as exc:
            self.show_problem(f"{exc.message} {exc.advice}".strip())
            return
        self.show_problem("")
        self.busy = True
        self.send_button.setEnabled(False)
        service, kind = self._service, self.kind
        path = Path(dest)
        run_in_background(lambda: service.send(ids, contact, kind, path, basis=basis,
                                               replace_file=path.exists()),
                          self._sent, self._failed)

    def _sent(self, result: object) -> None:
        self.busy = False
        self.sent.emit(result)
        if self.isVisible():
            self._for_lock = True  # sent: nothing left to keep or to ask about
            self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self.send_button.setEnabled(True)
        if not self.isVisible():
            return
        if isinstance(exc, FurtherDisclosureError):
            self.disclosure.setVisible(True)
            fit_wrapped_text(self)
        if isinstance(exc, UserFacingError):
            self.show_problem(f"{exc.message} {exc.advice}".strip())
        else:
            show_error(self, exc)


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


def bundle_lines(opened: OpenedBundle) -> list[str]:
    """What a bundle holds, in words, before anything is imported."""
    header = opened.header
    lines = [f"{header.kind.label} from {opened.sender.card.label}.",
             f"Sender's fingerprint: {opened.sender.card.fingerprint_groups}",
             ("A read-only copy, deleted from your store on "
              if header.kind is BundleKind.COPY else "To be received by ")
             + f"{format_date(header.expires_on)}.", ""]
    for r in opened.records:
        counts = ", ".join(_count(n, what) for n, what in (
            (len(r.family.members), "member"), (len(r.meetings), "meeting"),
            (len(r.family.notes), "case note"), (len(r.all_shared()), "shared item")))
        lines.append(f"{r.reference} — {r.family.family_name}: {counts}")
    for merge in opened.merges:
        lines += ["", f"{merge.reference} is already in your store. Importing merges it "
                  "(nothing of yours is removed):"]
        lines += [f"  • {line}" for line in merge.differences or ("no differences",)]
    return lines


class ReceiveDialog(QDialog):
    """What a checked bundle holds, and Import (one transaction) or Cancel."""

    imported = Signal(object)  # the family ids

    def __init__(self, service: HandoverService, opened: OpenedBundle,
                 parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Receive a bundle")
        self.setModal(True)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._service = service
        self._opened = opened
        self.busy = False
        checked = QLabel("The bundle is signed by a contact of yours, made for this store, not "
                         "received before and not expired. It holds:")
        checked.setWordWrap(True)
        self.contents = QPlainTextEdit("\n".join(bundle_lines(opened)))
        self.contents.setReadOnly(True)
        self.contents.setAccessibleName("What the bundle holds")
        self.problem = _problem_label()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = self.buttons.addButton("&Import",
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setDefault(True)
        self.buttons.accepted.connect(self.run)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(checked)
        layout.addWidget(self.contents, 1)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.resize(640, 420)

    def run(self) -> None:
        if self.busy:
            return
        self.busy = True
        self.import_button.setEnabled(False)
        service, opened = self._service, self._opened
        run_in_background(lambda: service.receive(opened), self._done, self._failed)

    def _done(self, ids: object) -> None:
        self.busy = False
        self.imported.emit(ids)
        if self.isVisible():
            self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        if not self.isVisible():
            return
        if isinstance(exc, UserFacingError):
            self.problem.setText(f"{exc.message} {exc.advice}".strip())
            self.problem.setVisible(True)
        else:
            show_error(self, exc)
