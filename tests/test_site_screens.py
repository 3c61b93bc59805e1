"""Any screen (issue 15): at a phone's 390 px no page scrolls sideways and no table cell lies
beyond the screen, on every page the build writes (pages added later included, since the test
walks the built folder), and the numbers that one page repeats from another agree.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.sitedata import demo_site

PHONE = {"width": 390, "height": 844}

# What lies beyond the screen: the document wider than its viewport, or any drawn cell of any
# table (grids and plain tables) whose box ends right of the viewport or starts left of it.
MEASURE = """() => {
  const d = document.documentElement, width = d.clientWidth, out = [];
  if (d.scrollWidth > width) out.push("page " + d.scrollWidth + " > " + width);
  for (const table of document.querySelectorAll("table")) {
    if (!table.getClientRects().length) continue;
    for (const cell of table.querySelectorAll("td, th")) {
      const r = cell.getBoundingClientRect();
      if (!r.width || !r.height) continue;
      if (r.right > width + 0.5 || r.left < -0.5) {
        const name = cell.dataset.label || cell.dataset.col || cell.textContent.slice(0, 24);
        out.push((table.querySelector("caption") || table).textContent.trim().slice(0, 40) +
                 ": " + name + " ends at " + Math.round(r.right));
        break;
      }
    }
  }
  return out;
}"""


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("screens")
    return demo_site(work / "site", work / "raw").parent


def open_page(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("html[data-ready='1']", state="attached")


def test_no_page_scrolls_sideways_or_hides_a_column_at_390_px(site: Path, page: Page):
    page.set_viewport_size(PHONE)
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 10  # home, targets, owners, regions, efficacy, quality, X-Ray, ...
    problems = {}
    for path in pages:
        open_page(page, path.as_uri())
        if bad := page.evaluate(MEASURE):
            problems[path.relative_to(site).as_posix()] = bad
    assert problems == {}


def test_the_x_ray_of_an_account_fits_a_phone(site: Path, page: Page):
    page.set_viewport_size(PHONE)
    open_page(page, (site / "targets.html").as_uri())
    # The most urgent account: the first row's link opens its X-Ray.
    page.locator("section[data-grid] tbody a[href*='xray.html']").first.click()
    page.wait_for_selector("html[data-ready='1']", state="attached")
    page.wait_for_selector("dl.facts:not([hidden])")
    assert page.locator("section[data-grid]:not([hidden]) tbody td").count() > 0
    assert page.evaluate(MEASURE) == []


def test_a_table_s_cells_carry_their_labels_on_a_phone(site: Path, page: Page):
    page.set_viewport_size(PHONE)
    open_page(page, (site / "targets.html").as_uri())
    first = page.locator("section[data-grid] tbody tr:not(.spacer)").first
    labels = first.locator("td").evaluate_all(
        "tds => tds.filter(td => td.offsetParent).map(td => getComputedStyle(td, '::before')"
        ".content)"
    )
    assert '"Account"' in labels and '"Amount"' in labels and '"Next action"' in labels
    open_page(page, (site / "index.html").as_uri())
    plain = page.locator("table.plain tbody td").first
    assert plain.get_attribute("data-label")  # plain tables too


# -- numbers that agree ---------------------------------------------------------------------------


def amount(text: str) -> float:
    """The number of ``USD 1,234`` (one money format everywhere)."""
    m = re.search(r"-?[A-Z]{3}\xa0[\d,]+", text)
    assert m, text
    return float(re.sub(r"[^\d.\-]", "", m.group(0)))


def summary(page: Page) -> str:
    return page.locator(".summary").first.inner_text()


def test_the_same_quantity_has_the_same_value_on_every_page(site: Path, page: Page):
    open_page(page, (site / "index.html").as_uri())
    cards = {}
    for status in ("overdue", "pending", "upcoming"):
        n = int(page.locator(f"[data-total='{status}-occasions']").inner_text().replace(",", ""))
        cards[status] = (n, amount(page.locator(f"[data-total='{status}-amount']").inner_text()))
    due = amount(page.locator("[data-total='due-amount']").inner_text())
    accounts_line = summary(page)  # the accounts table: each contract once, per account
    assert "accounts" in accounts_line and "contract amount" in accounts_line
    assert amount(accounts_line) == due

    for status, (n, money) in cards.items():
        open_page(page, (site / "targets.html").as_uri() + f"#status={status}")
        line = summary(page)
        assert line.startswith(f"{n:,} of ") and f"{n:,} {status} occasion" in line
        assert amount(line) == money  # each contract once, as on the card
    open_page(page, (site / "targets.html").as_uri())
    assert amount(summary(page)) == due  # every target, each contract once
    open_page(page, (site / "owners.html").as_uri())
    assert amount(summary(page)) == due  # the owners' amounts add up to the same


# -- paper ----------------------------------------------------------------------------------------


def test_the_x_ray_prints_in_a_few_pages_with_its_status_colours(site: Path, page: Page):
    page.set_viewport_size({"width": 1366, "height": 900})
    open_page(page, (site / "targets.html").as_uri())
    page.locator("section[data-grid] tbody a[href*='xray.html']").first.click()
    page.wait_for_selector("dl.facts:not([hidden])")
    events = page.locator("section[data-state-prefix='t.'] .summary").inner_text()
    assert int(events.split(" of ")[0]) > 50  # an account with a long history
    # Every report's events make the whole timeline many pages long; a seller prints the
    # activities (the timeline's own filter), and the printed page holds what the screen shows.
    timeline = page.locator("section[data-state-prefix='t.']")
    timeline.get_by_label("Report").select_option("activities")
    page.emulate_media(media="print")
    # Browsers drop backgrounds when printing unless told: the status colours are information.
    css = (site / "static" / "app.css").read_text("utf-8")
    printed = css[css.index("@media print") :]
    assert "print-color-adjust: exact" in printed
    assert ".status" in printed and "background: none" not in printed
    pdf = page.pdf(landscape=True)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 1 <= pages <= 3


# -- charts ---------------------------------------------------------------------------------------

WATCH_CSP = """window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(e.violatedDirective));"""


def test_the_backlog_chart_reads_as_its_table_by_keyboard_and_exports_a_png(site: Path, page: Page):
    page.add_init_script(WATCH_CSP)
    open_page(page, (site / "index.html").as_uri())
    fig = page.locator("figure#backlog")
    table = fig.locator("table tbody tr").evaluate_all(
        "trs => trs.map(tr => Array.from(tr.cells, c => c.dataset.value ?? c.textContent))"
    )
    overdue_by_quarter: dict[str, int] = {}
    for quarter, _region, overdue, _pending, _upcoming in table:
        overdue_by_quarter[quarter] = overdue_by_quarter.get(quarter, 0) + int(overdue)
    first = sorted(overdue_by_quarter)[0]
    fig.locator(".tchart-canvas").focus()  # the first series (overdue) at the first quarter
    assert fig.locator(".tchart-detail").inner_text() == (
        f"overdue · {first}: {overdue_by_quarter[first]:,} occasions"
    )
    page.keyboard.press("ArrowUp")  # the next series
    assert fig.locator(".tchart-detail").inner_text().startswith(f"pending · {first}: ")
    with page.expect_download() as info:
        fig.get_by_role("button", name="Download PNG").click()
    assert info.value.suggested_filename == "backlog-2026-11-23.png"
    assert Path(info.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert page.evaluate("window.__csp") == []


def test_charts_load_only_where_drawn_never_on_a_seller_s_page(site: Path):
    def loads_echarts(path: Path) -> bool:
        return "echarts" in path.read_text("utf-8")

    assert loads_echarts(site / "index.html") and loads_echarts(site / "efficacy.html")
    sellers = list((site / "owners").glob("*.html"))
    assert sellers and not any(loads_echarts(p) for p in sellers)
    assert not loads_echarts(site / "targets.html")


def test_the_on_time_chart_counts_closed_windows_only(site: Path, page: Page):
    open_page(page, (site / "efficacy.html").as_uri())
    fig = page.locator("figure#on-time")
    rows = fig.locator("table tbody tr").evaluate_all(
        "trs => trs.map(tr => Array.from(tr.cells, c => c.dataset.value ?? c.textContent))"
    )
    assert rows and all(int(closed) > 0 for _l, _n, _p, closed, _o, _r in rows)
    for _level, _name, _period, closed, on_time, rate in rows:
        assert abs(float(rate) - int(on_time) / int(closed)) < 1e-3
    fig.locator("select").select_option("owner")
    fig.locator(".tchart-canvas").focus()
    owners = sorted({n for lv, n, *_ in rows if lv == "owner"}, key=str)
    assert fig.locator(".tchart-detail").inner_text().split(" · ")[0] in owners
