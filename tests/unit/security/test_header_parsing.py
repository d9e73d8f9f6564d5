"""A key header nested without end is refused like any other foreign file, never with a
RecursionError (the torture suite's damaged-header part found this)."""

from __future__ import annotations

import pytest

from keyworker_app.errors import NotAKeyworkerStoreError
from keyworker_app.security.keyslots import parse_header


@pytest.mark.parametrize("raw", [b"[" * 100_000, b'{"a":' * 50_000, b'{"format": ' + b"[" * 9000])
def test_deeply_nested_header_is_not_a_keyworker_header(raw: bytes) -> None:
    with pytest.raises(NotAKeyworkerStoreError):
        parse_header(raw)
