"""Store test fixtures; the definitions live in store_fixtures.py."""

from tests.unit.store.store_fixtures import (  # noqa: F401
    actor,
    clock,
    conn,
    open_store,
    store_key,
    store_path,
)
