"""Schema migration 13: the store's identity, colleagues' contact cards and handed-over cases.

Listed in ``schema.MIGRATIONS``. The key pairs themselves are made by the service right after
migrating (SQL has no source of key material the project trusts), so an existing store gains
its identity the first time it opens with this version, as a new one does at ``init``.

* ``store_identity``: one row, the X25519 and Ed25519 private keys (raw), only ever inside the
  encrypted store.
* ``contact``: cards added after comparing the fingerprint; the fingerprint is unique.
* ``received_bundle``: every bundle id taken in, so a replay is refused.
* ``handover_marker``: what a sender keeps of a family handed over (the family row itself is
  kept closed and read-only, or deleted, as the policy says).
* ``family_copy``: a family that is a read-only TAF-preparation copy, its sender and the day
  it is deleted.
"""

from __future__ import annotations

V13_STATEMENTS: tuple[str, ...] = (
    """CREATE TABLE store_identity (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        encryption_private BLOB NOT NULL CHECK (length(encryption_private) = 32),
        signing_private BLOB NOT NULL CHECK (length(signing_private) = 32),
        created_at TEXT NOT NULL
    )""",
    """CREATE TABLE contact (
        id INTEGER PRIMARY KEY,
        fingerprint TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('key-worker', 'team-lead')),
        organisation TEXT NOT NULL,
        encryption_key BLOB NOT NULL CHECK (length(encryption_key) = 32),
        signing_key BLOB NOT NULL CHECK (length(signing_key) = 32),
        added_at TEXT NOT NULL
    )""",
    """CREATE TABLE received_bundle (
        bundle_id TEXT PRIMARY KEY,
        sha256 TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('transfer', 'copy')),
        sender TEXT NOT NULL,
        received_at TEXT NOT NULL
    ) WITHOUT ROWID""",
    """CREATE TABLE handover_marker (
        id INTEGER PRIMARY KEY,
        family_id INTEGER REFERENCES family (id) ON DELETE SET NULL,
        reference TEXT NOT NULL,
        bundle_id TEXT NOT NULL UNIQUE,
        recipient TEXT NOT NULL,
        recipient_label TEXT NOT NULL,
        handed_at TEXT NOT NULL
    )""",
    "CREATE INDEX handover_marker_by_family ON handover_marker (family_id)",
    """CREATE TABLE family_copy (
        family_id INTEGER PRIMARY KEY REFERENCES family (id) ON DELETE CASCADE,
        bundle_id TEXT NOT NULL,
        sender TEXT NOT NULL,
        sender_label TEXT NOT NULL,
        expires_on TEXT NOT NULL
    )""",
    "CREATE INDEX family_copy_by_expiry ON family_copy (expires_on)",
)
