"""Download reports from a CRM's web UI with Playwright, as a person would: sign in, open the report,
Export, choose "Details Only" and CSV, save the file.

Every control is found by role, label or text from the CRM profile; every wait is for a real event
(a navigation, a dialog, a download), never a sleep.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from harvest.browser import find_browser
from harvest.manifest import Manifest, ReportEntry
from harvest.profile import Profile
from harvest.runs import run_id_for, staged_run
from harvest.settings import ReportSpec
from harvest.validate import check_export
from hcportal.errors import HarvestError
from hcportal.fsutil import sha256_file
from hcportal.logs import register_secret

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str = field(repr=False)

    def __post_init__(self) -> None:
        register_secret(self.password)


@dataclass(frozen=True)
class CrmTarget:
    """Where and how to harvest: the CRM's address, its profile and who signs in."""

    base_url: str
    profile: Profile
    credentials: Credentials
    source: str = "crm"


@dataclass(frozen=True)
class BrowserOptions:
    executable: str = ""
    headless: bool = True
    timeout_seconds: float = 60


def harvest_crm(
    target: CrmTarget,
    reports: dict[str, ReportSpec],
    out_root: Path,
    now: datetime,
    browser: BrowserOptions = BrowserOptions(),
) -> tuple[Path, Manifest]:
    """Download every report into a new run folder under ``out_root``; return it and its manifest."""
    run_id = run_id_for(now)
    started = datetime.now(UTC)
    with staged_run(out_root, run_id) as staging:
        # The browser runs in a thread of its own: Playwright's sync API refuses to start in a
        # thread that already runs an asyncio loop (Jupyter, schedulers, pytest-playwright).
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="harvest") as pool:
            entries = pool.submit(_browse, target, reports, staging, browser).result()
        manifest = Manifest(
            run_id=run_id,
            source=target.source,
            crm=target.base_url,
            started=started,
            finished=datetime.now(UTC),
            reports=entries,
        )
        manifest.write(staging)
    return out_root / run_id, manifest


def _browse(
    target: CrmTarget, reports: dict[str, ReportSpec], folder: Path, browser: BrowserOptions
) -> list[ReportEntry]:
    with sync_playwright() as p:
        executable = find_browser(browser.executable, p)
        log.info("harvest %s: browser %s", target.base_url, executable)
        chromium = p.chromium.launch(executable_path=executable, headless=browser.headless)
        try:
            context = chromium.new_context(accept_downloads=True)
            context.set_default_timeout(browser.timeout_seconds * 1000)
            page = context.new_page()
            _sign_in(page, target)
            entries = [
                _download(page, target, name, spec, folder) for name, spec in reports.items()
            ]
            context.close()
            return entries
        except PlaywrightTimeout as e:
            raise HarvestError(f"the CRM did not respond in time: {_first_line(e)}") from None
        except PlaywrightError as e:
            raise HarvestError(f"the browser failed: {_first_line(e)}") from None
        finally:
            chromium.close()


def _url(target: CrmTarget, path: str) -> str:
    return target.base_url.rstrip("/") + path


def _on_sign_in_page(page: Page, target: CrmTarget) -> bool:
    return urlsplit(page.url).path.rstrip("/") == target.profile.sign_in.path.rstrip("/")


def _sign_in(page: Page, target: CrmTarget) -> None:
    form = target.profile.sign_in
    page.goto(_url(target, form.path))
    form.username.find(page).fill(target.credentials.username)
    form.password.find(page).fill(target.credentials.password)
    with page.expect_navigation():
        form.submit.find(page).click()
    if _on_sign_in_page(page, target):
        alert = page.get_by_role("alert")
        said = alert.first.inner_text().strip() if alert.count() else "no reason given"
        raise HarvestError(f"sign-in to {target.base_url} failed: the CRM said: {said}")
    log.info("signed in to %s as %s", target.base_url, target.credentials.username)


def _download(
    page: Page, target: CrmTarget, name: str, spec: ReportSpec, folder: Path
) -> ReportEntry:
    ui = target.profile.report
    started = datetime.now(UTC)
    url = _url(target, ui.path.format(report_id=spec.report_id))
    log.info("report %s: opening %s", name, url)
    page.goto(url)
    if _on_sign_in_page(page, target):
        raise HarvestError(f"report {name!r}: the CRM sent the browser back to sign-in")
    ui.export_button.find(page).click()
    dialog = ui.dialog.find(page)
    dialog.wait_for(state="visible")
    ui.details_only.find(dialog).check()
    ui.format.find(dialog).select_option(label=ui.format_option)
    # Scoped to the dialog: the page has its own button named Export too.
    with page.expect_download() as info:
        ui.dialog_export.find(dialog).click()
    download = info.value
    path = folder / f"{name}.csv"
    download.save_as(path)  # before the context closes, which deletes the download
    facts = check_export(path, name, spec)
    log.info("report %s: %d rows, %d columns", name, facts.rows, len(facts.columns))
    return ReportEntry(
        name=name,
        file=path.name,
        rows=facts.rows,
        columns=facts.columns,
        sha256=sha256_file(path),
        bytes=path.stat().st_size,
        source_url=url,
        route="ui",
        started=started,
        finished=datetime.now(UTC),
    )


def _first_line(e: Exception) -> str:
    return str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
