"""The health score on the demo CRM's data: archetypes, the change since a kept run, the backtest."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from hcportal import transform
from hcportal.backtest import from_demo
from hcportal.cli import main
from hcportal.previous import read_previous
from hcportal.transform.settings import TransformSettings
from tests.conftest import CLOCK, TODAY


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    """The demo's history replayed (150 accounts, 12 monthly dates, churn within 180 days) with its ground truth."""
    return from_demo(TransformSettings(), 150, 5, TODAY, months=12, every=30, horizon=180)


def test_the_quietly_churning_accounts_are_flagged_before_they_churn(demo):
    b, truth = demo
    churned = truth[truth["archetype"] == "churned"].merge(b.outcomes, on="account_key")
    # Those that churned after the first replayed date, so that a flag could come first.
    churned = churned[churned["churned"] > pd.Timestamp(b.dates[0] + timedelta(days=30))]
    assert len(churned) >= 5
    warn = b.flags[b.flags["flag"].isin(["band: At risk", "alert: band_down", "alert: drop",
                                         "alert: silent_renewal"])]  # fmt: skip
    early = warn[(warn["lead_days"] > 0)]
    flagged = set(early["account_key"]) & set(churned["account_key"])
    assert len(flagged) >= 0.8 * len(churned), (len(flagged), len(churned))
    lead = early[early["account_key"].isin(flagged)].groupby("account_key")["lead_days"].max()
    assert lead.median() >= 60  # months, not days, of warning
    thriving = truth[truth["archetype"] == "thriving"]["account_key"]
    at_risk = b.flags[b.flags["flag"] == "band: At risk"]["account_key"]
    assert len(thriving) > 10 and not at_risk.isin(thriving).any()


def test_backtest_reports_bands_rules_and_measures(demo):
    b, _ = demo
    bands = b.bands.set_index("band or state")
    assert bands.loc["At risk", "churn_rate"] > bands.loc["Healthy", "churn_rate"]
    assert set(b.measures["measure"]) >= {"adoption", "tone", "days_late", "nps"}
    separated = b.measures.set_index("measure")["auc"]
    assert separated["adoption"] > 0.7 and separated["touches_per_month"] > 0.6
    rules = b.rules.set_index("flag")
    assert rules.loc["band: At risk", "churned_caught"] > 0
    assert {"false_alarms", "median_lead_days", "recall"} <= set(rules.columns)


@pytest.fixture(scope="module")
def run_twice(tmp_path_factory: pytest.TempPathFactory):
    """Two transforms a week apart, the second one with heavier billing weights: its previous
    run read back from the first's data folder."""
    from hcportal.democrm import synthetic

    raw = tmp_path_factory.mktemp("raw")
    for name, df in synthetic.generate(accounts=80, seed=11, today=TODAY).items():
        df.to_csv(raw / f"{name}.csv", index=False)
    first_day = TODAY - timedelta(days=7)
    first = transform.run(raw, TransformSettings(), first_day, clock=CLOCK)
    data = transform.write(first, tmp_path_factory.mktemp("data") / "data")
    changed = TransformSettings.model_validate({"score": {"groups": {"billing": 6}}})
    second = transform.run(raw, changed, TODAY, clock=CLOCK, previous=read_previous(data))
    return first, second


def test_change_since_the_previous_run_is_split_and_adds_up(run_twice):
    first, second = run_twice
    s = second["health_scores"]
    both = s[s["change"].notna() & s["change_data"].notna()]
    assert len(both) > 30
    assert np.allclose(both["change_data"] + both["change_config"], both["change"])
    assert (both["change_config"] != 0).any()  # the billing weight moved scores
    prev = first["health_scores"].set_index("account_key")["score"]
    assert np.allclose(both["previous_score"], both["account_key"].map(prev))
    e = second["health_explain"]
    e = e[e["account_key"].isin(set(both["account_key"]))]
    per = (
        (e["data_change"].fillna(0) + e["config_change"].fillna(0)).groupby(e["account_key"]).sum()
    )
    assert np.allclose(per.reindex(both["account_key"]).to_numpy(), both["change"].to_numpy())


def test_every_scored_account_adds_up_and_states_have_no_score(run_twice):
    _, second = run_twice
    s, e = second["health_scores"], second["health_explain"]
    total = e.groupby("account_key")["contribution"].sum(min_count=1)
    scored = s[s["state"] == "scored"].set_index("account_key")
    assert np.allclose(total.reindex(scored.index), scored["score"])
    other = s[s["state"] != "scored"]
    assert other["score"].isna().all() and (other["band"] == "").all()
    assert "silent" in set(s["state"])


def test_backtest_cli_has_an_example_and_writes_its_report(tmp_path: Path):
    runner = CliRunner()
    help_text = runner.invoke(main, ["backtest", "--help"]).output
    assert "Example:" in help_text and "hcportal backtest --demo" in help_text
    r = runner.invoke(main, ["backtest", "--data", str(tmp_path / "nothing")])
    assert r.exit_code != 0 and "Traceback" not in r.output


def test_the_previous_run_is_the_newest_kept_one_with_scores(run_twice, tmp_path: Path, caplog):
    from hcportal.previous import previous_run
    from hcportal.publish.history import History

    first, _ = run_twice
    data = transform.write(first, tmp_path / "data")
    history = History(tmp_path / "history", keep=10)
    assert previous_run(history) is None
    history.record("20261116T060000Z", data_dir=data, config={"transform": {}})
    found = previous_run(history)
    assert found is not None and found.run_id == "20261116T060000Z"
    assert found.as_of == TODAY - timedelta(days=7)
    assert set(found.frames) == {"health_scores", "health_explain", "events", "accounts"}
    assert previous_run(history, exclude="20261116T060000Z") is None
    # A damaged entry is passed over with a warning: tonight's run goes on without a change.
    (history.root / "20261116T060000Z" / "data" / "meta.json").write_text("{", "utf-8")
    assert previous_run(history) is None
    assert "cannot be read" in caplog.text
