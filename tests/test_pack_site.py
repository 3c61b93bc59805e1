"""The packs in the built site, in Chromium: the targets grid and the X-Ray link each account's
pack, and the link downloads the deck the nightly step put in the site (issue 18)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from hcportal.render import packs
from tests.sitedata import fixture_tables, shared_fixed_site


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> tuple[Path, list[str]]:
    work = tmp_path_factory.mktemp("packsite")
    tables = fixture_tables()
    # The shared fixed site is these tables' site; a copy, since the packs are written into it.
    shutil.copytree(shared_fixed_site(tmp_path_factory), work / "site")
    made = packs.publish_packs(tables, work / "site", work / "cache", 30, None)
    assert made.packs > 0
    return work / "site", packs.due_accounts(tables, 30)


def visit(page: Page, site: Path, path: str) -> None:
    page.goto((site / path).as_uri())
    page.wait_for_selector("html[data-ready='1']", state="attached")


def test_targets_and_xray_link_each_pack(page: Page, site) -> None:
    root, keys = site
    visit(page, root, "targets.html")
    links = page.locator("section[data-dataset='targets'] a.pack")
    expect(links.first).to_be_visible()
    hrefs = set(links.evaluate_all("a => a.map(x => x.getAttribute('href'))"))
    assert hrefs and hrefs <= {f"packs/{packs.file_name(k)}.pptx" for k in keys}

    key = keys[0]
    page.goto((root / "xray.html").as_uri() + "#account=" + key)
    link = page.get_by_role("link", name="Download the deck (PowerPoint)")
    expect(link).to_have_attribute("href", f"packs/{packs.file_name(key)}.pptx")
    with page.expect_download() as d:
        link.click()
    assert d.value.path().read_bytes()[:2] == b"PK"  # a .pptx is a zip
