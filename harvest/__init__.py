"""Harvest: get the CRM's report exports into a validated, manifested run folder.

:func:`run` is the stage's entry point. ``source = "crm"`` harvests a real CRM; ``source = "demo"``
harvests the bundled demo CRM, which the caller starts (:mod:`hcportal.demo`) and which is driven
exactly like a real one; ``source = "folder"`` (or ``from_folder``) takes files another automation
delivered. :func:`login` is ``hcportal login``.
"""

from __future__ import annotations

# This folder is mapped to `hcportal.harvest` (pyproject's package-dir); it is never a top-level
# `harvest`, so that no module can be imported under two names.
if __name__ != "hcportal.harvest":
    raise ImportError(f"import hcportal.harvest, not {__name__}")

import logging
from dataclasses import dataclass
from pathlib import Path

from hcportal.core.clock import Clock
from hcportal.core.errors import ConfigError, NeedsPersonError
from hcportal.harvest.api import ApiAccess
from hcportal.harvest.auth import Credentials, find_api_access, find_credentials, session_file
from hcportal.harvest.check import CheckResult
from hcportal.harvest.crm import BrowserOptions, CrmTarget, RetryPolicy, harvest_crm
from hcportal.harvest.folder import harvest_folder
from hcportal.harvest.manifest import Manifest, read_manifest
from hcportal.harvest.profile import Profile, load_profile
from hcportal.harvest.progress import Progress
from hcportal.harvest.runs import resolve_run
from hcportal.harvest.settings import HarvestSettings, ReportSpec
from hcportal.harvest.worker import run_in_worker

__all__ = [
    "CheckResult",
    "HarvestSettings",
    "Manifest",
    "ReportSpec",
    "Served",
    "check",
    "crm_target",
    "login",
    "read_manifest",
    "resolve_run",
    "run",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Served:
    """A CRM started by the caller for this harvest (the bundled demo): where, and who signs in."""

    url: str
    credentials: Credentials


def run(
    settings: HarvestSettings,
    out_root: Path,
    clock: Clock,
    *,
    headless: bool | None = None,
    from_folder: Path | None = None,
    session_dir: Path | None = None,
    progress: Progress | None = None,
    served: Served | None = None,
) -> tuple[Path, Manifest]:
    """Harvest every configured report into a new run folder under ``out_root``.

    ``session_dir`` is where saved sessions live (the config's ``harvest.session_dir``, resolved
    against the config file's folder); ``from_folder`` overrides the source with a drop folder.
    With ``source = "demo"``, ``served`` is the demo CRM the caller started (the harvester itself
    knows no demo: it drives it exactly like a real CRM).
    """
    if from_folder is not None or settings.source == "folder":
        folder = from_folder or (Path(settings.folder) if settings.folder else None)
        if folder is None:
            raise ConfigError('harvest.folder is not set (needed when harvest.source = "folder")')
        return harvest_folder(
            folder,
            settings.report_specs(),
            out_root,
            clock,
            max_age_hours=settings.max_file_age_hours,
            progress=progress,
        )
    browser = _browser(settings, headless)
    retry = RetryPolicy(
        routes=tuple(settings.routes),
        attempts=settings.attempts,
        backoff_seconds=settings.backoff_seconds,
    )
    target = crm_target(settings, session_dir, served)
    return harvest_crm(target, settings.report_specs(), out_root, clock, browser, retry, progress)


def crm_target(
    settings: HarvestSettings, session_dir: Path | None = None, served: Served | None = None
) -> CrmTarget:
    """Where and as whom to harvest, from the settings (and the demo CRM, if one was started)."""
    profile = load_profile(settings.profile_name())
    if "api" in settings.routes and profile.api is None:
        raise ConfigError(
            f'harvest.routes lists "api", but the CRM profile {profile.name!r} has no [api] '
            "section (its token and export endpoints): add one, or drop the route"
        )
    if settings.source == "demo":
        if served is None:
            raise ConfigError('harvest.source = "demo" needs the demo CRM started by hcportal')
        return CrmTarget(
            base_url=served.url,
            profile=profile,
            credentials=served.credentials,
            source="demo",
            # The demo's API takes its one user's password (the OAuth password grant).
            api=ApiAccess(grant="password", client_id=settings.api.client_id),
        )
    return _crm_target(settings, session_dir, profile)


def check(
    settings: HarvestSettings,
    screenshots: Path,
    *,
    headless: bool | None = None,
    session_dir: Path | None = None,
    progress: Progress | None = None,
    served: Served | None = None,
) -> CheckResult:
    """``hcportal harvest --check``: sign in and walk every locator of the profile for each
    configured report and route, downloading nothing; screenshots of failures go to
    ``screenshots``. Returns the rows (:func:`hcportal.harvest.check.table` prints them)."""
    from hcportal.harvest.check import check_crm

    if settings.source == "folder":
        raise ConfigError(
            '--check walks a CRM profile against a live CRM; harvest.source = "folder" has none'
        )
    target = crm_target(settings, session_dir, served)
    job = check_crm(
        target,
        settings.report_specs(),
        list(settings.routes),
        _browser(settings, headless),
        screenshots,
        progress,
    )
    return run_in_worker(job, "check")


def login(
    settings: HarvestSettings, *, session_dir: Path | None = None, headless: bool = False
) -> Path:
    """Open a browser at the CRM's sign-in page for a person to finish (SSO, MFA), then save the
    session owner-only for nightly runs to reuse. Returns the saved session's path."""
    from hcportal.harvest.session import interactive_login

    if settings.source != "crm" or not settings.base_url:
        raise ConfigError(
            '`hcportal login` signs in to a real CRM: set harvest.source = "crm" and '
            "harvest.base_url in the config (the demo CRM needs no saved session)"
        )
    creds, _ = find_credentials(settings)
    path = session_file(_session_dir(settings, session_dir), settings.base_url)
    job = interactive_login(
        profile=load_profile(settings.profile_name()),
        base_url=settings.base_url,
        credentials=creds,
        path=path,
        browser=_browser(settings, headless),
        wait_seconds=settings.login_timeout_seconds,
    )
    return run_in_worker(job, "login")


def _browser(settings: HarvestSettings, headless: bool | None) -> BrowserOptions:
    return BrowserOptions(
        executable=settings.browser,
        headless=settings.headless if headless is None else headless,
        timeout_seconds=settings.timeout_seconds,
        control_timeout_seconds=settings.control_timeout_seconds,
        concurrency=settings.concurrency,
        trace=settings.trace,
    )


def _session_dir(settings: HarvestSettings, session_dir: Path | None) -> Path:
    return session_dir if session_dir is not None else Path(settings.session_dir)


def _crm_target(settings: HarvestSettings, session_dir: Path | None, profile: Profile) -> CrmTarget:
    if not settings.base_url:
        raise ConfigError('harvest.base_url is not set (needed when harvest.source = "crm")')
    if not settings.reports:
        raise ConfigError(
            "harvest.reports lists no report: name each one and its report_id "
            "(see docs/configuration.md)"
        )
    missing = [name for name, spec in settings.reports.items() if not spec.report_id]
    if missing:
        raise ConfigError(
            f"harvest.reports.{missing[0]}.report_id is not set (the id in the report's URL)"
        )
    creds, why = find_credentials(settings)
    api = find_api_access(settings) if "api" in settings.routes else ApiAccess()
    saved = session_file(_session_dir(settings, session_dir), settings.base_url)
    api_alone = settings.routes == ["api"] and (api.token or api.grant == "client_credentials")
    if creds is None and not saved.is_file() and not api_alone:
        raise NeedsPersonError(
            f"CRM credentials missing and no saved session for {settings.base_url}: run "
            f"`hcportal login`, or {why}"
        )
    return CrmTarget(
        base_url=settings.base_url,
        profile=profile,
        credentials=creds,
        source="crm",
        session_file=saved,
        why_no_credentials=why,
        api=api,
    )
