"""`hcportal harvest --check`: every locator of a profile walked against the live demo CRM, for
each report and route, with what the page had instead, and nothing downloaded."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from hcportal.cli import main
from hcportal.harvest.check import AMBIGUOUS, FAILED, FOUND, NOT_FOUND, OK, check_crm, table
from hcportal.harvest.profile import BUNDLED
from hcportal.harvest.worker import run_in_worker
from tests.harvesting import FAST, crm_with, profile_with, reports, target

# End to end: real harvests in Chromium against the demo CRM, or the CLI in processes of its own
# (`make test` runs them; `make test-fast`, the edit-test loop, skips them).
pytestmark = pytest.mark.slow


def check(crm, tmp_path: Path, routes=("ui", "url"), **target_kw):
    job = check_crm(
        target(crm, **target_kw), reports("accounts"), list(routes), FAST, tmp_path / "shots"
    )
    return run_in_worker(job, "check")


def rows(result, **match):
    return [r for r in result.rows if all(getattr(r, k) == v for k, v in match.items())]


def test_the_shipped_profile_passes_on_lightning_and_nothing_is_downloaded(demo_data, tmp_path):
    quirks = ["no-record-count", "details-no-footer"]
    with crm_with(demo_data, quirks, look="lightning") as crm:
        result = check(crm, tmp_path, routes=("ui", "url", "api"))
        assert crm.crm.exports_served == 0 and crm.crm.api_exports == 0
    assert result.ok, table(result)
    steps = [r.step for r in rows(result, report="accounts", route="ui")]
    for step in ("report frame", "report ready", "More Actions menu", "Export menu item",
                 "export dialog", "Details Only", "format", "format option",
                 "dialog's Export button"):  # fmt: skip
        assert step in steps, steps
    (ready,) = rows(result, step="report ready")
    assert ready.result == OK and ready.detail.startswith("ready by ")
    # The record count this org does not show is reported, but stops nothing.
    (count,) = [r for r in rows(result, step="readiness signal") if "Total Records" in r.locator]
    assert (count.result, count.problem) == (NOT_FOUND, False)
    assert "in frame 'Report Viewer'" in count.locator
    assert [r.result for r in rows(result, route="url")] == [OK]
    assert [r.result for r in rows(result, route="api")] == [OK, OK]  # token, export headers
    text = table(result)
    assert "Profile check: Salesforce Lightning (modelled)" in text
    assert "0 would stop the harvest" in text


def test_a_profile_for_another_crm_shows_what_the_page_has_instead(demo_data, tmp_path):
    """The classic profile on the Lightning look: the sign-in button is named otherwise."""
    with crm_with(demo_data, look="lightning") as crm:
        result = check(crm, tmp_path, profile="democrm")
    assert not result.ok
    (button,) = rows(result, step="sign-in button")
    assert (button.result, button.problem) == (NOT_FOUND, True)
    assert "saw: button 'Log In'" in button.detail
    assert button.screenshot and Path(button.screenshot).is_file()
    assert Path(button.screenshot).is_relative_to(tmp_path / "shots")
    (signed,) = rows(result, step="sign in")
    assert signed.result == FAILED and "button 'Sign in'" in signed.detail
    assert {r.result for r in rows(result, report="accounts")} == {"skipped"}


def test_a_report_in_an_iframe_the_profile_does_not_name_is_pointed_out(demo_data, tmp_path):
    profile = profile_with("salesforce", frame=None)
    with crm_with(demo_data, look="lightning") as crm:
        result = check(crm, tmp_path, profile=profile)
    (menu,) = rows(result, step="More Actions menu")
    assert menu.result == NOT_FOUND and menu.problem
    assert "iframe(s) ('Report Viewer'): set report.frame" in menu.detail
    (button,) = rows(result, step="Export button")
    assert button.problem  # neither the button nor the menu: no way to Export


def test_an_ambiguous_locator_lists_its_matches(demo_data, tmp_path):
    profile = profile_with("democrm", details_only={"role": "radio"})
    with crm_with(demo_data) as crm:
        result = check(crm, tmp_path, routes=("ui",), profile=profile)
    (details,) = rows(result, step="Details Only")
    assert details.result == AMBIGUOUS and details.problem
    assert "2 matches, the first is used: 'Formatted Report', 'Details Only'" in details.detail
    assert details.screenshot
    assert [r.result for r in rows(result, step="format")] == [FOUND]


def test_the_cli_prints_the_table_and_exits_1_when_a_step_would_stop_the_harvest(tmp_path):
    text = (BUNDLED / "salesforce.toml").read_text()
    (tmp_path / "my-org.toml").write_text(
        text.replace('name = "Export" }', 'name = "Export Report" }')
    )
    (tmp_path / "c.toml").write_text(
        '[paths]\nbuild = "build"\n[harvest]\nprofile = "my-org.toml"\nroutes = ["ui"]\n'
        "control_timeout_seconds = 3\n"
        '[harvest.demo]\naccounts = 20\nlook = "lightning"\n'
        '[harvest.reports.accounts]\nreport_id = "00ODEMO0000ACCTS"\n'
    )
    result = CliRunner().invoke(main, ["harvest", "--check", "--config", str(tmp_path / "c.toml")])
    assert result.exit_code == 1, result.output
    assert "Export menu item" in result.output
    assert "not found !" in result.output and "saw: menuitem 'Export'" in result.output
    assert "would stop the harvest" in result.output and "Traceback" not in result.output
    shots = list((tmp_path / "build" / "check").rglob("*.png"))
    assert shots and any("export-menu-item" in p.name for p in shots)
    assert not (tmp_path / "build" / "raw").exists()  # nothing harvested


def test_check_downloads_nothing_so_takes_no_out_folder(tmp_path):
    result = CliRunner().invoke(main, ["harvest", "--check", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "--check downloads nothing" in result.output
