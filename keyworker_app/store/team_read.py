"""The team overview's one read: a row per open family with what the team lead counts."""

from __future__ import annotations

from datetime import date, datetime

from keyworker_app.domain.team import TeamFamily
from keyworker_app.store.connection import Connection
from keyworker_app.store.taf_read import CURRENT_POSTCODE, moment_text


def team_families(conn: Connection, today: date, start: datetime,
                  end: datetime) -> list[TeamFamily]:
    """Every family not closed, with its open actions due before ``today``, its next review
    (the latest meeting's, else the family record's), and its meetings from ``start`` up to
    (not including) ``end`` — and how many of those follow a finalised record (or none)."""
    rows = conn.execute(
        "SELECT f.id, f.reference, f.family_name, f.key_worker, "
        " (SELECT count(*) FROM action a WHERE a.family_id = f.id AND a.status = 'open' "
        "  AND a.due < ?), "
        " coalesce((SELECT m.next_review FROM meeting m WHERE m.family_id = f.id "
        "  AND m.next_review IS NOT NULL ORDER BY m.held_at DESC LIMIT 1), f.review_due), "
        " (SELECT count(*) FROM meeting u WHERE u.family_id = f.id AND u.held_at >= ? "
        "  AND u.held_at < ?), "
        " (SELECT count(*) FROM meeting u WHERE u.family_id = f.id AND u.held_at >= ? "
        "  AND u.held_at < ? AND coalesce((SELECT p.finalised_at IS NOT NULL FROM meeting p "
        "   WHERE p.family_id = u.family_id AND p.held_at < u.held_at "
        "   ORDER BY p.held_at DESC LIMIT 1), 1)), "
        f" {CURRENT_POSTCODE} "
        "FROM family f WHERE f.status <> 'closed' ORDER BY f.reference",
        (today.isoformat(), moment_text(start), moment_text(end), moment_text(start),
         moment_text(end))).fetchall()
    return [TeamFamily(family_id=int(r[0]), reference=r[1], family_name=r[2], key_worker=r[3],
                       actions_overdue=int(r[4]),
                       next_review=None if r[5] is None else date.fromisoformat(r[5]),
                       meetings_ahead=int(r[6]), meetings_ready=int(r[7]),
                       postcode=r[8]) for r in rows]
