"""The walking skeleton, whole: `hcportal run` on the demo CRM, then the published page in Chromium."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Page, expect

from tests.conftest import built_once

pytestmark = pytest.mark.slow


def run_as_make_publish(work: Path) -> None:
    """Run the real CLI in an empty folder with no configuration, as `make publish` does."""
    env = {k: v for k, v in os.environ.items() if k != "HCPORTAL_CONFIG"}
    proc = subprocess.run(
        [sys.executable, "-m", "hcportal", "run"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    *_, printed, link = proc.stdout.strip().splitlines()
    index = Path(printed)
    assert link == index.absolute().as_uri()  # the output ends with a link to click
    assert index.is_file() and index.name == "index.html"
    assert index.is_relative_to(work / "build" / "public")
    (work / "printed.txt").write_text(str(index))  # what it printed, for the tests, once done


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """The published index.html of one run, shared by every worker (pytest-xdist)."""
    work = built_once(tmp_path_factory, "e2e", run_as_make_publish)
    return Path((work / "printed.txt").read_text())


def test_run_publishes_the_candidates_sorted_by_amount(published):
    build = published.parents[2]  # build/public/current/index.html
    data = build / "data"
    cand = pd.read_csv(data / "candidates.csv")
    assert len(cand) > 10
    assert cand["amount"].is_monotonic_decreasing
    targets = pd.read_csv(data / "targets.csv")
    assert set(targets["status"]) <= {"overdue", "pending", "upcoming"}
    raw = build / "raw" / "latest"
    assert (raw / "manifest.json").is_file()


def _open(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("html[data-ready='1']", state="attached")


def _shown(page: Page) -> int:
    summary = page.locator("[data-grid] .summary").inner_text()
    return int(summary.split(" of ")[0].replace(",", ""))


def _column(page: Page, col: str) -> list[str]:
    """A column's cells in every row (a table draws all its rows before printing)."""
    page.evaluate("dispatchEvent(new Event('beforeprint'))")
    grid = page.locator("[data-grid]")  # the page's data table, not its summary tables
    at = grid.locator("thead th:not([hidden])").evaluate_all(
        f"t => t.findIndex(th => th.dataset.col === '{col}')"
    )
    cells = grid.locator(f"tbody tr:not(.group):not(.spacer) td:nth-child({at + 1})")
    texts = cells.all_inner_texts()
    page.evaluate("dispatchEvent(new Event('afterprint'))")
    return texts


def test_first_page_lists_candidates_and_the_owner_filter_keeps_only_that_owner(
    published, page: Page
):
    _open(page, published.as_uri())
    total = _shown(page)
    assert total > 10
    # Money reads "USD 2,635,000" (the currency code is a site setting): keep the number.
    amounts = [float(re.sub(r"[^0-9.-]", "", a)) for a in _column(page, "amount")]
    assert amounts == sorted(amounts, reverse=True)  # largest first
    first = _column(page, "account")[0]
    owners = page.get_by_label("Owner").locator("option").all_inner_texts()[1:]
    everyone = _column(page, "owner")
    owner = max(owners, key=everyone.count)
    page.get_by_label("Owner").select_option(owner)
    kept = _column(page, "owner")
    assert 0 < len(kept) < total
    assert set(kept) == {owner}
    assert "owner=" in page.url  # the filter is in the URL, so the link can be shared
    page.reload()
    page.wait_for_selector("html[data-ready='1']", state="attached")
    expect(page.get_by_label("Owner")).to_have_value(owner)
    assert _shown(page) == len(kept)
    page.get_by_role("button", name="Clear filters").click()
    assert _shown(page) == total
    assert _column(page, "account")[0] == first


def test_owner_filter_on_the_targets_page(published, page: Page):
    _open(page, published.as_uri())
    page.get_by_role("link", name="Targets", exact=True).click()
    page.wait_for_selector("html[data-ready='1']", state="attached")
    owners = page.get_by_label("Owner").locator("option").all_inner_texts()[1:]
    owner = max(owners, key=_column(page, "owner").count)
    page.get_by_label("Owner").select_option(owner)
    assert set(_column(page, "owner")) == {owner}


def _pairs(page: Page) -> list[tuple[str, str]]:
    return list(zip(_column(page, "owner"), _column(page, "region"), strict=True))


def test_region_filter_combines_with_owner(published, page: Page):
    _open(page, (published.parent / "targets.html").as_uri())
    total = _shown(page)
    everything = _pairs(page)
    # An owner in a region that other owners share: the region alone keeps their rows too,
    # so only the two filters together leave exactly this owner's rows in it.
    shared = [(o, r) for o, r in everything if any(r2 == r and o2 != o for o2, r2 in everything)]
    assert shared, "no region has two owners: the combination cannot be told from either filter"
    owner, region = max(set(shared), key=everything.count)
    page.get_by_label("Owner").select_option(owner)
    page.get_by_label("Region").select_option(region)
    kept = _pairs(page)
    assert kept and set(kept) == {(owner, region)}  # both filters hold on every row, at once
    assert len(kept) == everything.count((owner, region)) == _shown(page)  # and none is lost
    assert len(kept) < sum(r == region for _, r in everything)  # the owner filter dropped rows
    assert "owner=" in page.url and "region=" in page.url
    # Another region, where this owner has nothing: both hold (and), so nothing is left.
    regions = page.get_by_label("Region").locator("option").all_inner_texts()[1:]
    elsewhere = [r for r in regions if r != region and (owner, r) not in everything]
    assert elsewhere, f"{owner} has rows in every region"  # the demo's owners each have one
    page.get_by_label("Region").select_option(elsewhere[0])
    assert _shown(page) == 0 and _column(page, "owner") == []
    expect(page.get_by_label("Owner")).to_have_value(owner)
    page.get_by_role("button", name="Clear filters").click()
    assert _shown(page) == total


def test_a_seller_s_own_page_is_one_link_from_the_owners_page(published, page: Page):
    _open(page, (published.parent / "owners.html").as_uri())
    link = page.locator("tbody tr td:first-child a").first
    name = link.inner_text()
    link.click()
    page.wait_for_selector("html[data-ready='1']", state="attached")
    expect(page.locator("h1")).to_have_text(f"Health-check targets of {name}")
