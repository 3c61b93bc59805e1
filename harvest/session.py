"""``hcportal login``: a person signs in (SSO, MFA) in a real browser window; the session is saved.

The harvester fills in what it knows (the username, and the password and TOTP code if it has
them) and then only watches: the person does the rest, at their pace, until the browser reaches a
page of the signed-in CRM. Nothing here is traced or logged beyond the outcome.
"""

from __future__ import annotations

import logging
from pathlib import Path

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeout
from playwright.async_api import async_playwright

from harvest.auth import Credentials, Signer, check_display, save_session
from harvest.browser import find_browser
from harvest.crm import BrowserOptions
from harvest.postmortem import Secrets
from harvest.profile import Profile
from hcportal.errors import HarvestError

log = logging.getLogger(__name__)


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
