"""The X-Ray's timeline is the transform's events, in Chromium: every report's dated records of
the account, each naming its report and line, filterable by report and type; the health-check
windows drawn along the account's time; the ids each report knows the account by in its header."""

from __future__ import annotations

import collections
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from hcportal import democrm, render, transform
from hcportal.render.settings import SiteSettings
from hcportal.transform.settings import TransformSettings
from tests.conftest import CLOCK, TODAY
from tests.test_site_browser import WATCH, rows, visit

TIMELINE = "section[data-state-prefix='t.']"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, transform.Tables]:
    work = tmp_path_factory.mktemp("xray")
    raw = work / "raw"
    raw.mkdir()
    for name, df in democrm.generate(accounts=40, seed=7, today=TODAY).items():
        df.to_csv(raw / f"{name}.csv", index=False)
    tables = transform.run(raw, TransformSettings(), TODAY, clock=CLOCK)
    return render.render_site(tables, work / "site", SiteSettings()).parent, tables


@pytest.fixture
def page(page: Page) -> Page:
    page.add_init_script(WATCH)
    return page


def busiest(tables: transform.Tables) -> str:
    """The known account with the most tickets (so every source shows)."""
    known = set(tables["accounts"]["account_key"].astype(str))
    counts = collections.Counter(
        k for k in tables["tickets"]["account_key"].astype(str) if k in known
    )
    return counts.most_common(1)[0][0]


def test_the_timeline_is_the_account_s_events_with_report_and_line(built, page):
    site, tables = built
    key = busiest(tables)
    ev = tables["events"][tables["events"]["account_key"].astype(str) == key]
    visit(page, site, "xray.html", "account=" + key.replace(" ", "%20"))
    shown = rows(page, TIMELINE)
    assert len(shown) == len(ev)
    assert collections.Counter((r["source"], int(r["line"])) for r in shown) == collections.Counter(
        zip(ev["source"].astype(str), ev["line"], strict=True)
    )
    assert {r["event"] for r in shown} >= {"ticket opened", "invoice issued", "usage"}

    page.select_option(f"{TIMELINE} select[name='source']", "tickets")
    tickets = rows(page, TIMELINE)
    assert {r["source"] for r in tickets} == {"tickets"}
    assert len(tickets) == int((ev["source"] == "tickets").sum())
    page.select_option(f"{TIMELINE} select[name='event']", "ticket opened")
    assert len(rows(page, TIMELINE)) == int((ev["type"] == "ticket_opened").sum())

    # the header names the ids each report knows the account by, earliest first
    first_case = ev.loc[ev["source"] == "tickets", "ref"].iloc[0]
    expect(page.locator("[data-fact='ids']")).to_contain_text(f"tickets case numbers: {first_case}")
    first_invoice = ev.loc[ev["source"] == "invoices", "ref"].iloc[0]
    expect(page.locator("[data-fact='ids']")).to_contain_text(
        f"invoices invoice numbers: {first_invoice}"
    )


def test_the_health_check_windows_are_drawn_one_per_occasion(built, page):
    site, tables = built
    key = busiest(tables)
    occ = tables["occasions"][tables["occasions"]["account_key"].astype(str) == key]
    visit(page, site, "xray.html", "account=" + key.replace(" ", "%20"))
    bars = page.locator(".hc-window")
    expect(bars).to_have_count(len(occ))
    labels = bars.evaluate_all("bs => bs.map(b => b.getAttribute('aria-label'))")
    statuses = collections.Counter(label.split(": ")[1].split(",")[0] for label in labels)
    assert statuses == collections.Counter(occ["status"].astype(str))
    lefts = bars.evaluate_all("bs => bs.map(b => parseFloat(b.style.left))")
    assert all(0 <= v <= 100 for v in lefts) and len(set(lefts)) > 1
