"""The ``api`` route: the same report exports through the CRM's API, without a browser.

When the CRM grants API access, the nightly run needs no browser at all. A token comes from the
environment or the keyring (a ready one, e.g. a Salesforce session id), or from the CRM's OAuth
2.0 token endpoint (the password or client-credentials grant). It is sent as a bearer token, or as
a session cookie (Salesforce's pattern: the API session id as ``sid`` on the Classic export URL,
which answers the whole report as CSV). The download gets the same validation and manifest entry
as the browser routes' (the caller does both).

What the API says decides what happens next:

- it refuses (no API, API disabled for the org or user, the token endpoint says no): the route
  cannot work, for every report; it is asked once, and the browser routes are tried at once;
- the token has expired (HTTP 401, or the sign-in page): it is renewed **once** (a refresh token,
  or the grant again) and the request repeated; refused again, the route fails with a clear
  message rather than looping;
- it answers 5xx or times out: a passing fault, retried like any other.

A password the token endpoint rejects (``invalid_grant``) is not typed into the browser sign-in
afterwards: two failed sign-ins a night would lock the account twice as fast.

Secrets (the token, a refresh token, the client secret) are registered with the run's
:class:`~hcportal.harvest.postmortem.Secrets`: masked in every log line, scrubbed from every
artifact. They never ride in a URL.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from playwright.async_api import Error as PlaywrightError

from hcportal.harvest.auth import Credentials
from hcportal.harvest.postmortem import Secrets
from hcportal.harvest.profile import Profile
from hcportal.harvest.routes import AttemptFailed, Steps
from hcportal.harvest.validate import ROUTE, TRANSIENT, looks_like_html

if TYPE_CHECKING:
    from playwright.async_api import APIRequestContext, APIResponse, Playwright

    from hcportal.harvest.settings import ReportSpec

log = logging.getLogger(__name__)

Grant = Literal["password", "client_credentials"]


@dataclass(frozen=True)
class ApiAccess:
    """How this run may reach the CRM's API: a ready token, and/or an OAuth client to get one."""

    token: str | None = field(default=None, repr=False)  # from the environment or keyring
    token_source: str = ""  # where it came from, for messages ("$HCPORTAL_CRM_API_TOKEN")
    grant: Grant = "password"
    client_id: str = ""
    client_secret: str | None = field(default=None, repr=False)


class ApiSession:
    """The run's one API token: fetched once, renewed once per expiry for every report."""

    def __init__(
        self,
        playwright: Playwright,
        profile: Profile,
        base_url: str,
        access: ApiAccess,
        credentials: Credentials | None,
        secrets: Secrets,
        timeout_ms: float,
    ) -> None:
        if profile.api is None:
            raise ValueError("the profile has no [api] section")
        self.api = profile.api
        self.profile, self.base_url, self.access = profile, base_url, access
        self.credentials, self.secrets, self.timeout_ms = credentials, secrets, timeout_ms
        self.playwright = playwright
        self.request: APIRequestContext | None = None
        self.token: str | None = None
        self.refresh_token: str | None = None
        self.instance_url = ""
        self.generation = 0
        self.refused = ""  # why the API cannot be used tonight: every report skips it at once
        self.rejected_password = ""  # the token endpoint's word on the password, if it refused it
        self._lock = asyncio.Lock()
        secrets.add(access.token, access.client_secret)
        if credentials is not None:  # an API-only run starts no browser sign-in to register them
            secrets.add(credentials.password, credentials.totp_secret)

    async def start(self) -> None:
        """Get the first token (or learn that the API refuses). Never raises for a refusal."""
        self.request = await self.playwright.request.new_context(timeout=self.timeout_ms)
        if self.access.token:
            self.token = self.access.token
            log.info("API: using the token from %s", self.access.token_source)
            return
        await self._grant(first=True)

    async def close(self) -> None:
        if self.request is not None:
            await self.request.dispose()

    # -- one report ------------------------------------------------------------------------------

    async def export(self, spec: ReportSpec, dest: Path, step: Steps) -> str:
        """Download one report over the API into ``dest``; return the URL it came from."""
        step("sign in to the API")
        if self.refused:
            raise AttemptFailed(ROUTE, step.now, self.refused)
        url = self.export_url(spec)
        step("request the API export")
        generation = self.generation
        response = await self._get(url, step)
        if await self._expired(response):
            await response.dispose()
            step("renew the API token")
            await self.renew(generation, step)
            step("request the API export")
            response = await self._get(url, step)
            if await self._expired(response):
                await response.dispose()
                raise AttemptFailed(
                    ROUTE,
                    step.now,
                    "the CRM refused the API token as expired or invalid again, right after it "
                    "was renewed (a session policy shorter than a request? a token for another "
                    "host?); the API route gives up for this report",
                )
        try:
            body = await response.body()
            dest.write_bytes(body)  # an error page too: for the post-mortem
            if response.status in (401, 403, 404, 405):
                raise AttemptFailed(
                    ROUTE, step.now, f"the CRM's API refused the export: {_said(response, body)}"
                )
            if response.status >= 400:
                raise AttemptFailed(
                    TRANSIENT, step.now, f"the CRM's API answered {_said(response, body)}"
                )
        finally:
            await response.dispose()
        return url

    async def head(self, spec: ReportSpec) -> tuple[str, int, str]:
        """The export's headers only (for ``--check``): URL, HTTP status, what the API said."""
        assert self.request is not None
        url = self.export_url(spec)
        response = await self.request.fetch(url, method="HEAD", headers=self._headers())
        try:
            if await self._expired(response):
                return url, 401, "the token is expired or invalid"
            kind = response.headers.get("content-type", "")
            return url, response.status, f"HTTP {response.status} {kind}".strip()
        finally:
            await response.dispose()

    def export_url(self, spec: ReportSpec) -> str:
        path = self.api.export_url.format(report_id=spec.report_id)
        return self.profile.url(self.instance_url or self.base_url, path)

    async def renew(self, seen_generation: int, step: Steps) -> None:
        """Renew the token once for all the reports that found it expired at the same time."""
        async with self._lock:
            if self.generation != seen_generation:
                return  # another report renewed it already
            if self.refresh_token:
                log.info("API: the token expired; refreshing it")
                await self._token_request(
                    {"grant_type": "refresh_token", "refresh_token": self.refresh_token},
                    first=False,
                )
            elif self._can_grant():
                log.info("API: the token expired; signing in to the API again")
                await self._grant(first=False)
            else:
                self.refused = (
                    f"the API token from {self.access.token_source} has expired, and there is "
                    "no refresh token or client to get another: set a fresh token"
                )
            if self.refused:
                raise AttemptFailed(ROUTE, step.now, self.refused)
            self.generation += 1

    # -- tokens ----------------------------------------------------------------------------------

    def _can_grant(self) -> bool:
        if self.access.grant == "client_credentials":
            return bool(self.access.client_id and self.access.client_secret)
        return self.credentials is not None

    async def _grant(self, *, first: bool) -> None:
        form: dict[str, str] = {"grant_type": self.access.grant}
        if self.access.grant == "password":
            if self.credentials is None:
                self.refused = (
                    "no API token (set "
                    f"{self.access.token_source or 'the API token variable'}) and no CRM "
                    "credentials for the API's password grant"
                )
                return
            form |= {"username": self.credentials.username, "password": self.credentials.password}
        elif not (self.access.client_id and self.access.client_secret):
            self.refused = (
                "the client-credentials grant needs harvest.api.client_id and the client secret "
                "(harvest.api.client_secret_env or the keyring)"
            )
            return
        if self.access.client_id:
            form["client_id"] = self.access.client_id
        if self.access.client_secret:
            form["client_secret"] = self.access.client_secret
        await self._token_request(form, first=first)

    async def _token_request(self, form: dict[str, str], *, first: bool) -> None:
        """POST to the token endpoint; keep the token, or record why the API refuses."""
        assert self.request is not None
        url = self.profile.url(self.base_url, self.api.token_url)
        try:
            response = await self.request.post(url, form=form, max_redirects=0)
        except PlaywrightError as e:
            # A network failure at the token endpoint: the browser routes may still work.
            self.refused = f"the API's token endpoint {url} could not be reached: {_line(e)}"
            return
        try:
            body = await response.body()
            data = _json(body)
            token = data.get("access_token") if isinstance(data, dict) else None
            if response.ok and isinstance(token, str) and token:
                self.secrets.add(token, data.get("refresh_token"))
                self.token = token
                self.refresh_token = data.get("refresh_token") or self.refresh_token
                self.instance_url = str(data.get("instance_url") or self.instance_url)
                log.info("API: %s a token from %s", "got" if first else "renewed", url)
                return
            said = _said(response, body)
            self.refused = f"the CRM's API token endpoint refused: {said}"
            if isinstance(data, dict) and data.get("error") == "invalid_grant":
                self.rejected_password = said
        finally:
            await response.dispose()
        log.warning("API: %s", self.refused)

    # -- requests --------------------------------------------------------------------------------

    def _headers(self) -> dict[str, str]:
        assert self.token is not None
        if self.api.auth == "bearer":
            return {"Authorization": f"Bearer {self.token}"}
        return {"Cookie": f"{self.api.auth.removeprefix('cookie:')}={self.token}"}

    async def _get(self, url: str, step: Steps) -> APIResponse:
        assert self.request is not None
        try:
            return await self.request.get(url, headers=self._headers())
        except PlaywrightError as e:
            raise AttemptFailed(
                TRANSIENT, step.now, f"the API export {url} failed: {_line(e)}"
            ) from None

    async def _expired(self, response: APIResponse) -> bool:
        """A 401, or (cookie-style auth) the sign-in page: the token is over."""
        if response.status == 401 or self.profile.on_sign_in(response.url):
            return True
        if response.ok and "html" in response.headers.get("content-type", ""):
            head = (await response.body())[:4096].decode("utf-8", "replace")
            return looks_like_html(head) == "a sign-in page"
        return False


def _json(body: bytes) -> object:
    try:
        return json.loads(body)
    except ValueError:
        return None


def _said(response: APIResponse, body: bytes) -> str:
    """HTTP status and the API's own words (OAuth ``error``, Salesforce ``errorCode``)."""
    data = _json(body)
    if isinstance(data, list) and data and isinstance(data[0], dict):
        data = data[0]  # Salesforce REST errors come as a list
    words = ""
    if isinstance(data, dict):
        parts = [
            data.get(k)
            for k in ("error", "errorCode", "error_description", "message")
            if data.get(k)
        ]
        words = ": ".join(str(p) for p in parts)
    elif body and not body.lstrip().startswith(b"<"):
        words = body[:200].decode("utf-8", "replace").strip().splitlines()[0]
    words = re.sub(r"[\x00-\x1f\x7f]+", " ", words)[:300]  # the CRM's words: never raw
    return f"HTTP {response.status}" + (f" {words}" if words else "")


def _line(e: Exception) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__
