"""Journeys on a small hand-built event log whose answers were worked out by hand (issue 14)."""

from __future__ import annotations

import re
import tempfile
import tomllib
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from hcportal import transform
from hcportal.democrm.synthetic import simulate
from hcportal.transform.clean import account_key
from hcportal.transform.journey_settings import JourneySettings, StageRule
from hcportal.transform.journeys import journey_tables
from hcportal.transform.settings import TransformSettings

AS_OF = date(2025, 6, 1)


def ev(acct, at, type, **values):
    return {"account_key": acct, "at": pd.Timestamp(at), "type": type, **values}


def event_log() -> tuple[pd.DataFrame, pd.DataFrame]:
    """a: onboarding, adoption, the upgrade's planning, an escalation 9 days later, then nothing
    (silent since 2024-03-10 + 180 days). b: onboarding, low usage, its contract ended (churn).
    c: two first contracts (within 120 days), a renewal of X, an expansion to Z, a health check,
    a support case 14 days later, a call in May (not a stage, but a signal: not silent)."""
    rows = [
        ev("a", "2024-01-01", "contract_start", product="X"),
        ev("a", "2024-02-01", "usage", active_users=8.0, licensed_users=10.0),
        ev("a", "2024-03-01", "activity", subject="v5 upgrade planning"),
        ev("a", "2024-03-10", "ticket_opened", escalated=True, subject="It broke"),
        ev("b", "2024-01-01", "contract_start", product="X"),
        ev("b", "2024-02-01", "usage", active_users=1.0, licensed_users=10.0),
        ev("b", "2024-12-31", "contract_end", product="X"),
        ev("c", "2024-01-01", "contract_start", product="X"),
        ev("c", "2024-02-01", "contract_start", product="Y"),
        ev("c", "2025-01-01", "contract_start", product="x"),
        ev("c", "2025-02-01", "contract_start", product="Z"),
        ev("c", "2025-03-01", "health_check", subject="Health check"),
        ev("c", "2025-03-15", "ticket_opened", escalated=False, subject="How do I"),
        ev("c", "2025-05-20", "activity", subject="Call"),
        ev("c", "2025-08-01", "ticket_opened", escalated=True, subject="future: not yet"),
    ]
    events = pd.DataFrame(rows)
    events["account_key"] = events["account_key"].astype("category")
    events["type"] = events["type"].astype("category")
    events["subject"] = events["subject"].astype("category")
    events["escalated"] = events["escalated"].astype("boolean")
    events["line"] = np.arange(100, 100 + len(events))  # each event's line in its report
    contracts = pd.DataFrame({
        "account_key": ["a", "b", "c", "c", "c", "c"],
        "start": pd.to_datetime(["2024-01-01"] * 3 + ["2024-02-01", "2025-01-01", "2025-02-01"]),
        "end": pd.to_datetime(["2025-12-31", "2024-12-31", None, None, None, None]),
        "amount": [100.0, 50.0, 100.0, 100.0, 100.0, 100.0],
    })  # fmt: skip
    return events, contracts


@pytest.fixture
def tables() -> dict[str, pd.DataFrame]:
    events, contracts = event_log()
    return journey_tables(events, contracts, JourneySettings(min_accounts=2), AS_OF)


def test_paths_and_terminals(tables):
    acc = tables["journey_accounts"].set_index("account_key")
    assert acc.loc["a", "path"] == "onboarding > adoption > upgrade > escalation > silence"
    assert acc.loc["b", "path"] == "onboarding > churn"
    assert acc.loc["c", "path"] == "onboarding > renewal > expansion > health_check > support"
    assert acc.loc["a", "terminal_date"] == pd.Timestamp("2024-09-06")  # 2024-03-10 + 180 days
    assert acc.loc["b", "terminal_date"] == pd.Timestamp("2024-12-31")
    assert acc.loc["c", "terminal"] == "" and pd.isna(acc.loc["c", "terminal_date"])
    assert list(acc["last_stage"]) == ["escalation", "onboarding", "support"]
    assert list(acc["cases"]) == [1, 0, 1]  # c's August case has not happened yet
    assert list(acc["revenue"]) == [100.0, 50.0, 400.0]
    # The variant leaves support cases out (variant_stages).
    assert acc.loc["c", "variant"] == "onboarding > renewal > expansion > health_check"


def test_dropoff(tables):
    d = tables["journey_dropoff"].set_index("stage")
    assert d.loc["onboarding", ["reached", "dropped", "churned", "went_silent"]].tolist() == [
        3, 1, 1, 0]  # fmt: skip
    assert d.loc["onboarding", "rate"] == pytest.approx(1 / 3)
    assert d.loc["escalation", ["reached", "dropped", "went_silent"]].tolist() == [1, 1, 1]
    assert d.loc["escalation", "rate"] == 1.0 and d.loc["escalation", "thin"]
    assert d.loc["adoption", ["reached", "dropped"]].tolist() == [1, 0]
    assert np.isnan(d.loc["renewal_risk", "rate"])  # nobody reached it
    # Most drop-offs first; a tie goes to the higher rate.
    assert d.sort_values("rank").index[:2].tolist() == ["escalation", "onboarding"]


def test_before_support_lift(tables):
    b = tables["journey_before_support"]
    stage = b[b["kind"] == "stage"].set_index("pattern")
    # 9 stage events that are not cases; 2 were followed by a case within 30 days.
    assert stage["base_rate"].iloc[0] == pytest.approx(2 / 9)
    assert stage.loc["upgrade", ["occurrences", "followed", "accounts"]].tolist() == [1, 1, 1]
    assert stage.loc["upgrade", "lift"] == pytest.approx(4.5)
    assert stage.loc["health_check", "lift"] == pytest.approx(4.5)
    assert stage.loc["onboarding", ["occurrences", "followed", "accounts"]].tolist() == [4, 0, 3]
    assert stage.loc["onboarding", "lift"] == 0 and not stage.loc["onboarding", "thin"]
    assert stage.loc["upgrade", "thin"]  # one account, min_accounts = 2
    seq = b[b["kind"] == "sequence"].set_index("pattern")
    assert seq.loc["adoption > upgrade", "followed"] == 1
    assert seq.loc["onboarding > adoption", "followed"] == 0  # 37 days before the case
    assert seq.loc["expansion > health_check", "lift"] == pytest.approx(4.5)
    assert "onboarding" not in seq.index  # a single stage is a stage, not a sequence
    per = tables["journey_account_patterns"]
    total = per[per["kind"] == "stage"][["occurrences", "followed"]].sum()
    assert total.tolist() == [9, 2]  # the lift can be recomputed from the per-account counts


def test_support_cases_preceded(tables):
    c = tables["journey_cases"]
    assert c["account_key"].tolist() == ["a", "c"]
    assert c["preceding"].tolist() == ["adoption > upgrade", "expansion > health_check"]
    assert c["days_before"].tolist() == [9.0, 14.0]
    assert c["stage"].tolist() == ["escalation", "support"]
    assert c["line"].tolist() == [103, 112]  # traced to the ticket rows


def test_paths_that_pay(tables):
    p = tables["journey_paths"].set_index("path")
    # c has the most revenue and no more cases per year than the median: the paying group.
    top = "onboarding > renewal > expansion > health_check"
    assert p.loc[top, ["paying_accounts", "rest_accounts"]].tolist() == [1, 0]
    assert p.loc[top, "paying_share"] == 1.0 and np.isnan(p.loc[top, "ratio"])
    assert p.loc["onboarding > churn", ["paying_accounts", "rest_share"]].tolist() == [0, 0.5]
    assert p.index[0] == top


def test_window_and_rules_are_settings():
    events, contracts = event_log()
    s = JourneySettings(before_support_days=5, min_accounts=1)
    b = journey_tables(events, contracts, s, AS_OF)["journey_before_support"]
    assert b["followed"].sum() == 0  # 9 and 14 days are outside a 5-day window
    # Another CRM's journey: its own stage names, by subject.
    rules = [
        StageRule(stage="trial", types=["activity"], subject="upgrade"),
        StageRule(stage="help", types=["ticket_opened"]),
    ]
    s = JourneySettings(stages=rules, support_stages=["help"], variant_stages=["trial"])
    acc = journey_tables(events, contracts, s, AS_OF)["journey_accounts"].set_index("account_key")
    assert acc.loc["a", "path"] == "trial > help > silence"
    assert acc.loc["c", "path"] == "help"


def test_bad_settings_are_refused():
    with pytest.raises(ValidationError, match="not stages of any rule"):
        JourneySettings(support_stages=["nope"])
    with pytest.raises(ValidationError, match="derived"):
        StageRule(stage="churn", types=["activity"])
    with pytest.raises(ValidationError, match="regular expression"):
        StageRule(stage="x", types=["activity"], subject="(")


def test_no_events_gives_empty_tables():
    events, contracts = event_log()
    t = journey_tables(events.iloc[:0], contracts.iloc[:0], JourneySettings(), AS_OF)
    assert all(len(t[k]) == 0 for k in ("journey_accounts", "journey_cases", "journey_paths"))


def test_the_docs_show_the_default_stages():
    text = (Path(__file__).resolve().parent.parent / "docs" / "journeys.md").read_text("utf-8")
    block = re.search(r"<!-- example: config -->\n```toml\n(.*?)```", text, re.S).group(1)
    documented = tomllib.loads(block)["transform"]["journeys"]["stages"]
    assert [StageRule(**r) for r in documented] == JourneySettings().stages


def test_the_demo_s_designed_in_patterns_are_found():
    """Issue 14, item 5: stalled accounts never adopt and end; the v5 upgrade precedes cases far
    more often than chance; thriving accounts are the paying group far more often than others."""
    today = date(2026, 11, 23)
    sim = simulate(400, 11, today=today)
    with tempfile.TemporaryDirectory() as tmp:
        for name, df in sim.reports.items():
            df.to_csv(Path(tmp) / f"{name}.csv", index=False)
        t = transform.run(Path(tmp), TransformSettings(), today,
                          clock=lambda: datetime(2026, 11, 23, tzinfo=UTC))  # fmt: skip
    truth = sim.truth.assign(account_key=account_key(sim.truth["Account"]).astype(str))
    acc = t["journey_accounts"].assign(account_key=lambda d: d["account_key"].astype(str))
    acc = acc.merge(truth[["account_key", "archetype"]], on="account_key")
    stalled = acc[acc["archetype"] == "stalled"]
    assert len(stalled) >= 10
    assert not stalled["path"].str.contains("adoption").any()
    assert (stalled["terminal"] == "churn").mean() > 0.5
    stage = t["journey_before_support"].query("kind == 'stage'").set_index("pattern")
    assert stage.loc["upgrade", "lift"] > 2
    share = acc.groupby("archetype")["paying"].mean()
    assert share["thriving"] > 1.5 * share["steady"]
    assert share[["silent", "churned", "stalled"]].max() == 0


def test_events_in_any_order_give_the_same_tables():
    events, contracts = event_log()
    settings = JourneySettings(min_accounts=2)
    ordered = journey_tables(events, contracts, settings, AS_OF)
    shuffled = events.sample(frac=1, random_state=4).reset_index(drop=True)
    again = journey_tables(shuffled, contracts, settings, AS_OF)
    for name, table in ordered.items():
        pd.testing.assert_frame_equal(again[name], table, check_categorical=False)
