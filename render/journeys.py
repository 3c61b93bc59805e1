"""The journeys page's data: a compact per-account dataset the browser recomputes the three
scenarios from, whatever the filters.

Why recompute in the browser rather than precompute per filter value: the filters (region, owner,
tier, segment, period) combine, and a figure for "EMEA, Strategic, 2024" is not a sum of the
figures for EMEA, for Strategic and for 2024. Drop-off and paths that pay are counts over accounts,
and the lift before support is a ratio of sums over accounts (each account's occurrences and those
a case followed), so shipping one row per account (and one per account and pattern) lets the
browser give the exact figures for any combination, with plain counting. Paths and patterns are
dictionary-encoded: 100,000 accounts cost a few bytes each.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from hcportal.render.shards import UNASSIGNED
from hcportal.transform import Tables

ACCOUNT_COLUMNS = ("account_key", "path", "variant", "last_stage", "terminal", "paying",
                   "first_date", "owner", "region", "tier", "segment")  # fmt: skip
READS = {
    "journey_accounts": ACCOUNT_COLUMNS,
    "journey_account_patterns": ("account_key", "kind", "pattern", "occurrences", "followed"),
    "journey_dropoff": ("stage", "order", "min_accounts"),
    "journey_before_support": ("window_days",),
}


def _text(s: pd.Series, blank: str) -> pd.Series:
    s = s.astype(object).where(s.notna(), "").astype(str).str.strip()
    return s.mask(s == "", blank)


def accounts(t: Tables) -> pd.DataFrame:
    """One row per account: its path, variant, last stage, terminal, whether it pays, and what
    the page filters by (owner, region, tier, segment, period: the year its journey began)."""
    acc = t["journey_accounts"]
    out = pd.DataFrame({
        "path": acc["path"].astype(str),
        "variant": acc["variant"].astype(str),
        "last_stage": acc["last_stage"].astype(str),
        "terminal": acc["terminal"].astype(str),
        "paying": acc["paying"].astype(bool),
        "owner": _text(acc["owner"], UNASSIGNED),
        "region": _text(acc["region"], "(no region)"),
        "tier": _text(acc["tier"], "(no tier)"),
        "segment": _text(acc["segment"], "(no segment)"),
        "period": _text(acc["first_date"].dt.year.astype("Int64").astype(str).replace("<NA>", ""),
                        "(no date)"),
    })  # fmt: skip
    return out.reset_index(drop=True)


def patterns(t: Tables) -> pd.DataFrame:
    """Per account (its row in :func:`accounts`) and stage or sequence: occurrences, and how many
    of them a support case followed."""
    keys = t["journey_accounts"]["account_key"].astype(str).reset_index(drop=True)
    p = t["journey_account_patterns"]
    row = pd.Index(keys).get_indexer(p["account_key"].astype(str))
    keep = row >= 0
    return pd.DataFrame({
        "acct": row[keep].astype(np.int64),
        "kind": p["kind"].astype(str).to_numpy()[keep],
        "pattern": p["pattern"].astype(str).to_numpy()[keep],
        "occurrences": p["occurrences"].to_numpy(np.int64)[keep],
        "followed": p["followed"].to_numpy(np.int64)[keep],
    })  # fmt: skip


def context(t: Tables, _shard: object, _memo: dict) -> dict:
    """The stages in journey order, the thin threshold and the window, for the page's script."""
    drop = t["journey_dropoff"].sort_values("order")
    min_accounts = int(drop["min_accounts"].iloc[0]) if len(drop) else 1
    bs = t["journey_before_support"]
    window = int(bs["window_days"].iloc[0]) if len(bs) else 0
    settings = {"stages": drop["stage"].astype(str).tolist(), "minAccounts": min_accounts,
                "windowDays": window}  # fmt: skip
    return {"journey_settings": json.dumps(settings), "window_days": window,
            "min_accounts": min_accounts}  # fmt: skip
