"""The demo CRM behaves like a CRM: sessions, redirects, exports with a footer, stable data."""

from __future__ import annotations

import csv
import io
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

from hcportal import democrm
from hcportal.democrm.catalog import REPORTS
from tests.conftest import TODAY


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _opener(redirects: bool = True) -> tuple[urllib.request.OpenerDirector, CookieJar]:
    jar = CookieJar()
    handlers = [urllib.request.HTTPCookieProcessor(jar)]
    if not redirects:
        handlers.append(_NoRedirect())
    return urllib.request.build_opener(*handlers), jar


def _sign_in(crm, opener) -> None:
    form = urllib.parse.urlencode(
        {"username": crm.username, "password": crm.password, "next": "/reports"}
    )
    opener.open(crm.url + "/login", data=form.encode()).read()


def test_unauthenticated_requests_are_sent_to_sign_in(demo_crm):
    opener, _ = _opener(redirects=False)
    report = REPORTS["accounts"].report_id
    try:
        opener.open(f"{demo_crm.url}/{report}?export=1&enc=UTF-8&xf=csv")
        raise AssertionError("expected a redirect")
    except urllib.error.HTTPError as e:
        assert e.code == 303
        assert e.headers["Location"].startswith("/login?next=")


def test_wrong_password_sets_no_session(demo_crm):
    opener, jar = _opener()
    form = urllib.parse.urlencode({"username": "demo", "password": "wrong"}).encode()
    page = opener.open(demo_crm.url + "/login", data=form).read().decode()
    assert "login attempt has failed" in page
    assert not list(jar)


def test_export_url_returns_csv_attachment_with_salesforce_style_footer(demo_crm, demo_data):
    opener, jar = _opener()
    _sign_in(demo_crm, opener)
    cookie = next(c for c in jar if c.name == "sid")
    assert cookie.has_nonstandard_attr("HttpOnly")
    report = REPORTS["contracts"]
    resp = opener.open(f"{demo_crm.url}/{report.report_id}?export=1&enc=UTF-8&xf=csv")
    assert resp.headers["Content-Type"].startswith("text/csv")
    assert resp.headers["Content-Disposition"].startswith("attachment; filename=")
    text = resp.read().decode("utf-8")
    table, footer = text.split("\r\n\r\n", 1)
    rows = list(csv.reader(io.StringIO(table)))
    assert tuple(rows[0]) == report.columns
    assert len(rows) - 1 == len(demo_data["contracts"])
    assert "Confidential Information" in footer


def test_generator_is_deterministic_and_has_the_seed_columns():
    a = democrm.generate(accounts=50, seed=11, today=TODAY)
    b = democrm.generate(accounts=50, seed=11, today=TODAY)
    c = democrm.generate(accounts=50, seed=12, today=TODAY)
    for key, report in REPORTS.items():
        assert tuple(a[key].columns) == report.columns
        assert a[key].equals(b[key])
    assert not a["activities"].equals(c["activities"])


def test_generator_has_realistic_variety():
    data = democrm.generate(accounts=200, seed=5, today=TODAY)
    contracts, activities = data["contracts"], data["activities"]
    per_account = contracts["Account"].str.strip().str.lower().value_counts()
    assert per_account.max() > 1, "several contracts per account"
    assert (contracts["End Date"] == "").any(), "some evergreen contracts"
    hc = activities[activities["Subject"].str.contains(r"health[\s_-]*check", case=False)]
    flags = hc["Attachment"].str.upper()
    assert (
        flags.isin(["Y", "YES", "TRUE", "1", "2"]).any()
        and flags.isin(["N", "NO", "FALSE", "0", ""]).any()
    )
    assert (~activities["Subject"].str.contains("health", case=False)).sum() > len(hc)
