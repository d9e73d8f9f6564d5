"""The partner data sets' dialogs: mapping a file's columns (with a preview of the first rows
as mapped) and reviewing uncertain matches with the keyboard.

The mapping form is a ``FormDialog`` (kept through a lock as the draft kind
``partner-import``: the file's path and the chosen columns, never the file's content). The
review dialog takes no typing: S (same person), D (different people), N (next) decide the
pair shown; each decision is saved at once, so a lock loses none.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from keyworker_app.domain.dates import format_date
from keyworker_app.domain.normalise import format_postcode
from keyworker_app.domain.partner_data import PartnerField, fields_for, file_kind, preview
from keyworker_app.domain.partner_match import LinkRecord, PairScore
from keyworker_app.domain.policy import Exchange
from keyworker_app.gui.form_dialog import DraftRegistry, FieldSpec, FormDialog
from keyworker_app.gui.widgets import action_button, button_row

IMPORT_FORM = "partner-import"
NOT_IN_FILE = ""
PATH_KEY = "path"


def import_key(exchange_id: str) -> str:
    return f"programme/partner-import/{exchange_id}"


def mapping_form(parent: QWidget, exchange: Exchange, headers: Sequence[str],
                 rows: Sequence[Sequence[object]], initial: dict[str, str], *,
                 on_submit: Callable[[dict[str, str]], None],
                 registry: DraftRegistry | None, restored: bool = False) -> FormDialog:
    """Which column holds each field, with the first rows shown as mapped."""
    required, optional = fields_for(file_kind(exchange))
    offered = list(headers) or sorted({v for k, v in initial.items() if k != PATH_KEY and v})
    choices = ((NOT_IN_FILE, "(not in this file)"),) + tuple((h, h) for h in offered)
    specs = [FieldSpec(PATH_KEY, "&File", hint="The partner's CSV (UTF-8) or XLSX file, as "
                       "received. Nothing is kept until the whole file has been checked.")]
    for fld in required + optional:
        needed = "" if fld in optional else " (needed)"
        specs.append(FieldSpec(fld.value, f"{fld.label.capitalize()}{needed}",
                               choices=choices))
    dialog = FormDialog(parent, f"Import a file: {exchange.id}", IMPORT_FORM,
                        import_key(exchange.id), fields=specs, on_submit=on_submit,
                        initial=initial, registry=registry, restored=restored)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).setText("&Import")
    table = QTableWidget(0, 0, dialog)
    table.setAccessibleName("The first rows as mapped")
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setTabKeyNavigation(False)
    table.verticalHeader().setVisible(False)
    table.setMinimumHeight(130)
    caption = QLabel("The first rows as mapped (shown only here, never kept):")
    caption.setBuddy(table)
    layout = dialog.layout()
    assert isinstance(layout, QVBoxLayout)
    layout.insertWidget(layout.count() - 1, caption)
    layout.insertWidget(layout.count() - 1, table)

    def refresh() -> None:
        chosen = {PartnerField(k): v for k, v in dialog.values().items()
                  if k != PATH_KEY and v}
        shown = preview(headers, rows, chosen, 4)
        table.setColumnCount(len(chosen))
        table.setHorizontalHeaderLabels([f.label for f in chosen])
        table.setRowCount(len(shown))
        for r, values in enumerate(shown):
            for c, fld in enumerate(chosen):
                table.setItem(r, c, QTableWidgetItem(values.get(fld, "")))
        table.resizeColumnsToContents()

    for editor in dialog.editors.values():
        if isinstance(editor, QComboBox):
            editor.currentIndexChanged.connect(lambda _i: refresh())
    dialog.preview_table = table  # type: ignore[attr-defined]
    refresh()
    dialog.setMinimumWidth(640)
    return dialog


def mapping_values(values: dict[str, str]) -> dict[PartnerField, str]:
    return {PartnerField(k): v for k, v in values.items() if k != PATH_KEY and v}


def _describe(record: LinkRecord, exchange: str) -> list[str]:
    return [f"{record.given_names} {record.family_name}".strip(),
            format_date(record.date_of_birth), record.address, record.town,
            format_postcode(record.postcode) if record.postcode else "(no postcode)", exchange]


class ReviewDialog(QDialog):
    """One uncertain pair at a time: the two records side by side and the evidence."""

    def __init__(self, parent: QWidget, pairs: Sequence[PairScore],
                 records: dict[str, LinkRecord], exchange_of: Callable[[LinkRecord], str],
                 decide: Callable[[PairScore, bool], None]) -> None:
        super().__init__(parent)
        self.setWindowTitle("Review uncertain matches")
        self.setAccessibleName("Review uncertain matches")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._pairs = list(pairs)
        self._records = records
        self._exchange_of = exchange_of
        self._decide = decide
        self.index = 0
        self.decided: dict[int, bool] = {}
        self.position = QLabel()
        self.question = QLabel("Are these the same person?")
        self.table = QTableWidget(6, 2, self)
        self.table.setAccessibleName("The two records")
        self.table.setHorizontalHeaderLabels(["First record", "Second record"])
        self.table.setVerticalHeaderLabels(["Name", "Date of birth", "Address", "Town",
                                            "Postcode", "Data set"])
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        # The row headings make Qt show its corner "select all" button: it has no text.
        corner = self.table.findChild(QAbstractButton)
        if corner is not None:
            corner.setAccessibleName("Select both records")
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.evidence = QLabel()
        self.evidence.setWordWrap(True)
        self.same = action_button("&Same person (S)", "The two records are the same person",
                                  lambda: self.answer(True))
        self.different = action_button("&Different people (D)",
                                       "The two records are different people",
                                       lambda: self.answer(False))
        self.skip = action_button("&Next (N)", "Leave this pair undecided for now",
                                  self.next_pair)
        close = action_button("&Close", "Close the review", self.accept)
        layout = QVBoxLayout(self)
        intro = QLabel("Each decision is kept and used for later files from the partners.")
        intro.setWordWrap(True)
        for w in (intro, self.position, self.question, self.table, self.evidence):
            layout.addWidget(w)
        layout.addLayout(button_row([self.same, self.different, self.skip, close]))
        self.setMinimumSize(620, 420)
        self.show_pair()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        """S, D and N answer from anywhere in the dialog (the buttons say so)."""
        keys = {Qt.Key.Key_S: lambda: self.answer(True), Qt.Key.Key_D: lambda: self.answer(
            False), Qt.Key.Key_N: self.next_pair}
        action = keys.get(Qt.Key(event.key()))
        if action is not None and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            action()
            event.accept()
            return
        super().keyPressEvent(event)

    def show_pair(self) -> None:
        if not self._pairs or self.index >= len(self._pairs):
            self.position.setText(f"All {len(self._pairs)} uncertain matches shown: "
                                  f"{len(self.decided)} decided.")
            self.table.clearContents()
            self.evidence.clear()
            for button in (self.same, self.different, self.skip):
                button.setEnabled(False)
            return
        pair = self._pairs[self.index]
        left, right = self._records[pair.left], self._records[pair.right]
        for column, record in enumerate((left, right)):
            for row, text in enumerate(_describe(record, self._exchange_of(record))):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeRowsToContents()
        state = ""
        if self.index in self.decided:
            state = (" — decided: same person" if self.decided[self.index]
                     else " — decided: different people")
        self.position.setText(f"Pair {self.index + 1} of {len(self._pairs)}, confidence "
                              f"{pair.confidence:.0%}{state}")
        self.evidence.setText("Evidence: " + "; ".join(pair.evidence) + ".")
        self.same.setFocus()

    def answer(self, same: bool) -> None:
        if self.index >= len(self._pairs):
            return
        self._decide(self._pairs[self.index], same)
        self.decided[self.index] = same
        self.next_pair()

    def next_pair(self) -> None:
        if self.index < len(self._pairs):
            self.index += 1
        self.show_pair()
