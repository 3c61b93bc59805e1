"""The table's pure parts (sorting, filtering, URL state, its words), apart from the DOM.

The scripts are loaded as they are written (site_templates/static/js/grid/*.js, after hcp.js)
into a blank page of the real Chromium the other browser tests use, under the site's CSP, and
called there on tables encoded by the real encoder (render/datafiles.py) from small frames whose
right answers are written out by hand. No JS test framework: CI has Python packages and Chromium.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Browser, Page

from hcportal import site_templates
from hcportal.render.datafiles import columnar
from hcportal.site_templates import BUNDLES, ROOT
from tests.sitedata import fixture_site

STATIC = ROOT / "static"
PURE = ["js/hcp.js"] + [p for p in BUNDLES["js/grid.js"] if Path(p).stem in
                        ("sorting", "filtering", "state", "summary")]  # fmt: skip
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "worker-src blob:; base-uri 'none'; form-action 'none'"
)


@pytest.fixture(scope="module")
def js(browser: Browser, tmp_path_factory) -> Iterator[Page]:
    """A blank page with the pure parts loaded, in order, by <script src> under the site's CSP."""
    blank = tmp_path_factory.mktemp("blank") / "blank.html"
    scripts = "".join(f'<script src="{(STATIC / p).as_uri()}"></script>' for p in PURE)
    blank.write_text(
        f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">{scripts}</head>'
        "<body></body></html>",
        "utf-8",
    )
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.goto(blank.as_uri())
    assert errors == []
    assert page.evaluate("[typeof HCP.sorting, typeof HCP.filtering, typeof HCP.gridState]") == [
        "object", "object", "object"
    ]  # fmt: skip
    yield page
    context.close()


def order(js: Page, df: pd.DataFrame, sort: list[list[str]]) -> list[int]:
    """The row numbers of ``df`` in the order HCP.sorting gives them."""
    return js.evaluate(
        "([p, sort]) => Array.from(HCP.sorting.permutation(new HCP.Table(p), sort))",
        [columnar(df), sort],
    )


def run(js: Page, df: pd.DataFrame, view: dict, sort: list[list[str]] | None = None) -> dict:
    """HCP.filtering.run over ``df`` sorted by ``sort``; items as plain numbers."""
    return js.evaluate(
        """([p, view, sort]) => {
          const t = new HCP.Table(p);
          const out = HCP.filtering.run(t, HCP.sorting.permutation(t, sort), view);
          return { ...out, items: Array.from(out.items),
                   tallies: out.tallies && Array.from(out.tallies) };
        }""",
        [columnar(df), view, sort or []],
    )


# -- the scripts ----------------------------------------------------------------------------------


def test_every_part_is_shipped_once_in_order_without_its_comment_lines():
    parts = BUNDLES["js/grid.js"]
    assert sorted(parts) == sorted(
        p.relative_to(STATIC).as_posix() for p in (STATIC / "js/grid").glob("*.js")
    )  # a new part is listed
    assert parts[-1] == "js/grid/grid.js"  # the part that uses the others, last
    texts = [(STATIC / p).read_text("utf-8") for p in parts]
    code = [line for t in texts for line in t.splitlines() if not line.lstrip().startswith("//")]
    shipped = site_templates.bundle("js/grid.js").splitlines()
    assert shipped[0].startswith("// js/grid.js: joined from js/grid/sorting.js, ")
    assert shipped[1:] == code
    # A line starting with // is a comment unless it is inside a multi-line string: none here.
    assert not any("`" in t for t in texts)


def test_a_built_site_ships_the_joined_table_script_and_not_its_parts(tmp_path):
    site = fixture_site(tmp_path / "site").parent
    assert (site / "static/js/grid.js").read_text("utf-8") == site_templates.bundle("js/grid.js")
    assert not (site / "static/js/grid").exists()
    assert not list(site.rglob("*.md"))
    assert '<script src="static/js/grid.js" defer></script>' in (site / "targets.html").read_text()


# -- sorting --------------------------------------------------------------------------------------

# Each kind of column the encoder writes, with a blank in each: a dictionary (repeated text), text
# values (unique), numbers, dates (days) and timestamps (minutes).
KINDS = pd.DataFrame(
    {
        "status": ["pending", "overdue", "", "overdue", "upcoming", "pending"],
        "account": ["b10", "B2", "a", "", "Ä", "c"],
        "amount": [100, 9, 25, None, 9, 1000],
        "due": pd.to_datetime(
            ["2026-01-05", "2025-12-31", None, "2026-01-05", "2024-02-29", "2027-01-01"]
        ),
        "at": pd.to_datetime(
            [
                "2026-01-05 10:00",
                None,
                "2026-01-05 09:59",
                "2025-01-01 00:00",
                "2026-01-05 10:01",
                "2026-01-05 10:00",
            ]
        ),
    }
)


def test_the_table_covers_every_encoding():
    kinds = {name: next(iter(spec)) for name, spec in columnar(KINDS)["columns"].items()}
    assert kinds == {"status": "dict", "account": "values", "amount": "values", "due": "days",
                     "at": "minutes"}  # fmt: skip


@pytest.mark.parametrize(
    "col, asc, desc",
    [
        # numbers as numbers (9 < 25 < 100), ties in the file's order, the blank last both ways
        ("amount", [1, 4, 2, 0, 5, 3], [5, 0, 2, 1, 4, 3]),
        # text case-insensitively by code point ("b10" < "b2"; "Ä" after "c"), the blank last
        ("account", [2, 0, 1, 5, 4, 3], [4, 5, 1, 0, 2, 3]),
        # a dictionary by its sorted entries, the blank ("") last
        ("status", [1, 3, 0, 5, 4, 2], [4, 0, 5, 1, 3, 2]),
        # dates by date (2024-02-29 first), equal dates in the file's order, the blank last
        ("due", [4, 1, 0, 3, 5, 2], [5, 0, 3, 1, 4, 2]),
        # timestamps to the minute
        ("at", [3, 2, 0, 5, 4, 1], [4, 0, 5, 2, 3, 1]),
    ],
)
def test_each_kind_sorts_by_its_values_blanks_last_and_ties_stable(js, col, asc, desc):
    assert order(js, KINDS, [[col, "asc"]]) == asc
    assert order(js, KINDS, [[col, "desc"]]) == desc


def test_a_sort_on_several_columns_breaks_ties_in_turn(js):
    df = pd.DataFrame(
        {
            "status": ["pending", "overdue", "pending", "overdue", "pending", "overdue"],
            "amount": [5, 5, 7, 3, 5, 3],
            "due": pd.to_datetime(
                ["2026-03-01", "2026-01-01", "2026-02-01", "2026-01-01", "2026-01-01", "2026-02-01"]
            ),
        }
    )
    # overdue first; within it the largest amount; within equal amounts the earliest due
    assert order(js, df, [["status", "asc"], ["amount", "desc"], ["due", "asc"]]) == [
        1, 3, 5, 2, 4, 0
    ]  # fmt: skip
    assert order(js, df, [["amount", "asc"], ["due", "desc"]]) == [5, 3, 0, 1, 4, 2]
    # with no sort (or columns the table lacks) the file's own order
    assert order(js, df, []) == order(js, df, [["nothing", "asc"]]) == [0, 1, 2, 3, 4, 5]


def test_a_large_sort_is_stable(js):
    """Many ties in a table of thousands: equal keys keep the file's order in either direction."""
    n = 5000
    df = pd.DataFrame({"k": [i % 7 for i in range(n)], "s": [f"x{i % 3}" for i in range(n)]})
    for direction in ("asc", "desc"):
        got = order(js, df, [["k", direction]])
        key = [df["k"][i] for i in got]
        assert key == sorted(key, reverse=direction == "desc")
        assert all(a < b for a, b in pairwise(got) if df["k"][a] == df["k"][b])


def test_the_sort_reads_and_writes_as_text(js):
    parse = "t => HCP.sorting.parse(t)"
    assert js.evaluate(parse, "due:asc,amount:desc") == [["due", "asc"], ["amount", "desc"]]
    # a direction other than desc reads asc; a blank part, an unnamed column and a repeat go
    assert js.evaluate(parse, "a:sideways,,:desc,a:desc,b") == [["a", "asc"], ["b", "asc"]]
    assert js.evaluate(parse, "") == []
    text = "due:asc,amount:desc,account:asc"
    assert js.evaluate("t => HCP.sorting.text(HCP.sorting.parse(t))", text) == text


CLICKS = """([sort, clicks]) => {
  let cycle = { sort, last: null };
  return clicks.map(([name, first, multi]) => {
    cycle = HCP.sorting.click(cycle, name, first, multi);
    return HCP.sorting.text(cycle.sort);
  });
}"""


def clicks(js: Page, sort: list, *steps: tuple) -> list[str]:
    return js.evaluate(CLICKS, [sort, [list(s) for s in steps]])


def test_a_header_s_clicks_go_natural_reversed_off(js):
    due = ("due", "asc", False)  # dates: earliest first
    amount = ("amount", "desc", False)  # numbers: largest first
    assert clicks(js, [["amount", "desc"]], due, due, due, due) == [
        "due:asc", "due:desc", "", "due:asc"
    ]  # fmt: skip
    assert clicks(js, [], amount, amount, amount) == ["amount:desc", "amount:asc", ""]
    # another column's click starts that column's own cycle
    assert clicks(js, [], due, amount, due) == ["due:asc", "amount:desc", "due:asc"]


def test_a_click_on_a_column_sorted_by_the_page_or_a_link_is_not_cleared(js):
    rate = ("rate", "desc", False)
    # reversed by the page's default: the first click puts it in its natural direction
    assert clicks(js, [["rate", "asc"]], rate, rate, rate) == ["rate:desc", "rate:asc", ""]
    # already natural and the only sort (a link): reversed, then off
    assert clicks(js, [["rate", "desc"]], rate, rate, rate) == ["rate:asc", "", "rate:desc"]
    # named second by the default: a plain click sorts by it alone
    assert clicks(js, [["quarter", "desc"], ["rate", "asc"]], rate) == ["rate:desc"]


def test_shift_clicks_add_reverse_and_remove_one_column(js):
    due = ("due", "asc", True)
    assert clicks(js, [["status", "asc"]], due, due, due) == [
        "status:asc,due:asc", "status:asc,due:desc", "status:asc"
    ]  # fmt: skip
    # a plain click afterwards sorts by that column alone
    assert clicks(js, [["status", "asc"]], due, ("status", "asc", False)) == [
        "status:asc,due:asc", "status:asc"
    ]  # fmt: skip


def test_groups_run_in_their_own_direction(js):
    direction = "([g, sort, dflt]) => HCP.sorting.groupDirection(g, sort, dflt)"
    assert js.evaluate(direction, ["q", [["q", "desc"]], []]) == "desc"  # the sort's
    assert js.evaluate(direction, ["q", [["name", "asc"]], [["q", "desc"]]]) == "desc"  # default's
    assert js.evaluate(direction, ["q", [["q", "asc"]], [["q", "desc"]]]) == "asc"
    assert js.evaluate(direction, ["q", [], []]) == "asc"


# -- filtering ------------------------------------------------------------------------------------

ROWS = pd.DataFrame(
    {
        "account": ["Acme Rail", "Bolt (Asia)", "Cedar Labs", "Delta Foods", "Echo.*", "Falcon"],
        "owner": ["Ana Ortiz", "Ana", "Ben Chen", "Ana Ortiz", "Ben Chen", ""],
        "status": ["overdue", "pending", "overdue", "upcoming", "pending", "overdue"],
        "quarter": ["FY2027 Q1", "FY2027 Q1", "FY2027 Q2", "FY2027 Q2", "FY2027 Q2", "FY2027 Q3"],
        "code": ["x1", "x2", "x1", "x3", "x4", "x5"],  # short: sent as plain values
        "amount": [100.0, 20.5, 300.0, 40.0, None, 60.0],
    }
)
EVERY = [0, 1, 2, 3, 4, 5]


def test_the_rows_cover_dictionary_and_plain_columns():
    kinds = {name: next(iter(spec)) for name, spec in columnar(ROWS)["columns"].items()}
    assert kinds == {"account": "values", "owner": "dict", "status": "dict", "quarter": "dict",
                     "code": "values", "amount": "values"}  # fmt: skip


def kept(js: Page, **view) -> list[int]:
    return run(js, ROWS, {"searchCols": ["account", "owner", "status"], **view})["items"]


def test_a_select_keeps_the_rows_with_exactly_its_value(js):
    assert kept(js, filters=[["owner", "Ana Ortiz"]]) == [0, 3]
    assert kept(js, filters=[["owner", "Ana"]]) == [1]  # exact, not a prefix
    assert kept(js, filters=[["status", "overdue"]]) == [0, 2, 5]
    assert kept(js, filters=[["code", "x1"]]) == [0, 2]  # a column of plain values
    assert kept(js, filters=[["amount", "20.5"]]) == [1]  # a number, as its text
    assert kept(js, filters=[["owner", ""]]) == EVERY  # "" is no filter


def test_a_value_or_column_the_table_lacks_keeps_no_row(js):
    assert kept(js, filters=[["owner", "Nobody Here"]]) == []
    assert kept(js, filters=[["code", "x9"]]) == []
    assert kept(js, filters=[["geo", "EMEA"]]) == []
    assert kept(js, filters=[["amount", "null"]]) == []  # a blank is never a value


def test_filters_combine(js):
    assert kept(js, filters=[["owner", "Ben Chen"], ["status", "overdue"]]) == [2]
    assert kept(js, filters=[["owner", "Ana Ortiz"], ["status", "pending"]]) == []
    assert kept(js, filters=[["status", "overdue"]], search="a") == [0, 2, 5]
    assert kept(js, filters=[["status", "overdue"], ["quarter", "FY2027 Q1"]], search="rail") == [0]


def test_free_text_needs_every_word_in_some_column(js):
    assert kept(js, search="ana") == [0, 1, 3]  # owner (dictionary), any case
    assert kept(js, search="CEDAR") == [2]  # account (text values)
    assert kept(js, search="ana overdue") == [0]  # two words, two columns
    assert kept(js, search="  ortiz   delta ") == [3]
    assert kept(js, search="ana zebra") == []
    assert kept(js, search="") == kept(js, search="   ") == EVERY
    assert kept(js, search="x1") == []  # code is not searched here


def test_one_table_searched_again_and_again_gives_each_search_its_own_rows(js):
    """A page keeps one table: its search mask is remembered between filter changes, and must
    be made anew when the words or the searched columns change (never a stale mask)."""
    out = js.evaluate(
        """(p) => {
          const t = new HCP.Table(p), perm = HCP.sorting.permutation(t, []);
          const cols = ["account", "owner", "status"];
          const run = (search, filters, searchCols) => Array.from(HCP.filtering.run(t, perm,
            { search, searchCols: searchCols || cols, filters: filters || [] }).items);
          return [run("ana"), run("ana", [["status", "overdue"]]), run("cedar"), run("ana"),
                  run("ana", [], ["account"]), run(""), run("ANA  ")];
        }""",
        columnar(ROWS),
    )
    assert out == [[0, 1, 3], [0], [2], [0, 1, 3], [], EVERY, [0, 1, 3]]


def test_free_text_is_plain_text_never_a_pattern(js):
    assert kept(js, search="(asia)") == [1]
    assert kept(js, search=".*") == [4]
    assert kept(js, search="[") == []
    assert kept(js, search="<script>alert(1)</script>") == []


def test_filtering_follows_the_sort_and_counts_sums_and_groups(js):
    out = run(
        js, ROWS,
        {"filters": [["status", ""]], "group": "quarter", "sum": "amount", "tally": "status"},
        [["quarter", "asc"], ["amount", "desc"]],
    )  # fmt: skip
    # -g marks where group g starts; within a group the sort's order (a blank amount last)
    assert out["items"] == [-1, 0, 1, -2, 2, 3, 4, -3, 5]
    assert [(g["value"], g["count"], g["sum"]) for g in out["groups"]] == [
        ("FY2027 Q1", 2, 120.5), ("FY2027 Q2", 3, 340.0), ("FY2027 Q3", 1, 60.0)
    ]  # fmt: skip
    assert out["rows"] == 6 and math.isclose(out["total"], 520.5)
    assert out["tallies"] == [3, 2, 1]  # overdue, pending, upcoming (the dictionary's order)
    narrowed = run(js, ROWS, {"filters": [["owner", "Ben Chen"]], "group": "quarter",
                              "sum": "amount"})  # fmt: skip
    assert narrowed["items"] == [-1, 2, 4] and narrowed["total"] == 300


def test_a_sum_once_per_contract_counts_each_contract_one_time(js):
    # Two occasions of one contract (same amount) count its amount once, in the total and in
    # each group; in two groups, once in each.
    df = pd.DataFrame(
        {
            "quarter": ["Q1", "Q1", "Q2", "Q2"],
            "contract_id": [7, 7, 7, 8],
            "amount": [100.0, 100.0, 100.0, 50.0],
        }
    )
    out = run(js, df, {"group": "quarter", "sum": "amount", "once": "contract_id"},
              [["quarter", "asc"]])  # fmt: skip
    assert out["total"] == 150
    assert [(g["count"], g["sum"]) for g in out["groups"]] == [(2, 100), (2, 150)]
    assert run(js, df, {"sum": "amount"})["total"] == 350  # without: every row


def test_a_filter_offers_the_values_present_sorted_without_blanks(js):
    offered = "([p, name]) => HCP.filtering.options(new HCP.Table(p), name)"
    payload = columnar(ROWS)
    assert js.evaluate(offered, [payload, "owner"]) == ["Ana", "Ana Ortiz", "Ben Chen"]
    assert js.evaluate(offered, [payload, "code"]) == ["x1", "x2", "x3", "x4", "x5"]
    assert js.evaluate(offered, [payload, "geo"]) == []


def test_a_word_filter_keeps_the_rows_that_hold_the_word_and_offers_each_word(js):
    """match "word": an event read by several score measures shows under each of them; a word
    is matched whole (``tone`` is not ``tone_x``), in dictionary and in plain columns alike."""
    df = pd.DataFrame(
        {
            "measures": ["tone risk_share", "", "days_late", "tone", "tone_x days_late"],
            "unique": ["a b", "b", "c a", "", "b c"],  # five distinct values: not a dictionary
        }
    )
    kept = lambda col, word: run(js, df, {"filters": [[col, word, "word"]]})["items"]  # noqa: E731
    assert kept("measures", "tone") == [0, 3]
    assert kept("measures", "days_late") == [2, 4]
    assert kept("measures", "nps") == []
    assert kept("measures", "") == [0, 1, 2, 3, 4]  # no filter
    assert kept("unique", "b") == [0, 1, 4]
    assert run(js, df, {"filters": [["measures", "tone"]]})["items"] == [3]  # exact, as before
    offered = "([p, name]) => HCP.filtering.options(new HCP.Table(p), name, 'word')"
    assert js.evaluate(offered, [columnar(df), "measures"]) == [
        "days_late", "risk_share", "tone", "tone_x"
    ]  # fmt: skip


# -- URL state ------------------------------------------------------------------------------------

SPEC = {
    "prefix": "",
    "filters": ["owner", "status", "quarter"],
    "search": True,
    "group": True,
    "sortable": ["account", "owner", "status", "amount", "due"],
    "defaultSort": [["amount", "desc"]],
}


def read(js: Page, fragment: str, spec: dict = SPEC) -> dict:
    return js.evaluate(
        "([f, spec]) => HCP.gridState.read(new URLSearchParams(f), spec)", [fragment, spec]
    )


def write(js: Page, fragment: str, view: dict, spec: dict = SPEC) -> str:
    return js.evaluate(
        "([f, spec, view]) => HCP.gridState.write(new URLSearchParams(f), spec, view).toString()",
        [fragment, spec, view],
    )


def test_a_view_survives_the_url_and_back(js):
    view = {
        "filters": {"owner": "Ana Ortiz", "status": "", "quarter": "FY2027 Q1"},
        "q": "acme rail & co",
        "grouped": False,
        "sort": [["due", "asc"], ["amount", "desc"]],
    }
    fragment = write(js, "", view)
    assert fragment == (
        "owner=Ana+Ortiz&quarter=FY2027+Q1&q=acme+rail+%26+co&group=0&sort=due%3Aasc%2Camount%3Adesc"
    )
    assert read(js, fragment) == view
    assert write(js, "", read(js, fragment)) == fragment


def test_the_defaults_are_not_written(js):
    assert read(js, "") == {
        "filters": {"owner": "", "status": "", "quarter": ""},
        "q": "",
        "grouped": True,
        "sort": [["amount", "desc"]],  # the page's default
    }
    blank = {"filters": {"owner": "", "status": "", "quarter": ""}, "q": "   ", "grouped": True}
    assert write(js, "owner=Ana&q=x&group=0", blank) == ""
    assert read(js, "sort=")["sort"] == []  # cleared by a click: no sort, not the default


def test_grouping_off_by_default_is_written_only_when_on(js):
    spec = {**SPEC, "groupOff": True}
    assert read(js, "", spec)["grouped"] is False
    assert read(js, "group=1", spec)["grouped"] is True
    assert write(js, "", {"grouped": True}, spec) == "group=1"
    assert write(js, "group=1", {"grouped": False}, spec) == ""


def test_each_table_owns_its_prefix_and_leaves_the_rest_alone(js):
    spec = {**SPEC, "prefix": "o."}
    fragment = "account=acme+org&h.sort=date%3Aasc&o.status=overdue"
    assert read(js, fragment, spec)["filters"]["status"] == "overdue"
    assert read(js, fragment)["filters"]["status"] == ""  # the unprefixed table's is unset
    after = write(js, fragment, {"filters": {"status": "pending"}, "sort": [["due", "asc"]]}, spec)
    assert after == "account=acme+org&h.sort=date%3Aasc&o.status=pending&o.sort=due%3Aasc"
    cleared = js.evaluate(
        "([f, spec]) => HCP.gridState.clear(new URLSearchParams(f), spec).toString()",
        ["o.status=overdue&o.q=x&o.sort=due%3Aasc&o.group=0&account=k", spec],
    )
    assert cleared == "o.sort=due%3Aasc&o.group=0&account=k"  # sort and grouping stay


def test_unknown_and_hostile_parameters_are_ignored(js):
    hostile = "<script>alert(1)</script>"
    fragment = (
        "__proto__=x&constructor=y&toString=z&geo=EMEA&owner=%3Cscript%3Ealert(1)%3C%2Fscript%3E"
        "&sort=__proto__%3Adesc%2Cconstructor%3Aasc%2C%3Cimg%3E%3Adesc%2Camount%3Aup%2Cdue"
        "&group=yes&q=%25%00&%E0%A4%A=1&=&&"
    )
    view = read(js, fragment)
    assert view == {
        "filters": {"owner": hostile, "status": "", "quarter": ""},  # text, kept as typed
        "q": "%\u0000",
        "grouped": True,
        "sort": [["amount", "asc"], ["due", "asc"]],  # only columns it can sort by
    }
    # the fragment is written back with its unknown parameters as they came
    back = write(js, fragment, view)
    assert "__proto__=x" in back and "geo=EMEA" in back
    assert read(js, back)["filters"]["owner"] == hostile


def test_the_page_fragment_round_trips_through_the_address(js):
    """HCP.state reads and writes location.hash; a malformed fragment reads without an error."""
    state = """([f, spec]) => {
      location.hash = f;
      const before = HCP.gridState.read(HCP.state.read(), spec);
      HCP.state.write(HCP.state.read());
      return [location.hash, before, HCP.gridState.read(HCP.state.read(), spec)];
    }"""
    fragment, before, after = js.evaluate(state, ["owner=Ana+Ortiz&sort=due%3Aasc", SPEC])
    assert fragment == "#owner=Ana+Ortiz&sort=due%3Aasc"
    assert before == after and before["filters"]["owner"] == "Ana Ortiz"
    # a cut percent-escape: read as text with a replacement character, and stable from then on
    _, before, after = js.evaluate(state, ["owner=%E0%A4%A&status&sort=%ZZ", SPEC])
    assert before == after and "\ufffd" in before["filters"]["owner"]
    assert before["sort"] == []


# -- words ----------------------------------------------------------------------------------------


def test_the_summary_and_print_lines_say_what_is_shown(js):
    line = js.evaluate(
        "() => HCP.summary.line(3, 1200, 'occasions', [['overdue', 2], ['pending', 0], "
        "['upcoming', 1]], 12000)"
    )
    # Every count names what it counts; money is written one way: the currency code, grouped.
    assert (
        line == "3 of 1,200 occasions · 2 overdue occasions · 1 upcoming occasion · USD\xa012,000"
    )
    labelled = js.evaluate(
        "() => HCP.summary.line(1, 9, 'accounts', [['overdue', 1]], -1234567.5, 'contract amount')"
    )
    assert labelled == "1 of 9 accounts · 1 overdue account · contract amount -USD\xa01,234,568"
    assert js.evaluate("() => HCP.summary.groupLine(1, 'occasions', null)") == "1 occasion"
    assert js.evaluate("() => HCP.summary.groupLine(2, 'accounts', 5)") == "2 accounts · USD\xa05"
    assert js.evaluate("() => HCP.summary.empty(0, 'rows')") == "No rows."
    printed = js.evaluate(
        "() => HCP.summary.printLine(['Status: overdue'], [['Due', 'asc'], ['Amount', 'desc']], "
        "3000, 4500)"
    )
    assert printed == (
        "Filters: Status: overdue. Sorted by Due ↑, Amount ↓. This printout holds the first "
        "3,000 of 4,500 rows; filter to print the others."
    )
    assert js.evaluate("() => HCP.summary.printLine([], [], null, 3)") == "No filters."
