"""The export dialog's password, as KeePassXC users expect: the dialog keeps its size while
a password is typed (the Export button stays put), a problem about an earlier password goes
once the password is strong, the password can be shown, and a passphrase of random words can
be generated and used."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QLineEdit

from keyworker_app.gui.export_dialog import ExportDialog
from keyworker_app.reports.protect import is_protected
from keyworker_app.services.passphrase_maker import (
    make_passphrase,
    passphrase_bits,
    word_list,
)
from tests.gui.test_export_dialog import dialog, policy, session  # noqa: F401 (fixtures)

SHOTS = os.environ.get("KEYWORKER_SHOTS", "")
LONG_WEAK = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"


def test_dialog_keeps_its_size_and_the_export_button_stays_put(
        qtbot: Any, dialog: ExportDialog) -> None:  # noqa: F811
    dialog.address.setText("someone@example.com")
    qtbot.wait(10)
    size, button = dialog.size(), dialog.export_button.mapTo(dialog, dialog.rect().topLeft())
    for text in ("a", "weak", LONG_WEAK, "Tr4m-Lantern-91", LONG_WEAK + "x" * 40):
        dialog.password.setText(text)
        qtbot.wait(5)
        assert dialog.size() == size, text
        assert dialog.export_button.mapTo(dialog, dialog.rect().topLeft()) == button, text


def test_a_stale_password_problem_goes_when_the_password_is_strong(
        qtbot: Any, dialog: ExportDialog) -> None:  # noqa: F811
    dialog.address.setText("someone@example.com")
    dialog.password.setText("weakweakweak")
    dialog.password_again.setText("weakweakweak")
    dialog.export_button.click()
    assert dialog.problem.isVisible() and "Password" in dialog.problem.text()
    dialog.password.setText("Tr4m-Lantern-91")
    assert dialog.problem.isVisible()  # the copies differ: still worth saying
    dialog.password_again.setText("Tr4m-Lantern-91")
    assert not dialog.problem.isVisible() and dialog.problem.text() == ""


def test_show_and_generate_a_passphrase_then_export_with_it(
        qtbot: Any, dialog: ExportDialog, tmp_path: Path) -> None:  # noqa: F811
    dialog.address.setText("someone@example.com")
    assert dialog.password.echoMode() == QLineEdit.EchoMode.Password
    dialog.show_password.setChecked(True)
    assert dialog.password.echoMode() == QLineEdit.EchoMode.Normal
    assert dialog.password_again.echoMode() == QLineEdit.EchoMode.Normal
    dialog.show_password.setChecked(False)
    dialog.generate_button.click()
    made = dialog.password.text()
    words = made.split("-")
    assert len(words) == 6 and all(w in word_list() for w in words)
    assert dialog.password_again.text() == made
    assert dialog.show_password.isChecked()  # shown, to be read out to the recipient
    assert "Strength: Strong" in dialog.strength.text()
    if SHOTS:
        dialog.grab().save(str(Path(SHOTS) / "export_generated_passphrase.png"))
    with qtbot.waitSignal(dialog.exported, timeout=10000) as signal:
        dialog.export_button.click()
    assert is_protected(signal.args[0].destination.read_bytes())
    assert dialog.password.text() == ""


def test_generated_passphrases_are_long_and_differ() -> None:
    words = word_list()
    assert len(words) == len(set(words)) >= 500
    assert passphrase_bits() >= 55
    assert len({make_passphrase() for _ in range(50)}) == 50
