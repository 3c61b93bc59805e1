"""Post-mortems keep what a person needs and never a secret: the issue's grep of every artifact."""

from __future__ import annotations

import json
import logging
import urllib.parse
import urllib.request
import zipfile
from http.cookiejar import CookieJar

import pytest

from hcportal.core.errors import HarvestError
from hcportal.core.logs import MASK
from hcportal.harvest.postmortem import Secrets, iter_secret_hits, scrub_file
from tests.harvesting import crm_with, harvest, reports

# End to end: real harvests in Chromium against the demo CRM, or the CLI in processes of its own
# (`make test` runs them; `make test-fast`, the edit-test loop, skips them).
pytestmark = pytest.mark.slow


def sign_in(crm) -> str:
    """A real session id from the demo CRM, signed in over HTTP."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = urllib.parse.urlencode({"username": crm.username, "password": crm.password})
    opener.open(crm.url + "/login", data=form.encode()).read()
    return next(c.value for c in jar if c.name == "sid")


def test_a_raw_playwright_trace_leaks_and_the_scrubbed_one_does_not(demo_data, browser, tmp_path):
    """Why the scrubbing exists: Playwright's own trace holds the typed password and the cookie."""
    with crm_with(demo_data) as crm:
        sid = sign_in(crm)
        context = browser.new_context()
        context.add_cookies([{"name": "sid", "value": sid, "url": crm.url}])
        context.tracing.start(screenshots=True, snapshots=True)
        page = context.new_page()
        page.goto(crm.url + "/reports")
        page.goto(crm.url + "/logout")
        page.get_by_label("Password").fill(crm.password)
        trace = tmp_path / "trace.zip"
        context.tracing.stop(path=trace)
        context.close()
    assert set(iter_secret_hits(tmp_path, [crm.password])), "the fill is recorded"
    assert set(iter_secret_hits(tmp_path, [sid])), "the cookie header is recorded"
    secrets = Secrets()
    secrets.add(crm.password, sid)
    scrub_file(trace, secrets)
    assert iter_secret_hits(tmp_path, [crm.password, sid]) == []
    with zipfile.ZipFile(trace) as z:  # still a trace a viewer can open, secrets masked
        assert "trace.trace" in z.namelist()
        assert any(MASK.encode() in z.read(n) for n in z.namelist())


def test_no_artifact_of_a_failed_run_holds_the_password_cookie_or_totp(demo_data, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    with crm_with(demo_data, ["totp", "html-as-csv"]) as crm:
        with pytest.raises(HarvestError) as err:
            harvest(crm, tmp_path, reports("accounts", "contracts"))
        cookies = list(crm.crm.sessions)
        secrets = [crm.password, crm.totp_secret, *cookies]
    assert cookies, "the run had a session"
    (failed,) = (tmp_path / "failed").iterdir()
    traces = sorted(failed.rglob("trace.zip"))
    assert len(traces) == 8  # 2 reports x 2 routes x 2 attempts
    assert len(list(failed.rglob("screenshot.png"))) == len(list(failed.rglob("page.html"))) == 4
    heads = list(failed.rglob("download-head.txt"))
    assert len(heads) == 8 and all(h.read_bytes().startswith(b"<!doctype html>") for h in heads)
    assert iter_secret_hits(tmp_path, secrets) == []  # every file, every trace member
    # The traces did carry the cookie: it was masked, not absent by luck.
    with zipfile.ZipFile(traces[0]) as z:
        network = z.read("trace.network")
        # Masking kept the trace readable: every event is still a JSON line.
        for member in ("trace.trace", "trace.network"):
            for line in z.read(member).splitlines():
                json.loads(line)
    assert f"sid={MASK}".encode() in network
    manifest = json.loads((failed / "manifest.json").read_text())
    assert manifest["status"] == "failed" and len(manifest["failures"]) == 2
    for text in (str(err.value), caplog.text, json.dumps(manifest)):
        assert not any(s in text for s in secrets)


def test_a_post_mortem_shows_where_it_was_every_frame_and_the_named_attempt(demo_data, tmp_path):
    """Lightning's report viewer is an iframe: page.html holds its HTML too, and the trace hint
    points at the attempt the error names (the last), not at whichever trace is largest."""
    from hcportal.harvest.crm import RetryPolicy

    faults = ["export-renamed", "html-as-csv"]
    with crm_with(demo_data, faults, look="lightning") as crm, pytest.raises(HarvestError) as err:
        harvest(crm, tmp_path, retry=RetryPolicy(attempts=2, backoff_seconds=0.1))
    (failed,) = (tmp_path / "failed").iterdir()
    message = str(err.value)
    # ui: the renamed menu item (route given up at once); url: two HTML pages.
    assert "(route url, attempt 2; 3 attempt(s) in all)" in message
    named = failed / "postmortem/accounts/attempt-url-2/trace.zip"
    assert f"playwright show-trace {named}" in message
    assert named.is_file()
    manifest = json.loads((failed / "manifest.json").read_text())
    assert manifest["failures"][0]["trace"] == "postmortem/accounts/attempt-url-2/trace.zip"
    ui = manifest["failures"][0]["attempts"][0]
    assert "menuitem 'Export' in the menu in frame 'Report Viewer'" in ui["error"]
    page = (failed / "postmortem/accounts/attempt-ui-1/page.html").read_text()
    assert "frame 1: title='Report Viewer'" in page
    assert page.index("<iframe") < page.index("frame 1:") < page.index("Download</li>")


def test_a_run_stopped_by_its_session_keeps_a_manifest_beside_its_post_mortem(demo_data, tmp_path):
    """The session ends mid-run and nobody can sign in again: the failed run folder has the
    attempt's post-mortem and a manifest saying what stopped the run."""
    from dataclasses import replace

    from hcportal.core.errors import SessionExpiredError
    from tests.harvesting import FAST

    with crm_with(demo_data, ["session-expires"]) as crm:
        saved = tmp_path / "session.json"
        saved.write_text(json.dumps({"cookies": [_sid_cookie(sign_in(crm))], "origins": []}))
        with pytest.raises(SessionExpiredError):
            harvest(
                crm,
                tmp_path / "raw",
                reports("accounts", "contracts"),
                credentials=False,
                session_file=saved,
                browser=replace(FAST, concurrency=1),
            )
    (failed,) = (tmp_path / "raw" / "failed").iterdir()
    assert (failed / "postmortem").is_dir()
    manifest = json.loads((failed / "manifest.json").read_text())
    assert manifest["status"] == "failed"
    assert {f["name"] for f in manifest["failures"]} == {"accounts", "contracts"}
    assert all(f["error"].startswith("session expired") for f in manifest["failures"])


def _sid_cookie(value: str) -> dict:
    return {"name": "sid", "value": value, "domain": "127.0.0.1", "path": "/", "expires": -1,
            "httpOnly": True, "secure": False, "sameSite": "Lax"}  # fmt: skip
