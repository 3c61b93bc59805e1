"""One test per fault the demo CRM can inject, against the real server in a real Chromium.

Each fault is either recovered (retry with backoff and a fresh context, the other route, footer
stripped, encoding detected) or ends the run with a message naming the report, step and cause,
leaving the last good run as latest.
"""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import timedelta

import pytest

from hcportal.core.errors import HarvestError, NeedsPersonError
from hcportal.democrm.catalog import REPORTS
from hcportal.harvest.runs import resolve_run
from tests.conftest import NOW
from tests.harvesting import FAST, crm_with, harvest, reports

# End to end: real harvests in Chromium against the demo CRM, or the CLI in processes of its own
# (`make test` runs them; `make test-fast`, the edit-test loop, skips them).
pytestmark = pytest.mark.slow


def only(manifest, name="accounts"):
    entry = manifest.report(name)
    assert entry is not None, manifest.failures
    return entry


def rows_of(path):
    return list(csv.reader(io.StringIO(path.read_bytes().decode(), newline="")))


def test_slow_generation_is_waited_for_not_slept_through(demo_data, tmp_path):
    with crm_with(demo_data, ["slow"], slow_seconds=1) as crm:
        _, manifest = harvest(crm, tmp_path)
    entry = only(manifest)
    assert entry.route == "ui" and len(entry.attempts) == 1
    assert entry.seconds >= 1  # the spinner was waited out, in one attempt
    assert entry.rows == len(demo_data["accounts"])


@pytest.mark.reliability(
    "the CRM answers HTTP 500 once",
    "retried in a fresh browser context; the report is harvested",
)
def test_http_500_on_the_first_try_is_retried_in_a_fresh_context(demo_data, tmp_path):
    with crm_with(demo_data, ["http500-once"]) as crm:
        _, manifest = harvest(crm, tmp_path)
    entry = only(manifest)
    first, second = entry.attempts
    assert (first.route, first.ok, first.step) == ("ui", False, "download")
    assert "HTTP 500" in first.error
    assert (second.route, second.number, second.ok) == ("ui", 2, True)
    assert entry.route == "ui" and entry.rows == len(demo_data["accounts"])
    assert not (tmp_path / "failed").exists()  # recovered: no post-mortem kept


def test_session_expiring_mid_run_signs_in_again_once(demo_data, tmp_path):
    specs = reports("accounts", "contracts")
    with crm_with(demo_data, ["session-expires"]) as crm:
        # One at a time, so the second report certainly meets the ended session.
        _, manifest = harvest(crm, tmp_path, specs, browser=replace(FAST, concurrency=1))
        assert crm.crm.sign_ins == 2
    failed = [a for r in manifest.reports for a in r.attempts if not a.ok]
    assert len(failed) == 1 and "sign-in page" in failed[0].error
    assert {r.name for r in manifest.reports} == {"accounts", "contracts"}


def test_renamed_export_button_falls_back_to_the_export_url(demo_data, tmp_path):
    with crm_with(demo_data, ["export-renamed"]) as crm:
        _, manifest = harvest(crm, tmp_path)
    entry = only(manifest)
    ui, url = entry.attempts
    assert (ui.route, ui.ok, ui.step) == ("ui", False, "find the Export control")
    assert "no button 'Export'" in ui.error
    assert (url.route, url.ok) == ("url", True)
    assert entry.route == "url" and "export=1" in entry.source_url


def test_export_moved_into_more_actions_menu_is_found(demo_data, tmp_path):
    with crm_with(demo_data, ["export-in-menu"]) as crm:
        _, manifest = harvest(crm, tmp_path)
    entry = only(manifest)
    assert entry.route == "ui" and len(entry.attempts) == 1


@pytest.mark.reliability(
    "an HTML error page served as the CSV export",
    "rejected after retries on both routes; the last good run stays latest; post-mortem kept",
)
def test_html_error_page_served_as_csv_fails_and_keeps_the_last_good_run(demo_data, tmp_path):
    with crm_with(demo_data) as crm:
        good, _ = harvest(crm, tmp_path)
    with crm_with(demo_data, ["html-as-csv"]) as crm, pytest.raises(HarvestError) as err:
        harvest(crm, tmp_path, now=NOW + timedelta(hours=1))
    message = str(err.value)
    assert "report 'accounts', step 'validate': the download is an HTML page" in message
    assert f"the last good run {good.name} is still latest" in message
    assert resolve_run(tmp_path) == good
    failed = tmp_path / "failed" / "20261123T070000Z"
    assert str(failed) in message
    # Four attempts (two per route), each with its post-mortem; no rejected data kept.
    attempts = sorted(p.name for p in (failed / "postmortem" / "accounts").iterdir())
    assert attempts == ["attempt-ui-1", "attempt-ui-2", "attempt-url-1", "attempt-url-2"]
    assert {p.name for p in (failed / "postmortem/accounts/attempt-ui-1").iterdir()} == {
        "trace.zip",
        "screenshot.png",
        "page.html",
        "download-head.txt",
    }
    assert not list(failed.rglob("*.csv"))


@pytest.mark.reliability(
    "an export cut off inside a quoted field",
    "rejected after retries; no run is made latest",
)
def test_truncated_export_is_rejected_after_retries(demo_data, tmp_path):
    with crm_with(demo_data, ["truncated"]) as crm, pytest.raises(HarvestError) as err:
        harvest(crm, tmp_path)
    assert "report 'accounts', step 'validate': the download is truncated" in str(err.value)
    assert "4 attempt(s) in all" in str(err.value)
    assert not (tmp_path / "latest").exists()


def test_empty_export_fails_unless_zero_rows_are_acceptable(demo_data, tmp_path):
    with crm_with(demo_data, ["empty"]) as crm:
        with pytest.raises(HarvestError, match=r"step 'validate': the export has no data rows"):
            harvest(crm, tmp_path)
        _, manifest = harvest(
            crm, tmp_path, reports("accounts", allow_empty=True), now=NOW + timedelta(hours=1)
        )
    entry = only(manifest)
    assert entry.rows == 0 and len(entry.attempts) == 1  # not retried: the data says zero
    assert rows_of(tmp_path / "latest" / "accounts.csv") == [list(REPORTS["accounts"].columns)]


@pytest.mark.reliability(
    "a report viewer capped at 2,000 rows",
    "the export URL is taken instead; every row harvested",
)
def test_report_capped_at_2000_rows_takes_the_export_url_instead(demo_data, tmp_path):
    with crm_with(demo_data, ["cap2000"]) as crm:
        _, manifest = harvest(crm, tmp_path)
    entry = only(manifest)
    ui, url = entry.attempts
    assert not ui.ok and "exactly 2,000 rows" in ui.error
    assert url.ok and entry.route == "url"
    assert entry.rows == len(demo_data["accounts"]) != 2000


def test_bom_is_detected_and_the_stored_file_is_plain_utf8(demo_data, tmp_path):
    with crm_with(demo_data, ["bom"]) as crm:
        run_dir, manifest = harvest(crm, tmp_path)
    assert only(manifest).encoding == "utf-8-sig"
    data = (run_dir / "accounts.csv").read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8").startswith('"Owner","Account"')


def test_windows_1252_is_detected_and_converted(demo_data, tmp_path):
    with crm_with(demo_data, ["cp1252"]) as crm:
        run_dir, manifest = harvest(crm, tmp_path)
    assert only(manifest).encoding == "cp1252"
    table = rows_of(run_dir / "accounts.csv")
    assert [r[0] for r in table[1:4]] == ["Zoë Müller", "Société Générale", "Ana Peña €"]


def test_footer_without_a_blank_line_is_stripped(demo_data, tmp_path):
    with crm_with(demo_data, ["footer"]) as crm:
        run_dir, manifest = harvest(crm, tmp_path)
    entry = only(manifest)
    assert entry.footer_lines == 5
    table = rows_of(run_dir / "accounts.csv")
    assert len(table) - 1 == entry.rows == len(demo_data["accounts"])
    assert all(len(r) == len(REPORTS["accounts"].columns) for r in table)


def test_totp_prompt_is_answered_with_the_users_secret(demo_data, tmp_path):
    with crm_with(demo_data, ["totp"]) as crm:
        _, manifest = harvest(crm, tmp_path)
        assert crm.crm.code_attempts == 1 and crm.crm.sign_ins == 1
    assert only(manifest).rows == len(demo_data["accounts"])


@pytest.mark.reliability(
    "an MFA prompt and no TOTP secret",
    "exit 3 asking for a person; never retried into a lockout",
)
def test_totp_prompt_without_a_secret_needs_a_person_and_is_not_retried(demo_data, tmp_path):
    with crm_with(demo_data, ["totp"]) as crm:
        with pytest.raises(NeedsPersonError, match=r"needs a person.*verification code") as err:
            harvest(crm, tmp_path, totp=False)
        assert (crm.crm.password_attempts, crm.crm.code_attempts) == (1, 0)
        assert not crm.crm.locked
    assert err.value.exit_code == 3
    assert not (tmp_path / "latest").exists()


def test_lightning_look_is_harvested_with_the_salesforce_profile(demo_data, tmp_path):
    with crm_with(demo_data, ["slow", "totp"], look="lightning", slow_seconds=0.5) as crm:
        _, manifest = harvest(crm, tmp_path, reports("accounts", "contracts"))
    for entry in manifest.reports:
        assert entry.route == "ui" and len(entry.attempts) == 1
        assert "/lightning/r/Report/" in entry.source_url
        assert entry.rows == len(demo_data[entry.name])


def test_lightning_menu_item_renamed_falls_back_to_the_my_domain_export_url(demo_data, tmp_path):
    with crm_with(demo_data, ["export-renamed"], look="lightning") as crm:
        _, manifest = harvest(crm, tmp_path)
    entry = only(manifest)
    assert entry.attempts[0].step == "open the More Actions menu"
    assert entry.route == "url" and entry.source_url.startswith(crm.url)
