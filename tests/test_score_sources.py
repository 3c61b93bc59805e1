"""The source rows behind each measure (health_explain.source_rows, health_sources), on hand-built
events whose report lines are known: every expected string is written out by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd

from hcportal.transform.score import compute
from hcportal.transform.score_sources import CAP
from tests.test_score import AS_OF, accounts, events, two_measures


def _explained(rows: list[dict], *keys: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    r = compute(events(rows), accounts(*keys), two_measures(), AS_OF)
    e = r.explain.assign(account_key=r.explain["account_key"].astype(str))
    return e.set_index(["account_key", "measure"]), r.sources


def act(key: str, day: str, line: int) -> dict:
    return {"account_key": key, "at": day, "type": "activity", "line": line}


def case(key: str, day: str, line: int) -> dict:
    return {"account_key": key, "at": day, "type": "ticket_opened", "line": line}


def test_lines_in_the_window_as_ranges_each_report_named_once():
    rows = [
        act("acme", "2026-10-01", 2),  # outside the 30-day window
        act("acme", "2026-11-20", 9),
        act("acme", "2026-11-05", 4),  # lines out of time order: sorted by line
        act("acme", "2026-11-03", 3),
        act("acme", "2026-11-10", 5),
        case("acme", "2026-11-12", 7),
        act("zeta", "2026-11-29", 1),
        act("zeta", "2026-11-30", 6),
        act("zeta", "2026-12-01", 8),  # after the as-of date: not read
    ]
    e, sources = _explained(rows, "acme", "zeta", "quiet")
    assert e.loc[("acme", "touches_per_month"), "source_rows"] == "activities:3-5,9"
    assert e.loc[("acme", "touches_per_month"), "events"] == 4
    assert e.loc[("acme", "tickets_per_month"), "source_rows"] == "tickets:7"
    assert e.loc[("zeta", "touches_per_month"), "source_rows"] == "activities:1,6"
    assert e.loc[("zeta", "tickets_per_month"), "source_rows"] == ""
    assert e.loc[("quiet", "touches_per_month"), "source_rows"] == ""
    # health_sources: one row per event read, with the measures that read it.
    got = {(str(s), int(ln)): str(m) for s, ln, m in
           zip(sources["source"], sources["line"], sources["measures"], strict=True)}  # fmt: skip
    assert got[("tickets", 7)].split() == ["tickets_per_month", "high_priority_share",
                                           "open_case_age"]  # fmt: skip
    touched = {k for k, m in got.items() if "touches_per_month" in m.split()}
    assert touched == {("activities", n) for n in (3, 4, 5, 9, 1, 6)}
    assert ("activities", 2) in got  # the 365-day recency measure read it
    assert "touches_per_month" not in got[("activities", 2)].split()
    assert ("activities", 8) not in got


def test_a_long_list_is_capped_with_the_count_left_out():
    lines = [10 * k for k in range(1, CAP + 5)]  # never consecutive: one piece each
    rows = [act("acme", f"2026-11-{10 + k:02d}", ln) for k, ln in enumerate(lines)]
    e, sources = _explained(rows, "acme")
    said = e.loc[("acme", "touches_per_month"), "source_rows"]
    shown = ",".join(str(x) for x in lines[:CAP])
    assert said == f"activities:{shown} (+4 more)"
    # Every row is still in health_sources, which the X-Ray's link filters by.
    mine = sources[sources["measures"].astype(str).str.contains("touches_per_month")]
    assert sorted(mine["line"].tolist()) == lines


def test_source_rows_agree_with_the_event_count_on_random_books():
    rng = np.random.default_rng(5)
    rows = []
    for n in range(400):
        key = f"k{rng.integers(0, 30)}"
        kind = rng.choice(["activity", "ticket_opened"])
        day = (pd.Timestamp(AS_OF) - pd.Timedelta(days=int(rng.integers(-5, 60)))).date()
        rows.append({"account_key": key, "at": str(day), "type": kind, "line": n + 2})
    rows.sort(key=lambda r: (r["account_key"], r["at"]))
    keys = [f"k{i}" for i in range(30)]
    e, sources = _explained(rows, *keys)
    for (key, measure), row in e.iterrows():
        text = row["source_rows"]
        if row["events"] == 0:
            assert text == ""
            continue
        listed = _lines(text)
        more = int(text.split("(+")[1].rstrip(" more)")) if "(+" in text else 0
        assert len(listed) + more == row["events"], (key, measure, text)
        read = sources[
            (sources["account_key"].astype(str) == key)
            & sources["measures"].astype(str).str.split().map(lambda m: measure in m)  # noqa: B023
        ]
        assert len(read) == row["events"]
        assert set(listed) <= set(zip(read["source"].astype(str), read["line"], strict=True))


def _lines(text: str) -> list[tuple[str, int]]:
    """``activities:3-5,9;tickets:7 (+2 more)`` -> every (report, line) it spells out."""
    out = []
    for part in text.split(" (+")[0].split(";"):
        report, spans = part.split(":")
        for span in spans.split(","):
            lo, _, hi = span.partition("-")
            out += [(report, x) for x in range(int(lo), int(hi or lo) + 1)]
    return out


def test_the_timeline_tells_apart_the_same_line_of_two_reports_and_two_types():
    from hcportal.render.xray import read_by

    events = pd.DataFrame(
        {
            "source": ["activities", "tickets", "tickets", "contracts", "invoices"],
            "type": ["activity", "ticket_opened", "ticket_closed", "contract_start", "invoice_due"],
            "line": [7, 7, 7, 7, 9],
        }
    ).astype({"source": "category", "type": "category"})
    sources = pd.DataFrame(
        {
            "source": ["tickets", "activities"],
            "type": ["ticket_opened", "activity"],
            "line": [7, 7],
            "measures": ["tickets_per_month escalations", "touches_per_month"],
        }
    )  # plain text, as read back from a data folder
    got = read_by(events, sources).astype(str).tolist()
    assert got == ["touches_per_month", "tickets_per_month escalations", "", "", ""]
    assert read_by(events, sources.iloc[:0]).astype(str).tolist() == [""] * 5


def test_a_segment_with_its_own_window_reads_and_shows_its_own_rows():
    """Enterprise reads touches over 60 days, the others over 30: an account's measure, its
    count of events, its source rows and health_sources follow its own segment's window.
    big (Enterprise): 3 touches in 60 days = 1.5 a month -> 37.5 points; one case -> 40;
    (37.5 + 40) / 2 = 38.75 -> 38.8. small: 2 touches in 30 days = 2 a month -> 50; (50 + 40) / 2
    = 45.0."""
    s = two_measures(
        segment_by="tier",
        scorecards={"Enterprise": {"measures": {"touches_per_month": {
            "window_days": 60, "bad": 0, "good": 4}}}},
    )  # fmt: skip
    rows = [
        act("big", "2026-10-05", 1), act("big", "2026-11-20", 2), act("big", "2026-11-21", 3),
        case("big", "2026-11-22", 4),
        act("small", "2026-10-05", 5), act("small", "2026-11-20", 6),
        act("small", "2026-11-21", 7), case("small", "2026-11-22", 8),
    ]  # fmt: skip
    r = compute(events(rows), accounts("big", "small", tier=("Enterprise", "SMB")), s, AS_OF)
    scores = r.scores.set_index("account_key")
    assert scores.loc["big", "score"] == 38.8 and scores.loc["small", "score"] == 45.0
    e = r.explain.assign(account_key=r.explain["account_key"].astype(str))
    e = e.set_index(["account_key", "measure"])
    assert e.loc[("big", "touches_per_month"), "source_rows"] == "activities:1-3"
    assert e.loc[("big", "touches_per_month"), "events"] == 3
    assert e.loc[("big", "touches_per_month"), "window_days"] == 60
    assert e.loc[("small", "touches_per_month"), "source_rows"] == "activities:6-7"
    assert e.loc[("small", "touches_per_month"), "events"] == 2
    got = {int(ln): str(m).split() for ln, m in zip(r.sources["line"], r.sources["measures"],
                                                      strict=True)}  # fmt: skip
    assert "touches_per_month" in got[1] and "touches_per_month" not in got[5]
