"""Composition root: builds the services from the policy and paths, then the desktop app."""

from __future__ import annotations

import logging

from keyworker_app.paths import StorePaths, resolve_store_dir

log = logging.getLogger("keyworker.app")


def launch_desktop(store_dir: str | None) -> int:
    from keyworker_app.gui.app import run_app
    from keyworker_app.gui.lock import LockSettings
    from keyworker_app.services.about import about_info
    from keyworker_app.services.case_store import CaseStore
    from keyworker_app.services.policy_loader import policy_in_force

    found = policy_in_force()
    policy = found.policy
    log.info("policy in force: %s", found.log_text())
    store = CaseStore(StorePaths(resolve_store_dir(store_dir)),
                      failed_unlocks_to_report=policy.breach.failed_unlocks_to_report)
    settings = LockSettings.from_device_rules(policy.device).with_dev_override()
    return run_app(store, settings, partner_names=[p.name for p in policy.partners],
                   policy=policy, about=about_info(found))
