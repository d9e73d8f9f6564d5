"""A user's own policy file may only tighten the policy it stands in for.

``KEYWORKER_POLICY`` lets a trainer or a script choose a policy without administrator rights.
The rules that keep case records safe must not get weaker that way: a candidate may list fewer
secure e-mail conventions (or narrower ones), a shorter idle time, a shorter clipboard time,
shorter breach deadlines, fewer failed unlocks before one is offered as a breach, stronger export
passwords, and may switch protections on, never off. Each loosening is named by
its key so the person can see what to put back. Pure rules, no I/O.
"""

from __future__ import annotations

from keyworker_app.domain.handling import domain_matches
from keyworker_app.domain.policy import Policy


def _narrower(suffix: str, allowed: tuple[str, ...]) -> bool:
    """True if every address ``suffix`` matches is matched by one of ``allowed``."""
    return any(domain_matches(suffix, a) for a in allowed)


def loosenings(candidate: Policy, baseline: Policy) -> list[str]:
    """Where ``candidate`` is weaker than ``baseline``: one line per key, empty if none."""
    out: list[str] = []
    base_suffixes = baseline.handling.secure_email_suffixes
    for i, suffix in enumerate(candidate.handling.secure_email_suffixes):
        if not _narrower(suffix, base_suffixes):
            out.append(f"handling.secure_email_suffixes[{i}] adds {suffix!r}, which the policy "
                       "in force does not count as secure")
    base_partners = {p.id: p for p in baseline.partners}
    for i, partner in enumerate(candidate.partners):
        known = base_partners.get(partner.id)
        allowed = known.email_domains if known is not None else ()
        for j, domain in enumerate(partner.email_domains):
            if not _narrower(domain, allowed):
                out.append(f"partners[{i}].email_domains[{j}] adds {domain!r} to "
                           f"{partner.id!r}, which the policy in force does not")
    pairs: list[tuple[str, int, int]] = [
        ("device.idle_timeout_minutes", candidate.device.idle_timeout_minutes,
         baseline.device.idle_timeout_minutes),
        ("device.clipboard_clear_seconds", candidate.device.clipboard_clear_seconds,
         baseline.device.clipboard_clear_seconds),
        ("breach.regulator_deadline_hours", candidate.breach.regulator_deadline_hours,
         baseline.breach.regulator_deadline_hours),
        ("breach.partner_notice_hours", candidate.breach.partner_notice_hours,
         baseline.breach.partner_notice_hours),
        ("breach.follow_up_days", candidate.breach.follow_up_days,
         baseline.breach.follow_up_days),
        ("breach.failed_unlocks_to_report", candidate.breach.failed_unlocks_to_report,
         baseline.breach.failed_unlocks_to_report),
        ("handover.copy_days", candidate.handover.copy_days, baseline.handover.copy_days),
        ("handover.valid_days", candidate.handover.valid_days, baseline.handover.valid_days),
    ]
    for key, mine, theirs in pairs:
        if mine > theirs:
            out.append(f"{key} is {mine}, longer than the {theirs} of the policy in force")
    flags = [
        ("device.screen_capture_protection", candidate.device.screen_capture_protection,
         baseline.device.screen_capture_protection),
        ("device.lock_on_minimise", candidate.device.lock_on_minimise,
         baseline.device.lock_on_minimise),
    ]
    for key, on, base_on in flags:
        if base_on and not on:
            out.append(f"{key} is switched off; the policy in force has it on")
    if (candidate.handover.sender_keeps != baseline.handover.sender_keeps
            and baseline.handover.sender_keeps.value == "marker"):
        out.append("handover.sender_keeps is 'summary'; the policy in force keeps only a "
                   "marker of a case handed over")
    mine_pw, base_pw = candidate.handling.export_password, baseline.handling.export_password
    for key, low, base_low in (
        ("min_length", mine_pw.min_length, base_pw.min_length),
        ("min_character_classes", mine_pw.min_character_classes,
         base_pw.min_character_classes),
        ("passphrase_min_words", mine_pw.passphrase_min_words, base_pw.passphrase_min_words),
    ):
        if low < base_low:
            out.append(f"handling.export_password.{key} is {low}, lower than the {base_low} "
                       "of the policy in force")
    return out
