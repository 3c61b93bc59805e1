"""All seven reports of the demo CRM, through every way hcportal takes them: the report list and
preview, the direct export URL, the browser's URL route, and a drop folder.

(The Export dialog route for all seven is tests/test_harvest.py's first test.)
"""

from __future__ import annotations

import csv
import io
import os
import re
import urllib.parse
import urllib.request
from datetime import timedelta
from http.cookiejar import CookieJar

import pytest

from hcportal.core.clock import fixed
from hcportal.demo import demo_reports
from hcportal.democrm.catalog import REPORTS
from hcportal.democrm.server import DemoCRM
from hcportal.harvest.crm import RetryPolicy
from hcportal.harvest.folder import harvest_folder
from hcportal.harvest.manifest import read_manifest
from tests.conftest import NOW
from tests.harvesting import harvest

# End to end: real harvests in Chromium against the demo CRM, or the CLI in processes of its own
# (`make test` runs them; `make test-fast`, the edit-test loop, skips them).
pytestmark = pytest.mark.slow


def _signed_in(crm) -> urllib.request.OpenerDirector:
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    form = urllib.parse.urlencode({"username": crm.username, "password": crm.password})
    opener.open(crm.url + "/login", data=form.encode()).read()
    return opener


def _table(text: str) -> list[list[str]]:
    """The data rows of an export (a blank line, then the report footer, follows them)."""
    body = text.split("\r\n\r\n", 1)[0]
    return list(csv.reader(io.StringIO(body, newline="")))


def test_the_report_list_and_each_preview_show_all_seven(demo_crm, demo_data):
    opener = _signed_in(demo_crm)
    listing = opener.open(demo_crm.url + "/reports").read().decode()
    for key, report in REPORTS.items():
        assert report.title in listing and report.report_id in listing
        assert f"{len(demo_data[key]):,}" in listing
        page = opener.open(f"{demo_crm.url}/{report.report_id}").read().decode()
        headers = re.findall(r'<th scope="col">([^<]*)</th>', page)
        assert tuple(h.replace("&amp;", "&") for h in headers) == report.columns
        assert f"Total Records: <strong>{len(demo_data[key]):,}</strong>" in page
        assert 'data-open-dialog="export-dialog"' in page


def test_each_report_downloads_from_its_export_url(demo_crm, demo_data):
    opener = _signed_in(demo_crm)
    for key, report in REPORTS.items():
        url = f"{demo_crm.url}/{report.report_id}?export=1&enc=UTF-8&xf=csv"
        resp = opener.open(url)
        assert resp.headers["Content-Type"].startswith("text/csv")
        rows = _table(resp.read().decode("utf-8"))
        assert tuple(rows[0]) == report.columns, key
        assert rows[1:] == demo_data[key].to_numpy().tolist(), key


def test_the_browser_harvests_all_seven_through_the_url_route(demo_crm, demo_data, tmp_path):
    run_dir, manifest = harvest(
        demo_crm, tmp_path, demo_reports(), retry=RetryPolicy(routes=("url",))
    )
    assert {e.name for e in manifest.reports} == set(REPORTS) and not manifest.failures
    for entry in manifest.reports:
        assert entry.route == "url"
        assert entry.rows == len(demo_data[entry.name])
        assert tuple(entry.columns) == REPORTS[entry.name].columns
        with (run_dir / entry.file).open(newline="", encoding="utf-8") as f:
            assert next(csv.reader(f)) == list(REPORTS[entry.name].columns)


def test_a_drop_folder_of_all_seven_exports_is_taken(demo_data, tmp_path):
    """The other automation saved each report the demo CRM would e-mail (its export bytes)."""
    inbox, raw = tmp_path / "inbox", tmp_path / "raw"
    inbox.mkdir()
    crm = DemoCRM(data=demo_data)
    stamp = (NOW - timedelta(hours=1)).timestamp()
    for key, report in REPORTS.items():
        path = inbox / f"{key}_2026-11-23.csv"
        path.write_bytes(crm.export(report, details_only=True, encoding="UTF-8", route="ui"))
        os.utime(path, (stamp, stamp))
    run_dir, manifest = harvest_folder(inbox, demo_reports(), raw, fixed(NOW))
    assert read_manifest(run_dir) == manifest and not manifest.failures
    assert {e.name: e.rows for e in manifest.reports} == {k: len(v) for k, v in demo_data.items()}
    assert all(e.footer_lines > 0 for e in manifest.reports)


def test_a_drop_folder_without_the_optional_reports_still_delivers_the_rest(demo_data, tmp_path):
    inbox, raw = tmp_path / "inbox", tmp_path / "raw"
    inbox.mkdir()
    crm = DemoCRM(data=demo_data)
    stamp = (NOW - timedelta(hours=1)).timestamp()
    for key in ("activities", "accounts", "contracts"):
        path = inbox / f"{key}.csv"
        path.write_bytes(crm.export(REPORTS[key], details_only=True, encoding="UTF-8", route="ui"))
        os.utime(path, (stamp, stamp))
    run_dir, manifest = harvest_folder(inbox, demo_reports(), raw, fixed(NOW))
    assert {e.name for e in manifest.reports} == {"activities", "accounts", "contracts"}
    assert {f.name for f in manifest.failures} == {"surveys", "tickets", "invoices", "usage"}
    assert not any(f.required for f in manifest.failures)
    assert read_manifest(run_dir) == manifest
