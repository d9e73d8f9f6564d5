"""The form that completes "unknown" sources: one choice per record that does not yet say
where it came from (a version 1 import, or records kept before sources were). The form lists
a screenful at a time, so it fits 1024x768; the rest follow when it is opened again."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox

from keyworker_app.domain.policy import Policy
from keyworker_app.domain.provenance import THE_FAMILY, THIS_ORGANISATION, Source
from keyworker_app.domain.source_completion import ToComplete
from keyworker_app.gui.form_dialog import FieldSpec, FormDialog, fit_wrapped_text

FORM = "sources-complete"
TITLE = "Complete the sources"
PER_FORM = 8  # records listed at once; the rest when the form is opened again
LEAVE = ""  # "still unknown": the record keeps its unknown source for now


def source_choices(policy: Policy) -> tuple[tuple[str, str], ...]:
    return ((LEAVE, "Unknown — leave for now"),
            *((p.id, p.name) for p in policy.partners),
            (THE_FAMILY, "The family"), (THIS_ORGANISATION, "This organisation"))


def source_fields(policy: Policy, records: list[ToComplete]) -> list[FieldSpec]:
    choices = source_choices(policy)
    return [FieldSpec(r.key, f"{r.kind}: {r.what}", choices=choices)
            for r in records[:PER_FORM]]


def hint_text(total: int) -> str:
    shown = min(total, PER_FORM)
    more = (f" The other {total - shown} follow when you open this again." if total > shown
            else "")
    return (f"{shown} of {total} record{'' if total == 1 else 's'} with source unknown. Choose "
            "the partner each came from (ISA §9); saving is recorded in the audit trail." + more)


def chosen_sources(values: dict[str, str]) -> dict[str, Source]:
    return {key: Source(value) for key, value in values.items() if value != LEAVE}


def fit_descriptions(dialog: FormDialog) -> None:
    """Wide enough for each record's description beside its choice (within 1000 pixels): the
    partners' long names may not squeeze the descriptions out."""
    for editor in dialog.editors.values():
        if isinstance(editor, QComboBox):
            editor.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            editor.setMinimumContentsLength(28)
    dialog.resize(min(max(dialog.width(), dialog.sizeHint().width()), 1000), dialog.height())
    fit_wrapped_text(dialog, shrink=True)
