"""Secure e-mail matching (ISA Appendix C) and the export password rule."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keyworker_app.domain.handling import (
    RecipientKind,
    assess_export_password,
    email_domain,
    is_secure_email,
    password_required,
)
from keyworker_app.domain.policy import ExportPasswordRules

SUFFIXES = ("pnn.police.uk", "gsi.gov.uk", "gcsx.gov.uk", "cjsm.net")
RULES = ExportPasswordRules(min_length=12, min_character_classes=3, passphrase_min_words=4)


@pytest.mark.parametrize("address", [
    "officer@leics.pnn.police.uk", "OFFICER@LEICS.PNN.POLICE.UK", "a.b@pnn.police.uk",
    "  someone@council.gcsx.gov.uk ", "yot@org.cjsm.net", "x@sub.dept.gsi.gov.uk",
])
def test_secure_addresses(address: str) -> None:
    assert is_secure_email(address, SUFFIXES)


@pytest.mark.parametrize("address", [
    "x@police.uk.evil.com", "pnn.police.uk@evil.com", "x@evil.com?pnn.police.uk",
    "x@evil.com?x.pnn.police.uk", "x@notpnn.police.uk", "x@evil-pnn.police.uk.example.com",
    "x@leics.pnn.police.uk.", "x@leics..pnn.police.uk", "x@.pnn.police.uk", "@pnn.police.uk",
    "x@pnn.police.u\u212a",  # Kelvin sign lower-cases to 'k'
    "x@pnn.pоlice.uk",  # Cyrillic o
    "x@leics.pnn.police.uk\u3002evil.com", "x@xn--pnn-police.uk",
    "a@evil.com,b@leics.pnn.police.uk", "a@evil.com b@leics.pnn.police.uk",
    "Name <a@leics.pnn.police.uk>", '"a b"@leics.pnn.police.uk', "a@b@leics.pnn.police.uk",
    "", "not an address", "x@pnn.police.uk/evil", "x@-pnn.police.uk",
])
def test_look_alikes_are_not_secure(address: str) -> None:
    assert not is_secure_email(address, SUFFIXES)


labels = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?", fullmatch=True)


@given(st.lists(labels, min_size=1, max_size=3), st.sampled_from(SUFFIXES),
       st.booleans())
def test_any_subdomain_of_a_suffix_is_secure_in_any_case(prefix: list[str], suffix: str,
                                                          upper: bool) -> None:
    address = "name@" + ".".join([*prefix, suffix])
    assert is_secure_email(address.upper() if upper else address, SUFFIXES)


@given(st.lists(labels, min_size=1, max_size=3), st.sampled_from(SUFFIXES),
       st.lists(labels, min_size=1, max_size=2))
def test_a_suffix_followed_by_more_labels_is_never_secure(prefix: list[str], suffix: str,
                                                          tail: list[str]) -> None:
    domain = ".".join([*prefix, suffix, *tail])
    if any(domain.endswith(s) for s in SUFFIXES):
        return  # the tail itself happened to end with a suffix
    assert not is_secure_email(f"name@{domain}", SUFFIXES)


@given(st.text(max_size=60))
def test_secure_implies_a_clean_ascii_domain_ending_in_a_suffix(text: str) -> None:
    if is_secure_email(text, SUFFIXES):
        domain = email_domain(text)
        assert domain is not None and domain.isascii()
        assert any(domain == s or domain.endswith("." + s) for s in SUFFIXES)


def test_only_other_email_requires_a_password() -> None:
    assert password_required(RecipientKind.OTHER_EMAIL)
    for kind in (RecipientKind.SECURE_EMAIL, RecipientKind.PRINT, RecipientKind.MEETING):
        assert not password_required(kind)


@pytest.mark.parametrize(("password", "ok"), [
    ("short1A!", False), ("aaaaaaaaaaaaaaaa", False), ("lowercaseonlyxyzq", False),
    ("Tr4m-Lantern-91", True), ("copper violin harbour meadow", True),
])
def test_export_password_rule(password: str, ok: bool) -> None:
    assert assess_export_password(password, RULES).acceptable is ok


def test_policy_uses_the_strict_matcher() -> None:
    from keyworker_app.services.policy_loader import find_policy

    suffixes = find_policy()[0].handling.secure_email_suffixes
    assert is_secure_email("a@leics.pnn.police.uk", suffixes)
    assert not is_secure_email("x@pnn.police.u\u212a", suffixes)
    assert not is_secure_email("a@evil.com,b@leics.pnn.police.uk", suffixes)
