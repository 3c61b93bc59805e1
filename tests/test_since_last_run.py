"""Since the last run (issue 15, item 7): a seller's page shows what changed since the previous
published run, computed by the transform's rule (transform/changes.py) from the previous run's
tables, which the pipeline hands render (render never reads the history)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pandas as pd
from playwright.sync_api import Page

from hcportal import render, transform
from hcportal.render.settings import SiteSettings
from hcportal.render.shards import slug
from hcportal.transform.changes import since
from hcportal.transform.settings import TransformSettings
from tests.conftest import CLOCK, TODAY
from tests.sitedata import FIXTURE
from tests.test_site_screens import MEASURE, PHONE


def occ(*rows: tuple) -> pd.DataFrame:
    """(account_key, product, occasion, due, status) rows, as the occasions table has them."""
    df = pd.DataFrame(rows, columns=["account_key", "product", "occasion", "due", "status"])
    df["due"] = pd.to_datetime(df["due"])
    df["contract_start"] = pd.Timestamp("2025-01-01")
    for c in ("account", "owner", "geo", "region"):
        df[c] = df["account_key"].str.title() if c == "account" else "x"
    df["amount"] = 100.0
    df["next_action"] = ""
    return df


def test_newly_overdue_newly_done_and_new_occasions_by_hand():
    before = occ(
        ("acme", "HW", "renewal", "2026-11-01", "pending"),  # -> overdue
        ("acme", "HW", "onboarding", "2026-03-01", "overdue"),  # -> done
        ("beta", "SaaS", "renewal", "2026-10-01", "overdue"),  # stays overdue: no change
        ("gone", "SaaS", "renewal", "2026-12-01", "upcoming"),  # no longer there: not listed
    )
    now = occ(
        ("acme", "HW", "renewal", "2026-11-01", "overdue"),
        ("acme", "HW", "onboarding", "2026-03-01", "done"),
        ("beta", "SaaS", "renewal", "2026-10-01", "overdue"),
        ("gamma", "VM", "onboarding", "2027-01-15", "upcoming"),  # a new contract
        ("delta", "VM", "onboarding", "2025-01-15", "done"),  # new but done: not "newly done"
    )
    got = since(now, before)
    assert list(zip(got["change"], got["account_key"], got["before"], strict=True)) == [
        ("newly overdue", "acme", "pending"),
        ("new occasion", "gamma", ""),
        ("newly done", "acme", "overdue"),
    ]
    assert since(now, now).empty  # nothing changed, nothing listed


def test_a_seller_page_shows_the_changes_since_the_previous_run(tmp_path: Path, page: Page):
    settings = TransformSettings()
    earlier = TODAY - timedelta(days=45)
    before = transform.run(FIXTURE / "raw", settings, earlier, clock=CLOCK)
    now = transform.run(FIXTURE / "raw", settings, TODAY, clock=CLOCK)
    prev_dir = transform.write(before, tmp_path / "history" / "run1" / "data")
    data_dir = transform.write(now, tmp_path / "data")
    expected = since(now["occasions"], before["occasions"])
    assert not expected.empty  # 45 days move some occasions on
    owner = expected["owner"].mode().iloc[0]
    index = render.build(data_dir, tmp_path / "site", SiteSettings(), previous=prev_dir)
    page.goto((index.parent / "owners" / f"{slug(owner)}.html").as_uri())
    page.wait_for_selector("html[data-ready='1']", state="attached")
    section = page.locator("section[data-dataset='changes']")
    assert "data as of " + str(earlier) in section.locator(".note").inner_text()
    page.evaluate("dispatchEvent(new Event('beforeprint'))")
    shown = section.locator("tbody tr:not(.spacer)").evaluate_all(
        "trs => trs.map(tr => [tr.cells[0].textContent, tr.cells[1].textContent])"
    )
    mine = expected[expected["owner"] == owner]
    assert sorted(map(tuple, shown)) == sorted(zip(mine["account"], mine["change"], strict=True))
    page.evaluate("dispatchEvent(new Event('afterprint'))")
    page.set_viewport_size(PHONE)  # the section fits a phone as every table does
    assert page.evaluate(MEASURE) == []
    # Without a previous run there is no section, and the page is still built.
    plain = render.build(data_dir, tmp_path / "site2", SiteSettings())
    html = (plain.parent / "owners" / f"{slug(owner)}.html").read_text("utf-8")
    assert 'data-dataset="changes"' not in html
    # A previous run that cannot be read: the site is built, without the section.
    broken = tmp_path / "broken"
    broken.mkdir()
    assert render.build(data_dir, tmp_path / "site3", SiteSettings(), previous=broken).is_file()
