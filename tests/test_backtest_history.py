"""The backtest over the history (issue 12, item 7): real runs of `hcportal run`, made at several
fixed instants (``HCPORTAL_NOW``) from a drop folder of the demo CRM's reports, each kept in the
history with the scores and alerts it published; `hcportal backtest` then holds those, as they
were, against the outcomes the newest run sees. Nothing is re-scored: the first run is made
under a configuration that names its top band otherwise, and the backtest counts it as it was."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from hcportal.backtest import BacktestError, from_history
from hcportal.democrm import synthetic
from hcportal.transform.settings import TransformSettings
from tests.conftest import TODAY, built_once, run_cli

pytestmark = pytest.mark.slow

DAYS_BEFORE = (270, 180, 90, 0)  # the nights, counted back from TODAY
HORIZON = 180
# The packs' PDFs are most of a small run's time and not what this test is about.
CONFIG = """[paths]
build = "build"

[site]
pack_pdf = false

[harvest]
source = "folder"
folder = "drop"
max_file_age_hours = 1000000
"""
# The first night's configuration: its top band is "Strong", which today's calls "Healthy".
STRICT = """
[[transform.score.bands]]
name = "Strong"
min_score = 70

[[transform.score.bands]]
name = "Watch"
min_score = 45

[[transform.score.bands]]
name = "At risk"
min_score = 0
"""


def hcportal(work: Path, now: datetime, *args: str) -> subprocess.CompletedProcess:
    config = ("--config", str(work / "hcportal.toml"))
    return run_cli(*args, *config, cwd=work, now=now, timeout=600)


NIGHTS = [datetime(TODAY.year, TODAY.month, TODAY.day, 6, tzinfo=UTC) - timedelta(days=d)
          for d in DAYS_BEFORE]  # fmt: skip


def make_history(work: Path) -> None:
    drop = work / "drop"
    drop.mkdir()
    for name, df in synthetic.generate(accounts=90, seed=11, today=TODAY).items():
        df.to_csv(drop / f"{name}.csv", index=False)
    for k, now in enumerate(NIGHTS):
        (work / "hcportal.toml").write_text(CONFIG + (STRICT if k == 0 else ""), "utf-8")
        proc = hcportal(work, now, "run")
        assert proc.returncode == 0, proc.stderr[-2000:]


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[datetime]]:
    """The four nights' runs, made once per test run whichever workers ask (conftest.built_once),
    and copied for this module, whose commands run in it."""
    work = tmp_path_factory.mktemp("backtest-history") / "work"
    shutil.copytree(built_once(tmp_path_factory, "backtest-history", make_history), work,
                    symlinks=True)  # fmt: skip
    return work, NIGHTS


def _kept(work: Path, name: str) -> list[pd.DataFrame]:
    root = work / "build" / "history"
    return [pd.read_parquet(root / r / "data" / f"{name}.parquet")
            for r in sorted(os.listdir(root)) if (root / r / "data" / f"{name}.parquet").is_file()]  # fmt: skip


def test_the_kept_runs_are_held_as_published_against_later_outcomes(history):
    work, nights = history
    result = from_history(work / "build" / "history", TransformSettings(), HORIZON)
    assert result.dates == [n.date() for n in nights]  # every kept run, at its as-of date
    scores = _kept(work, "health_scores")
    assert len(scores) == len(nights)
    first = scores[0]
    assert "Strong" in set(first["band"]) and "Healthy" not in set(first["band"])
    assert "Healthy" in set(scores[1]["band"])  # today's configuration
    flags = result.flags
    healthy = flags[flags["flag"] == "band: Healthy"]
    strong = flags[flags["flag"] == "band: Strong"]
    # Re-scored, the first night would say Healthy; as published, it said Strong.
    assert len(healthy) and healthy["date"].min() > pd.Timestamp(nights[0].date())
    assert len(strong) and set(strong["date"]) == {pd.Timestamp(nights[0].date())}
    assert "Strong" in set(result.bands["band or state"])  # a band of its own, not dropped
    watch = flags[flags["flag"].isin(["band: Watch", "band: At risk"])]
    assert (watch["date"] == pd.Timestamp(nights[0].date())).any()
    # Every alert a run published is a flag from that run's date on (the first one counts).
    alerts = _kept(work, "alerts")
    raised = {}
    for night, a in zip(nights, alerts, strict=True):
        for key, rule in zip(a["account_key"], a["rule"], strict=True):
            raised.setdefault((str(key), f"alert: {rule}"), pd.Timestamp(night.date()))
    assert raised, "the runs raised no alert: nothing to hold"
    got = {(k, f): d for k, f, d in zip(flags["account_key"], flags["flag"], flags["date"],
                                        strict=True)}  # fmt: skip
    assert {k: got.get(k) for k in raised} == raised
    # Only the nights whose horizon has passed by the newest run count in the band table.
    assert set(result.bands.columns) >= {"band or state", "account_dates", "churned_within"}
    settled = sum(1 for n in nights if n.date() + timedelta(days=HORIZON) <= nights[-1].date())
    assert 0 < result.bands["account_dates"].sum() <= settled * len(first)
    assert set(result.measures["measure"]) and result.measures["auc"].notna().any()


def test_the_cli_backtests_the_configured_history_by_default(history, tmp_path):
    work, nights = history
    out = tmp_path / "report"
    proc = hcportal(work, nights[-1], "backtest", "--horizon", str(HORIZON), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert f"The scores and alerts of {len(nights)} runs kept in" in proc.stdout
    assert "Per alert rule and band" in proc.stdout
    assert sorted(p.name for p in out.iterdir()) == [
        "backtest_bands.csv", "backtest_flags.csv", "backtest_measures.csv", "backtest_rules.csv"
    ]  # fmt: skip
    # One kept run is not a past to learn from: a clear one-line error, no traceback.
    lone = tmp_path / "lone"
    run = sorted((work / "build" / "history").iterdir())[0]
    shutil.copytree(run, lone / run.name)
    proc = hcportal(work, nights[-1], "backtest", "--history", str(lone))
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    assert "keeps 1 run(s) with health scores" in proc.stderr
    with pytest.raises(BacktestError):
        from_history(lone, TransformSettings(), HORIZON)
    proc = hcportal(work, nights[-1], "backtest", "--history", str(lone), "--demo")
    assert proc.returncode == 2 and "give one of --history, --data and --demo" in proc.stderr
