"""Harvest: get the CRM's report exports into a validated, manifested run folder.

:func:`run` is the stage's entry point. With ``source = "demo"`` it starts the bundled demo CRM on a
free loopback port for the length of the harvest and drives it exactly like a real CRM.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from harvest.crm import BrowserOptions, Credentials, CrmTarget, harvest_crm
from harvest.manifest import Manifest, read_manifest
from harvest.profile import load_profile
from harvest.runs import resolve_run
from harvest.settings import HarvestSettings, ReportSpec
from hcportal.errors import HarvestError

__all__ = [
    "HarvestSettings",
    "Manifest",
    "ReportSpec",
    "read_manifest",
    "resolve_run",
    "run",
]


def run(
    settings: HarvestSettings, out_root: Path, now: datetime, *, headless: bool | None = None
) -> tuple[Path, Manifest]:
    """Harvest every configured report into a new run folder under ``out_root``."""
    browser = BrowserOptions(
        executable=settings.browser,
        headless=settings.headless if headless is None else headless,
        timeout_seconds=settings.timeout_seconds,
    )
    profile = load_profile(settings.profile)
    if settings.source == "demo":
        import democrm

        with democrm.running(
            accounts=settings.demo.accounts, seed=settings.demo.seed, today=now.date()
        ) as crm:
            target = CrmTarget(
                base_url=crm.url,
                profile=profile,
                credentials=Credentials(crm.username, crm.password),
                source="demo",
            )
            return harvest_crm(target, settings.reports, out_root, now, browser)
    if not settings.base_url:
        raise HarvestError('harvest.base_url is not set (needed when harvest.source = "crm")')
    target = CrmTarget(
        base_url=settings.base_url, profile=profile, credentials=_credentials(settings)
    )
    return harvest_crm(target, settings.reports, out_root, now, browser)


def _credentials(settings: HarvestSettings) -> Credentials:
    username = os.environ.get(settings.username_env, "")
    password = os.environ.get(settings.password_env, "")
    missing = [
        v
        for v, val in ((settings.username_env, username), (settings.password_env, password))
        if not val
    ]
    if missing:
        raise HarvestError(
            f"CRM credentials missing: set the environment variable(s) {', '.join(missing)}"
        )
    return Credentials(username, password)
