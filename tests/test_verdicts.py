"""Why each logged health check counted or not: the transform's verdicts, each rule on a hand-built
case, and the X-Ray showing them without a rule of its own."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from hcportal import democrm, transform
from hcportal.render import xray
from hcportal.transform.settings import TransformSettings
from tests.conftest import CLOCK, TODAY

# Windows worked out by hand (90 days after the start, 90 before the end, +-60 days):
#   contract line 2, Acme 2026-01-01..2026-12-31: onboarding due 2026-04-01 [01-31, 05-31]
#                                                 renewal    due 2026-10-02 [08-03, 12-01]
#   contract line 3, Acme from 2026-01-15, no end: onboarding due 2026-04-15 [02-14, 06-14]
#                                                 periodic#1 due 2027-01-15 [11-16, 2027-03-16]
ACCOUNTS = "Owner,Account,GEO,Region\nAna,Acme Inc,AMS,East\nBen,Beta,AMS,East\n"
CONTRACTS = (
    "Account,Product,Start Date,End Date,Amount\n"
    "ACME,VM,2026-01-01,2026-12-31,100\n"
    "Acme Inc.,HW,2026-01-15,,50\n"
)
ACTIVITIES = (
    "Name,Account,Opportunity,Subject,Revenue,Timestamp,Attachment\n"
    "Ana,Acme,,Health Check,,2026-02-10 10:00,Y\n"  # 2: first in c2's onboarding window
    "Ana,Acme,,health-check,,2026-03-01 10:00,Y\n"  # 3: in both onboarding windows
    "Ana,Acme,,Health Check,,2026-09-01 10:00,N\n"  # 4: renewal window, no attachment
    "Ana,Acme,,Health Check,,2026-07-01 10:00,Y\n"  # 5: between the windows
    "Ana,Acme,,Health Check,,2026-11-30 10:00,Y\n"  # 6: in two windows, after the as-of date
    "Ana,Acme,,QBR,,2026-02-11 10:00,Y\n"  # 7: not a health check
    "Ben,Beta,,Health Check,,2026-05-01 10:00,Y\n"  # 8: an account without contracts
)


@pytest.fixture(scope="module")
def tables(tmp_path_factory) -> transform.Tables:
    raw = tmp_path_factory.mktemp("raw")
    for name, text in (
        ("accounts", ACCOUNTS),
        ("contracts", CONTRACTS),
        ("activities", ACTIVITIES),
    ):
        (raw / f"{name}.csv").write_text(text)
    return transform.run(raw, TransformSettings(), TODAY, clock=CLOCK)


def rows(t: transform.Tables) -> list[tuple]:
    v = t["check_verdicts"]
    return [
        (r.line, r.rule, None if pd.isna(r.contract_id) else (int(r.contract_id), r.occasion),
         None if pd.isna(r.evidence_date) else r.evidence_date.date().isoformat(), r.counts)
        for r in v.itertuples()
    ]  # fmt: skip


def test_each_rule_on_a_hand_built_account(tables):
    # The occasions in their order, each with the checks its window holds by day; then the checks
    # no window holds, in activity order.
    assert rows(tables) == [
        (2, "counted", (2, "onboarding"), "2026-02-10", True),
        (3, "already_done", (2, "onboarding"), "2026-02-10", True),
        (4, "no_attachment", (2, "renewal"), None, False),
        (3, "counted", (3, "onboarding"), "2026-03-01", True),
        (5, "outside_window", None, None, False),
        (6, "after_as_of", None, None, False),
        (8, "outside_window", None, None, False),
    ]


def test_the_verdicts_agree_with_the_occasions_statuses(tables):
    occ = tables["occasions"].set_index(["contract_id", "occasion"])
    assert occ.loc[(2, "onboarding"), "status"] == "done"
    assert occ.loc[(3, "onboarding"), "status"] == "done"
    assert occ.loc[(2, "renewal"), "status"] == "overdue"  # due 10-02 < as-of <= window end 12-01
    assert bool(occ.loc[(2, "renewal"), "unattached_hc"])  # the no_attachment row's occasion
    assert tables.meta["counts"]["check_verdicts"] == 7


def test_the_as_of_date_decides_which_checks_are_evidence(tmp_path):
    """On 2026-12-01 the check of 11-30 is no longer in the future: it is in the renewal window
    (already done by nobody else: it counts) and in the periodic window (the first there)."""
    for name, text in (
        ("accounts", ACCOUNTS),
        ("contracts", CONTRACTS),
        ("activities", ACTIVITIES),
    ):
        (tmp_path / f"{name}.csv").write_text(text)
    later = transform.run(tmp_path, TransformSettings(), date(2026, 12, 1), clock=CLOCK)
    assert [r for r in rows(later) if r[0] == 6] == [
        (6, "counted", (2, "renewal"), "2026-11-30", True),
        (6, "counted", (3, "periodic"), "2026-11-30", True),
    ]
    # 09-01's occasion now has evidence (11-30): it is named, the check still does not count.
    assert [r for r in rows(later) if r[0] == 4] == [
        (4, "no_attachment", (2, "renewal"), "2026-11-30", False)
    ]


def test_every_logged_check_has_a_verdict_and_every_done_occasion_its_counted_check(tmp_path):
    """The general rule, on the demo CRM's messy data: verdicts and statuses never disagree."""
    raw = tmp_path / "raw"
    raw.mkdir()
    for name, df in democrm.generate(accounts=150, seed=11, today=TODAY).items():
        df.to_csv(raw / f"{name}.csv", index=False)
    t = transform.run(raw, TransformSettings(), TODAY, clock=CLOCK)
    v, occ, act = t["check_verdicts"], t["occasions"], t["activities"]
    assert set(v["line"]) == set(act.loc[act["is_hc"], "_line"])
    counted = v[v["rule"] == "counted"]
    done = occ[occ["status"] == "done"]
    assert len(done) > 20
    assert set(zip(counted["contract_id"], counted["occasion"].astype(str), counted["k"],
                   strict=True)) == set(
        zip(done["contract_id"], done["occasion"].astype(str), done["k"], strict=True)
    )  # fmt: skip
    assert (counted["check_date"] == counted["evidence_date"]).all()
    flagged = occ[occ["unattached_hc"]]
    unattached = v[v["rule"] == "no_attachment"]
    assert set(flagged["contract_id"]) <= set(unattached["contract_id"].dropna())
    assert v["counts"].equals(v["rule"].isin(["counted", "already_done"]))


def test_the_x_ray_shows_the_transform_s_verdicts_in_its_words(tables):
    x = xray.tables(tables)["activities"].set_index("timestamp")
    why = {str(k.date()): w for k, w in x["why"].items()}
    assert why == {
        "2026-02-10": "counts for onboarding due 2026-04-01",
        "2026-03-01": "counts for onboarding due 2026-04-01 (already done by the check of "
        "2026-02-10); onboarding due 2026-04-15",
        "2026-09-01": "no attachment, so its credit is not logged; in the window of renewal due "
        "2026-10-02",
        "2026-07-01": "outside every health-check window of this account",
        "2026-11-30": "dated after the as-of date (2026-11-23)",
        "2026-02-11": "",
        "2026-05-01": "outside every health-check window of this account",
    }
    assert x.loc[pd.Timestamp("2026-03-01 10:00"), "verdict"] == "counted"
    assert x.loc[pd.Timestamp("2026-09-01 10:00"), "verdict"] == "not counted"


def test_the_x_ray_decides_nothing_itself(tables):
    """Change a verdict in the transform's table and the X-Ray says what the table says."""
    v = tables["check_verdicts"].copy()
    first = v.index[v["line"] == 2]
    v.loc[first, "rule"] = "outside_window"
    v.loc[first, "counts"] = False
    changed = transform.Tables({**tables.frames, "check_verdicts": v}, tables.meta)
    x = xray.tables(changed)["activities"]
    row = x[x["timestamp"] == pd.Timestamp("2026-02-10 10:00")].iloc[0]
    assert (row["verdict"], row["why"]) == (
        "not counted",
        "outside every health-check window of this account",
    )


def test_rules_are_worded_once_and_documented(tables):
    docs = (Path(__file__).parent.parent / "docs" / "data.md").read_text("utf-8")
    for code, rule in transform.RULES.items():
        assert f"`{code}`: {rule.means}" in docs
    assert set(tables["check_verdicts"]["rule"].cat.categories) == set(transform.RULES)
