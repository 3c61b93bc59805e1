"""Credit and efficacy on a hand-computed book: efficacy.csv and influenced_pipeline.csv."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from hcportal import transform
from hcportal.transform.settings import TransformSettings
from tests.conftest import CLOCK

AS_OF = date(2026, 7, 1)

ACCOUNTS = """Owner,Account,GEO,Region
Nic W,Acme,AMS,East
Ana C,Beta GmbH,EMEA,DACH
,Gamma,,
Nic W,Delta,AMS,East
"""
# Due dates (default policy): c2 onboarding 2025-08-30 and renewal 2026-06-01; c3 2026-04-01;
# c4 2026-05-02; c5 2025-12-30; c6 2026-01-30.
CONTRACTS = """Account,Product,Start Date,End Date,Amount
Acme,VM,2025-06-01,2026-08-30,100
Acme,SaaS,2026-01-01,2027-12-31,200
Beta,HW,2026-02-01,2028-01-31,300
Gamma,VM,2025-10-01,2027-09-30,400
Delta,VM,2025-11-01,2027-10-31,500
"""
ACTIVITIES = """Name,Account,Opportunity,Subject,Revenue,Timestamp,Attachment
Sam K,Acme,,Health Check,,2026-03-15-10:00,Y
Nic W,ACME,,Health check - renewal,,2026-06-10-09:00,1
Ana C,Beta,,Health Check,,2026-05-10-09:00,N
Nic W,Delta,,Health Check,,2026-01-10-09:00,Yes
Nic W,Acme,Expansion,Demo,"$1,000",2026-03-20-10:00,N
Nic W,Acme,Upsell,Pricing discussion,$500,2026-06-20-10:00,N
Nic W,Acme,Renewal,Follow-up call,$2K,2026-06-09-10:00,N
Nic W,Acme,Old,Demo,$7,2025-12-01-10:00,N
Nic W,Acme,Future,Demo,$9,2026-07-05-10:00,N
Nic W,Acme,Own,Health Check,$11,2026-03-16-10:00,N
Ana C,Beta,Lost,Demo,$13,2026-05-20-10:00,N
Nic W,Delta,Edge,Demo,$90,2026-04-10-10:00,N
Nic W,Delta,Too late,Demo,$91,2026-04-11-10:00,N
Nic W,Delta,,Demo,,2026-02-01-10:00,N
"""


@pytest.fixture(scope="module")
def tables(tmp_path_factory) -> transform.Tables:
    raw: Path = tmp_path_factory.mktemp("raw")
    for name, text in (
        ("accounts", ACCOUNTS),
        ("contracts", CONTRACTS),
        ("activities", ACTIVITIES),
    ):
        (raw / f"{name}.csv").write_text(text, "utf-8")
    return transform.run(raw, TransformSettings(), AS_OF, clock=CLOCK)


def rows(df: pd.DataFrame, level: str) -> dict:
    counts = [
        "due", "closed", "done_on_time", "done_late", "missed", "open", "open_done", "unattached",
    ]  # fmt: skip
    sub = df[df["level"] == level]
    return {(r["name"], r["period"]): tuple(int(r[c]) for c in counts) for _, r in sub.iterrows()}


def test_efficacy_per_owner_and_quarter(tables):
    eff = tables["efficacy"]
    assert list(eff.columns)[:13] == [
        "level", "name", "geo", "period", "due", "closed", "done_on_time", "done_late", "missed",
        "open", "open_done", "unattached", "on_time_rate",
    ]  # fmt: skip
    # (due, closed, on time, late, missed, open, open and done, unattached)
    assert rows(eff, "owner") == {
        ("Nic W", "FY2025 Q3"): (1, 1, 0, 0, 1, 0, 0, 0),  # Acme VM onboarding, never checked
        ("Nic W", "FY2026 Q1"): (1, 1, 1, 0, 0, 0, 0, 0),  # Delta onboarding, 20 days early
        # Acme SaaS onboarding on time (window closed 2026-05-31); the VM renewal, due 2026-06-01
        # and checked 2026-06-10, is late, but its window is open to 2026-07-31: counted apart.
        ("Nic W", "FY2026 Q2"): (2, 1, 1, 0, 0, 1, 1, 0),
        # Beta: overdue on its window's last day, a check logged without file: open, unattached
        ("Ana C", "FY2026 Q2"): (1, 0, 0, 0, 0, 1, 0, 1),
        ("(unassigned)", "FY2025 Q4"): (1, 1, 0, 0, 1, 0, 0, 0),  # Gamma
    }
    rate = eff.set_index(["level", "name", "period"])["on_time_rate"]
    assert rate[("owner", "Nic W", "FY2026 Q2")] == 1.0  # 1 on time of 1 closed, not 1 of 2
    assert pd.isna(rate[("owner", "Ana C", "FY2026 Q2")])  # no window closed: no rate yet
    assert rate[("owner", "Nic W", "FY2025 Q3")] == 0.0


def test_efficacy_per_region_names_its_geo(tables):
    eff = tables["efficacy"]
    region = eff[eff["level"] == "region"]
    assert set(zip(region["geo"], region["name"], strict=True)) == {
        ("AMS", "East"), ("EMEA", "DACH"), ("", "(no region)"),
    }  # fmt: skip
    east = rows(eff, "region")
    assert east[("East", "FY2026 Q2")] == (2, 1, 1, 0, 0, 1, 1, 0)


def test_efficacy_counts_only_occasions_due_by_the_as_of_date(tables):
    occ = tables["occasions"]
    due = occ[occ["due"] <= pd.Timestamp(AS_OF)]
    eff = tables["efficacy"]
    for level in ("owner", "region"):
        part = eff[eff["level"] == level]
        assert part["due"].sum() == len(due)
        assert (part["closed"] + part["open"] == part["due"]).all()
        parts = part[["done_on_time", "done_late", "missed"]].sum(axis=1)
        assert (parts == part["closed"]).all()
        assert (part["open_done"] <= part["open"]).all()
        closed = due["window_end"] < pd.Timestamp(AS_OF)
        assert part["closed"].sum() == closed.sum()


def test_influenced_pipeline_credits_each_opportunity_to_the_latest_check(tables):
    inf = tables["influenced_pipeline"]
    got = {
        (r["account"], r["check_date"].date().isoformat(), r["opportunity"]): (
            r["revenue"],
            r["days_after"],
            r["checked_by"],
            r["logged_by"],
        )
        for _, r in inf.iterrows()
    }
    assert got == {
        ("Acme", "2026-03-15", "Expansion"): (1000.0, 5, "Sam K", "Nic W"),
        ("Acme", "2026-03-15", "Renewal"): (2000.0, 86, "Sam K", "Nic W"),
        ("Acme", "2026-06-10", "Upsell"): (500.0, 10, "Nic W", "Nic W"),  # not also to 03-15
        ("Delta", "2026-01-10", "Edge"): (90.0, 90, "Nic W", "Nic W"),  # day 90 counts, 91 not
    }
    # Not credited: before any check (Old), after the as-of date (Future), a health check itself
    # (Own), an account whose check had no attachment (Beta), no opportunity at all.
    assert {"account", "owner", "check_date", "opportunity", "activity_date", "revenue"} <= set(
        inf.columns
    )
    assert inf["owner"].tolist() == ["Nic W"] * 4  # the account's owner


def test_influence_days_is_a_setting(tmp_path):
    for name, text in (
        ("accounts", ACCOUNTS),
        ("contracts", CONTRACTS),
        ("activities", ACTIVITIES),
    ):
        (tmp_path / f"{name}.csv").write_text(text, "utf-8")
    settings = TransformSettings.model_validate({"policy": {"influence_days": 7}})
    inf = transform.run(tmp_path, settings, AS_OF, clock=CLOCK)["influenced_pipeline"]
    assert sorted(inf["opportunity"]) == ["Expansion"]  # 5 days; Upsell is 10 days after


def test_efficacy_and_pipeline_are_published_as_csv(tables, tmp_path):
    out = transform.write(tables, tmp_path / "data")
    eff = pd.read_csv(out / "efficacy.csv", dtype=str, keep_default_na=False)
    row = eff[(eff["name"] == "Nic W") & (eff["period"] == "FY2026 Q2")].iloc[0]
    assert (row["due"], row["closed"], row["on_time_rate"]) == ("2", "1", "1")
    beta = eff[(eff["name"] == "Ana C") & (eff["period"] == "FY2026 Q2")].iloc[0]
    assert beta["on_time_rate"] == ""  # blank: no window closed yet
    inf = pd.read_csv(out / "influenced_pipeline.csv", dtype=str, keep_default_na=False)
    assert set(inf["check_date"]) == {"2026-03-15", "2026-06-10", "2026-01-10"}
    assert "1000" in set(inf["revenue"])  # plain numbers, no ".0"
    back = transform.read(out)
    assert len(back["efficacy"]) == len(tables["efficacy"])


def test_a_repeated_opportunity_row_is_counted_once_and_listed(tmp_path):
    repeat = 'Nic W,Acme,Expansion,Demo,"$1,000",2026-03-20-10:00,N\n'
    for name, text in (
        ("accounts", ACCOUNTS), ("contracts", CONTRACTS), ("activities", ACTIVITIES + repeat),
    ):  # fmt: skip
        (tmp_path / f"{name}.csv").write_text(text, "utf-8")
    tables = transform.run(tmp_path, TransformSettings(), AS_OF, clock=CLOCK)
    inf = tables["influenced_pipeline"]
    assert (inf["opportunity"] == "Expansion").sum() == 1
    assert inf.loc[inf["opportunity"] == "Expansion", "line"].tolist() == [6]  # the first one
    dq = tables["data_quality"]
    dq = dq[dq["file"] == "activities.csv"]
    assert dq[["line", "value", "reason"]].values.tolist() == [
        [16, "Expansion", "duplicate activity row (its opportunity counted once)"]
    ]
