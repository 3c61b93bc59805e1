"""The link from the site to an account's record in the CRM (issue 15, item 2): the CRM
profile's ``account_url``, through the harvest manifest and the transform's meta (or the site's
own ``crm_account_url``), to each target's next action and the X-Ray; the demo CRM has the
account pages it points at."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from markupsafe import escape
from playwright.sync_api import Page

from hcportal import render
from hcportal.harvest.crm import account_url
from hcportal.harvest.options import CrmTarget
from hcportal.harvest.profile import load_profile
from hcportal.render.settings import SiteSettings
from tests.sitedata import fixture_tables


def opener(crm) -> urllib.request.OpenerDirector:
    """Signed in to the demo CRM over HTTP, as a browser would be."""
    web = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    form = urllib.parse.urlencode({"username": crm.username, "password": crm.password})
    web.open(crm.url + "/login", data=form.encode()).read()
    return web


def test_the_demo_profile_s_account_url_opens_the_account_page(demo_crm, demo_data):
    target = CrmTarget(base_url=demo_crm.url, profile=load_profile("democrm"))
    template = account_url(target)
    assert template == demo_crm.url + "/accounts/{account}"
    # The demo the pipeline starts for one harvest only: its links would be dead by morning.
    assert account_url(CrmTarget(demo_crm.url, load_profile("democrm"), source="demo")) == ""
    name = str(demo_data["accounts"]["Account"].iloc[0])
    web = opener(demo_crm)
    url = template.replace("{account}", urllib.parse.quote(name, safe=""))
    html = web.open(url).read().decode()
    assert "Contracts" in html and "Latest activities" in html
    assert f"<h1>{escape(name)}</h1>" in html  # the page of that account, its name as text
    with pytest.raises(urllib.error.HTTPError) as e:
        web.open(template.replace("{account}", "no%20such%20account"))
    assert e.value.code == 404


def site_with(tmp_path: Path, **settings) -> Path:
    tables = fixture_tables()
    tables.meta["raw"]["account_url"] = "https://crm.example.com/accounts/{account}"
    return render.render_site(tables, tmp_path / "site", SiteSettings(**settings)).parent


def test_each_next_action_links_to_the_account_in_the_crm(tmp_path, page: Page):
    site = site_with(tmp_path)
    page.goto((site / "targets.html").as_uri())
    page.wait_for_selector("html[data-ready='1']", state="attached")
    row = page.locator("section[data-grid] tbody tr:not(.spacer)").first
    account = row.locator("td").first.inner_text()
    link = row.locator("td.sentence a.crm")
    expected = "https://crm.example.com/accounts/" + urllib.parse.quote(account, safe="")
    assert link.get_attribute("href") == expected


def test_the_site_s_own_setting_wins_and_only_a_web_address_is_used(tmp_path):
    site = site_with(tmp_path, crm_account_url="https://other.example/a?name={account}")
    html = (site / "targets.html").read_text("utf-8")
    assert 'data-crm-account="https://other.example/a?name={account}"' in html
    hostile = site_with(tmp_path / "2", crm_account_url="javascript:alert(1)//{account}")
    assert "data-crm-account" not in (hostile / "targets.html").read_text("utf-8")
