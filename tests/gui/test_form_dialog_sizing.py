"""A hint or problem that wraps onto several lines is shown in full: the form dialog grows
to the height its word-wrapped labels need, and cannot be shrunk so that they are cut off."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QApplication, QLabel

from keyworker_app.errors import ValidationError
from keyworker_app.gui.form_dialog import FieldSpec, FormDialog

LONG = ("The date must be on or after the family's allocation date and no later than twelve "
        "months after the last review, as section 10 of the information sharing agreement "
        "says; ask the team lead if the family's circumstances call for a longer period.")


def _cut_off(dialog: FormDialog) -> list[str]:
    """Visible wrapped labels whose text needs more room than they were given (once the
    layout has settled)."""
    QApplication.processEvents()
    found = []
    for label in dialog.findChildren(QLabel):
        if not (label.isVisible() and label.wordWrap() and label.text()):
            continue
        needs = label.heightForWidth(label.width())
        box = QRect(label.mapTo(dialog, QPoint(0, 0)), label.size())
        if needs > label.height() or not dialog.rect().contains(box):
            found.append(f"{label.objectName() or label.accessibleName()}: "
                         f"needs {needs}, has {label.height()}")
    return found


def _dialog(qtbot: Any, submit: Any, hint: str = LONG, multiline: bool = True) -> FormDialog:
    dialog = FormDialog(None, "Retain the records", "test-form", "test:1", fields=[
        FieldSpec("until", "Retain &until", lambda v: LONG if v == "bad" else None,
                  placeholder="DD/MM/YYYY", hint=hint),
        FieldSpec("reason", "&Because", multiline=multiline)], on_submit=submit)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_a_long_hint_and_field_problem_are_fully_visible(qtbot: Any) -> None:
    dialog = _dialog(qtbot, lambda _v: None)
    hint = dialog.findChild(QLabel, "hint_until")
    assert hint is not None and hint.heightForWidth(hint.width()) > hint.fontMetrics().height()
    assert _cut_off(dialog) == []
    dialog.editors["until"].setText("bad")
    assert not dialog.try_save()
    problem = dialog.problems["until"]
    assert problem.isVisible() and problem.text() == LONG
    assert problem.heightForWidth(problem.width()) >= 3 * problem.fontMetrics().height()
    assert _cut_off(dialog) == []
    dialog.resize(dialog.width(), 40)  # the user cannot squeeze the message away
    assert _cut_off(dialog) == []


def test_a_long_general_problem_is_fully_visible(qtbot: Any) -> None:
    def refuse(_values: dict[str, str]) -> None:
        raise ValidationError("Something else", LONG + " " + LONG)

    dialog = _dialog(qtbot, refuse, hint="A short hint.", multiline=False)
    assert not dialog.try_save()
    assert dialog.general_problem.isVisible()
    assert _cut_off(dialog) == []
    dialog.clear_problems()
    assert _cut_off(dialog) == []
