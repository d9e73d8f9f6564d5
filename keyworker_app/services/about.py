"""What ``keyworker --version`` and Help → About show: versions and the policy in force."""

from __future__ import annotations

from dataclasses import dataclass

from keyworker_app import PRODUCT_NAME, __version__
from keyworker_app.errors import PolicyError
from keyworker_app.services.policy_loader import PolicyInForce, policy_in_force
from keyworker_app.store.connection import sqlcipher_version


@dataclass(frozen=True)
class AboutInfo:
    version: str
    sqlcipher_version: str
    policy: PolicyInForce | None
    policy_problem: str = ""  # why no policy is in force (a broken deployed file)

    def policy_text(self) -> str:
        if self.policy is None:
            return f"none: {self.policy_problem}"
        return self.policy.describe()

    def lines(self) -> list[str]:
        return [
            f"{PRODUCT_NAME} {self.version}",
            f"SQLCipher {self.sqlcipher_version}",
            f"Policy: {self.policy_text()}",
        ]


def about_info(policy: PolicyInForce | None = None) -> AboutInfo:
    """About the running app; finds the policy in force unless the caller already has it.

    A policy that fails its checks is reported, not raised: ``--version`` must still answer
    when IT is diagnosing exactly that.
    """
    problem = ""
    if policy is None:
        try:
            policy = policy_in_force()
        except PolicyError as exc:
            problem = exc.message
    return AboutInfo(__version__, sqlcipher_version(), policy, problem)
