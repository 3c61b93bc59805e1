"""The health-check policy (GUIDE section 4), as pure, vectorised functions of tables and a date.

Every contract row counts: each yields an onboarding occasion, a renewal occasion if it has an end
date, and periodic occasions if it has none (evergreen). A logged health check is per account: one
check, with its attachment, in an occasion's window and not after the as-of date, covers every
occasion of that account whose window holds it. No loops over rows: evidence is found with a sorted
as-of merge per account, so the cost grows with n log n, not with occasions x activities.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from transform.settings import PolicySettings

# Most urgent first: the order candidates' status is chosen by.
STATUSES = ("done", "missed", "overdue", "pending", "upcoming", "later")
TARGET_STATUSES = ("overdue", "pending", "upcoming")
URGENCY = {s: i for i, s in enumerate(TARGET_STATUSES)}

_DAY = pd.Timedelta(days=1)


def occasions(contracts: pd.DataFrame, policy: PolicySettings, as_of: date) -> pd.DataFrame:
    """One row per (contract, occasion): due date and window, inside the contract's term only.

    ``contracts`` needs ``contract_id``, ``account_key``, ``start``, ``end`` (NaT: evergreen).
    """
    start, end = contracts["start"], contracts["end"]
    base = contracts[["contract_id"]]
    onboarding = base.assign(occasion="onboarding", k=1, due=start + policy.after_start_days * _DAY)
    has_end = end.notna()
    renewal = base[has_end].assign(
        occasion="renewal", k=1, due=end[has_end] - policy.before_end_days * _DAY
    )
    periodic = _periodic(contracts[~has_end], policy, as_of)
    occ = pd.concat([onboarding, renewal, periodic], ignore_index=True)
    occ = occ.merge(contracts[["contract_id", "start", "end"]], on="contract_id", how="left")
    inside = (occ["due"] >= occ["start"]) & (occ["end"].isna() | (occ["due"] <= occ["end"]))
    occ = occ.loc[inside, ["contract_id", "occasion", "k", "due"]].reset_index(drop=True)
    occ["window_start"] = occ["due"] - policy.window_before_days * _DAY
    occ["window_end"] = occ["due"] + policy.window_after_days * _DAY
    return occ


def _periodic(evergreen: pd.DataFrame, policy: PolicySettings, as_of: date) -> pd.DataFrame:
    """Occasions k = 1, 2, ... every ``evergreen_every_days``, up to the first one past the horizon.

    Later occasions exist too, but they would all be ``later``; one is kept to show what comes next.
    """
    every = policy.evergreen_every_days
    limit = pd.Timestamp(as_of) + policy.horizon_days * _DAY
    span_days = ((limit - evergreen["start"]) / _DAY).to_numpy()
    count = np.maximum(np.floor(span_days / every).astype("int64") + 1, 1)
    idx = np.repeat(np.arange(len(evergreen)), count)
    k = np.arange(len(idx)) - np.repeat(np.cumsum(count) - count, count) + 1
    starts = evergreen["start"].to_numpy()[idx]
    return pd.DataFrame(
        {
            "contract_id": evergreen["contract_id"].to_numpy()[idx],
            "occasion": "periodic",
            "k": k,
            "due": starts + (k * every).astype("timedelta64[D]"),
        }
    )


def first_in_window(occ: pd.DataFrame, checks: pd.DataFrame) -> pd.Series:
    """Date of the account's first check on or after each window's start, if within its window.

    ``occ`` needs ``account_key``, ``window_start``, ``window_end``; ``checks`` needs
    ``account_key`` and ``date``. Returns a datetime Series aligned with ``occ`` (NaT: none).
    """
    if occ.empty or checks.empty:
        return pd.Series(pd.NaT, index=occ.index, dtype="datetime64[s]")
    left = occ[["account_key", "window_start"]].astype({"window_start": "datetime64[s]"})
    left = left.assign(_row=np.arange(len(occ))).sort_values("window_start", kind="stable")
    right = checks[["account_key", "date"]].astype({"date": "datetime64[s]"})
    right = right.assign(window_start=right["date"]).sort_values("window_start", kind="stable")
    found = pd.merge_asof(left, right, on="window_start", by="account_key", direction="forward")
    found = found.sort_values("_row")["date"].to_numpy()
    found = pd.Series(found, index=occ.index)
    return found.where(found <= occ["window_end"])


def apply(
    contracts: pd.DataFrame, activities: pd.DataFrame, policy: PolicySettings, as_of: date
) -> pd.DataFrame:
    """Every occasion of every contract with its evidence, unattached flag, status and quarter."""
    as_of_ts = pd.Timestamp(as_of)
    occ = occasions(contracts, policy, as_of)
    occ = occ.merge(
        contracts[["contract_id", "account_key"]], on="contract_id", how="left", validate="m:1"
    )
    logged = activities[activities["is_hc"] & (activities["date"] <= as_of_ts)]
    occ["evidence_date"] = first_in_window(occ, logged[logged["attachment"]])
    occ["unattached_date"] = first_in_window(occ, logged[~logged["attachment"]])
    occ["status"] = status(occ, as_of_ts, policy)
    occ["unattached_hc"] = occ["unattached_date"].notna() & (occ["status"] != "done")
    occ["fiscal_quarter"] = fiscal_quarter(occ["due"], policy.fiscal_year_start_month)
    return occ


def status(occ: pd.DataFrame, as_of: pd.Timestamp, policy: PolicySettings) -> pd.Series:
    """The first status that applies, in GUIDE section 4's order."""
    due, ws, we = occ["due"], occ["window_start"], occ["window_end"]
    conditions = [
        occ["evidence_date"].notna(),
        as_of > we,
        (due < as_of) & (as_of <= we),
        (ws <= as_of) & (as_of <= due),
        (as_of < ws) & (due <= as_of + policy.horizon_days * _DAY),
    ]
    return pd.Series(np.select(conditions, STATUSES[:5], "later"), index=occ.index, dtype="str")


def fiscal_quarter(due: pd.Series, start_month: int = 1) -> pd.Series:
    """``FY2027 Q1``: the fiscal year is named by the calendar year in which it ends."""
    month, year = due.dt.month, due.dt.year
    quarter = (month - start_month) % 12 // 3 + 1
    fiscal_year = year + ((month >= start_month) & (start_month != 1)).astype(int)
    label = (
        "FY" + fiscal_year.astype("Int64").astype(str) + " Q" + quarter.astype("Int64").astype(str)
    )
    return label.where(due.notna(), "")
