"""Hostile names in the reports are shown as text on every page: no script from the data ever runs.

Accounts, subjects, owners, regions, products and the engine's efficacy and pipeline rows are
named like markup (`<script>`, `"><img onerror>`, `</script>`); every page of the site, the X-Ray
of every account included, is opened in Chromium. Escaping is the defence; the CSP is the second
line, and a violation report would mean some markup got through the first one.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Page, expect

from hcportal import render, transform
from hcportal.render.settings import SiteSettings
from hcportal.render.shards import slug
from hcportal.transform.settings import TransformSettings
from tests.conftest import CLOCK, TODAY

HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "</script><script>alert(2)</script>",
    "=1+2",
    "@SUM(A1)",
]
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(e.violatedDirective));
"""


def hostile_raw(folder: Path) -> Path:
    folder.mkdir()
    n = len(HOSTILE)
    accounts = pd.DataFrame(
        {"Owner": HOSTILE, "Account": [f"{h} Corp {i}" for i, h in enumerate(HOSTILE)],
         "GEO": HOSTILE, "Region": HOSTILE}
    )  # fmt: skip
    contracts = pd.DataFrame(
        {"Account": accounts["Account"], "Product": HOSTILE, "Start Date": "2026-10-01",
         "End Date": "2027-10-01", "Amount": "$1,000"}
    )  # fmt: skip
    activities = pd.DataFrame(
        {"Name": HOSTILE, "Account": accounts["Account"], "Opportunity": HOSTILE,
         "Subject": [f"Health check {h}" for h in HOSTILE], "Revenue": "",
         "Timestamp": "2026-10-02-10:00", "Attachment": ["N", "Y"] * (n // 2) + ["N"] * (n % 2)}
    )  # fmt: skip
    for name, df in (("accounts", accounts), ("contracts", contracts), ("activities", activities)):
        df.to_csv(folder / f"{name}.csv", index=False)
    return folder


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("hostile")
    tables = transform.run(hostile_raw(tmp / "raw"), TransformSettings(), TODAY, clock=CLOCK)
    tables.frames["efficacy"] = pd.DataFrame(
        {"level": "owner", "name": HOSTILE, "period": HOSTILE, "due": "1", "done_on_time": "1",
         "done_late": "0", "missed": "0", "unattached": "0", "open": "0", "on_time_rate": "1"}
    )  # fmt: skip
    tables.frames["influenced_pipeline"] = pd.DataFrame(
        {"account": [f"{h} Corp {i}" for i, h in enumerate(HOSTILE)], "owner": HOSTILE,
         "check_date": "2026-10-02", "opportunity": HOSTILE, "activity_date": "2026-10-20",
         "revenue": "100"}
    )  # fmt: skip
    return render.render_site(tables, tmp / "site", SiteSettings()).parent


@pytest.fixture
def page(page: Page) -> Page:
    page.add_init_script(WATCH)
    return page


def pages_of(site: Path) -> list[str]:
    keys = transform.clean.account_key(pd.Series([f"{h} Corp {i}" for i, h in enumerate(HOSTILE)]))
    xrays = [f"xray.html#account={k}" for k in keys]
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")) + xrays


@pytest.mark.reliability(
    "account names, subjects and owners written as markup (<script>, onerror, </script>)",
    "shown as text on every page; no script runs, no CSP violation",
)
def test_no_script_from_the_data_runs_on_any_page(site, page: Page):
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    visited = pages_of(site)
    assert len(visited) > 2 * len(HOSTILE)
    for path in visited:
        name, _, fragment = path.partition("#")
        page.goto((site / name).as_uri() + (f"#{fragment}" if fragment else ""))
        page.wait_for_selector("html[data-ready='1']", state="attached")
        page.evaluate("dispatchEvent(new Event('beforeprint'))")  # every row drawn, not a window
        assert page.locator("img").count() == 0, path
        assert page.evaluate("window.__csp") == [], path
        own = page.locator("script").evaluate_all("s => s.map(x => x.getAttribute('src'))")
        assert all(src and not src.startswith(("http", "//")) for src in own), path
    assert dialogs == [] and errors == []


def test_hostile_names_are_shown_as_the_text_they_are(site, page: Page):
    page.goto((site / "targets.html").as_uri() + "#group=0")
    page.wait_for_selector("html[data-ready='1']", state="attached")
    page.evaluate("dispatchEvent(new Event('beforeprint'))")
    cells = page.locator("tbody tr td:nth-child(1)").all_inner_texts()
    assert set(cells) == {f"{h} Corp {i}" for i, h in enumerate(HOSTILE)}
    page.goto((site / f"owners/{slug(HOSTILE[0])}.html").as_uri())
    page.wait_for_selector("html[data-ready='1']", state="attached")
    expect(page.locator("h1")).to_have_text(f"Health-check targets of {HOSTILE[0]}")
    options = page.locator("select[name='product'] option").all_inner_texts()
    assert HOSTILE[0] in options


def test_a_csv_export_defuses_formulas(site, page: Page):
    page.goto((site / "targets.html").as_uri() + "#group=0&sort=account:asc")
    page.wait_for_selector("html[data-ready='1']", state="attached")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download CSV").click()
    records = list(csv.reader(io.StringIO(Path(info.value.path()).read_text("utf-8-sig"))))
    accounts = [r[0] for r in records[1:]]
    assert "'=1+2 Corp 3" in accounts and "'@SUM(A1) Corp 4" in accounts
    assert not any(a[0] in "=+-@" for a in accounts)
