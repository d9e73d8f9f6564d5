from __future__ import annotations

import pytest

from keyworker_app.domain.passphrase import assess


@pytest.mark.parametrize("weak", [
    "", "short", "password1234", "aaaaaaaaaaaaaaaa", "abcdefghijklmnop", "qwertyuiopasdf",
    "123456789012", " padded phrase with spaces ",
])
def test_weak_passphrases_are_refused_with_a_reason(weak: str) -> None:
    strength = assess(weak)
    assert not strength.acceptable
    assert strength.problem
    assert strength.score <= 2


@pytest.mark.parametrize("strong", [
    "correct horse battery staple", "Maple-Kettle-Orbit-47", "tiger lantern gravel umbrella",
])
def test_good_passphrases_pass(strong: str) -> None:
    strength = assess(strong)
    assert strength.acceptable, strength.problem
    assert strength.score >= 3


def test_longer_is_stronger() -> None:
    assert assess("Maple-Kettle-Orbit").bits < assess("Maple-Kettle-Orbit-Ferry-92").bits
