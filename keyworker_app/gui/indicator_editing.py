"""Adding, editing and removing indicator records, relationships and addresses in a family record.

The family view owns the tables; this puts buttons under them, keyboard actions on them (Insert
adds, Return or F2 edits, Delete removes, as well as the context menu) and opens the dialogs from
``indicator_forms``. Every change goes through the view's ``save`` (``session.update_family``,
audited); removal asks first. Dialogs are ``FormDialog``s registered with the lock controller, so
unsaved input becomes a draft on lock and ``open`` reopens it after unlock (``gui.draft_kinds``).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QMessageBox, QPushButton, QTableView, QWidget

from keyworker_app.domain.dates import format_date
from keyworker_app.domain.family import Family
from keyworker_app.domain.policy import Policy
from keyworker_app.gui import indicator_forms as f
from keyworker_app.gui import record_source_fields as rs
from keyworker_app.gui.form_dialog import FieldSpec, FormDialog
from keyworker_app.gui.record_model import RecordTableModel
from keyworker_app.gui.widgets import confirm_box, spoken_label

log = logging.getLogger("keyworker.gui.indicator_editing")

Values = dict[str, str]


class OpenForm(Protocol):
    def __call__(self, title: str, form: str, record_key: str, *, fields: list[FieldSpec],
                 on_submit: Callable[[Values], None], initial: Values,
                 restored: bool,
                 latest: Callable[[], Values] | None = None) -> FormDialog: ...


@dataclass(frozen=True, slots=True)
class RecordKind:
    """One kind of record the family view can change, and how."""

    form: str
    noun: str  # "offence", for titles and messages
    short: str  # for the edit and remove buttons: "Edit offence…"
    article: str  # "an" or "a"
    add_text: str  # the add button's text, with its mnemonic ("" when adding is elsewhere)
    fields: Callable[[Family, f.Today], list[FieldSpec]]
    apply: Callable[[Family, int | None, Values, date], Family]
    lookup: Callable[[Family, int], Values | None] | None = None  # None: cannot be edited
    remove: Callable[[Family, int], Family] | None = None  # None: cannot be removed
    person_row: bool = False  # the table's rows are (member ref, record)
    describe: Callable[[Any], str] = lambda _r: ""  # the record in the removal question


def _personal_lookup(attr: f.PersonalList, to_values: Callable[[str, Any], Values]
                     ) -> Callable[[Family, int], Values | None]:
    def lookup(family: Family, record_id: int) -> Values | None:
        found = f.personal_record(family, attr, record_id)
        return None if found is None else to_values(*found)
    return lookup


def _remove_personal(attr: f.PersonalList) -> Callable[[Family, int], Family]:
    return lambda family, record_id: f.remove_personal(family, attr, record_id)


def _replace(family: Family, **changes: Any) -> Family:
    return dataclasses.replace(family, **changes)


KINDS: dict[str, RecordKind] = {
    "offence": RecordKind(
        f.OFFENCE_FORM, "offence", "offence", "an", "Add off&ence…", f.offence_fields,
        f.apply_offence,
        _personal_lookup("offences", f.offence_values), _remove_personal("offences"),
        person_row=True,
        describe=lambda r: f"the offence of {format_date(r[1].offence_date)}"),
    "asb": RecordKind(
        f.ASB_FORM, "anti-social behaviour intervention", "intervention", "an",
        "A&dd ASB intervention…",
        f.asb_fields, f.apply_asb,
        lambda fam, rid: (None if (r := f.find(fam.asb_interventions, rid)) is None
                          else f.asb_values(r)),
        lambda fam, rid: _replace(fam, asb_interventions=f.without(fam.asb_interventions, rid)),
        describe=lambda r: f"the {r.kind.label.lower()} from {format_date(r.start_date)}"),
    "education": RecordKind(
        f.EDUCATION_FORM, "education term", "term", "an", "Add ed&ucation term…",
        f.education_fields,
        f.apply_education, _personal_lookup("education", f.education_values),
        _remove_personal("education"), person_row=True,
        describe=lambda r: (f"the {r[1].term.label.lower()} term "
                            f"{f.academic_year_text(r[1].academic_year)}")),
    "benefit": RecordKind(
        f.BENEFIT_FORM, "benefit", "benefit", "a", "Add &benefit…", f.benefit_fields,
        f.apply_benefit,
        _personal_lookup("benefits", f.benefit_values), _remove_personal("benefits"),
        person_row=True,
        describe=lambda r: f"the {r[1].benefit.label} from {format_date(r[1].from_date)}"),
    "concern": RecordKind(
        f.CONCERN_FORM, "concern", "concern", "a", "Add concer&n…", f.concern_fields,
        f.apply_concern,
        lambda fam, rid: (None if (r := f.find(fam.concerns, rid)) is None
                          else f.concern_values(r)),
        lambda fam, rid: _replace(fam, concerns=f.without(fam.concerns, rid)),
        describe=lambda r: f"the concern noted on {format_date(r.noted_on)}"),
    "relationship": RecordKind(
        f.RELATIONSHIP_FORM, "relationship", "relationship", "a", "A&dd relationship…",
        lambda fam, _t: f.relationship_fields(fam),
        lambda fam, _rid, v, today: f.apply_relationship(fam, v, today),
        remove=lambda fam, rid: _replace(fam, relationships=f.without(fam.relationships, rid)),
        describe=lambda r: f"this {r.kind.label.lower()} relationship"),
    "address": RecordKind(
        f.ADDRESS_EDIT_FORM, "address", "address", "an", "",
        lambda _fam, today: f.address_edit_fields(today),
        f.apply_address_edit,
        lambda fam, rid: (None if (r := f.find(fam.addresses, rid)) is None
                          else f.address_values(r))),
}


class IndicatorEditing(QObject):
    def __init__(self, parent: QWidget, *, family: Callable[[], Family], family_id: int,
                 save: Callable[[Family], None], open_form: OpenForm,
                 today: Callable[[], date], policy: Policy | None = None) -> None:
        super().__init__(parent)
        self._policy = policy  # with it, forms choose the record's source and controller
        self._parent = parent
        self._family = family
        self._family_id = family_id
        self._save = save
        self._open_form = open_form
        self._today = today
        self.tables: dict[str, QTableView] = {}
        self.buttons: dict[str, list[QPushButton]] = {}
        self.confirm: QMessageBox | None = None

    # -- building -------------------------------------------------------------------------
    def attach(self, key: str, table: QTableView) -> list[QPushButton]:
        """Give ``table`` the actions its kind allows; returns the matching buttons."""
        kind = KINDS[key]
        self.tables[key] = table
        buttons: list[QPushButton] = []
        for allowed, text, accessible, keys, slot in (
            (bool(kind.add_text), kind.add_text, f"Add {kind.article} {kind.noun}",
             ("Insert",), lambda: self.open(key, None)),
            (kind.lookup is not None,
             "&Edit address…" if key == "address" else f"Edit {kind.short}…",
             f"Edit the selected {kind.noun}", ("Return", "Enter", "F2"),
             lambda: self.edit_selected(key)),
            (kind.remove is not None,
             "Remove relatio&nship…" if key == "relationship" else f"Remove {kind.short}…",
             f"Remove the selected {kind.noun}", ("Delete",), lambda: self.remove_selected(key)),
        ):
            if not allowed:
                continue
            action = QAction(text.replace("&", ""), table)
            action.setShortcuts([QKeySequence(k) for k in keys])
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            action.triggered.connect(lambda _c=False, run=slot: run())
            table.addAction(action)
            button = QPushButton(text)
            button.setAccessibleName(spoken_label(text))
            button.setAccessibleDescription(accessible)
            button.setToolTip(f"{accessible} ({QKeySequence(keys[0]).toString()} in the table)")
            button.clicked.connect(lambda _c=False, run=slot: run())
            buttons.append(button)
        if kind.lookup is not None:
            table.doubleClicked.connect(lambda _i: self.edit_selected(key))
        self.buttons[key] = buttons
        return buttons

    def button_row(self, key: str, table: QTableView) -> QHBoxLayout:
        row = QHBoxLayout()
        for button in self.attach(key, table):
            row.addWidget(button)
        row.addStretch(1)
        return row

    # -- rows -----------------------------------------------------------------------------
    def selected_row(self, key: str) -> Any:
        table = self.tables[key]
        model = table.model()
        assert isinstance(model, RecordTableModel)
        index = table.currentIndex()
        return model.record(index.row()) if index.isValid() else None

    def _row_id(self, key: str, row: Any) -> int | None:
        record = row[1] if KINDS[key].person_row else row
        record_id: int | None = record.id
        return record_id

    # -- dialogs --------------------------------------------------------------------------
    def open(self, key: str, record_id: int | None, initial: Values | None = None,
             restored: bool = False) -> FormDialog:
        kind = KINDS[key]
        family = self._family()
        if record_id is not None and kind.lookup is not None and initial is None:
            initial = kind.lookup(family, record_id)
            if initial is None:  # removed since: the entry is offered as a new record
                record_id = None
        editing = record_id is not None
        title = (f"Edit {kind.noun}" if editing
                 else f"Add {kind.article} {kind.noun}").capitalize()
        record_key = f"family:{self._family_id}/{kind.form}:{record_id if editing else 'new'}"

        sourced = key in rs.PLACES
        fields = kind.fields(family, self._today)
        if sourced and self._policy is not None:
            fields += rs.source_fields(self._policy)
            if initial is not None and "source" not in initial:
                initial = {**initial, **rs.source_values(
                    rs.record_source(family, key, record_id))}

        def submit(values: Values) -> None:
            current = self._family()
            changed = kind.apply(current, record_id, values, self._today())
            if sourced:  # chosen in the form, or kept as it was
                source = (rs.chosen_source(values) if "source" in values
                          else rs.record_source(current, key, record_id))
                changed = rs.with_record_source(changed, key, record_id, source)
            self._save(changed)

        lookup = kind.lookup

        def latest() -> Values:
            """The record as stored now, for a form whose save was refused as stale."""
            found = None if lookup is None or record_id is None else lookup(
                self._family(), record_id)
            if found is None:
                raise KeyError(record_id)  # removed elsewhere: the form keeps what it shows
            return found

        return self._open_form(title, kind.form, record_key,
                               fields=fields, on_submit=submit,
                               initial=initial or {}, restored=restored,
                               latest=latest if editing else None)

    def edit_selected(self, key: str) -> FormDialog | None:
        row = self.selected_row(key)
        if row is None:
            self.tables[key].setFocus()
            return None
        return self.open(key, self._row_id(key, row))

    def remove_selected(self, key: str) -> QMessageBox | None:
        kind = KINDS[key]
        row = self.selected_row(key)
        record_id = None if row is None else self._row_id(key, row)
        if kind.remove is None or record_id is None:
            self.tables[key].setFocus()
            return None
        remove = kind.remove

        def confirmed() -> None:
            self._save(remove(self._family(), record_id))
            log.info("removed a %s record", kind.form)

        box = confirm_box(self._parent, f"Remove {kind.article} {kind.noun}",
                          f"Remove {kind.describe(row)} from the family's record?",
                          detail="It is deleted from the case store. This cannot be undone.",
                          confirm_text="&Remove", confirmed=confirmed,
                          answered=lambda: setattr(self, "confirm", None))
        self.confirm = box
        return box
