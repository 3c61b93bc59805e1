"""The walking skeleton, whole: `hcportal run` on the demo CRM, then the published page in Chromium."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """Run the real CLI in an empty folder with no configuration, as `make publish` does."""
    work = tmp_path_factory.mktemp("fresh")
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
    index = Path(proc.stdout.strip().splitlines()[-1])
    assert index.is_file() and index.name == "index.html"
    assert index.is_relative_to(work / "build" / "public")
    return index


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


def test_owner_filter_in_the_browser_keeps_only_that_owner(published, page: Page):
    page.goto(published.as_uri())
    rows = page.locator("#candidates tbody tr")
    total = rows.count()
    assert total > 10
    first = rows.nth(0).locator("td").nth(0).inner_text()  # largest amount first
    owners = page.get_by_label("Owner").locator("option").all_inner_texts()[1:]
    owner = max(owners, key=lambda o: page.locator("#candidates tbody tr", has_text=o).count())
    page.get_by_label("Owner").select_option(owner)
    kept = page.locator("#candidates tbody tr td:nth-child(2)").all_inner_texts()
    assert 0 < len(kept) < total
    assert set(kept) == {owner}
    assert "owner=" in page.url  # the filter is in the URL, so the link can be shared
    page.reload()
    expect(page.get_by_label("Owner")).to_have_value(owner)
    expect(page.locator("#candidates tbody tr")).to_have_count(len(kept))
    page.get_by_role("button", name="Clear filters").click()
    expect(page.locator("#candidates tbody tr")).to_have_count(total)
    assert rows.nth(0).locator("td").nth(0).inner_text() == first


def test_region_filter_combines_with_owner(published, page: Page):
    page.goto(published.as_uri())
    region = page.locator("#candidates tbody tr td:nth-child(4)").first.inner_text()
    page.get_by_label("Region").select_option(region)
    regions = page.locator("#candidates tbody tr td:nth-child(4)").all_inner_texts()
    assert regions and set(regions) == {region}
