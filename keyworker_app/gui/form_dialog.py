"""A declarative editing dialog with inline validation that never loses input.

A bad entry keeps the dialog open with the problem shown next to the field. While open, the
dialog is registered with the lock controller, which collects its input as a draft before a lock
(``collect_draft``); the lock then closes the dialog without saving anything half-done. A
restored draft with a field the form no longer has raises ``DraftUnreadable`` before anything
shows (``gui.draft_kinds`` keeps it and offers it as text).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from keyworker_app.domain.draft_payload import fields_fit
from keyworker_app.errors import UserFacingError, ValidationError
from keyworker_app.gui.accessible import (
    announce,
    describe_problem,
    keep_on_screen,
    style_error,
    style_hint,
)
from keyworker_app.gui.choice_widgets import TickList, refill, wrap_choices
from keyworker_app.gui.errors import show_error


@dataclass(frozen=True, slots=True)
class FieldSpec:
    key: str
    label: str  # with a mnemonic, e.g. "&Given names"
    check: Callable[[str], str | None] | None = None
    choices: tuple[tuple[str, str], ...] = ()  # (value, label): a combo box
    multiline: bool = False
    placeholder: str = ""
    hint: str = ""  # shown under the field and read out as its description
    ticks: bool = False  # choices as a tick list; the value is the ticked ones, comma-joined
    # Choices that depend on another field's value: ``choices_for(that value)``.
    follows: str = ""
    choices_for: Callable[[str], tuple[tuple[str, str], ...]] | None = None
    wrap: bool = False  # long choices wrap in the list, and the chosen one shows in full below


def fit_wrapped_text(dialog: QWidget, *, shrink: bool = False) -> None:
    """Give ``dialog`` the height its word-wrapped labels need at its width, now and as the
    least it can be shrunk to. A window's minimum size comes from the labels' minimum size
    hints, which ignore height-for-width, so a hint or problem that wraps onto a second line
    would otherwise be cut off (or, at a wider width, leave gaps). Call it after showing or
    clearing a message; ``shrink`` also takes away height nothing needs (on first show)."""
    layout = dialog.layout()
    if layout is None:
        return
    layout.activate()
    width = max(dialog.width(), dialog.minimumWidth())
    needed = (layout.totalHeightForWidth(width) if layout.hasHeightForWidth()
              else layout.totalSizeHint().height())
    dialog.setMinimumHeight(needed)
    if dialog.height() < needed or (shrink and dialog.height() > needed):
        dialog.resize(width, needed)


def _wrapping_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    # Grows in height with the lines the text wraps onto; never squeezed below them.
    policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
    policy.setHeightForWidth(True)
    label.setSizePolicy(policy)
    return label


class DraftRegistry(Protocol):
    def register_editor(self, editor: Any) -> None: ...

    def unregister_editor(self, editor: Any) -> None: ...


class FormDialog(QDialog):
    def __init__(
        self,
        parent: QWidget | None,
        title: str,
        form: str,
        record_key: str,
        *,
        fields: Sequence[FieldSpec],
        on_submit: Callable[[dict[str, str]], None],
        initial: dict[str, str] | None = None,
        registry: DraftRegistry | None = None,
        restored: bool = False,
        latest: Callable[[], dict[str, str]] | None = None,
        ask_before_discard: bool = True,
    ) -> None:
        fields = tuple(fields)
        if restored and initial:
            # Typing for a field the form no longer has would be dropped without a word:
            # refuse before anything shows, so the draft is kept and offered as text.
            fields_fit(initial, {spec.key for spec in fields})
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setModal(True)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.form = form
        self.record_key = record_key
        self._fields = tuple(fields)
        self._on_submit = on_submit
        self._registry = registry
        self._initial = dict(initial or {})
        self._latest = latest  # the record's values as stored now (for rebase_on_latest)
        self._restored = restored
        # Cancel or Escape with changes asks "Discard changes?" (a lock never asks).
        self._ask_before_discard = ask_before_discard
        self._for_lock = False
        self.discard_box: QMessageBox | None = None
        self.editors: dict[str, QLineEdit | QComboBox | QPlainTextEdit | TickList] = {}
        self.whole_texts: dict[str, QLabel] = {}  # the chosen choice in full (wrap fields)
        self.problems: dict[str, QLabel] = {}

        self.general_problem = _wrapping_label()
        self.general_problem.setVisible(False)
        layout = QFormLayout()
        for spec in self._fields:
            editor = self._make_editor(spec)
            self.editors[spec.key] = editor
            label = QLabel(spec.label)
            label.setBuddy(editor)
            problem = _wrapping_label()
            problem.setObjectName(f"problem_{spec.key}")
            problem.setVisible(False)
            style_error(problem)
            self.problems[spec.key] = problem
            column = QVBoxLayout()
            column.setSpacing(2)
            column.addWidget(editor)
            if spec.wrap and isinstance(editor, QComboBox):
                whole = _wrapping_label(editor.currentText())
                whole.setObjectName(f"whole_{spec.key}")
                style_hint(whole)
                self.whole_texts[spec.key] = whole
                editor.currentIndexChanged.connect(
                    lambda _i, w=whole, e=editor: self._show_whole(w, e))
                column.addWidget(whole)
            if spec.hint:
                hint = _wrapping_label(spec.hint)
                hint.setObjectName(f"hint_{spec.key}")
                style_hint(hint)
                editor.setAccessibleDescription(spec.hint)
                column.addWidget(hint)
            column.addWidget(problem)
            layout.addRow(label, column)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setAccessibleName("Save")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setAccessibleName("Cancel")
        buttons.accepted.connect(self.try_save)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        outer = QVBoxLayout(self)
        outer.addWidget(self.general_problem)
        outer.addLayout(layout)
        outer.addWidget(buttons)
        self.setMinimumWidth(460)
        for spec in self._fields:
            self._follow(spec)
        chain: list[QWidget] = [*self.editors.values(), buttons]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)
        self._baseline = self.values()
        if registry is not None:
            registry.register_editor(self)
            self.finished.connect(lambda _code: registry.unregister_editor(self))

    def _show_whole(self, label: QLabel, combo: QComboBox) -> None:
        label.setText(combo.currentText())
        if self.isVisible():
            fit_wrapped_text(self)

    def _follow(self, spec: FieldSpec) -> None:
        """Offer ``spec``'s choices for the value of the field it follows, now and on every
        change of that field (what was chosen stays chosen while it is still offered)."""
        if not spec.follows or spec.choices_for is None:
            return
        source, target = self.editors[spec.follows], self.editors[spec.key]
        assert isinstance(source, QComboBox) and isinstance(target, QComboBox)
        choices_for = spec.choices_for
        refill(target, choices_for(str(source.currentData())),
               self._initial.get(spec.key) or None)
        source.currentIndexChanged.connect(
            lambda _i: refill(target, choices_for(str(source.currentData())), None))

    def _make_editor(self, spec: FieldSpec) -> QLineEdit | QComboBox | QPlainTextEdit | TickList:
        name = spec.label.replace("&", "")
        value = self._initial.get(spec.key, "")
        editor: QLineEdit | QComboBox | QPlainTextEdit | TickList
        if spec.ticks:
            editor = TickList(spec.choices, value)
        elif spec.choices:
            editor = QComboBox()
            # A long choice is shortened in the closed box (the list shows it whole), so the
            # form fits a small screen.
            editor.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            editor.setMinimumContentsLength(24)
            for choice, text in spec.choices:
                editor.addItem(text, choice)
            found = editor.findData(value)
            editor.setCurrentIndex(max(found, 0))
            if spec.wrap:
                wrap_choices(editor)
        elif spec.multiline:
            editor = QPlainTextEdit(value)
            editor.setTabChangesFocus(True)
            editor.setPlaceholderText(spec.placeholder)
        else:
            editor = QLineEdit(value)
            editor.setPlaceholderText(spec.placeholder)
        editor.setAccessibleName(name)
        editor.setObjectName(f"field_{spec.key}")
        return editor

    def values(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for key, editor in self.editors.items():
            if isinstance(editor, QComboBox):
                out[key] = str(editor.currentData())
            elif isinstance(editor, TickList):
                out[key] = editor.value()
            elif isinstance(editor, QPlainTextEdit):
                out[key] = editor.toPlainText()
            else:
                out[key] = editor.text()
        return out

    def _set_value(self, key: str, value: str) -> None:
        editor = self.editors[key]
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(editor.findData(value), 0))
        elif isinstance(editor, TickList):
            editor.set_value(value)
        elif isinstance(editor, QPlainTextEdit):
            editor.setPlainText(value)
        else:
            editor.setText(value)

    def rebase_on_latest(self) -> list[str]:
        """The record was changed elsewhere and a save refused: fields the user has not
        touched take the values stored now, fields they changed keep their entry, so saving
        again does not put back what the other window changed. Returns the fields updated."""
        if self._latest is None or self._restored:
            return []  # a restored draft: every field is the user's entry
        try:
            latest = self._latest()
        except (KeyError, LookupError):
            return []  # the record itself is gone: keep everything the user sees
        current = self.values()
        updated = [key for key, value in latest.items()
                   if key in self.editors and current[key] == self._baseline.get(key)
                   and value != current[key]]
        for key in updated:
            self._set_value(key, latest[key])
        self._baseline = {**self._baseline,
                          **{k: v for k, v in latest.items() if k in self.editors}}
        return updated

    def is_dirty(self) -> bool:
        return self._restored or self.values() != self._baseline

    def collect_draft(self) -> tuple[str, str, dict[str, Any]] | None:
        self._for_lock = True  # the lock closes the form next: no question then
        return (self.form, self.record_key, dict(self.values())) if self.is_dirty() else None

    def show_problem(self, key: str, message: str) -> None:
        label = self.problems.get(key, self.general_problem)
        label.setVisible(True)
        announce(label, message)
        if key in self.editors:
            describe_problem(self.editors[key], message)
        fit_wrapped_text(self)

    def clear_problems(self) -> None:
        for key, label in self.problems.items():
            label.clear()
            label.setVisible(False)
            describe_problem(self.editors[key], "")
        self.general_problem.clear()
        self.general_problem.setVisible(False)
        fit_wrapped_text(self)

    def reject(self) -> None:
        if (not self._ask_before_discard or self._for_lock or not self.is_dirty()
                or not self.isVisible()):
            super().reject()
        elif self.discard_box is None:
            from keyworker_app.gui.discard_prompt import ask_discard

            self.discard_box = ask_discard(self, super().reject)
            self.discard_box.finished.connect(lambda _c: setattr(self, "discard_box", None))

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        fit_wrapped_text(self, shrink=True)  # a long hint wraps from the start
        keep_on_screen(self)  # a tall form on a small or scaled screen

    def try_save(self) -> bool:
        self.clear_problems()
        values = self.values()
        first_bad: str | None = None
        for spec in self._fields:
            problem = spec.check(values[spec.key]) if spec.check else None
            if problem:
                self.show_problem(spec.key, problem)
                first_bad = first_bad or spec.key
        if first_bad is not None:
            self.editors[first_bad].setFocus()
            return False
        try:
            self._on_submit(values)
        except ValidationError as exc:
            # A domain rule check lists every problem by field (InvalidRecordError.by_field).
            found = getattr(exc, "by_field", ()) or ((exc.field, exc.problem),)
            general: list[str] = []
            shown: set[str] = set()
            for field, problem in found:
                key = next((s.key for s in self._fields
                            if s.label.replace("&", "").lower() == field.lower()
                            or s.key == field), None)
                if key is None:
                    general.append(f"{field}: {problem}" if field else problem)
                elif key not in shown:  # the first problem per field
                    self.show_problem(key, problem)
                    shown.add(key)
            if general:
                self.show_problem("", "\n".join(general))
            return False
        except UserFacingError as exc:
            show_error(self, exc)
            return False
        self.accept()
        return True
