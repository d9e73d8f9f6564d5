"""Normalising names and addresses for matching partner data sets.

Partners spell the same person differently: a nickname on a police list, a full name on a
school roll, "Rd" for "Road", a postcode left out. These functions fold such spellings
together before the comparison (``domain.partner_match``). Pure functions.
"""

from __future__ import annotations

import re
from functools import lru_cache

from keyworker_app.domain.normalise import normalise_name, normalise_postcode

# Common English nicknames and short forms, each to the name a register would hold.
_NICKNAMES: dict[str, tuple[str, ...]] = {
    "alexander": ("alex", "sandy", "xander"), "alexandra": ("alex", "lexi", "sandra"),
    "andrew": ("andy", "drew"), "anthony": ("tony", "ant"), "benjamin": ("ben", "benny"),
    "catherine": ("cathy", "kate", "katie", "cath"), "charles": ("charlie", "chas"),
    "christopher": ("chris", "kit"), "daniel": ("dan", "danny"), "david": ("dave", "davey"),
    "deborah": ("debbie", "deb"), "edward": ("ed", "eddie", "ted", "ned"),
    "elizabeth": ("liz", "lizzie", "beth", "betty", "eliza", "libby"),
    "frederick": ("fred", "freddie"), "gareth": ("gaz",), "gerald": ("gerry",),
    "henry": ("harry", "hal"), "jacqueline": ("jackie",), "james": ("jim", "jimmy", "jamie"),
    "jennifer": ("jenny", "jen"), "jonathan": ("jon", "jonny"), "joseph": ("joe", "joey"),
    "joshua": ("josh",), "katherine": ("kate", "katie", "kathy", "kath"),
    "kimberley": ("kim",), "lawrence": ("laurie", "larry"), "leonard": ("len", "lenny"),
    "margaret": ("maggie", "meg", "peggy", "marge"), "matthew": ("matt", "matty"),
    "michael": ("mike", "mick", "micky", "mikey"), "nathan": ("nat", "nate"),
    "nicholas": ("nick", "nicky"), "nicola": ("nicky", "nikki"), "oliver": ("ollie", "olly"),
    "patricia": ("pat", "patsy", "trish"), "patrick": ("pat", "paddy"),
    "rebecca": ("becky", "becca"), "richard": ("rich", "rick", "dick", "ricky"),
    "robert": ("rob", "bob", "bobby", "robbie"), "samantha": ("sam", "sammy"),
    "samuel": ("sam", "sammy"), "stephen": ("steve", "stevie"), "steven": ("steve", "stevie"),
    "susan": ("sue", "susie"), "terence": ("terry",), "thomas": ("tom", "tommy"),
    "timothy": ("tim", "timmy"), "victoria": ("vicky", "tori"), "william": ("will", "bill",
    "billy", "liam", "willie"), "zachary": ("zac", "zack"), "jessica": ("jess", "jessie"),
    "abigail": ("abbie", "abby"), "emily": ("em", "emmy"), "kieran": ("kie",),
    "bradley": ("brad",), "mohammed": ("mohammad", "muhammad", "mohamed", "mo"),
}
_CANONICAL: dict[str, str] = {}
for _full, _shorts in _NICKNAMES.items():
    for _short in _shorts:
        _CANONICAL.setdefault(_short, _full)

_STREET_WORDS = {"rd": "road", "st": "street", "ave": "avenue", "av": "avenue",
                 "ln": "lane", "cl": "close", "cres": "crescent", "dr": "drive",
                 "gdns": "gardens", "ct": "court", "pl": "place", "sq": "square",
                 "tce": "terrace", "wy": "way", "gr": "grove", "pk": "park"}
_HOUSE = re.compile(r"^(?:flat\s+\w+\s*,?\s*)?(\d+[a-z]?)\b")


@lru_cache(maxsize=65536)
def folded(text: str) -> str:
    """``normalise_name``, remembered: partner files repeat names and streets."""
    if text.isascii():
        kept = "".join(ch if ch.isalnum() or ch == "-" else " "
                       for ch in text.lower() if ch not in "'`")
        return " ".join(kept.split())
    return normalise_name(text)


def first_given(given_names: str) -> str:
    words = folded(given_names).replace("-", " ").split()
    return words[0] if words else ""


@lru_cache(maxsize=4096)
def canonical_given(name: str) -> str:
    """A first given name as a register would hold it ("bill" -> "william")."""
    return _CANONICAL.get(name, name)


def are_nicknames(a: str, b: str) -> bool:
    return a != b and canonical_given(a) == canonical_given(b)


def family_key(family_name: str) -> str:
    """Letters only: "Smith-Jones" and "Smith Jones" are the same."""
    return "".join(ch for ch in folded(family_name) if ch.isalnum())


@lru_cache(maxsize=65536)
def address_parts(address: str) -> tuple[str, str]:
    """(house number, street words) with common abbreviations written out."""
    text = folded(address.replace(",", " "))
    match = _HOUSE.match(text)
    house = match[1] if match else ""
    rest = text[match.end():] if match else text
    words = [_STREET_WORDS.get(w, w) for w in rest.replace("-", " ").split()]
    return house, " ".join(words)


def postcode_outward(postcode: str) -> str:
    code = normalise_postcode(postcode)
    return code[:-3] if len(code) > 4 else code


def address_key(address: str, town: str, postcode: str) -> str:
    """Where a household lives: house number, street and town (or the postcode's outward
    part when no town is given). Empty when there is no street to go on."""
    house, street = address_parts(address)
    return home_key(house, street, town, postcode)


def home_key(house: str, street: str, town: str, postcode: str) -> str:
    if not street:
        return ""
    place = folded(town) or postcode_outward(postcode).casefold()
    return f"{house}|{street}|{place}"
