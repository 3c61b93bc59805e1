"""The harvester drives a real Chromium through the demo CRM's UI and keeps only good runs."""

from __future__ import annotations

import io
import json
import logging
import os
import signal
import subprocess
import sys
import threading
from dataclasses import replace

import pytest
from click.testing import CliRunner

from hcportal.cli import main
from hcportal.config import Config, load_config
from hcportal.core.clock import fixed
from hcportal.core.errors import ConfigError, HarvestError
from hcportal.demo import demo_reports
from hcportal.democrm.catalog import REPORTS
from hcportal.harvest.crm import BrowserOptions, Credentials, CrmTarget, RetryPolicy, harvest_crm
from hcportal.harvest.profile import load_profile
from hcportal.harvest.progress import LogProgress, RichProgress, for_stream
from hcportal.harvest.runs import resolve_run
from hcportal.harvest.settings import DemoSettings, HarvestSettings
from hcportal.pipeline import harvest_reports
from tests.conftest import NOW, ctrl_c_as_at_a_terminal
from tests.harvesting import FAST, crm_with, harvest, reports


def target(crm, password: str | None = None) -> CrmTarget:
    return CrmTarget(
        base_url=crm.url,
        profile=load_profile("democrm"),
        credentials=Credentials(crm.username, password or crm.password),
    )


def test_harvest_downloads_every_report_with_a_manifest(demo_crm, demo_data, tmp_path):
    reports = demo_reports()
    run_dir, manifest = harvest_crm(target(demo_crm), reports, tmp_path, fixed(NOW))
    assert resolve_run(tmp_path) == run_dir
    on_disk = json.loads((run_dir / "manifest.json").read_text())
    assert {r["name"] for r in on_disk["reports"]} == set(REPORTS)
    for entry in manifest.reports:
        assert entry.rows == len(demo_data[entry.name])
        assert tuple(entry.columns) == REPORTS[entry.name].columns
        assert (run_dir / entry.file).stat().st_size == entry.bytes
        assert len(entry.sha256) == 64
        assert entry.route == "ui"
        assert entry.source_url.startswith(demo_crm.url)
        assert entry.started <= entry.finished
    assert password_absent(run_dir, demo_crm.password)


@pytest.mark.reliability(
    "a wrong CRM password",
    "one clear failure; the last good run stays latest",
)
@pytest.mark.slow  # a real harvest in Chromium (the first test is the fast loop's harvest)
def test_wrong_password_fails_clearly_and_keeps_the_last_good_run(demo_crm, tmp_path):
    reports = {"accounts": demo_reports()["accounts"]}  # one report makes a last good run
    good, _ = harvest_crm(target(demo_crm), reports, tmp_path, fixed(NOW))
    with pytest.raises(HarvestError, match=r"sign-in .* failed: the CRM said: Your login attempt"):
        harvest_crm(
            target(demo_crm, password="wrong-password"),
            reports,
            tmp_path,
            fixed(NOW.replace(hour=7)),
        )
    assert resolve_run(tmp_path) == good
    assert sorted(p.name for p in tmp_path.iterdir()) == [good.name, "latest"]


@pytest.mark.slow  # a real harvest in Chromium (the first test is the fast loop's harvest)
def test_export_missing_required_columns_is_rejected(demo_crm, tmp_path):
    reports = {
        "accounts": demo_reports()["accounts"].model_copy(
            update={"required_columns": ["Owner", "Segment"]}
        )
    }
    with pytest.raises(
        HarvestError,
        match=r"report 'accounts', step 'validate': the export lacks required column.*Segment",
    ):
        harvest_crm(target(demo_crm), reports, tmp_path, fixed(NOW))
    assert not (tmp_path / "latest").exists()


def test_unknown_browser_path_says_what_was_tried(demo_crm, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setattr("hcportal.harvest.browser._playwright_chromium", lambda p: "/nope/chrome")
    with pytest.raises(
        HarvestError, match=r"no browser found\. Tried: harvest\.browser=/missing/chrome"
    ):
        harvest_crm(
            target(demo_crm),
            demo_reports(),
            tmp_path,
            fixed(NOW),
            BrowserOptions(executable="/missing/chrome"),
        )


def password_absent(folder, password: str) -> bool:
    return all(password.encode() not in p.read_bytes() for p in folder.rglob("*") if p.is_file())


@pytest.mark.slow  # a real harvest in Chromium (the first test is the fast loop's harvest)
def test_reports_download_concurrently_up_to_the_limit(demo_data, tmp_path):
    """The demo CRM counts reports generating at once: the harvest really overlaps them, and
    never more than the limit."""
    three = reports("activities", "accounts", "contracts")  # enough to overlap; each one is slow
    with crm_with(demo_data, ["slow"], slow_seconds=1.5) as crm:
        _, manifest = harvest(crm, tmp_path, three, browser=replace(FAST, concurrency=2))
        assert crm.crm.peak_generating == 2
    assert len(manifest.reports) == 3


@pytest.mark.slow  # a real harvest in Chromium (the first test is the fast loop's harvest)
def test_progress_is_plain_log_lines_off_a_terminal(demo_crm, tmp_path, caplog):
    caplog.set_level(logging.INFO)
    assert isinstance(for_stream(io.StringIO()), LogProgress)
    harvest(demo_crm, tmp_path)
    assert f"report accounts: {len(demo_crm.crm.data['accounts']):,} rows via ui" in caplog.text


def test_progress_is_a_live_display_on_a_terminal():
    master, slave = os.openpty()
    chunks: list[bytes] = []

    def drain() -> None:  # read as it is written: a full pty would block the display
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the terminal side is closed and everything was read
                return
            if not chunk:
                return
            chunks.append(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    with os.fdopen(slave, "w") as tty:
        progress = for_stream(tty)
        assert isinstance(progress, RichProgress)
        progress.update("accounts", "ui route, attempt 1/3: download [x]")
        progress.done("accounts", True, "120 rows via ui")
        progress.close()
    reader.join(timeout=10)
    os.close(master)
    shown = b"".join(chunks).decode("utf-8", "replace")
    assert "accounts" in shown and "120 rows via ui" in shown, shown


@pytest.mark.slow  # end to end: the pipeline starts the demo CRM from the config and harvests it
def test_demo_faults_and_look_come_from_the_config(tmp_path):
    settings = HarvestSettings(
        demo=DemoSettings(accounts=40, look="lightning", faults=["http500-once:accounts"]),
        backoff_seconds=0.1,
    )
    _, manifest = harvest_reports(Config(harvest=settings), fixed(NOW), out=tmp_path)
    assert manifest.source == "demo"
    assert len(manifest.report("accounts").attempts) == 2
    assert len(manifest.report("contracts").attempts) == 1
    assert all("/lightning/r/Report/" in r.source_url for r in manifest.reports)
    # With no reports named, the run harvests every report the demo CRM holds.
    assert {r.name for r in manifest.reports} == set(REPORTS)


def test_unknown_fault_is_a_configuration_error(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text('[harvest.demo]\nfaults = ["slow", "gremlins"]\n')
    with pytest.raises(ConfigError, match=r"harvest.demo.faults: .*unknown fault 'gremlins'"):
        load_config(cfg)
    result = CliRunner().invoke(main, ["demo-crm", "--faults", "slow,gremlins"])
    assert result.exit_code == 2 and "unknown fault 'gremlins'" in result.output


@pytest.mark.slow  # a real harvest in Chromium (the first test is the fast loop's harvest)
def test_routes_are_tried_in_the_configured_order(demo_crm, tmp_path):
    _, manifest = harvest(demo_crm, tmp_path, retry=RetryPolicy(routes=("url", "ui")))
    entry = manifest.report("accounts")
    assert entry.route == "url" and [a.route for a in entry.attempts] == ["url"]


@pytest.mark.slow  # end to end: the real CLI in a process of its own, interrupted
@pytest.mark.reliability(
    "Ctrl-C during a harvest",
    "the browser stops and no half run is left",
)
def test_ctrl_c_stops_the_browser_and_leaves_no_half_run(tmp_path):
    config = tmp_path / "c.toml"
    config.write_text('[harvest.demo]\naccounts = 30\nfaults = ["slow"]\nslow_seconds = 60\n')
    proc = subprocess.Popen(
        [sys.executable, "-m", "hcportal", "harvest", "--config", str(config), "--out", "raw"],
        cwd=tmp_path,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=ctrl_c_as_at_a_terminal,
    )
    try:
        for line in proc.stderr:  # wait until the reports are being generated
            if "ui route, attempt 1/3" in line:
                break
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()  # never leave a harvest and its browser behind, whatever failed
    assert proc.returncode == 130, err
    assert "hcportal: error: interrupted" in err and "Traceback" not in err
    assert [p.name for p in (tmp_path / "raw").iterdir()] == []
