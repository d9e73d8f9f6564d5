"""Small rules of wording every screen and report follows: a count with its noun in the
right number ("1 request", "2 breaches"), and a report's name in the middle of a sentence
("the case summary", but "the TAF meeting record")."""

from __future__ import annotations

_IRREGULAR = {"family": "families", "breach": "breaches", "match": "matches",
              "child": "children", "person": "people", "copy": "copies",
              "query": "queries", "box": "boxes"}


def plural_noun(noun: str) -> str:
    """The plural of ``noun`` (its last word)."""
    head, _sep, last = noun.rpartition(" ")
    many = _IRREGULAR.get(last)
    if many is None:
        many = last[:-1] + "ies" if last.endswith("y") and last[-2:-1] not in "aeiou" \
            else last + ("es" if last.endswith(("s", "x", "ch", "sh")) else "s")
    return f"{head} {many}" if head else many


def plural(count: int, noun: str) -> str:
    """'1 request', '0 requests', '3 breaches recorded' is plural(3, 'breach') + ' recorded'."""
    return f"{count} {noun if count == 1 else plural_noun(noun)}"


def in_sentence(label: str) -> str:
    """A name that starts a line (``Case summary``) as it reads after "the": lower case,
    unless it starts with an abbreviation (``TAF meeting record``)."""
    first = label.split(" ", 1)[0]
    if any(c.isupper() for c in first[1:]):  # TAF, PbR, SAR: an abbreviation keeps its case
        return label
    return label[:1].lower() + label[1:]
