"""The journeys page, the X-Ray's journey and the inventory page in Chromium (issue 14).

The demo CRM's data for 300 accounts goes through the real transform (its journey tables are
kept) and the real render; pages are opened from file://. The browser recomputes the scenarios
for any filter: unfiltered, and for a region, its figures must equal the transform's.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from playwright.sync_api import Page, expect

from hcportal import transform
from hcportal.cli import main
from hcportal.transform.journey_settings import JourneySettings
from hcportal.transform.journeys import dropoff
from tests.sitedata import HOSTILE_TIER as HOSTILE
from tests.sitedata import shared_journeys_site

ROOT = Path(__file__).resolve().parent.parent
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__csp.push(e.violatedDirective + " " + e.blockedURI));
"""


# The fast loop keeps the page's figures, a filter, the charts and exports and the inventory page;
# the widths and the X-Ray's journey block run in make test.
REPEATS = pytest.mark.slow


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return shared_journeys_site(tmp_path_factory)


@pytest.fixture(scope="module")
def tables(built) -> transform.Tables:
    return transform.read(built / "data")


@pytest.fixture
def page(page: Page) -> Page:
    page.add_init_script(WATCH)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    yield page
    assert errors == []
    assert page.evaluate("window.__csp") == []


def visit(page: Page, site: Path, path: str, fragment: str = "") -> None:
    page.goto((site / path).as_uri() + (f"#{fragment}" if fragment else ""))
    page.wait_for_selector("html[data-ready='1']", state="attached")


def view(page: Page, name: str) -> pd.DataFrame:
    """A table the page computed (what its grid shows), as a DataFrame."""
    payload = page.evaluate(f"HCP.data[{name!r}] && (() => {{"
                            f"const g = HCP.grids.find((g) => g.section.dataset.dataset === {name!r});"
                            "const t = g.table; const out = {};"
                            "for (const [k, c] of t.columns) out[k] = Array.from({length: t.n}, (_, i) => c.get(i));"
                            "return out; })()")  # fmt: skip
    return pd.DataFrame(payload)


def test_unfiltered_figures_equal_the_transform_s(page, built, tables):
    visit(page, built / "site", "journeys.html")
    drop = view(page, "journey_dropoff_view").set_index("stage")
    want = tables["journey_dropoff"].set_index("stage")
    cols = ["reached", "dropped", "went_silent", "churned", "rank"]
    assert drop.loc[want.index, cols].astype(int).equals(want[cols].astype(int))
    support = view(page, "journey_support_view").set_index(["kind", "pattern"]).sort_index()
    want = tables["journey_before_support"].set_index(["kind", "pattern"]).sort_index()
    assert list(support.index) == list(want.index)
    assert support["followed"].astype(int).tolist() == want["followed"].tolist()
    assert support["lift"].astype(float).round(9).tolist() == want["lift"].round(9).tolist()
    paths = view(page, "journey_paths_view").set_index("path").sort_index()
    want = tables["journey_paths"].set_index("path").sort_index()
    assert (
        paths[["paying_accounts", "rest_accounts"]]
        .astype(int)
        .equals(want[["paying_accounts", "rest_accounts"]].astype(int))
    )
    # The demo's designed-in pattern: the v5 upgrade precedes support cases far above chance.
    stage = tables["journey_before_support"].query("kind == 'stage'").set_index("pattern")
    assert stage.loc["upgrade", "lift"] > 2 and not stage.loc["upgrade", "thin"]


def test_a_filter_recomputes_for_its_accounts_and_is_in_the_url(page, built, tables):
    acc = tables["journey_accounts"]
    region = acc["region"].value_counts().index[0]
    visit(page, built / "site", "journeys.html")
    page.get_by_label("Region").select_option(region)
    mine = acc[acc["region"] == region]
    summary = page.locator("[data-journey-summary]")
    expect(summary).to_contain_text(f"{len(mine):,} of {len(acc):,} accounts")
    want = dropoff(mine, JourneySettings().stage_names, JourneySettings().min_accounts)
    got = view(page, "journey_dropoff_view").set_index("stage")
    want = want.set_index("stage")
    assert got.loc[want.index, "reached"].astype(int).tolist() == want["reached"].tolist()
    assert got.loc[want.index, "dropped"].astype(int).tolist() == want["dropped"].tolist()
    assert "j.region=" in page.url
    # The link restores the view.
    visit(page, built / "site", "journeys.html", page.url.split("#", 1)[1])
    expect(page.get_by_label("Region")).to_have_value(region)
    expect(summary).to_contain_text(f"{len(mine):,} of")


def test_charts_exports_keyboard_and_hostile_options(page, built):
    visit(page, built / "site", "journeys.html")
    assert page.locator("[data-chart] canvas").count() == 4
    expect(page.locator("[data-dropoff-top]")).to_contain_text("most often drop off after: ")
    chart = page.locator('[data-chart="journey-dropoff"] .chart')
    chart.focus()
    page.keyboard.press("ArrowRight")
    details = page.locator('[data-chart="journey-dropoff"] .chart-details')
    expect(details).to_contain_text("accounts reached it")
    with page.expect_download() as png:
        page.locator('[data-chart="journey-paths"] [data-action="png"]').click()
    assert Path(png.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with page.expect_download() as got:
        page.locator('[data-dataset="journey_dropoff_view"] [data-action="csv"]').click()
    text = Path(got.value.path()).read_text("utf-8-sig")
    header = next(csv.reader(io.StringIO(text)))
    assert "Stage" in header and "Dropped off" in header
    # A hostile tier is an option's text, never markup.
    tiers = page.locator('select[data-journey-filter="tier"] option').all_text_contents()
    assert HOSTILE in tiers
    assert page.locator("main img").count() == 0 and page.title() != "1"


@REPEATS
@pytest.mark.parametrize("width", [1366, 390])
def test_no_sideways_scroll(page, built, width, tmp_path):
    page.set_viewport_size({"width": width, "height": 900})
    visit(page, built / "site", "journeys.html")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    wide = page.evaluate("Array.from(document.querySelectorAll('.grid-scroll'))"
                         ".filter((g) => g.scrollWidth > g.clientWidth + 1).length")  # fmt: skip
    assert wide == 0
    page.screenshot(path=str(tmp_path / f"journeys-{width}.png"), full_page=True)


@REPEATS
def test_xray_shows_the_account_s_path_and_what_preceded_its_cases(page, built, tables):
    cases = tables["journey_cases"]
    key = cases["account_key"].astype(str).value_counts().index[0]
    path = tables["journey_accounts"].set_index("account_key").loc[key, "path"]
    visit(page, built / "site", "xray.html", f"account={key}")
    own = page.locator("[data-own-path] li").all_text_contents()
    assert " > ".join(own) == path
    section = page.locator('section[data-state-prefix="j."]')
    expect(section).to_be_visible()
    mine = (cases["account_key"].astype(str) == key).sum()
    expect(section.locator(".summary")).to_contain_text(f"{mine} of {mine}")
    assert page.locator("[data-common-path]").count() == 5


def test_inventory_page(page, tmp_path):
    out = tmp_path / "inv"
    example = ROOT / "docs" / "inventory-example.csv"
    assert (
        CliRunner().invoke(main, ["inventory", "score", str(example), "--out", str(out)]).exit_code
        == 0
    )
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        visit(page, out, "inventory.html")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        wide = page.evaluate("Array.from(document.querySelectorAll('.grid-scroll'))"
                             ".filter((g) => g.scrollWidth > g.clientWidth + 1).length")  # fmt: skip
        assert wide == 0
        page.screenshot(path=str(tmp_path / f"inventory-{width}.png"), full_page=True)
    first = page.locator('[data-dataset="inventory"] tbody tr').first
    expect(first).to_contain_text("CRM (accounts report)")
    chart = page.locator('[data-chart="inventory"] .chart')
    chart.focus()
    page.keyboard.press("ArrowRight")
    expect(page.locator('[data-chart="inventory"] .chart-details')).to_contain_text("impact")
