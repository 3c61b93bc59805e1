"""The health score's pages in Chromium: the health table, the alerts, the X-Ray's score, an owner's
alerts; built from the demo CRM's data through the real transform, opened from file://."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page

from hcportal import render, transform
from hcportal.democrm import synthetic
from hcportal.previous import read_previous
from hcportal.render.settings import SiteSettings
from hcportal.render.shards import slug
from hcportal.transform.settings import TransformSettings
from tests.conftest import CLOCK, TODAY
from tests.test_site_browser import rows, visit

HOSTILE = '</script><script>window.__pwned=1</script>"<b>'


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):
    """Two transforms a month apart (so changes and alerts exist), the second one's site, with
    one account renamed to hostile text."""
    work = tmp_path_factory.mktemp("health")
    raw = work / "raw"
    raw.mkdir()
    for name, df in synthetic.generate(accounts=120, seed=4, today=TODAY).items():
        df.to_csv(raw / f"{name}.csv", index=False)
    first = transform.run(raw, TransformSettings(), TODAY - timedelta(days=60), clock=CLOCK)
    data = transform.write(first, work / "d1")
    tables = transform.run(
        raw, TransformSettings(), TODAY, clock=CLOCK, previous=read_previous(data)
    )
    scores = tables.frames["health_scores"]
    victim = scores.index[scores["state"] == "scored"][0]
    scores.loc[victim, "account"] = HOSTILE
    out = render.render_site(tables, work / "site", SiteSettings())
    return out.parent, tables


def test_health_page_shows_scores_states_and_filters(page: Page, site):
    folder, tables = site
    s = tables["health_scores"]
    visit(page, folder, "health.html")
    shown = rows(page)
    assert len(shown) == len(s)
    silent = [r for r in shown if r["band"] == "Silent"]
    assert len(silent) == (s["state"] == "silent").sum() > 0
    assert all(r["score"] == "" for r in silent)  # a state, never a score
    scored = [float(r["score"]) for r in shown if r["score"]]
    assert scored == sorted(scored)  # lowest first
    assert any(r["account"] == HOSTILE for r in shown)  # shown as text
    assert page.evaluate("window.__pwned") is None
    visit(page, folder, "health.html", "band=Silent")
    assert {r["band"] for r in rows(page)} == {"Silent"}


def test_alerts_page_and_an_owners_block(page: Page, site):
    folder, tables = site
    a = tables["alerts"]
    assert len(a) > 0
    visit(page, folder, "alerts.html")
    assert len(rows(page)) == len(a)
    owner = str(a.loc[a["owner"] != "", "owner"].iloc[0])
    visit(page, folder, f"owners/{slug(owner)}.html")
    block = page.locator(".owner-alerts")
    mine = a[a["owner"] == owner]
    assert block.locator("li").count() == min(len(mine), 20)
    assert str(mine["account"].iloc[0]) in block.inner_text()


def test_xray_shows_the_score_and_contributions_that_add_up(page: Page, site):
    folder, tables = site
    s = tables["health_scores"]
    acc = s[(s["state"] == "scored") & (s["account"] != HOSTILE)].iloc[0]
    visit(page, folder, "xray.html", f"account={acc['account_key']}")
    page.wait_for_selector('section[data-state-prefix="s."]:not([hidden])')
    fact = page.locator('[data-fact="health"]').inner_text()
    assert f"{acc['score']:g}" in fact and str(acc["band"]) in fact
    measures = rows(page, 'section[data-state-prefix="s."]')
    total = sum(float(r["contribution"]) for r in measures if r["contribution"])
    assert round(total, 1) == acc["score"]
    silent = s[s["state"] == "silent"].iloc[0]
    visit(page, folder, "xray.html", f"account={silent['account_key']}")
    page.wait_for_selector('[data-fact="health"]:not(:empty)')
    assert page.locator('[data-fact="health"]').inner_text().startswith("Silent (no score")


def test_a_measure_links_to_exactly_the_events_it_read(page: Page, site):
    """Clicking a measure in the X-Ray's score shows the timeline filtered to the events that
    measure read: the same (report, line) pairs as health_sources, no more and no fewer."""
    folder, tables = site
    s, e, src = tables["health_scores"], tables["health_explain"], tables["health_sources"]
    e = e.assign(account_key=e["account_key"].astype(str), measure=e["measure"].astype(str))
    scored = set(s.loc[(s["state"] == "scored") & (s["account"] != HOSTILE), "account_key"])
    # A measure that read some but not all of the account's events, so a filter must act.
    pick = e[e["account_key"].isin(scored) & (e["weight"] > 0) & (e["events"] > 0)
             & e["measure"].isin(["tone", "days_late", "tickets_per_month", "nps"])]  # fmt: skip
    key, measure = pick.iloc[0][["account_key", "measure"]]
    mine = src[(src["account_key"].astype(str) == key)
               & src["measures"].astype(str).str.split().map(lambda m: measure in m)]  # fmt: skip
    expected = sorted(zip(mine["source"].astype(str), mine["line"].astype(int), strict=True))
    assert len(expected) == pick.iloc[0]["events"]
    visit(page, folder, "xray.html", f"account={key}")
    page.wait_for_selector('section[data-state-prefix="t."]:not([hidden])')
    everything = rows(page, 'section[data-state-prefix="t."]')
    assert len(everything) > len(expected)
    measures = page.locator('section[data-state-prefix="s."]')
    measures.get_by_role("link", name=measure, exact=True).click()
    page.wait_for_function(f"location.hash.includes('t.measure={measure}')")
    shown = rows(page, 'section[data-state-prefix="t."]')
    assert sorted((r["source"], int(r["line"])) for r in shown) == expected
    assert page.locator('select[name="measure"]').input_value() == measure
    # The link is in the URL: opened afresh, it shows the same events.
    visit(page, folder, "xray.html", f"account={key}&t.measure={measure}")
    page.wait_for_selector('section[data-state-prefix="t."]:not([hidden])')
    again = rows(page, 'section[data-state-prefix="t."]')
    assert sorted((r["source"], int(r["line"])) for r in again) == expected
