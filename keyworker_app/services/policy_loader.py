"""Reading and checking the policy file (the ISA as data).

Where the policy comes from, first found wins:

1. The organisation's deployed ``policy.toml`` in the system configuration directories
   (``keyworker_app.paths.system_policy_dirs``), which only administrators can write. It
   beats anything a user can set: the policy decides which recipients count as secure, the
   idle timeout and screen-capture protection, so a user's own file must not loosen them.
2. ``KEYWORKER_POLICY`` (a file path), where no organisation policy is deployed: tests,
   scripts and a trainer's demo machine choose a policy without administrator rights. If it
   is set but missing, that is an error, not a silent fall-back: a mistyped path must not
   quietly give the wrong rules. Set alongside a deployed policy, it is ignored (and logged).
   It may only tighten the shipped policy (``domain.policy_tightening``): a file that adds a
   secure suffix or a partner's domain, lengthens the idle time or switches a protection off
   is refused, naming the key.
3. The policy shipped with the app, ``resources/policy/isa-2013.toml``.

A policy that fails any check is refused whole with a ``PolicyError`` naming the file and the
key at fault; the app never runs with a half-read policy.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

from keyworker_app.domain.handover import HandoverRules, SenderKeeps
from keyworker_app.domain.indicators import Benefit, ConcernKind, Disposal
from keyworker_app.domain.policy import (
    BREACH_DEFAULTS,
    MAX_IDLE_TIMEOUT_MINUTES,
    PARTNER_KINDS,
    BreachCategory,
    BreachRules,
    Criteria,
    DeviceRules,
    Exchange,
    ExportPasswordRules,
    GovernanceContact,
    Handling,
    Partner,
    Policy,
    Purpose,
    Results,
    RetentionRules,
    StatutoryGateway,
)
from keyworker_app.domain.policy_tightening import loosenings
from keyworker_app.domain.sources import INFORMATION_CATEGORIES
from keyworker_app.errors import PolicyError
from keyworker_app.paths import system_policy_dirs
from keyworker_app.resources import resource_path

POLICY_ENV = "KEYWORKER_POLICY"
SHIPPED_POLICY = ("policy", "isa-2013.toml")

_DOMAIN_RE = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$")
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_CONTACT_ROLES = ("information-governance", "information-security")

T = TypeVar("T")
E = TypeVar("E", bound=StrEnum)


log = logging.getLogger("keyworker.policy")


class _Table:
    """A TOML table with its dotted key path, so every complaint can name the key at fault."""

    def __init__(self, source: str, path: str, data: dict[str, object]) -> None:
        self.source = source
        self.path = path
        self.data = data

    def fail(self, key: str, problem: str) -> PolicyError:
        return PolicyError(self.source, f"{self.key(key)} {problem}")

    def key(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def _get(self, key: str, kind: type[T], kind_name: str, default: T | None) -> T:
        if key not in self.data:
            if default is not None:
                return default
            raise self.fail(key, "is missing")
        value = self.data[key]
        # bool is an int in Python; a policy saying ``idle_timeout_minutes = true`` is a mistake.
        if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
            raise self.fail(key, f"must be {kind_name}")
        return value

    def text(self, key: str, default: str | None = None, *, allow_empty: bool = False) -> str:
        value = self._get(key, str, "text", default).strip()
        if not value and not allow_empty:
            raise self.fail(key, "must not be empty")
        return value

    def identifier(self, key: str) -> str:
        value = self.text(key)
        if not _ID_RE.fullmatch(value):
            raise self.fail(key, "must be lower-case letters, digits and hyphens")
        return value

    def integer(self, key: str, low: int, high: int | None = None, *,
                default: int | None = None) -> int:
        value = self._get(key, int, "a whole number", default)
        if value < low or (high is not None and value > high):
            limit = f"between {low} and {high}" if high is not None else f"at least {low}"
            raise self.fail(key, f"must be {limit}")
        return value

    def number(self, key: str, low: float, high: float) -> float:
        if isinstance(self.data.get(key), int) and not isinstance(self.data.get(key), bool):
            value = float(self._get(key, int, "a number", None))
        else:
            value = self._get(key, float, "a number", None)
        if not low <= value <= high:
            raise self.fail(key, f"must be between {low:g} and {high:g}")
        return value

    def flag(self, key: str) -> bool:
        return self._get(key, bool, "true or false", None)

    def day(self, key: str) -> date:
        value = self.data.get(key)
        if key not in self.data:
            raise self.fail(key, "is missing")
        # tomllib gives a datetime for a date-time; only a plain date is meant here.
        if not isinstance(value, date) or hasattr(value, "hour"):
            raise self.fail(key, "must be a date such as 2013-10-01")
        return value

    def texts(self, key: str, *, allow_empty_list: bool = False) -> tuple[str, ...]:
        items = self._get(key, list, "a list of text", None)
        if not items and not allow_empty_list:
            raise self.fail(key, "must not be an empty list")
        out: list[str] = []
        for i, item in enumerate(items):
            if not isinstance(item, str) or not item.strip():
                raise PolicyError(self.source, f"{self.key(key)}[{i}] must be non-empty text")
            out.append(item.strip())
        return tuple(out)

    def enums(self, key: str, enum_type: type[E]) -> tuple[E, ...]:
        allowed = [e.value for e in enum_type]
        out: list[E] = []
        for i, item in enumerate(self.texts(key)):
            if item not in allowed:
                raise PolicyError(
                    self.source,
                    f"{self.key(key)}[{i}] must be one of: {', '.join(allowed)}",
                )
            out.append(enum_type(item))
        return tuple(out)

    def table(self, key: str) -> _Table:
        value = self._get(key, dict, "a table", None)
        return _Table(self.source, self.key(key), value)

    def tables(self, key: str, *, optional: bool = False) -> list[_Table]:
        if optional and key not in self.data:
            return []
        items = self._get(key, list, "a list of tables", None)
        out = []
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                raise PolicyError(self.source, f"{self.key(key)}[{i}] must be a table")
            out.append(_Table(self.source, f"{self.key(key)}[{i}]", item))
        return out


def _unique(tables: list[_Table], build: Callable[[_Table], T], id_of: Callable[[T], str]) -> (
    tuple[T, ...]
):
    seen: set[str] = set()
    out: list[T] = []
    for table in tables:
        item = build(table)
        if id_of(item) in seen:
            raise table.fail("id", "repeats an id used earlier in the list")
        seen.add(id_of(item))
        out.append(item)
    return tuple(out)


def _domains(t: _Table, key: str, *, optional: bool = False) -> tuple[str, ...]:
    if optional and key not in t.data:
        return ()
    domains = t.texts(key, allow_empty_list=True)
    for i, domain in enumerate(domains):
        if not _DOMAIN_RE.fullmatch(domain.lower()):
            raise PolicyError(
                t.source,
                f"{t.key(key)}[{i}] is not a domain such as pnn.police.uk "
                "(no '@', '*' or leading dot)",
            )
    return tuple(d.lower() for d in domains)


def _handling(t: _Table) -> Handling:
    marking = t.text("protective_marking")
    if marking != marking.upper():
        raise t.fail("protective_marking", "must be in capitals, as printed on every page")
    suffixes = _domains(t, "secure_email_suffixes")
    pw = t.table("export_password")
    return Handling(
        protective_marking=marking,
        handling_line=t.text("handling_line"),
        secure_email_suffixes=suffixes,
        export_password=ExportPasswordRules(
            min_length=pw.integer("min_length", 8, 128),
            min_character_classes=pw.integer("min_character_classes", 1, 4),
            passphrase_min_words=pw.integer("passphrase_min_words", 2, 20),
        ),
    )


def _partner(t: _Table) -> Partner:
    kind = t.text("kind")
    if kind not in PARTNER_KINDS:
        raise t.fail("kind", f"must be one of: {', '.join(PARTNER_KINDS)}")
    contacts = []
    for c in t.tables("contacts", optional=True):
        role = c.text("role")
        if role not in _CONTACT_ROLES:
            raise c.fail("role", f"must be one of: {', '.join(_CONTACT_ROLES)}")
        contacts.append(
            GovernanceContact(
                role=role,
                post=c.text("post"),
                telephone=c.text("telephone", "", allow_empty=True),
                email=c.text("email", "", allow_empty=True),
            )
        )
    return Partner(id=t.identifier("id"), name=t.text("name"), kind=kind,
                   contacts=tuple(contacts),
                   email_domains=_domains(t, "email_domains", optional=True))


def _gateway(t: _Table) -> StatutoryGateway:
    kinds = t.texts("partner_kinds")
    for i, kind in enumerate(kinds):
        if kind not in PARTNER_KINDS:
            raise PolicyError(
                t.source,
                f"{t.key('partner_kinds')}[{i}] must be one of: {', '.join(PARTNER_KINDS)}",
            )
    return StatutoryGateway(id=t.identifier("id"), label=t.text("label"),
                            citation=t.text("citation"), partner_kinds=kinds)


def _categories(t: _Table) -> tuple[str, ...]:
    if "categories" not in t.data:
        return ()
    values = t.texts("categories")
    for i, value in enumerate(values):
        if value not in INFORMATION_CATEGORIES:
            raise PolicyError(t.source, f"{t.key('categories')}[{i}] must be one of: "
                              f"{', '.join(INFORMATION_CATEGORIES)}")
    return values


def _exchange(t: _Table, partner_ids: set[str], purpose_ids: set[str]) -> Exchange:
    def refs(key: str, known: set[str], what: str) -> tuple[str, ...]:
        values = t.texts(key)
        for i, value in enumerate(values):
            if value not in known:
                raise PolicyError(t.source, f"{t.key(key)}[{i}] names an unknown {what} id")
        return values

    return Exchange(
        id=t.identifier("id"),
        from_partners=refs("from", partner_ids, "partner"),
        to_partners=refs("to", partner_ids, "partner"),
        information=t.text("information"),
        purposes=refs("purposes", purpose_ids, "purpose"),
        frequency=t.text("frequency"),
        method=t.text("method"),
        categories=_categories(t),
    )


def _criteria(t: _Table) -> Criteria:
    return Criteria(
        offence_window_months=t.integer("offence_window_months", 1, 120),
        youth_age_below=t.integer("youth_age_below", 10, 25),
        proven_disposals=t.enums("proven_disposals", Disposal),
        asb_window_months=t.integer("asb_window_months", 1, 120),
        fixed_exclusions_threshold=t.integer("fixed_exclusions_threshold", 1, 100),
        terms_window=t.integer("terms_window", 1, 12),
        unauthorised_absence_pct=t.number("unauthorised_absence_pct", 0, 100),
        out_of_work_benefits=t.enums("out_of_work_benefits", Benefit),
        local_discretion_min_criteria=t.integer("local_discretion_min_criteria", 1, 10),
        local_discretion_concerns=t.enums("local_discretion_concerns", ConcernKind),
    )


def _results(t: _Table) -> Results:
    return Results(
        exclusions_below=t.integer("exclusions_below", 1, 100),
        absence_pct_below=t.number("absence_pct_below", 0, 100),
        youth_offending_reduction_pct=t.number("youth_offending_reduction_pct", 0, 100),
        asb_reduction_pct=t.number("asb_reduction_pct", 0, 100),
        measured_over_months=t.integer("measured_over_months", 1, 60),
        continuous_employment_weeks=t.integer("continuous_employment_weeks", 1, 104),
    )


def _handover(root: _Table) -> HandoverRules:
    """The optional [handover] table; the defaults (HandoverRules) when it is absent."""
    t = _Table(root.source, "handover", root._get("handover", dict, "a table", {}))
    base = HandoverRules()
    keeps = t.text("sender_keeps", base.sender_keeps.value)
    if keeps not in {k.value for k in SenderKeeps}:
        raise t.fail("sender_keeps", "must be one of: "
                     + ", ".join(k.value for k in SenderKeeps))
    return HandoverRules(copy_days=t.integer("copy_days", 1, 90, default=base.copy_days),
                         valid_days=t.integer("valid_days", 1, 60, default=base.valid_days),
                         sender_keeps=SenderKeeps(keeps))


def parse_policy(text: str, source: str) -> Policy:
    """Build a policy from TOML text; ``source`` names the file in messages."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(source, f"it is not valid TOML ({exc})") from exc
    except RecursionError:
        raise PolicyError(source, "its arrays or tables are nested far more deeply than a "
                          "policy ever is") from None
    return replace(_build_policy(source, data),
                   file_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest())


def _build_policy(source: str, data: dict[str, object]) -> Policy:
    root = _Table(source, "", data)
    head = root.table("policy")
    device = root.table("device")
    retention = root.table("retention")
    breach = root.table("breach")

    purposes = _unique(
        root.tables("purposes"),
        lambda t: Purpose(id=t.identifier("id"), label=t.text("label")),
        lambda p: p.id,
    )
    partners = _unique(root.tables("partners"), _partner, lambda p: p.id)
    partner_ids = {p.id for p in partners}
    purpose_ids = {p.id for p in purposes}
    return Policy(
        name=head.text("name"),
        version=head.text("version"),
        effective_from=head.day("effective_from"),
        handling=_handling(root.table("handling")),
        device=DeviceRules(
            idle_timeout_minutes=device.integer("idle_timeout_minutes", 1,
                                                MAX_IDLE_TIMEOUT_MINUTES),
            lock_on_minimise=device.flag("lock_on_minimise"),
            clipboard_clear_seconds=device.integer("clipboard_clear_seconds", 5, 600),
            screen_capture_protection=device.flag("screen_capture_protection"),
        ),
        retention=RetentionRules(
            review_months=retention.integer("review_months", 1, 120),
            information_freshness_days=retention.integer("information_freshness_days", 1,
                                                         3650),
        ),
        breach=BreachRules(
            categories=_unique(
                breach.tables("categories"),
                lambda t: BreachCategory(id=t.identifier("id"), label=t.text("label")),
                lambda c: c.id,
            ),
            regulator_deadline_hours=breach.integer("regulator_deadline_hours", 1, 720),
            partner_notice_hours=breach.integer(
                "partner_notice_hours", 1, 720, default=BREACH_DEFAULTS.partner_notice_hours),
            follow_up_days=breach.integer("follow_up_days", 1, 365,
                                          default=BREACH_DEFAULTS.follow_up_days),
            failed_unlocks_to_report=breach.integer(
                "failed_unlocks_to_report", 1, 10,
                default=BREACH_DEFAULTS.failed_unlocks_to_report),
        ),
        criteria=_criteria(root.table("criteria")),
        results=_results(root.table("results")),
        partners=partners,
        purposes=purposes,
        gateways=_unique(root.tables("gateways"), _gateway, lambda g: g.id),
        exchanges=_unique(
            root.tables("exchanges", optional=True),
            lambda t: _exchange(t, partner_ids, purpose_ids),
            lambda x: x.id,
        ),
        handover=_handover(root),
    )


def load_policy(path: Path) -> Policy:
    """Read and check one policy file."""
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except FileNotFoundError as exc:
        raise PolicyError(str(path), "the file does not exist") from exc
    except UnicodeDecodeError as exc:
        raise PolicyError(str(path), "it is not UTF-8 text") from exc
    except OSError as exc:
        raise PolicyError(str(path), f"it cannot be read ({exc.strerror})") from exc
    # The hash is of the file's bytes, so IT can check it with any sha256 tool.
    return replace(parse_policy(text, str(path)), file_sha256=hashlib.sha256(raw).hexdigest())


def shipped_policy_path() -> Path:
    return resource_path(*SHIPPED_POLICY)


class PolicySource(StrEnum):
    """Which of the places in the module docstring the policy in force came from."""

    ENVIRONMENT = POLICY_ENV
    SYSTEM = "system-wide"
    SHIPPED = "shipped"


@dataclass(frozen=True)
class PolicyInForce:
    policy: Policy
    path: Path
    source: PolicySource

    def title(self) -> str:
        return f"{self.policy.name} (version {self.policy.version})"

    def where(self) -> str:
        return {
            PolicySource.ENVIRONMENT: f"named by {POLICY_ENV}",
            PolicySource.SYSTEM: "system-wide, deployed by your organisation",
            PolicySource.SHIPPED: "shipped with the app",
        }[self.source]

    def describe(self) -> str:
        """For people (About box, ``--version``): name, version and the file it came from."""
        return f"{self.title()}; {self.where()}: {self.path}"

    def log_text(self) -> str:
        """For the log: a system-wide path names no person; other paths may (a home folder)."""
        shown = str(self.path) if self.source is PolicySource.SYSTEM else self.path.name
        return f"{self.policy.name} version {self.policy.version} ({self.source.value}: {shown})"


def locate_policy() -> tuple[Path, PolicySource]:
    """Which policy file is in force, without reading it (order: module docstring)."""
    env = os.environ.get(POLICY_ENV, "").strip()
    for path in system_policy_dirs():
        if path.is_file():
            if env:
                log.warning("%s is set but the organisation's policy is in force", POLICY_ENV)
            return path, PolicySource.SYSTEM
    if env:
        path = Path(env).expanduser()
        if not path.is_file():
            raise PolicyError(str(path), f"it was named by {POLICY_ENV} but does not exist")
        return path, PolicySource.ENVIRONMENT
    return shipped_policy_path(), PolicySource.SHIPPED


def refuse_loosening(candidate: Policy, source: str) -> None:
    """A user's own file may only tighten the shipped policy (module docstring, item 2)."""
    problems = loosenings(candidate, load_policy(shipped_policy_path()))
    if problems:
        raise PolicyError(source, f"a policy named by {POLICY_ENV} may only tighten the "
                          f"shipped policy, but {problems[0]}"
                          + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""))


def policy_in_force() -> PolicyInForce:
    """The policy in force, checked, with where it came from."""
    path, source = locate_policy()
    policy = load_policy(path)
    if source is PolicySource.ENVIRONMENT:
        refuse_loosening(policy, str(path))
    return PolicyInForce(policy, path, source)


@dataclass(frozen=True)
class CandidateCheck:
    """``keyworker policy check``: a candidate file read and checked, nothing applied."""

    policy: Policy
    loosenings: tuple[str, ...]  # where it is weaker than the shipped policy


def check_candidate(path: Path) -> CandidateCheck:
    """Read and check a candidate policy without putting it in force; raises PolicyError."""
    policy = load_policy(path)
    return CandidateCheck(policy, tuple(loosenings(policy, load_policy(shipped_policy_path()))))


def find_policy() -> tuple[Policy, Path]:
    """The policy in force and its file (see the module docstring for the order)."""
    found = policy_in_force()
    return found.policy, found.path
