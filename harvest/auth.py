"""Who signs in, and how: credentials, TOTP codes, saved sessions, the sign-in itself.

Credentials come from environment variables, else the system keyring; never from a file. A saved
session (Playwright's ``storage_state``: live cookies) is written owner-only under the git-ignored
session folder by ``hcportal login`` and refreshed after every automatic sign-in.

Signing in is never retried: a rejected password or code, tried again every night, locks the
account. What the harvester cannot answer (an MFA prompt without a TOTP secret, a locked account)
ends the run with :class:`NeedsPersonError` (exit status 3).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from playwright.async_api import TimeoutError as PlaywrightTimeout

from hcportal.core.errors import HarvestError, NeedsPersonError, SessionExpiredError
from hcportal.core.files import atomic_write_text
from hcportal.harvest import pagetext, wait
from hcportal.harvest.postmortem import Secrets
from hcportal.harvest.profile import Locator, Profile

if TYPE_CHECKING:
    from playwright.async_api import Browser, Page

    from hcportal.harvest.api import ApiAccess
    from hcportal.harvest.settings import HarvestSettings

log = logging.getLogger(__name__)

LOGIN_HINT = "run `hcportal login` to sign in by hand"


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str = field(repr=False)
    totp_secret: str | None = field(default=None, repr=False)


def find_credentials(
    settings: HarvestSettings, env: Mapping[str, str] = os.environ
) -> tuple[Credentials | None, str]:
    """Credentials from the environment, else the keyring: (credentials or None, why not)."""
    username = env.get(settings.username_env) or settings.username
    password = env.get(settings.password_env) or ""
    totp = env.get(settings.totp_secret_env) or None
    why = ""
    if username and not (password and totp):
        from_keyring, why = _keyring(settings.keyring_service, username)
        password = password or from_keyring.get("password", "")
        totp = totp or from_keyring.get("totp")
    if not username or not password:
        parts = []
        if not username:
            parts.append(f"set {settings.username_env} (or harvest.username)")
        if not password:
            parts.append(
                f"set {settings.password_env} or keep the password in the system keyring "
                f"(service {settings.keyring_service!r}, entry: the username)"
            )
        return None, "; ".join(parts) + (f" ({why})" if why else "")
    return Credentials(username, password, totp), ""


def find_api_access(settings: HarvestSettings, env: Mapping[str, str] = os.environ) -> ApiAccess:
    """The API route's token and OAuth client: from the environment, else the keyring."""
    from hcportal.harvest.api import ApiAccess

    api = settings.api
    token = env.get(api.token_env) or None
    secret = env.get(api.client_secret_env) or None
    source = f"${api.token_env}"
    owner = env.get(settings.username_env) or settings.username or api.client_id
    if owner and not (token and secret):
        found = _keyring_entries(
            settings.keyring_service,
            {"token": f"{owner}:api-token", "secret": f"{owner}:client-secret"},
        )
        if not token and found.get("token"):
            token, source = found["token"], f"the keyring entry {owner}:api-token"
        secret = secret or found.get("secret")
    return ApiAccess(
        token=token,
        token_source=source,
        grant=api.grant,
        client_id=api.client_id,
        client_secret=secret,
    )


def _keyring_entries(service: str, entries: dict[str, str]) -> dict[str, str]:
    try:
        import keyring
        from keyring.errors import KeyringError
    except ImportError:  # pragma: no cover
        return {}
    found = {}
    for key, entry in entries.items():
        try:
            value = keyring.get_password(service, entry)
        except KeyringError:  # no backend (a server): the environment is the way
            return found
        if value:
            found[key] = value
    return found


def _keyring(service: str, username: str) -> tuple[dict[str, str], str]:
    """Look the password and TOTP secret up in the system keyring, if there is a usable one."""
    try:
        import keyring
        from keyring.errors import KeyringError, NoKeyringError
    except ImportError:  # pragma: no cover - a dependency, but an optional convenience
        return {}, "the keyring package is not installed"
    try:
        found = {
            "password": keyring.get_password(service, username) or "",
            "totp": keyring.get_password(service, f"{username}:totp") or "",
        }
    except NoKeyringError:
        return {}, "this machine has no system keyring backend"
    except KeyringError as e:
        return {}, f"the system keyring failed: {e}"
    return {k: v for k, v in found.items() if v}, ""


def session_file(session_dir: Path, base_url: str) -> Path:
    """One saved session per CRM address: ``<session_dir>/sessions/<host>.json``."""
    host = urlsplit(base_url).netloc or base_url
    return session_dir / "sessions" / (re.sub(r"[^A-Za-z0-9.-]", "_", host) + ".json")


def save_session(path: Path, state: dict) -> None:
    """Write a storage state owner-only (0600 in a 0700 folder): it holds live session cookies."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path.parent, 0o700)
    atomic_write_text(path, json.dumps(state), mode=0o600)
    log.info("session saved to %s (owner-only)", path)


def load_session(path: Path, secrets: Secrets) -> dict | None:
    if not path.is_file():
        return None
    if path.stat().st_mode & 0o077:
        log.warning("%s was readable by others; making it owner-only", path)
        os.chmod(path, 0o600)
    try:
        state = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as e:
        raise HarvestError(f"saved session {path} is unreadable ({e}); {LOGIN_HINT}") from None
    secrets.add_cookies(state)
    return state


class Signer:
    """Signs in with a profile and credentials, in a browser context that is never traced."""

    def __init__(
        self,
        browser: Browser,
        profile: Profile,
        base_url: str,
        credentials: Credentials | None,
        secrets: Secrets,
        timeout_ms: float,
        why_no_credentials: str = "",
    ) -> None:
        self.browser = browser
        self.profile = profile
        self.base_url = base_url
        self.credentials = credentials
        self.secrets = secrets
        self.timeout_ms = timeout_ms
        self.why_no_credentials = why_no_credentials
        self.refuse_password = ""  # set when the CRM's API rejected this password tonight
        self._last_code = ""
        if credentials:
            secrets.add(credentials.password, credentials.totp_secret)

    async def sign_in(self, reason: str = "") -> dict:
        """Sign in once; return the signed-in storage state. Raises rather than retrying."""
        if self.credentials is None:
            if reason:
                raise SessionExpiredError(
                    f"session expired: run `hcportal login` to sign in again ({reason}; no "
                    f"credentials for an automatic sign-in: {self.why_no_credentials})"
                )
            raise NeedsPersonError(
                f"CRM credentials missing and no saved session for {self.base_url}: "
                f"{LOGIN_HINT}, or {self.why_no_credentials}"
            )
        context = await self.browser.new_context()
        context.set_default_timeout(self.timeout_ms)
        try:
            page = await context.new_page()
            await self.fill_in(page, self.credentials)
            state = await context.storage_state()
        finally:
            await context.close()
        self.secrets.add_cookies(state)
        log.info("signed in to %s as %s", self.base_url, self.credentials.username)
        return state

    async def fill_in(self, page: Page, creds: Credentials, *, person: bool = False) -> None:
        """Open the sign-in page, submit the password, answer a TOTP prompt if one comes, and read
        what the CRM says about it.

        With ``person`` (``hcportal login``), someone is at the window: what the harvester cannot
        answer (a code without a TOTP secret, a rejected password) is left to them, not raised.
        """
        form = self.profile.sign_in
        await page.goto(self.profile.url(self.base_url, form.path))
        if self.profile.signed_in(page.url):
            return  # a single-sign-on cookie was enough
        if self.refuse_password and not person:
            raise NeedsPersonError(
                f"sign-in to {self.base_url} not tried: the CRM's API rejected this username and "
                f"password moments ago ({self.refuse_password}); it is not typed in again, so as "
                "not to lock the account. Check the credentials (a Salesforce API sign-in from "
                "outside the trusted IP ranges also needs the security token), or " + LOGIN_HINT
            )
        where = wait.Where(page, page)
        for locator, value in ((form.username, creds.username), (form.password, creds.password)):
            field_ = await self._control(where, locator)
            await field_.fill(value)
        submit = await self._control(where, form.submit)
        async with page.expect_navigation():
            await submit.click()
        await self._outcome(page, creds, person)

    async def _control(self, where: wait.Where, locator: Locator):
        try:
            return await wait.control(
                where, locator.find(where.page), locator.describe(), min(self.timeout_ms, 10_000)
            )
        except (wait.Missing, wait.TimedOut) as e:
            raise HarvestError(
                f"the sign-in page {_path(where.page.url)} does not fit the profile: {e} "
                "(check its [sign_in]; `hcportal harvest --check` lists what the page has)"
            ) from None

    async def _outcome(self, page: Page, creds: Credentials, person: bool) -> None:
        """Follow the sign-in to its end: signed in, an MFA prompt answered, or the CRM's own word
        on why not, read at once on whatever page it is shown; a page that asks for something
        the profile does not know is an SSO or MFA step for a person."""
        deadline = time.monotonic() + self.timeout_ms / 1000
        answered = False
        while True:
            if self.profile.signed_in(page.url):
                return
            if not answered and await self._on_mfa(page):
                if person and not creds.totp_secret:
                    return
                await self._answer_mfa(page, creds)
                answered = True
                continue
            if person:
                return  # the person at the window reads the page and does the rest
            said = await pagetext.error_text(page, self.profile.sign_in.error)
            if said:
                at = " at the verification code" if answered else ""
                check = (
                    "the TOTP secret and this machine's clock" if answered else "the credentials"
                )
                raise NeedsPersonError(
                    f"sign-in to {self.base_url} failed{at}: the CRM said: {said} (not retried, "
                    f"so as not to lock the account; check {check})"
                )
            left = deadline - time.monotonic()
            if await wait.idle(page, max(min(left, 5) * 1000, 1)):
                asked = await pagetext.question(page)
                if asked and (self.profile.on_sign_in(page.url) or answered):
                    raise NeedsPersonError(
                        f"sign-in to {self.base_url} failed: the CRM showed {asked} again at "
                        f"{_path(page.url)} without saying why (not retried; check the "
                        "credentials)"
                    )
                if asked:
                    raise NeedsPersonError(
                        f"sign-in to {self.base_url} stopped at {_path(page.url)}: the page shows "
                        f"{asked}, a step the profile does not know (SSO, or an MFA it cannot "
                        "answer); " + LOGIN_HINT
                    )
            if left <= 0:
                raise NeedsPersonError(
                    f"sign-in to {self.base_url} did not finish within {self.timeout_ms / 1000:g} "
                    f"s: the browser stayed on {_path(page.url)}; " + LOGIN_HINT
                )
            # The next page, or a moment for this one to say more.
            with contextlib.suppress(PlaywrightTimeout):
                await page.wait_for_url(_other_than(page.url), timeout=min(left, 2) * 1000)

    async def _on_mfa(self, page: Page) -> bool:
        mfa = self.profile.sign_in.mfa
        if mfa is None:
            return False
        return self.profile.on_mfa(page.url) or await mfa.code.find(page).count() > 0

    async def _answer_mfa(self, page: Page, creds: Credentials) -> None:
        mfa = self.profile.sign_in.mfa
        assert mfa is not None
        if not creds.totp_secret:
            raise NeedsPersonError(
                f"sign-in to {self.base_url} needs a person: the CRM asks for a verification code "
                "and no TOTP secret is configured; " + LOGIN_HINT
            )
        code = await self._fresh_code(creds.totp_secret)
        await mfa.code.find(page).fill(code)
        async with page.expect_navigation():
            await mfa.submit.find(page).click()

    async def _fresh_code(self, secret: str) -> str:
        """The current TOTP code, waiting for the next one rather than sending a code twice
        (CRMs refuse a code that was already used)."""
        import pyotp

        try:
            totp = pyotp.TOTP(secret.replace(" ", "").upper())
            code = totp.now()
        except Exception:  # binascii.Error and friends: not a base32 secret
            raise HarvestError(
                "the TOTP secret is not a valid base32 string (check HCPORTAL_CRM_TOTP_SECRET)"
            ) from None
        if code == self._last_code:
            await asyncio.sleep(totp.interval - time.time() % totp.interval + 0.5)
            code = totp.now()
        self._last_code = code
        self.secrets.add(code)
        return code


def _other_than(url: str):
    return lambda u: u != url


def _path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.netloc}{parts.path}"


def check_display(headless: bool) -> None:
    """A headed browser on Linux needs a display; say so instead of a browser crash."""
    if headless or os.name != "posix" or os.uname().sysname != "Linux":
        return
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        raise HarvestError(
            "a browser window needs a display, and this session has none (no $DISPLAY): run "
            "this from a desktop session, over `ssh -X`, or under `xvfb-run`"
        )
