"""Handling rules for reports leaving the app (ISA Appendix C).

Where a report is going decides whether it may travel without a password: e-mail to an address
on one of the policy's secure conventions (PNN, GSi, GCSx, CJSM, ...) may; anything else must be
a password-protected file. Pure rules, no I/O.

Address matching is deliberately strict, because a false "secure" sends case records in the
clear: the whole input must be one plain address (no display name, no list, no query, no
spaces), the domain must be ASCII letters, digits and hyphens in dot-separated labels (an
internationalised or look-alike domain is never secure), and a suffix matches whole labels at the
end of the domain only. Anything doubtful is "not secure", which only means a password is needed.
"""

from __future__ import annotations

import enum
import re
import string
from dataclasses import dataclass

from keyworker_app.domain.passphrase import Strength, assess
from keyworker_app.domain.policy import ExportPasswordRules, Partner

# RFC 5322 dot-atom for the local part; quoted local parts are not accepted.
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]"
_LOCAL_RE = re.compile(rf"{_ATEXT}+(?:\.{_ATEXT}+)*")
_LABEL_RE = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
MAX_ADDRESS_LENGTH = 254


class RecipientKind(enum.StrEnum):
    """Where a report goes; the value is what the audit trail records."""

    SECURE_EMAIL = "secure"
    OTHER_EMAIL = "not-secure"
    PRINT = "print"
    MEETING = "meeting"

    @property
    def label(self) -> str:
        return {
            "secure": "Secure e-mail recipient",
            "not-secure": "E-mail recipient not on a secure convention",
            "print": "Print",
            "meeting": "Saved for a meeting",
        }[self.value]


def email_domain(address: str) -> str | None:
    """The lower-case domain of one plain e-mail address, or None if it is not one.

    Surrounding spaces are ignored; anything else unusual (two '@', a display name, a list, a
    trailing dot, an empty label, non-ASCII characters) gives None.
    """
    text = address.strip()
    if not text or len(text) > MAX_ADDRESS_LENGTH or not text.isascii():
        return None
    local, at, domain = text.rpartition("@")
    if not at or not _LOCAL_RE.fullmatch(local) or len(local) > 64:
        return None
    domain = domain.lower()
    labels = domain.split(".")
    if len(labels) < 2 or not all(_LABEL_RE.fullmatch(label) for label in labels):
        return None
    return domain


def domain_matches(domain: str, suffix: str) -> bool:
    """True if ``domain`` is ``suffix`` or ends with it on a label boundary."""
    wanted = suffix.strip().lower().strip(".")
    if not wanted:
        return False
    return domain == wanted or domain.endswith("." + wanted)


def is_secure_email(address: str, suffixes: tuple[str, ...]) -> bool:
    domain = email_domain(address)
    return domain is not None and any(domain_matches(domain, s) for s in suffixes)


@dataclass(frozen=True, slots=True)
class Recipient:
    """Where a report is going. ``address`` is kept only to decide the kind: it is never
    written to the audit trail (a personal mailbox names a person)."""

    kind: RecipientKind
    address: str = ""

    @classmethod
    def email(cls, address: str, suffixes: tuple[str, ...]) -> Recipient:
        kind = (RecipientKind.SECURE_EMAIL if is_secure_email(address, suffixes)
                else RecipientKind.OTHER_EMAIL)
        return cls(kind, address.strip())

    @classmethod
    def printing(cls) -> Recipient:
        return cls(RecipientKind.PRINT)

    @classmethod
    def meeting(cls) -> Recipient:
        return cls(RecipientKind.MEETING)


def recipient_organisation(address: str, partners: tuple[Partner, ...]) -> Partner | None:
    """The partner whose e-mail domains the address is on (the longest match wins), or None
    for an organisation the policy does not know (ISA §5: not a party to the agreement)."""
    domain = email_domain(address)
    if domain is None:
        return None
    best: tuple[int, Partner] | None = None
    for partner in partners:
        for known in partner.email_domains:
            if domain_matches(domain, known) and (best is None or len(known) > best[0]):
                best = (len(known), partner)
    return best[1] if best is not None else None


def recipient_audit_text(recipient: Recipient, partners: tuple[Partner, ...]) -> str:
    """What the audit says of an e-mail recipient: the domain and the organisation it resolves
    to, never the local part (which names a person). A domain that is neither a partner's nor
    on a secure convention is not written either: a family's own domain would name them.
    Print and meeting copies say nothing more: their kind records them as unprotected or
    protected copies kept by the worker, never as secure."""
    if recipient.kind not in (RecipientKind.SECURE_EMAIL, RecipientKind.OTHER_EMAIL):
        return ""
    partner = recipient_organisation(recipient.address, partners)
    domain = email_domain(recipient.address)
    if domain is None or (partner is None and recipient.kind is RecipientKind.OTHER_EMAIL):
        domain = "not-recorded"
    return f"to-domain={domain} to-org={partner.id if partner is not None else 'unknown'}"


def password_required(kind: RecipientKind) -> bool:
    """Appendix C: e-mail with personal information goes by secure e-mail or else inside a
    password-protected attachment. Print and meeting copies stay with the worker (on the
    employer's encrypted laptop) and may be protected by choice."""
    return kind is RecipientKind.OTHER_EMAIL


def character_classes(text: str) -> int:
    return sum((
        any(c in string.ascii_lowercase for c in text),
        any(c in string.ascii_uppercase for c in text),
        any(c in string.digits for c in text),
        any(not c.isalnum() and not c.isspace() for c in text),
    ))


def word_count(text: str) -> int:
    return len([w for w in re.split(r"[^A-Za-z]+", text) if len(w) >= 3])


def assess_export_password(password: str, rules: ExportPasswordRules) -> Strength:
    """The passphrase rule with the policy's minimum length, plus its character-class rule
    (waived for a passphrase of enough separate words)."""
    strength = assess(password, min_length=rules.min_length)
    if not strength.acceptable:
        return strength
    if (word_count(password) < rules.passphrase_min_words
            and character_classes(password) < rules.min_character_classes):
        return Strength(
            bits=strength.bits, score=min(strength.score, 2), acceptable=False,
            problem=(f"mix at least {rules.min_character_classes} kinds of character (lower "
                     "case, capitals, digits, symbols) or use "
                     f"{rules.passphrase_min_words} or more unrelated words"))
    return strength
