"""The harvester drives a real Chromium through the demo CRM's UI and keeps only good runs."""

from __future__ import annotations

import json

import pytest

from democrm.catalog import REPORTS
from harvest.crm import BrowserOptions, Credentials, CrmTarget, harvest_crm
from harvest.profile import load_profile
from harvest.runs import resolve_run
from harvest.settings import HarvestSettings
from hcportal.errors import HarvestError
from tests.conftest import NOW


def target(crm, password: str | None = None) -> CrmTarget:
    return CrmTarget(
        base_url=crm.url,
        profile=load_profile("democrm"),
        credentials=Credentials(crm.username, password or crm.password),
    )


def test_harvest_downloads_every_report_with_a_manifest(demo_crm, demo_data, tmp_path):
    reports = HarvestSettings().reports
    run_dir, manifest = harvest_crm(target(demo_crm), reports, tmp_path, NOW)
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


def test_wrong_password_fails_clearly_and_keeps_the_last_good_run(demo_crm, tmp_path):
    reports = HarvestSettings().reports
    good, _ = harvest_crm(target(demo_crm), reports, tmp_path, NOW)
    with pytest.raises(HarvestError, match=r"sign-in .* failed: the CRM said: Your login attempt"):
        harvest_crm(
            target(demo_crm, password="wrong-password"), reports, tmp_path, NOW.replace(hour=7)
        )
    assert resolve_run(tmp_path) == good
    assert sorted(p.name for p in tmp_path.iterdir()) == [good.name, "latest"]


def test_export_missing_required_columns_is_rejected(demo_crm, tmp_path):
    reports = {
        "accounts": HarvestSettings()
        .reports["accounts"]
        .model_copy(update={"required_columns": ["Owner", "Segment"]})
    }
    with pytest.raises(
        HarvestError,
        match=r"report 'accounts', step 'validate': the export lacks required column.*Segment",
    ):
        harvest_crm(target(demo_crm), reports, tmp_path, NOW)
    assert not (tmp_path / "latest").exists()


def test_unknown_browser_path_says_what_was_tried(demo_crm, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setattr("harvest.browser._playwright_chromium", lambda p: "/nope/chrome")
    with pytest.raises(
        HarvestError, match=r"no browser found\. Tried: harvest\.browser=/missing/chrome"
    ):
        harvest_crm(
            target(demo_crm),
            HarvestSettings().reports,
            tmp_path,
            NOW,
            BrowserOptions(executable="/missing/chrome"),
        )


def password_absent(folder, password: str) -> bool:
    return all(password.encode() not in p.read_bytes() for p in folder.rglob("*") if p.is_file())
