"""Why a score changed since the last run: new data, or a changed configuration, per measure.

Three scorings of each account are compared: the previous run's as it was published (*old*), the
previous run's data re-scored with today's configuration (*re*), and today's (*now*). Per measure,

- ``config_change`` = re − old: what the configuration change alone did to the same data;
- ``data_change`` = now − re: what the new data did under today's configuration;

so ``config_change + data_change`` = now − old for every measure, and, because each run's
contributions add up to its score exactly, the measures' changes add up to the score's change
exactly (the sums are done in tenths, as integers). A split needs the account scored in all three;
otherwise only the change is given, with its cause (`state`: the account became or stopped being
silent or insufficient; `config changed state`: today's configuration would not score the old data).

A pure function of the three tables' frames: reading the previous run is the pipeline's business.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

KEY = ["account_key", "measure"]


def attach(
    scores: pd.DataFrame,
    explain: pd.DataFrame,
    prev_scores: pd.DataFrame,
    prev_explain: pd.DataFrame,
    rescored: tuple[pd.DataFrame, pd.DataFrame] | None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``scores`` and ``explain`` with their previous-run and change columns filled in."""
    scores, explain = scores.copy(), explain.copy()
    old_score = _by_key(prev_scores, "score")
    old_state = _by_key(prev_scores, "state")
    keys = scores["account_key"].astype("str")
    prev = keys.map(old_score).to_numpy(dtype=np.float64)
    was = keys.map(old_state).fillna("").to_numpy(dtype=object)
    now_scored = scores["state"].to_numpy(dtype=object) == "scored"
    both = now_scored & (was == "scored")
    scores["previous_score"] = prev
    scores["change"] = np.where(both, np.round(scores["score"].to_numpy() - prev, 1), np.nan)

    if rescored is None:  # no data to re-score (an old history entry): changes, not split
        cause = np.where(both, "data or config", np.where(was != scores["state"].to_numpy(), "state", ""))  # fmt: skip
        scores["change_cause"] = np.where(was == "", "", cause).astype(str)
        return scores, _previous_only(explain, prev_explain)

    re_state = keys.map(_by_key(rescored[0], "state")).fillna("").to_numpy(dtype=object)
    split = both & (re_state == "scored")
    tenths = _tenths(prev_explain, "old").merge(_tenths(rescored[1], "re"), on=KEY, how="outer")
    tenths = tenths.merge(_tenths(explain, "now"), on=KEY, how="outer").fillna(0)
    tenths["config"] = tenths["re"] - tenths["old"]
    tenths["data"] = tenths["now"] - tenths["re"]
    splittable = set(keys[split])
    tenths = tenths[tenths["account_key"].isin(splittable)]

    sums = tenths.groupby("account_key")[["config", "data"]].sum()
    cfg = keys.map(sums["config"]).to_numpy(dtype=np.float64) / 10
    dat = keys.map(sums["data"]).to_numpy(dtype=np.float64) / 10
    scores["change_data"] = np.where(split, dat, np.nan)
    scores["change_config"] = np.where(split, cfg, np.nan)
    cause = np.select(
        [split & (cfg != 0) & (dat != 0), split & (cfg != 0), split & (dat != 0), split,
         both & ~split, (was != "") & (was != scores["state"].to_numpy())],
        ["data and config", "config", "data", "", "config changed state", "state"],
        default="",
    )  # fmt: skip
    scores["change_cause"] = cause.astype(str)

    explain = _previous_only(explain, prev_explain)
    parts = tenths.set_index(KEY)[["config", "data"]]
    idx = pd.MultiIndex.from_arrays([explain["account_key"].astype("str"), explain["measure"].astype("str")])  # fmt: skip
    found = parts.reindex(idx)
    explain["config_change"] = found["config"].to_numpy(dtype=np.float64) / 10
    explain["data_change"] = found["data"].to_numpy(dtype=np.float64) / 10
    return scores, explain


def _by_key(df: pd.DataFrame, col: str) -> pd.Series:
    return pd.Series(df[col].to_numpy(), index=df["account_key"].astype("str")).groupby(level=0).first()  # fmt: skip


def _tenths(explain: pd.DataFrame, name: str) -> pd.DataFrame:
    """Each (account, measure)'s contribution in tenths, as integers (missing: 0)."""
    c = np.rint(explain["contribution"].to_numpy(dtype=np.float64) * 10)
    return pd.DataFrame(
        {
            "account_key": explain["account_key"].astype("str").to_numpy(),
            "measure": explain["measure"].astype("str").to_numpy(),
            name: np.nan_to_num(c).astype(np.int64),
        }
    )


def _previous_only(explain: pd.DataFrame, prev_explain: pd.DataFrame) -> pd.DataFrame:
    old = (
        prev_explain.assign(
            account_key=prev_explain["account_key"].astype("str"),
            measure=prev_explain["measure"].astype("str"),
        )
        .drop_duplicates(KEY)
        .set_index(KEY)["contribution"]
    )
    idx = pd.MultiIndex.from_arrays([explain["account_key"].astype("str"), explain["measure"].astype("str")])  # fmt: skip
    explain["previous_contribution"] = old.reindex(idx).to_numpy(dtype=np.float64)
    return explain
