"""The account X-Ray's data: one account's contracts, occasions, checks and every other activity.

There is one X-Ray page; it takes the account key from its URL and loads the one file holding that
account (``data/xray/<bucket>.<hash>.js``, see :func:`render.shards.bucket`). 100,000 accounts make a few
thousand files, not 100,000 pages.

Each health-check activity gets a verdict the seller can act on: it counted (for which occasion),
or it did not, and why (no attachment, outside every window, after the as-of date, no date).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from hcportal.render.datasets import Reads, available, dates, flags, labelled, numbers
from hcportal.render.shards import bucket
from hcportal.transform import Tables

READS: Reads = {
    "accounts": ("account_key", "account", "owner", "geo", "region"),
    "contracts": ("account_key", "account", "contract_id", "product", "start", "end", "amount"),
    "occasions": (
        "account_key", "contract_id", "occasion", "k", "due", "window_start", "window_end",
        "status", "evidence_date", "unattached_date", "fiscal_quarter", "product", "amount",
    ),
    "activities": (
        "account_key", "owner", "subject", "opportunity", "revenue", "timestamp", "date",
        "attachment", "is_hc",
    ),
}  # fmt: skip
# Shown when present (written by the engine's credit step).
PIPELINE_READS: Reads = {
    "influenced_pipeline": (
        "account", "owner", "check_date", "opportunity", "activity_date", "revenue",
    )
}  # fmt: skip

# Columns whose values link to an owner's or region's page.
LINKS = {"accounts": ("owner", "region")}
COUNTED, NOT_COUNTED = "counted", "not counted"


def tables(t: Tables) -> dict[str, pd.DataFrame]:
    """The X-Ray tables, each with an ``account_key`` column to cut them by."""
    as_of = date.fromisoformat(str(t.meta["as_of"]))
    contracts = t["contracts"][list(READS["contracts"])].copy()
    occasions = t["occasions"][list(READS["occasions"])].copy()
    accounts = _accounts(t["accounts"], contracts)
    contracts = numbers(dates(contracts.drop(columns="account"), ("start", "end")), ("amount",))
    occasions = dates(
        occasions, ("due", "window_start", "window_end", "evidence_date", "unattached_date")
    )
    occasions = numbers(occasions, ("amount", "k"))
    occasions["label"] = occasion_names(occasions)
    activities = t["activities"][list(READS["activities"])].reset_index(drop=True)
    activities = flags(dates(activities, ("date",)), ("attachment", "is_hc"))
    activities["timestamp"] = pd.to_datetime(activities["timestamp"], errors="coerce")
    activities["revenue"] = pd.to_numeric(activities["revenue"], errors="coerce")
    verdict, why = hc_verdicts(activities, occasions, as_of)
    activities = activities.assign(verdict=verdict, why=why).drop(columns="date")
    out = {
        "accounts": accounts,
        "contracts": _in_key_order(contracts, "start"),
        "occasions": _in_key_order(occasions, "due"),
        "activities": _in_key_order(activities, "timestamp"),
    }
    if "influenced_pipeline" in t.frames:
        out["pipeline"] = _pipeline(t["influenced_pipeline"])
    return out


def context(t: Tables, _shard: object, _memo: dict) -> dict:
    return {"has_pipeline": available(t, PIPELINE_READS)}


def _accounts(accounts: pd.DataFrame, contracts: pd.DataFrame) -> pd.DataFrame:
    """Every account of the accounts report, plus those only a contract names (no owner)."""
    acc = accounts[list(READS["accounts"])].drop_duplicates("account_key")
    stray = contracts.loc[~contracts["account_key"].isin(acc["account_key"]), ["account_key"]]
    stray = stray.assign(account=contracts["account"]).drop_duplicates("account_key")
    acc = pd.concat([acc, stray], ignore_index=True)
    return labelled(acc, ("owner", "geo", "region"))


def _pipeline(pipeline: pd.DataFrame) -> pd.DataFrame:
    """Opportunities logged after a done check, keyed by account (the engine's key if it wrote
    one, else the key of the account's name, as the transform makes it)."""
    from hcportal.transform.clean import account_key

    df = pipeline[list(PIPELINE_READS["influenced_pipeline"])].copy()
    has_key = "account_key" in pipeline.columns
    df["account_key"] = pipeline["account_key"] if has_key else account_key(df["account"])
    df = numbers(dates(df, ("check_date", "activity_date")), ("revenue",))
    return df.drop(columns="account").sort_values(["account_key", "activity_date"], kind="stable")


def occasion_names(occ: pd.DataFrame) -> pd.Series:
    """``onboarding``, ``renewal``, ``periodic #2``: periodic occasions are numbered."""
    name = occ["occasion"].astype(str)
    k = pd.to_numeric(occ["k"], errors="coerce").fillna(1).astype(int).astype(str)
    return name.where(occ["occasion"] != "periodic", "periodic #" + k)


def _in_key_order(df: pd.DataFrame, then: str) -> pd.DataFrame:
    """Rows by account key, then ``then``. A categorical key (the transform's in-memory tables)
    sorts by its text, as the plain strings read back from disk do, so both build the same site."""

    def as_text(s: pd.Series) -> pd.Series:
        if isinstance(s.dtype, pd.CategoricalDtype):
            return s.cat.reorder_categories(sorted(s.cat.categories, key=str), ordered=True)
        return s

    return df.sort_values(["account_key", then], kind="stable", key=as_text)


def hc_verdicts(
    activities: pd.DataFrame, occasions: pd.DataFrame, as_of: date
) -> tuple[pd.Series, pd.Series]:
    """For each health-check activity: whether it counted, and why, in the policy's own terms.

    Returns two Series aligned with ``activities`` (empty strings for other activities).
    """
    verdict = pd.Series("", index=activities.index, dtype=object)
    why = pd.Series("", index=activities.index, dtype=object)
    hc = activities[activities["is_hc"]]
    if hc.empty:
        return verdict, why
    due = occasions["due"].dt.strftime("%Y-%m-%d").fillna("?")
    occ = occasions.assign(label=occasions["label"] + " due " + due)[
        ["account_key", "window_start", "window_end", "evidence_date", "label"]
    ]
    pairs = hc[["account_key", "date"]].reset_index(names="_act").merge(occ, on="account_key")
    pairs = pairs[(pairs["date"] >= pairs["window_start"]) & (pairs["date"] <= pairs["window_end"])]
    first = pairs["evidence_date"] == pairs["date"]
    earlier = pairs["evidence_date"].notna() & ~first
    pairs = pairs.assign(
        text=pairs["label"].where(
            ~earlier,
            pairs["label"] + " (already done by the check of "
            + pairs["evidence_date"].dt.strftime("%Y-%m-%d") + ")",
        )
    )  # fmt: skip
    windows = pairs.groupby("_act")["text"].agg("; ".join)

    in_window = pd.Series(windows.reindex(hc.index)).fillna("")
    no_date = hc["date"].isna()
    future = hc["date"] > pd.Timestamp(as_of)
    attached = hc["attachment"]
    counted = ~no_date & ~future & attached & (in_window != "")
    reasons = np.select(
        [
            no_date,
            future,
            in_window == "",
            ~attached,
        ],
        [
            "no readable date, so it cannot be placed in a window",
            f"dated after the as-of date ({as_of.isoformat()})",
            "outside every health-check window of this account",
            "no attachment, so its credit is not logged; in the window of " + in_window,
        ],
        "counts for " + in_window,
    )
    verdict[hc.index] = np.where(counted, COUNTED, NOT_COUNTED)
    why[hc.index] = reasons
    return verdict, why


def bucket_rows(frames: dict[str, pd.DataFrame], buckets: int) -> dict[str, list[np.ndarray]]:
    """For every X-Ray table, the positions of its rows in each bucket: ``{table: [rows, ...]}``."""
    keys = pd.unique(pd.concat([f["account_key"] for f in frames.values()], ignore_index=True))
    of_key = {k: bucket(str(k), buckets) for k in keys}
    out: dict[str, list[np.ndarray]] = {}
    for name, frame in frames.items():
        b = frame["account_key"].map(of_key).to_numpy(dtype=np.int64)
        order = np.argsort(b, kind="stable")
        bounds = np.searchsorted(b[order], np.arange(buckets + 1))
        out[name] = [order[bounds[i] : bounds[i + 1]] for i in range(buckets)]
    return out
