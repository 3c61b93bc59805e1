"""The API route: the demo CRM's OAuth-like token endpoint and export, no browser needed.

Same validation and manifest as the browser routes; a token that expires is renewed once, then
the route fails clearly; an API that refuses hands over to the browser routes at once.
"""

from __future__ import annotations

import json
import logging
import urllib.parse
import urllib.request
from dataclasses import replace
from typing import ClassVar

import keyring
import pytest
from keyring.backend import KeyringBackend

from hcportal.config import Config, load_config
from hcportal.core.clock import fixed
from hcportal.core.errors import ConfigError, HarvestError, NeedsPersonError
from hcportal.harvest.api import ApiAccess
from hcportal.harvest.auth import find_api_access
from hcportal.harvest.crm import RetryPolicy, harvest_crm
from hcportal.harvest.postmortem import iter_secret_hits
from hcportal.harvest.settings import DemoSettings, HarvestSettings
from hcportal.pipeline import harvest_reports
from tests.conftest import NOW
from tests.harvesting import FAST, crm_with, reports, target

# End to end: real harvests in Chromium against the demo CRM, or the CLI in processes of its own
# (`make test` runs them; `make test-fast`, the edit-test loop, skips them).
pytestmark = pytest.mark.slow

API_FIRST = RetryPolicy(routes=("api", "ui", "url"), attempts=2, backoff_seconds=0.1)
API_ONLY = RetryPolicy(routes=("api",), attempts=2, backoff_seconds=0.1)
NO_BROWSER = replace(FAST, executable="/no/such/browser")


@pytest.fixture
def no_browser_anywhere(monkeypatch):
    """Any attempt to start a browser fails: what the API route delivers, it delivers alone."""
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.delenv("HCPORTAL_BROWSER", raising=False)
    monkeypatch.setattr("hcportal.harvest.browser._playwright_chromium", lambda p: "/nope")


def run(crm, out, policy=API_FIRST, browser=FAST, specs=None, **kw):
    specs = specs or reports("accounts", "contracts")
    return harvest_crm(target(crm, **kw), specs, out, fixed(NOW), browser, policy)


@pytest.mark.parametrize("look", ["classic", "lightning"])  # bearer token / Salesforce's sid cookie
def test_the_api_delivers_every_report_without_a_browser(
    demo_data, tmp_path, no_browser_anywhere, look
):
    with crm_with(demo_data, look=look) as crm:
        run_dir, manifest = run(crm, tmp_path, browser=NO_BROWSER)
        assert crm.crm.sign_ins == 0 and crm.crm.tokens_issued == 1
        assert crm.crm.api_exports == 2
    for entry in manifest.reports:
        assert (entry.route, len(entry.attempts)) == ("api", 1)
        assert entry.rows == len(demo_data[entry.name])
        assert entry.footer_lines == 5  # validated and cleaned like any download
        assert entry.source_url.startswith(crm.url) and "export=1" in entry.source_url
        assert (run_dir / entry.file).stat().st_size == entry.bytes


def test_an_expired_token_is_renewed_once_for_every_report(demo_data, tmp_path):
    with crm_with(demo_data, ["api-token-expires"]) as crm:
        _, manifest = run(crm, tmp_path, policy=API_ONLY, browser=replace(FAST, concurrency=1))
        assert crm.crm.tokens_issued == 2  # the first, and one refresh
    assert [(e.route, len(e.attempts)) for e in manifest.reports] == [("api", 1), ("api", 1)]


def test_a_token_refused_again_after_renewal_fails_clearly_without_looping(
    demo_data, tmp_path, caplog
):
    caplog.set_level(logging.DEBUG)
    with crm_with(demo_data, ["api-token-rejected"]) as crm:
        with pytest.raises(HarvestError) as err:
            run(crm, tmp_path, policy=API_ONLY)
        assert crm.crm.tokens_issued == 2  # renewed once, not per attempt or per report
        tokens = list(crm.crm.api_tokens) + list(crm.crm.refresh_tokens)
    message = str(err.value)
    assert "step 'request the API export'" in message
    assert (
        "refused the API token as expired or invalid again, right after it was renewed" in message
    )
    assert "1 attempt(s) in all" in message  # the route gave up: not retried
    assert iter_secret_hits(tmp_path, [crm.password, *tokens]) == []
    assert not any(t in caplog.text or t in message for t in tokens)


def test_a_token_refused_after_renewal_falls_back_to_the_browser(demo_data, tmp_path):
    with crm_with(demo_data, ["api-token-rejected"]) as crm:
        _, manifest = run(crm, tmp_path)
    for entry in manifest.reports:
        api, ui = entry.attempts
        assert (api.route, api.ok, ui.route, ui.ok) == ("api", False, "ui", True)


@pytest.mark.parametrize("look", ["classic", "lightning"])
def test_an_api_that_refuses_hands_over_to_the_browser_routes_at_once(demo_data, tmp_path, look):
    with crm_with(demo_data, ["api-refused"], look=look) as crm:
        _, manifest = run(crm, tmp_path)
        assert crm.crm.api_exports == 0 and crm.crm.sign_ins == 1
    for entry in manifest.reports:
        api, ui = entry.attempts
        assert (api.route, api.ok) == ("api", False)
        assert "HTTP 403 API_DISABLED_FOR_ORG: API is not enabled" in api.error
        assert (ui.route, ui.ok, entry.route) == ("ui", True, "ui")


def test_a_token_from_the_environment_is_used_and_its_expiry_is_said_plainly(demo_data, tmp_path):
    with crm_with(demo_data, look="lightning") as crm:
        token = _token(crm)
        access = ApiAccess(token=token, token_source="$HCPORTAL_CRM_API_TOKEN")
        _, manifest = run(crm, tmp_path / "a", policy=API_ONLY, credentials=False, api=access)
        assert crm.crm.sign_ins == 0 and crm.crm.tokens_issued == 1
        assert {e.route for e in manifest.reports} == {"api"}
        crm.crm.expire_token(token)  # the org's session timeout, overnight
        with pytest.raises(HarvestError) as err:
            run(crm, tmp_path / "b", policy=API_ONLY, credentials=False, api=access)
    assert (
        "the API token from $HCPORTAL_CRM_API_TOKEN has expired, and there is no refresh token"
        in str(err.value)
    )


def test_a_password_the_api_rejects_is_not_typed_into_the_browser_as_well(demo_data, tmp_path):
    with crm_with(demo_data) as crm:
        with pytest.raises(NeedsPersonError) as err:
            run(crm, tmp_path, password="wrong-password")
        assert crm.crm.password_attempts == 1  # the token endpoint's only
    message = str(err.value)
    assert "the CRM's API rejected this username and password" in message
    assert "invalid_grant" in message and "not typed in again" in message


def test_an_optional_report_the_api_refuses_is_left_out_and_the_run_goes_on(
    demo_data, tmp_path, no_browser_anywhere
):
    specs = {**reports("accounts"), **reports("contracts", required=False)}
    with crm_with(demo_data, ["api-refused:contracts"]) as crm:
        run_dir, manifest = run(crm, tmp_path, policy=API_ONLY, specs=specs, browser=NO_BROWSER)
    assert manifest.status == "ok" and [e.name for e in manifest.reports] == ["accounts"]
    (failure,) = manifest.failures
    assert (failure.name, failure.required, failure.step) == (
        "contracts",
        False,
        "request the API export",
    )
    assert "API_DISABLED_FOR_ORG" in failure.error
    assert (tmp_path / "latest").resolve() == run_dir


def test_the_api_route_is_chosen_by_config_for_the_demo(tmp_path, no_browser_anywhere):
    settings = HarvestSettings(routes=["api"], demo=DemoSettings(accounts=30))
    _, manifest = harvest_reports(Config(harvest=settings), fixed(NOW), out=tmp_path)
    assert {e.route for e in manifest.reports} == {"api"}
    assert len(manifest.reports) >= 3


def test_an_api_route_needs_an_api_section_in_the_profile(tmp_path):
    from hcportal.harvest import crm_target
    from hcportal.harvest.profile import BUNDLED

    text = (BUNDLED / "democrm.toml").read_text()
    (tmp_path / "noapi.toml").write_text(text[: text.index("# The API route")])
    cfg = tmp_path / "c.toml"
    cfg.write_text(f'[harvest]\nroutes = ["api", "ui"]\nprofile = "{tmp_path / "noapi.toml"}"\n')
    with pytest.raises(ConfigError, match=r'routes lists "api", but .* has no \[api\] section'):
        crm_target(load_config(cfg).harvest)


def test_api_token_and_client_secret_come_from_the_environment_else_the_keyring():
    settings = HarvestSettings(username="ana", api={"client_id": "hcportal-app"})
    env = {"HCPORTAL_CRM_API_TOKEN": "tok-from-env", "HCPORTAL_CRM_CLIENT_SECRET": "s-env"}
    access = find_api_access(settings, env=env)
    assert (access.token, access.client_secret, access.client_id) == (
        "tok-from-env",
        "s-env",
        "hcportal-app",
    )
    assert access.token_source == "$HCPORTAL_CRM_API_TOKEN"

    class Memory(KeyringBackend):
        priority = 1
        store: ClassVar[dict] = {
            ("hcportal", "ana:api-token"): "tok-from-keyring",
            ("hcportal", "ana:client-secret"): "s-keyring",
        }

        def get_password(self, service, username):
            return self.store.get((service, username))

        def set_password(self, service, username, password):
            self.store[(service, username)] = password

        def delete_password(self, service, username):
            self.store.pop((service, username), None)

    previous = keyring.get_keyring()
    keyring.set_keyring(Memory())
    try:
        access = find_api_access(settings, env={})
    finally:
        keyring.set_keyring(previous)
    assert (access.token, access.client_secret) == ("tok-from-keyring", "s-keyring")
    assert "ana:api-token" in access.token_source
    assert "tok-from" not in repr(access) and "s-keyring" not in repr(access)


def _token(crm) -> str:
    """A token from the demo's token endpoint, as `sf org display` or a script would get one."""
    form = {"grant_type": "password", "username": crm.username, "password": crm.password}
    data = urllib.parse.urlencode(form).encode()
    with urllib.request.urlopen(crm.url + "/services/oauth2/token", data=data) as r:
        return json.loads(r.read())["access_token"]
