"""File → New family (referral): the family, its current address, its members and how they
are related, in one form saved as one transaction (``Session.add_family``, audited).

Problems are shown by their field and nothing is saved while any remain; the rules are the
domain's (``gui.new_family_values``). While open the form is registered with the lock, which
keeps what was typed as a draft; Cancel or Escape with changes asks "Discard changes?".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from keyworker_app.domain.dates import format_date
from keyworker_app.domain.draft_payload import DraftUnreadable
from keyworker_app.domain.family import Family, HouseholdRole, RelationshipKind
from keyworker_app.domain.references import reference_placeholder
from keyworker_app.errors import UserFacingError, ValidationError
from keyworker_app.gui import new_family_values as nv
from keyworker_app.gui.accessible import style_error
from keyworker_app.gui.discard_prompt import ask_discard
from keyworker_app.gui.errors import show_error
from keyworker_app.gui.form_dialog import DraftRegistry
from keyworker_app.gui.widgets import action_button
from keyworker_app.services.api import Session

Editor = QLineEdit | QComboBox
_FAMILY, _ADDRESS, _MEMBER, _REL = ("|".join(names) for names in (
    nv.FAMILY_FIELDS, nv.ADDRESS_FIELDS, nv.MEMBER_FIELDS, nv.REL_FIELDS))
_KNOWN_KEY = re.compile(
    rf"({_FAMILY})|address\.({_ADDRESS})|member\.\d+\.({_MEMBER})|rel\.\d+\.({_REL})")
_LABELS = {"given_names": "&Given names", "family_name": "Family &name",
           "date_of_birth": "Date of &birth", "household_role": "Ro&le",
           "upn": "&UPN (pupil number)", "nhs_number": "NH&S number",
           "ni_number": "National &Insurance number"}


def _problem_label(name: str) -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    style_error(label)
    label.setVisible(False)
    label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
    return label


class NewFamilyDialog(QDialog):
    saved = Signal(object)  # the Family as stored

    def __init__(self, session: Session, parent: QWidget | None, *,
                 today: Callable[[], date] = date.today,
                 registry: DraftRegistry | None = None,
                 initial: dict[str, str] | None = None, restored: bool = False) -> None:
        if restored and initial:
            unknown = [k for k in initial if not _KNOWN_KEY.fullmatch(k)]
            if unknown:
                raise DraftUnreadable("Its fields are not the ones this form has now.")
        super().__init__(parent)
        self.setWindowTitle("New family (referral)")
        self.setAccessibleName("New family (referral)")
        self.setModal(True)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.form = nv.FORM
        self.record_key = nv.RECORD_KEY
        self._session = session
        self._today = today
        self._restored = restored
        self._for_lock = False
        self.editors: dict[str, Editor] = {}
        self.problems: dict[str, QLabel] = {}
        self.member_boxes: dict[int, QGroupBox] = {}
        self.rel_rows: dict[int, QWidget] = {}
        self.discard_box: QMessageBox | None = None
        year = today().year
        start = dict(initial or {})
        if not initial:
            start = {"reference": session.suggest_reference(),
                     "allocated_on": format_date(today()),
                     "key_worker": session.actor.name}

        self.general_problem = _problem_label("the form")
        self.general_problem.setObjectName("problem_")
        self.problems[""] = self.general_problem

        family_box = QGroupBox("Family")
        grid = QGridLayout(family_box)
        cells: list[tuple[str, str, Editor, str]] = [
            ("reference", "&Reference", QLineEdit(), reference_placeholder(year)),
            ("family_name", "&Family name", QLineEdit(), ""),
            ("status", "S&tatus", self._combo([(s.value, s.label) for s in nv.STATUSES]), ""),
            ("allocated_on", "&Allocated on", QLineEdit(), "DD/MM/YYYY"),
            ("key_worker", "&Key worker", QLineEdit(), ""),
            ("review_due", "Re&view due", QLineEdit(), "DD/MM/YYYY (optional)"),
        ]
        for i, (key, label, editor, placeholder) in enumerate(cells):
            grid.addWidget(self._cell(key, label, editor, placeholder, start=start),
                           i // 2, i % 2)

        address_box = QGroupBox("Current address")
        agrid = QGridLayout(address_box)
        for i, (key, label, placeholder) in enumerate((
                ("line1", "Address line &1", ""), ("line2", "Address line &2", ""),
                ("town", "T&own", ""), ("postcode", "&Postcode", "e.g. LS1 4AP"),
                ("from_date", "Lived there &from", "DD/MM/YYYY (optional)"))):
            agrid.addWidget(self._cell(f"address.{key}", label, QLineEdit(), placeholder,
                                       start=start), i // 2, i % 2)

        self.members_box = QGroupBox("Members")
        self.members_layout = QVBoxLayout(self.members_box)
        self.add_member_button = action_button("Add &member", "Add a member", self.add_member)
        self.members_layout.addWidget(self.add_member_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.rels_box = QGroupBox("Relationships")
        self.rels_layout = QVBoxLayout(self.rels_box)
        self.add_rel_button = action_button("Add relations&hip", "Add a relationship",
                                            self.add_relationship)
        self.rels_layout.addWidget(self.add_rel_button, 0, Qt.AlignmentFlag.AlignLeft)

        member_rows = nv.rows_in(start, "member") or [0, 1]
        for row in member_rows:
            self.add_member(row, start)
        for row in nv.rows_in(start, "rel"):
            self.add_relationship(row, start)

        inner = QWidget()
        column = QVBoxLayout(inner)
        for part in (family_box, address_box, self.members_box, self.rels_box):
            column.addWidget(part)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        scroll.setAccessibleName("New family form")
        self.scroll_area = scroll
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setAccessibleName("Save")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setAccessibleName("Cancel")
        self.buttons.accepted.connect(self.try_save)
        self.buttons.rejected.connect(self.reject)
        outer = QVBoxLayout(self)
        outer.addWidget(self.general_problem)
        outer.addWidget(scroll, 1)
        outer.addWidget(self.buttons)
        self.resize(760, 700)
        self._baseline = {} if restored else self.values()
        if registry is not None:
            registry.register_editor(self)
            self.finished.connect(lambda _code: registry.unregister_editor(self))

    # -- building -------------------------------------------------------------------------
    @staticmethod
    def _combo(choices: list[tuple[str, str]]) -> QComboBox:
        combo = QComboBox()
        for value, text in choices:
            combo.addItem(text, value)
        return combo

    def _cell(self, key: str, label: str, editor: Editor, placeholder: str, *,
              start: dict[str, str], name: str | None = None) -> QWidget:
        """A field: its label (the editor's buddy), the editor and its problem, stacked."""
        name = name or label.replace("&", "")
        cell = QWidget()
        layout = QVBoxLayout(cell)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        caption = QLabel(label)
        caption.setBuddy(editor)
        editor.setAccessibleName(name)
        editor.setObjectName(f"field_{key}")
        value = start.get(key, "")
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(editor.findData(value), 0))
        else:
            editor.setText(value)
            editor.setPlaceholderText(placeholder)
        problem = _problem_label(name.lower())
        problem.setObjectName(f"problem_{key}")
        self.editors[key] = editor
        self.problems[key] = problem
        layout.addWidget(caption)
        layout.addWidget(editor)
        layout.addWidget(problem)
        layout.addStretch(1)  # a problem beside it leaves this field at the top of its row
        return cell

    def add_member(self, row: int | None = None, start: dict[str, str] | None = None) -> None:
        row = max(self.member_boxes, default=-1) + 1 if row is None else row
        start = start or {}
        box = QGroupBox()
        grid = QGridLayout(box)
        role = self._combo([(r.value, r.label) for r in HouseholdRole])
        default_role = HouseholdRole.PARENT_CARER if row == 0 else HouseholdRole.CHILD
        start.setdefault(nv.member_key(row, "household_role"), default_role.value)
        number = len(self.member_boxes) + 1
        for i, field in enumerate(nv.MEMBER_FIELDS):
            editor: Editor = role if field == "household_role" else QLineEdit()
            placeholder = "DD/MM/YYYY" if field == "date_of_birth" else ""
            grid.addWidget(self._cell(nv.member_key(row, field), _LABELS[field], editor,
                                      placeholder, start=start,
                                      name=f"Member {number} {_LABELS[field].replace('&', '')}"),
                           i // 2, i % 2)
            if field in ("given_names", "family_name") and isinstance(editor, QLineEdit):
                editor.textChanged.connect(lambda _t: self._member_names_changed())
        remove = action_button("Remo&ve this member", f"Remove member {number}",
                               lambda: self.remove_member(row))
        grid.addWidget(remove, 3, 1, Qt.AlignmentFlag.AlignRight)
        self.member_boxes[row] = box
        self.members_layout.insertWidget(self.members_layout.count() - 1, box)
        self._renumber()
        self._member_names_changed()

    def remove_member(self, row: int) -> None:
        box = self.member_boxes.pop(row, None)
        if box is None:
            return
        for field in nv.MEMBER_FIELDS:
            self.editors.pop(nv.member_key(row, field), None)
            self.problems.pop(nv.member_key(row, field), None)
        box.deleteLater()
        self._renumber()
        self._member_names_changed()

    def add_relationship(self, row: int | None = None,
                         start: dict[str, str] | None = None) -> None:
        row = max(self.rel_rows, default=-1) + 1 if row is None else row
        start = start or {}
        line = QWidget()
        layout = QHBoxLayout(line)
        layout.setContentsMargins(0, 0, 0, 0)
        number = len(self.rel_rows) + 1
        kinds = self._combo([(k.value, k.label.lower()) for k in RelationshipKind])
        choices = self._member_choices()
        for field, label, editor in (
                ("subject_ref", "Person", self._combo(choices)),
                ("kind", "is", kinds), ("object_ref", "of", self._combo(choices))):
            if field != "kind":
                start.setdefault(nv.rel_key(row, field), "")
            layout.addWidget(self._cell(nv.rel_key(row, field), label, editor, "",
                                        start=start, name=f"Relationship {number} {label}"),
                             1)
        remove = action_button("Remove", f"Remove relationship {number}",
                               lambda: self.remove_relationship(row))
        layout.addWidget(remove, 0, Qt.AlignmentFlag.AlignBottom)
        self.rel_rows[row] = line
        self.rels_layout.insertWidget(self.rels_layout.count() - 1, line)

    def remove_relationship(self, row: int) -> None:
        line = self.rel_rows.pop(row, None)
        if line is None:
            return
        for field in nv.REL_FIELDS:
            self.editors.pop(nv.rel_key(row, field), None)
            self.problems.pop(nv.rel_key(row, field), None)
        line.deleteLater()

    def _member_choices(self) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = [("", "Choose a member")]
        for number, row in enumerate(sorted(self.member_boxes), 1):
            names = " ".join(self._text(nv.member_key(row, f)) for f in
                             ("given_names", "family_name")).strip()
            out.append((nv.member_ref(row), names or f"Member {number}"))
        return out

    def _member_names_changed(self) -> None:
        """Relationship pickers list the members by the names typed so far."""
        choices = self._member_choices()
        for row in self.rel_rows:
            for field in ("subject_ref", "object_ref"):
                combo = self.editors.get(nv.rel_key(row, field))
                if not isinstance(combo, QComboBox):
                    continue
                chosen = combo.currentData()
                combo.blockSignals(True)
                combo.clear()
                for value, text in choices:
                    combo.addItem(text, value)
                combo.setCurrentIndex(max(combo.findData(chosen), 0))
                combo.blockSignals(False)

    def _renumber(self) -> None:
        for number, row in enumerate(sorted(self.member_boxes), 1):
            self.member_boxes[row].setTitle(f"Member {number}")
            for field in nv.MEMBER_FIELDS:
                editor = self.editors.get(nv.member_key(row, field))
                if editor is not None:
                    editor.setAccessibleName(
                        f"Member {number} {_LABELS[field].replace('&', '')}")

    def _text(self, key: str) -> str:
        editor = self.editors.get(key)
        return editor.text().strip() if isinstance(editor, QLineEdit) else ""

    # -- values and drafts ----------------------------------------------------------------
    def values(self) -> dict[str, str]:
        return {key: str(editor.currentData()) if isinstance(editor, QComboBox)
                else editor.text() for key, editor in self.editors.items()}

    def is_dirty(self) -> bool:
        return self._restored or self.values() != self._baseline

    def collect_draft(self) -> tuple[str, str, dict[str, Any]] | None:
        self._for_lock = True  # the lock closes the form next: no question then
        return (self.form, self.record_key, self.values()) if self.is_dirty() else None

    # -- saving ---------------------------------------------------------------------------
    def show_problems(self, problems: dict[str, str]) -> None:
        for label in self.problems.values():
            label.clear()
            label.setVisible(False)
        first: QWidget | None = None
        for key in self.problems:
            message = problems.get(key)
            if message is None:
                continue
            self.problems[key].setText(message)
            self.problems[key].setVisible(True)
            editor = self.editors.get(key)
            if first is None and editor is not None:
                first = editor
        for key, message in problems.items():  # a field no longer on the form
            if key not in self.problems:
                self.general_problem.setText(message)
                self.general_problem.setVisible(True)
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)
            self.scroll_area.ensureWidgetVisible(first)

    def try_save(self) -> Family | None:
        checked = nv.check_new_family(self.values(), self._today())
        if checked.family is None:
            self.show_problems(checked.problems)
            return None
        try:
            saved = self._session.add_family(checked.family)
        except ValidationError as exc:
            field = exc.field if exc.field in self.editors else ""
            problem = exc.problem[:1].upper() + exc.problem[1:]
            if field == "reference":
                problem = f"{problem.rstrip('.')}: choose another."
            self.show_problems({field: problem})
            return None
        except UserFacingError as exc:
            show_error(self, exc)
            return None
        self.show_problems({})
        self.saved.emit(saved)
        self.accept()
        return saved

    def reject(self) -> None:
        if self._for_lock or not self.is_dirty() or not self.isVisible():
            super().reject()
            return
        if self.discard_box is None:
            self.discard_box = ask_discard(self, self._discarded)
            self.discard_box.finished.connect(lambda _c: setattr(self, "discard_box", None))

    def _discarded(self) -> None:
        self._restored = False
        self._baseline = self.values()
        super().reject()
