"""Backtest: would the score and its alerts have flagged the accounts that later churned?

The events table holds each account's whole history, and every measure reads only what was
known on its as-of date (measures.py), so a past day can be replayed exactly: score every account
as of each replay date, raise the alerts between consecutive dates, and compare with what
happened afterwards. The outcome comes from the contracts: an account *churned* on the last day
of its last contract when it has no open-ended contract and that day is before the end of the
data; every other account renewed (or is still running).

For each replay date, an account is counted while it is a customer (it has begun and not yet
churned). Reported, so that weights can be set from evidence rather than argued over:

- per band and state: how many accounts were in it and how many of them churned within
  ``horizon_days``;
- per alert rule (and per band, as a flag): how many churned accounts it flagged beforehand, how
  long before (median days from the first flag to the churn), and its false alarms (flagged, and
  still a customer ``horizon_days`` later);
- per measure: how well its points separated the accounts that churned within the horizon from
  those that did not (the area under the ROC curve: 0.5 is chance, 1 is perfect).

A pure function of the tables and the settings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd

from hcportal.transform import alerts as alert_rules
from hcportal.transform import scoring
from hcportal.transform.score import compute, judge
from hcportal.transform.score_settings import MEASURES, ScoreSettings


@dataclass
class Backtest:
    dates: list[date]
    horizon_days: int
    bands: pd.DataFrame
    rules: pd.DataFrame
    measures: pd.DataFrame
    flags: pd.DataFrame  # account_key, flag, first flagged, churned, lead days
    outcomes: pd.DataFrame  # account_key, churned (date or NaT)
    notes: list[str] = field(default_factory=list)


def outcomes(contracts: pd.DataFrame, end: date) -> pd.Series:
    """Per account key, the day it churned (NaT: a customer at ``end``)."""
    key = contracts["account_key"].astype("str")
    last = contracts.groupby(key)["end"].max()
    open_ended = contracts["end"].isna().groupby(key).any()
    churned = last.where(~open_ended.reindex(last.index, fill_value=False))
    return churned.where(churned < pd.Timestamp(end)).astype("datetime64[s]")


def replay_dates(end: date, months: int, every_days: int = 30) -> list[date]:
    """``months`` dates, ``every_days`` apart, the last one ``every_days`` before ``end``."""
    return [end - timedelta(days=every_days * k) for k in range(months, 0, -1)]


@dataclass
class Observed:
    """What one date's scoring said: its scores and explanation, and the alerts it raised (a
    replayed date, or a run kept in the history as it was published)."""

    day: date
    scores: pd.DataFrame
    explain: pd.DataFrame | None
    alerts: pd.DataFrame | None


def backtest(
    events: pd.DataFrame,
    accounts: pd.DataFrame,
    contracts: pd.DataFrame,
    occasions: pd.DataFrame | None,
    settings: ScoreSettings,
    dates: list[date],
    end: date,
    horizon_days: int = 365,
) -> Backtest:
    """Replay the score on ``dates`` against the churn seen by ``end``."""
    bands = [b.name for b in settings.bands]
    seen = []
    prev = None
    calls = judge(events, settings)  # texts do not change with the date: judged once
    for d in sorted(dates):
        r = compute(events, accounts, settings, d, calls=calls, texts=False, sources=False)
        occ = _occasions_as_of(occasions, pd.Timestamp(d))
        found = alert_rules.alerts(
            r.scores, prev.scores if prev is not None else None, occ, settings.alerts, d, bands
        )
        seen.append(Observed(d, r.scores, r.explain, found))
        prev = r
    return assess(seen, contracts, end, horizon_days, bands)


def assess(
    seen: list[Observed], contracts: pd.DataFrame, end: date, horizon_days: int,
    bands: list[str],
) -> Backtest:  # fmt: skip
    """Hold what each date said against the churn seen by ``end`` (from ``contracts``)."""
    churn = outcomes(contracts, end)
    begun = contracts.groupby(contracts["account_key"].astype("str"))["start"].min()
    end_ts = pd.Timestamp(end)
    horizon = pd.Timedelta(days=horizon_days)
    rows, flags, points = [], [], []
    seen = sorted(seen, key=lambda o: o.day)
    for o in seen:
        day = pd.Timestamp(o.day)
        s = o.scores
        keys = s["account_key"].astype("str")
        gone = keys.map(churn).to_numpy(dtype="datetime64[s]")
        start = keys.map(begun).to_numpy(dtype="datetime64[s]")
        customer = (np.isnat(gone) | (gone > day.to_datetime64())) & ~np.isnat(start)
        customer &= start <= day.to_datetime64()
        within = ~np.isnat(gone) & (gone <= (day + horizon).to_datetime64()) & customer
        known = (day + horizon) <= end_ts  # the horizon has passed: a non-churn is a fact
        state = s["state"].astype("str").to_numpy(dtype=object)
        label = np.where(state == "scored", s["band"].astype("str").to_numpy(dtype=object), state)
        rows.append(pd.DataFrame({"date": day, "account_key": keys, "label": label,
                                  "customer": customer, "churned_within": within,
                                  "known": known}))  # fmt: skip
        # Flags: each alert rule raised that day, each band and state.
        if o.alerts is not None and len(o.alerts):
            for rule, key in zip(o.alerts["rule"].astype("str"),
                                 o.alerts["account_key"].astype("str"), strict=True):  # fmt: skip
                flags.append((key, f"alert: {rule}", day))
        for lab, key, c in zip(label, keys, customer, strict=True):
            if c:
                flags.append((key, f"band: {lab}", day))
        e = o.explain
        if known and e is not None:
            e = e[e["account_key"].astype("str").isin(set(keys[customer]))]
            lab = pd.Series(within, index=keys)
            points.append(pd.DataFrame({
                "measure": e["measure"].astype("str").to_numpy(),
                "points": e["points"].to_numpy(),
                "churned": e["account_key"].astype("str").map(lab).to_numpy(dtype=bool),
            }))  # fmt: skip
    dates = [o.day for o in seen]
    panel = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(
        columns=["date", "account_key", "label", "customer", "churned_within", "known"]
    )  # fmt: skip
    panel = panel[panel["customer"].astype(bool)]
    flag_df = _first_flags(flags, churn, end_ts, horizon)
    return Backtest(
        dates=dates,
        horizon_days=horizon_days,
        bands=_per_band(panel, bands),
        rules=_per_rule(flag_df, churn, min(dates) if dates else end, end_ts, horizon),
        measures=_per_measure(pd.concat(points, ignore_index=True) if points else None),
        flags=flag_df,
        outcomes=churn.rename("churned").reset_index().rename(columns={"index": "account_key"}),
    )


def _occasions_as_of(occasions: pd.DataFrame | None, day: pd.Timestamp) -> pd.DataFrame | None:
    """Occasions as they stood on ``day``: done only with evidence by then."""
    if occasions is None:
        return None
    done = occasions["evidence_date"].notna() & (occasions["evidence_date"] <= day)
    return occasions.assign(status=np.where(done, "done", "upcoming"))


def _first_flags(flags: list, churn: pd.Series, end: pd.Timestamp, horizon: pd.Timedelta) -> pd.DataFrame:  # fmt: skip
    """Per (account, flag): its first day, the churn after it, and the lead."""
    df = pd.DataFrame(flags, columns=["account_key", "flag", "date"])
    if df.empty:
        return df.assign(churned=pd.Series(dtype="datetime64[s]"), lead_days=pd.Series(dtype=float))  # fmt: skip
    first = df.groupby(["account_key", "flag"], as_index=False)["date"].min()
    first["churned"] = first["account_key"].map(churn).astype("datetime64[s]")
    first["lead_days"] = (first["churned"] - first["date"]).dt.days
    return first


def _per_band(panel: pd.DataFrame, bands: list[str]) -> pd.DataFrame:
    known = panel[panel["known"]]
    g = known.groupby("label")
    out = pd.DataFrame({"account_dates": g.size(), "churned_within": g["churned_within"].sum()})
    out["churn_rate"] = (out["churned_within"] / out["account_dates"]).round(3)
    order = [*bands, scoring.INSUFFICIENT, scoring.SILENT]
    # A band a kept run was scored by that today's configuration no longer has still counts.
    order = [*bands, *sorted(set(out.index) - set(order)), scoring.INSUFFICIENT, scoring.SILENT]
    out = out.reindex([b for b in order if b in out.index])
    return out.reset_index().rename(columns={"label": "band or state"})


def _per_rule(
    flags: pd.DataFrame, churn: pd.Series, first: date, end: pd.Timestamp, horizon: pd.Timedelta
) -> pd.DataFrame:
    """Per flag: the churned accounts it caught before they churned, and its false alarms."""
    churned_in_range = churn[(churn > pd.Timestamp(first)) & churn.notna()]
    rows = []
    for flag, f in flags.groupby("flag"):
        caught = f[f["churned"].notna() & (f["lead_days"] > 0) & (f["lead_days"] <= horizon.days)]
        settled = f[f["date"] + horizon <= end]
        false = settled[settled["churned"].isna() | (settled["lead_days"] > horizon.days)]
        rows.append({
            "flag": flag,
            "accounts_flagged": int(f["account_key"].nunique()),
            "churned_caught": int(caught["account_key"].nunique()),
            "churned_total": len(churned_in_range),
            "recall": round(caught["account_key"].nunique() / max(len(churned_in_range), 1), 3),
            "median_lead_days": float(caught["lead_days"].median()) if len(caught) else np.nan,
            "false_alarms": int(false["account_key"].nunique()),
            "settled_flags": int(settled["account_key"].nunique()),
        })  # fmt: skip
    return pd.DataFrame(rows).sort_values("flag", ignore_index=True) if rows else pd.DataFrame()


def _per_measure(points: pd.DataFrame | None) -> pd.DataFrame:
    """Per measure, the AUC of its points for telling renewed (high) from churned (low)."""
    rows = []
    for m in MEASURES:
        if points is None:
            break
        p = points[(points["measure"] == m) & points["points"].notna()]
        churned, renewed = int(p["churned"].sum()), int((~p["churned"]).sum())
        auc = np.nan
        if churned and renewed:
            rank = p["points"].rank(method="average").to_numpy()
            r_renewed = rank[~p["churned"].to_numpy()].sum()
            auc = (r_renewed - renewed * (renewed + 1) / 2) / (renewed * churned)
        rows.append({"measure": m, "group": MEASURES[m][0], "churned": churned,
                     "renewed": renewed, "auc": round(float(auc), 3)})  # fmt: skip
    return pd.DataFrame(rows)
