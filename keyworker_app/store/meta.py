"""Facts about the store itself, kept as key/value rows in ``store_meta``.

Writes run in the caller's transaction.
"""

from __future__ import annotations

from keyworker_app.domain.audit import Actor, Role
from keyworker_app.store.connection import Connection, scalar

OWNER_NAME = "owner_name"
OWNER_ROLE = "owner_role"
OWNER_ORGANISATION = "owner_organisation"
AUDIT_HEAD_SEQ = "audit_head_seq"
AUDIT_HEAD_HASH = "audit_head_hash"


def get_value(conn: Connection, key: str) -> str | None:
    value = scalar(conn, "SELECT value FROM store_meta WHERE key = ?", (key,))
    return None if value is None else str(value)


def set_value(conn: Connection, key: str, value: str) -> None:
    conn.execute(
        "INSERT INTO store_meta (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def get_owner(conn: Connection) -> Actor | None:
    """The person the store belongs to, or None before set-up has recorded them."""
    name = get_value(conn, OWNER_NAME)
    role = get_value(conn, OWNER_ROLE)
    organisation = get_value(conn, OWNER_ORGANISATION)
    if name is None or role is None or organisation is None:
        return None
    return Actor(name=name, role=Role(role), organisation=organisation)


def set_owner(conn: Connection, owner: Actor) -> None:
    set_value(conn, OWNER_NAME, owner.name)
    set_value(conn, OWNER_ROLE, owner.role.value)
    set_value(conn, OWNER_ORGANISATION, owner.organisation)


def get_audit_head(conn: Connection) -> tuple[int, str] | None:
    """The last audit row's seq and hash as recorded when it was written."""
    seq = get_value(conn, AUDIT_HEAD_SEQ)
    digest = get_value(conn, AUDIT_HEAD_HASH)
    if seq is None or digest is None:
        return None
    return int(seq), digest


def set_audit_head(conn: Connection, seq: int, digest: str) -> None:
    set_value(conn, AUDIT_HEAD_SEQ, str(seq))
    set_value(conn, AUDIT_HEAD_HASH, digest)
