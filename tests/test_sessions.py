"""Saved sessions, credentials and the sign-in rules, through the real demo CRM and the real CLI."""

from __future__ import annotations

import json
import stat
from dataclasses import replace
from typing import ClassVar

import keyring
import pytest
from click.testing import CliRunner
from keyring.backend import KeyringBackend

from hcportal.cli import main
from hcportal.core.errors import HarvestError, NeedsPersonError, SessionExpiredError
from hcportal.demo import demo_reports
from hcportal.harvest import login
from hcportal.harvest.auth import find_credentials, session_file
from hcportal.harvest.runs import resolve_run
from hcportal.harvest.settings import HarvestSettings
from tests.conftest import NOW
from tests.harvesting import FAST, crm_with, harvest, reports

# End to end: real harvests in Chromium against the demo CRM, or the CLI in processes of its own
# (`make test` runs them; `make test-fast`, the edit-test loop, skips them).
pytestmark = pytest.mark.slow

ENV = ("HCPORTAL_CRM_USERNAME", "HCPORTAL_CRM_PASSWORD", "HCPORTAL_CRM_TOTP_SECRET")


@pytest.fixture(autouse=True)
def no_ambient_credentials(monkeypatch):
    for name in ENV:
        monkeypatch.delenv(name, raising=False)


def crm_settings(crm, tmp_path, **extra) -> HarvestSettings:
    return HarvestSettings(
        source="crm",
        base_url=crm.url,
        session_dir=str(tmp_path / ".hcportal"),
        backoff_seconds=0.1,
        control_timeout_seconds=2,
        reports=demo_reports(),
        **extra,
    )


def write_config(tmp_path, crm) -> str:
    path = tmp_path / "hcportal.toml"
    path.write_text(
        f'[paths]\nbuild = "build"\n[harvest]\nsource = "crm"\nbase_url = "{crm.url}"\n'
        "backoff_seconds = 0.1\ncontrol_timeout_seconds = 2\n"
        + "".join(
            f'[harvest.reports.{name}]\nreport_id = "{spec.report_id}"\n'
            for name, spec in demo_reports().items()
        )
    )
    return str(path)


def test_login_saves_an_owner_only_session_that_a_harvest_reuses(demo_data, tmp_path, monkeypatch):
    with crm_with(demo_data, ["totp"]) as crm:
        monkeypatch.setenv("HCPORTAL_CRM_USERNAME", crm.username)
        monkeypatch.setenv("HCPORTAL_CRM_PASSWORD", crm.password)
        monkeypatch.setenv("HCPORTAL_CRM_TOTP_SECRET", crm.totp_secret)
        settings = crm_settings(crm, tmp_path)
        saved = login(settings, session_dir=tmp_path / ".hcportal", headless=True)
        assert saved == session_file(tmp_path / ".hcportal", crm.url)
        assert stat.S_IMODE(saved.stat().st_mode) == 0o600
        assert stat.S_IMODE(saved.parent.stat().st_mode) == 0o700
        cookies = {c["name"]: c["value"] for c in json.loads(saved.read_text())["cookies"]}
        assert cookies["sid"] in crm.crm.sessions
        # Nightly: no credentials at all, only the saved session.
        for name in ENV:
            monkeypatch.delenv(name)
        _, manifest = harvest(
            crm, tmp_path / "raw", reports("accounts"), credentials=False, session_file=saved
        )
        assert crm.crm.sign_ins == 1, "the harvest signed in with the saved session, not anew"
    assert manifest.report("accounts").rows == len(demo_data["accounts"])


def test_expired_session_without_credentials_exits_3_asking_for_login(
    demo_data, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    with crm_with(demo_data) as crm:
        config = write_config(tmp_path, crm)
        env = {"HCPORTAL_CRM_USERNAME": crm.username, "HCPORTAL_CRM_PASSWORD": crm.password}
        result = CliRunner().invoke(main, ["login", "--config", config, "--headless"], env=env)
        assert result.exit_code == 0, result.output
        assert "session saved: " in result.output
        result = CliRunner().invoke(main, ["harvest", "--config", config])
        assert result.exit_code == 0, result.output
        good = resolve_run(tmp_path / "build" / "raw")
        crm.crm.expire_sessions()  # the CRM's session timeout, overnight
        result = CliRunner().invoke(main, ["harvest", "--config", config])
    assert result.exit_code == 3
    assert "hcportal: error: session expired: run `hcportal login`" in result.output
    assert "Traceback" not in result.output
    assert resolve_run(tmp_path / "build" / "raw") == good


def test_session_ending_mid_run_without_credentials_names_report_and_step(demo_data, tmp_path):
    with crm_with(demo_data, ["session-expires"]) as crm:
        saved = tmp_path / "session.json"
        state = {"cookies": [_cookie(crm.crm.new_session())], "origins": []}
        saved.write_text(json.dumps(state))
        with pytest.raises(SessionExpiredError) as err:
            harvest(
                crm,
                tmp_path / "raw",
                reports("accounts", "contracts"),
                credentials=False,
                session_file=saved,
                browser=replace(FAST, concurrency=1),
            )
    message = str(err.value)
    assert message.startswith("session expired: run `hcportal login`")
    assert "during report 'contracts' at step" in message
    assert err.value.exit_code == 3
    assert not (tmp_path / "raw" / "latest").exists()


def test_expired_saved_session_with_credentials_signs_in_and_refreshes_it(demo_data, tmp_path):
    with crm_with(demo_data) as crm:
        saved = tmp_path / "s" / "session.json"
        saved.parent.mkdir()
        saved.write_text(json.dumps({"cookies": [_cookie("stale-session-id")], "origins": []}))
        saved.chmod(0o644)
        harvest(crm, tmp_path / "raw", session_file=saved)
        fresh = {c["name"]: c["value"] for c in json.loads(saved.read_text())["cookies"]}
        assert fresh["sid"] in crm.crm.sessions
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600


def test_rejected_password_is_tried_once_never_into_a_lockout(demo_data, tmp_path):
    with crm_with(demo_data) as crm:
        for hour in (6, 7):  # two nightly runs with the same bad password
            with pytest.raises(NeedsPersonError, match=r"failed: the CRM said: Your login attempt"):
                harvest(crm, tmp_path, password="wrong-password", now=_at(hour))
        assert crm.crm.password_attempts == 2
        assert not crm.crm.locked  # three would lock it


def test_credentials_come_from_the_keyring_when_the_environment_has_none(monkeypatch):
    class Memory(KeyringBackend):
        priority = 1
        store: ClassVar[dict] = {
            ("hcportal", "ana"): "s3cret-from-keyring",
            ("hcportal", "ana:totp"): "JBSWY3DPEHPK3PXP",
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
        creds, why = find_credentials(HarvestSettings(username="ana"), env={})
    finally:
        keyring.set_keyring(previous)
    assert creds is not None and why == ""
    assert (creds.username, creds.password, creds.totp_secret) == (
        "ana",
        "s3cret-from-keyring",
        "JBSWY3DPEHPK3PXP",
    )


def test_without_a_keyring_backend_the_message_says_what_to_set():
    from keyring.backends.fail import Keyring as NoBackend

    previous = keyring.get_keyring()
    keyring.set_keyring(NoBackend())
    try:
        creds, why = find_credentials(HarvestSettings(username="ana"), env={})
    finally:
        keyring.set_keyring(previous)
    assert creds is None
    assert "set HCPORTAL_CRM_PASSWORD or keep the password in the system keyring" in why
    assert "no system keyring backend" in why


def test_headed_login_without_a_display_says_so(demo_data, tmp_path, monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    with crm_with(demo_data) as crm, pytest.raises(HarvestError, match="needs a display"):
        login(crm_settings(crm, tmp_path), session_dir=tmp_path, headless=False)


def _cookie(value: str) -> dict:
    return {
        "name": "sid",
        "value": value,
        "domain": "127.0.0.1",
        "path": "/",
        "expires": -1,
        "httpOnly": True,
        "secure": False,
        "sameSite": "Lax",
    }


def _at(hour: int):
    return NOW.replace(hour=hour)
