"""The policy in force as text staff can read (ISA §16: they must know what they work under):
the agreement's partners, purposes, agreed exchanges, handling, retention, breach reporting
and suspension, in plain words built from the policy itself."""

from __future__ import annotations

from keyworker_app.domain.dates import format_date
from keyworker_app.domain.policy import Policy
from keyworker_app.domain.suspension import MEETING_WITHIN_DAYS, SUSPENSION_DAYS


def agreement_lines(policy: Policy) -> list[str]:
    names = {p.id: p.name for p in policy.partners}
    purposes = {p.id: p.label for p in policy.purposes}
    lines = [f"{policy.name} (version {policy.version}), in force from "
             f"{format_date(policy.effective_from)}.", "",
             "Partners (each the data controller of what it provides, §9):"]
    lines += [f"  • {p.name}" for p in policy.partners]
    lines += ["", "Why information is shared (purposes):"]
    lines += [f"  • {p.label}" for p in policy.purposes]
    lines += ["", "Agreed exchanges (Appendix B):"]
    for e in policy.exchanges:
        lines.append(f"  • {e.information}: from "
                     + ", ".join(names.get(x, x) for x in e.from_partners) + " to "
                     + ", ".join(names.get(x, x) for x in e.to_partners)
                     + f"; {e.frequency}, by {e.method}; for "
                     + ", ".join(purposes.get(x, x) for x in e.purposes) + ".")
    lines += ["", "Handling (Appendix C):",
              f"  • Marking: {policy.handling.protective_marking}.",
              "  • Unprotected files go only to secure e-mail addresses ("
              + ", ".join(policy.handling.secure_email_suffixes) + "); otherwise the file is "
              "password-protected and the password sent by another route.",
              "  • Information is not passed on without the providing partner's written "
              "consent (§5).",
              "", "Breaches (§12): tell the partner who provided the information and the "
              "information-governance post named in Appendix E.",
              "", f"Suspension (§15): a partner may suspend the agreement for {SUSPENSION_DAYS}"
              f" days; nothing is recorded from or sent to it meanwhile, and a Risk Assessment "
              f"and Resolution meeting is held within {MEETING_WITHIN_DAYS} days."]
    return lines
