"""A record's source (ISA §9): kept apart so the records themselves can carry it.

The rules about sources and exchanges are in ``domain.sources``.
"""

from __future__ import annotations

from dataclasses import dataclass

UNKNOWN = "unknown"  # recorded before sources were kept, or imported without one
THE_FAMILY = "the-family"
THIS_ORGANISATION = "this-organisation"
OTHER_NAMED = "other-named"  # a data controller that is not a partner: named in full

SPECIAL_SOURCES = {
    UNKNOWN: "Unknown (to complete)",
    THE_FAMILY: "The family",
    THIS_ORGANISATION: "This organisation",
}


@dataclass(frozen=True, slots=True)
class Source:
    """Who a fact came from and whose it is."""

    partner: str = UNKNOWN  # a policy partner id, THE_FAMILY, THIS_ORGANISATION or UNKNOWN
    controller: str = ""  # "": the source is the controller; else a partner id or OTHER_NAMED
    controller_name: str = ""  # the organisation's name when controller is OTHER_NAMED

    @property
    def is_unknown(self) -> bool:
        return self.partner == UNKNOWN
