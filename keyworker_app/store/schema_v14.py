"""Schema migration 14: partner data sets received for matching (ISA §4.3.1, Appendix B).

Listed in ``schema.MIGRATIONS``.

* ``partner_mapping``: each exchange's column mapping (headers only, never values).
* ``partner_file``: one row per file received: its exchange, SHA-256 and counts. It outlives
  the rows (it is the import log and what the audit of a finished matching counts).
* ``partner_row``: the people and facts a file holds, until matching is finished; then every
  row of a person whose household does not meet the criteria is deleted.
* ``partner_decision``: a person's review decision (same person or not) for a pair of
  identities, kept for next month's files. Identities are salted SHA-256 hashes of the
  normalised name and date of birth (the salt is this store's own), never names.
"""

from __future__ import annotations

V14_STATEMENTS: tuple[str, ...] = (
    """CREATE TABLE partner_mapping (
        exchange_id TEXT PRIMARY KEY,
        mapping TEXT NOT NULL,
        saved_at TEXT NOT NULL
    ) WITHOUT ROWID""",
    """CREATE TABLE partner_file (
        id INTEGER PRIMARY KEY,
        exchange_id TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        received_at TEXT NOT NULL,
        rows_received INTEGER NOT NULL,
        rows_matched INTEGER,
        rows_kept INTEGER,
        rows_deleted INTEGER,
        finished_at TEXT
    )""",
    "CREATE INDEX partner_file_by_exchange ON partner_file (exchange_id, received_at)",
    """CREATE TABLE partner_row (
        id INTEGER PRIMARY KEY,
        file_id INTEGER NOT NULL REFERENCES partner_file (id),
        row_no INTEGER NOT NULL,
        given_names TEXT NOT NULL,
        family_name TEXT NOT NULL,
        date_of_birth TEXT NOT NULL,
        address TEXT NOT NULL,
        town TEXT NOT NULL,
        postcode TEXT NOT NULL,
        partner_ref TEXT NOT NULL,
        facts TEXT NOT NULL,
        identity TEXT NOT NULL
    )""",
    "CREATE INDEX partner_row_by_file ON partner_row (file_id)",
    """CREATE TABLE partner_decision (
        left_identity TEXT NOT NULL,
        right_identity TEXT NOT NULL,
        same INTEGER NOT NULL CHECK (same IN (0, 1)),
        decided_at TEXT NOT NULL,
        PRIMARY KEY (left_identity, right_identity)
    ) WITHOUT ROWID""",
    "INSERT OR IGNORE INTO store_meta (key, value) VALUES ('partner-identity-salt', "
    "lower(hex(randomblob(32))))",
)
