"""The signed-in session: kept for a harvest's report contexts, and made by hand with ``hcportal login``.

:class:`SignedIn` holds the storage state every report context starts from; it reuses a saved
session while the CRM accepts it, signs in when it must, and renews it once for all the reports
that find it over at the same time. :func:`interactive_login` is ``hcportal login``: the harvester
fills in what it knows (the username, and the password and TOTP code if it has them) and then only
watches while a person does the rest, until the browser reaches a page of the signed-in CRM.
Nothing here is traced.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from playwright.async_api import Browser, BrowserContext, async_playwright
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeout

from hcportal.core.errors import HarvestError
from hcportal.harvest.auth import Credentials, Signer, check_display, load_session, save_session
from hcportal.harvest.browser import find_browser
from hcportal.harvest.options import BrowserOptions, CrmTarget
from hcportal.harvest.postmortem import Secrets
from hcportal.harvest.profile import Profile

log = logging.getLogger(__name__)


class SignedIn:
    """The signed-in storage state every report context starts from, renewed when it expires."""

    def __init__(self, browser: Browser, target: CrmTarget, secrets: Secrets, timeout_ms: float):
        self.browser = browser
        self.target = target
        self.timeout_ms = timeout_ms
        self.signer = Signer(
            browser,
            target.profile,
            target.base_url,
            target.credentials,
            secrets,
            timeout_ms,
            target.why_no_credentials,
        )
        self.secrets = secrets
        self.state: dict | None = None
        self.reused = False  # the saved session was accepted: no sign-in was needed
        self.generation = 0
        self._lock = asyncio.Lock()

    async def start(self) -> None:
        saved_at = self.target.session_file
        saved = load_session(saved_at, self.secrets) if saved_at else None
        if saved is not None:
            if await self._accepted(saved):
                log.info("reusing the saved session %s", saved_at)
                self.state, self.reused = saved, True
                return
            log.info("the saved session %s has expired", saved_at)
            self.state = await self.signer.sign_in(f"the CRM no longer accepts {saved_at}")
        else:
            self.state = await self.signer.sign_in()
        self._save()

    async def renew(self, seen_generation: int, report: str, step: str) -> None:
        """Sign in again, once for all the reports that found the session over at the same time."""
        async with self._lock:
            if self.generation != seen_generation:
                return  # another report already signed in again
            log.warning("report %s: the session ended at step %r; signing in again", report, step)
            try:
                self.state = await self.signer.sign_in(
                    f"it ended during report {report!r} at step {step!r}"
                )
            except PlaywrightError as e:  # the CRM or the browser broke down mid-sign-in
                raise HarvestError(
                    f"signing in again to {self.target.base_url} (the session ended during "
                    f"report {report!r}) failed: {str(e).strip().splitlines()[0]}"
                ) from None
            self.generation += 1
            self._save()

    async def new_context(self) -> BrowserContext:
        """A fresh context made from the signed-in state: one per report attempt."""
        return await self.browser.new_context(storage_state=self.state, accept_downloads=True)

    def _save(self) -> None:
        if self.target.session_file and self.state is not None:
            save_session(self.target.session_file, self.state)

    async def _accepted(self, state: dict) -> bool:
        context = await self.browser.new_context(storage_state=state)
        try:
            page = await context.new_page()
            await page.goto(self.target.profile.url(self.target.base_url, self.target.profile.home))
            return not self.target.profile.on_sign_in(page.url)
        finally:
            await context.close()


async def interactive_login(
    *,
    profile: Profile,
    base_url: str,
    credentials: Credentials | None,
    path: Path,
    browser: BrowserOptions,
    wait_seconds: float,
) -> Path:
    check_display(browser.headless)
    secrets = Secrets()
    async with async_playwright() as p:
        chromium = await p.chromium.launch(
            executable_path=find_browser(browser.executable, p),  # type: ignore[arg-type]
            headless=browser.headless,
        )
        try:
            context = await chromium.new_context()
            context.set_default_timeout(browser.timeout_seconds * 1000)
            page = await context.new_page()
            signer = Signer(
                chromium, profile, base_url, credentials, secrets, browser.timeout_seconds * 1000
            )
            if credentials is not None:
                await signer.fill_in(page, credentials, person=True)
            else:
                await page.goto(profile.url(base_url, profile.sign_in.path))
            if not profile.signed_in(page.url):
                log.info(
                    "finish signing in to %s in the browser window (waiting up to %g s)",
                    base_url,
                    wait_seconds,
                )
                try:
                    await page.wait_for_url(profile.signed_in, timeout=wait_seconds * 1000)
                except PlaywrightTimeout:
                    raise HarvestError(
                        f"nobody finished signing in to {base_url} within {wait_seconds:g} s "
                        "(harvest.login_timeout_seconds); no session was saved"
                    ) from None
                except PlaywrightError:
                    raise HarvestError(
                        "the browser window was closed before signing in finished; no session "
                        "was saved"
                    ) from None
            state = await context.storage_state()
        finally:
            await chromium.close()
    secrets.add_cookies(state)
    save_session(path, state)
    return path
