"""Schema migration: meeting and case-note times written before times were kept in UTC.

Listed in ``schema.MIGRATIONS``. Earlier versions stored the time a key worker typed for a
meeting or a contact as local wall time with no zone ("2025-07-15T10:30:00"); everything
else (audit, finalising, addenda, drafts, breaches) was already UTC. Those rows are rewritten
as UTC with an offset, as new rows are written, so queries that compare times as text
(this week's meetings, the previous meeting, reviews without a booking) agree. SQLite's
``'utc'`` modifier reads the old text as the computer's local time, which is what it was.
A finalised meeting is locked by a trigger; it is lifted only for this rewrite of the same
moment and put back in the same transaction.
"""

from __future__ import annotations

from keyworker_app.store.schema_v2 import V2_STATEMENTS

_LOCK_NAME = "meeting_finalised_is_locked"
_LOCK = next(s for s in V2_STATEMENTS if _LOCK_NAME in s)


def _as_utc(column: str) -> str:
    # Keep the fraction of a second (if any) as written; the rest becomes UTC.
    return (f"strftime('%Y-%m-%dT%H:%M:%S', {column}, 'utc') || substr({column}, 20) "
            "|| '+00:00'")


def _without_zone(column: str) -> str:
    return (f"{column} NOT LIKE '%+__:__' AND {column} NOT LIKE '%-__:__' "
            f"AND {column} NOT LIKE '%Z'")


UTC_TIMES_STATEMENTS: tuple[str, ...] = (
    f"DROP TRIGGER {_LOCK_NAME}",
    f"UPDATE meeting SET held_at = {_as_utc('held_at')} WHERE {_without_zone('held_at')}",
    _LOCK,
    f"UPDATE case_note SET occurred_at = {_as_utc('occurred_at')} "
    f"WHERE {_without_zone('occurred_at')}",
)
