"""The published tables: ``targets`` and ``candidates``, exactly as GUIDE section 4 defines them."""

from __future__ import annotations

import pandas as pd

from transform.frames import positions, take
from transform.policy import TARGET_STATUSES, URGENCY

TARGET_COLUMNS = [
    "account", "owner", "geo", "region", "product", "contract_start", "contract_end", "amount",
    "occasion", "due_date", "window_start", "window_end", "status", "fiscal_quarter",
    "unattached_hc",
]  # fmt: skip
CANDIDATE_COLUMNS = [
    "account", "owner", "geo", "region", "status", "next_due", "amount", "occasions",
]  # fmt: skip


def enrich(occ: pd.DataFrame, contracts: pd.DataFrame, accounts: pd.DataFrame) -> pd.DataFrame:
    """Occasions with their contract and account: the account's own name, owner, geo and region.

    A contract whose account is not in the accounts report keeps the contract's spelling and an
    empty owner; it is listed in the data-quality report by the caller.
    """
    # By position, not by merge: a million occasions look up their contract and account directly.
    con = pd.Index(contracts["contract_id"]).get_indexer(occ["contract_id"])
    acc = positions(contracts["account_key"], accounts["account_key"])[con]
    out = occ.reset_index(drop=True)
    out["product"] = take(contracts["product"], con, "")
    out["contract_start"] = contracts["start"].to_numpy()[con]
    out["contract_end"] = contracts["end"].to_numpy()[con]
    out["amount"] = contracts["amount"].to_numpy()[con]
    own = take(accounts["account"], acc)
    out["account"] = own.fillna(take(contracts["account"], con, "")).astype("str")
    for col in ("owner", "geo", "region"):
        out[col] = take(accounts[col], acc, "")
    return out


def targets(enriched: pd.DataFrame) -> pd.DataFrame:
    """One row per occasion that is overdue, pending or upcoming; largest amount first."""
    t = enriched[enriched["status"].isin(TARGET_STATUSES)].rename(columns={"due": "due_date"})
    t = t.sort_values(
        ["amount", "due_date", "account"], ascending=[False, True, True], kind="stable"
    )
    return t[TARGET_COLUMNS].reset_index(drop=True)


def candidates(enriched: pd.DataFrame) -> pd.DataFrame:
    """One row per account with a target occasion: its most urgent status, next due date, the sum of
    its targeted contracts' amounts (each contract once) and how many occasions; largest first."""
    t = enriched[enriched["status"].isin(TARGET_STATUSES)]
    if t.empty:
        return pd.DataFrame(columns=CANDIDATE_COLUMNS)
    t = t.assign(_urgency=t["status"].map(URGENCY))
    by = t.groupby("account_key", sort=False)
    out = by.agg(
        account=("account", "first"),
        owner=("owner", "first"),
        geo=("geo", "first"),
        region=("region", "first"),
        _urgency=("_urgency", "min"),
        next_due=("due", "min"),
        occasions=("status", "size"),
    )
    contract_amounts = t.drop_duplicates("contract_id").groupby("account_key")["amount"].sum()
    out["amount"] = contract_amounts.reindex(out.index)
    out["status"] = out["_urgency"].map(dict(enumerate(TARGET_STATUSES)))
    out = out.sort_values(["amount", "account"], ascending=[False, True], kind="stable")
    return out[CANDIDATE_COLUMNS].reset_index(drop=True)
