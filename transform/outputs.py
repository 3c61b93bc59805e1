"""The policy step: every occasion with its status, and the published tables ``targets`` and
``candidates``, exactly as GUIDE section 4 defines them."""

from __future__ import annotations

import numpy as np
import pandas as pd

from hcportal.transform import policy, urgency
from hcportal.transform.frames import positions, take, take_category, values_at
from hcportal.transform.policy import TARGET_STATUSES, URGENCY
from hcportal.transform.steps import Context, Frames, Step

TARGET_COLUMNS = [
    "account", "owner", "geo", "region", "product", "contract_start", "contract_end", "amount",
    "occasion", "due_date", "window_start", "window_end", "status", "fiscal_quarter",
    "unattached_hc", *urgency.COLUMNS,
]  # fmt: skip
CANDIDATE_COLUMNS = [
    "account", "owner", "geo", "region", "status", "next_due", "amount", "occasions", "urgency",
    "next_action",
]  # fmt: skip
# Beside the published columns, the typed tables keep what identifies each row and its account
# (the CSV exports leave them out).
TARGET_IDS = ["contract_id", "k", "account_key"]


def policy_step(t: Frames, ctx: Context) -> Frames:
    rules = ctx.settings.policy
    occ = policy.apply(t["contracts"], t["activities"], rules, ctx.as_of)
    enriched = urgency.add(
        enrich(occ, t["contracts"], t["accounts"]), ctx.as_of, rules.evidence_label
    )
    return {"occasions": enriched, "targets": targets(enriched), "candidates": candidates(enriched)}


STEP = Step(
    "policy",
    policy_step,
    makes=("occasions", "targets", "candidates"),
    needs=("contracts", "activities", "accounts"),
)


def enrich(occ: pd.DataFrame, contracts: pd.DataFrame, accounts: pd.DataFrame) -> pd.DataFrame:
    """Occasions with their contract and account: the account's own name, owner, geo and region.

    A contract whose account is not in the accounts report keeps the contract's spelling and an
    empty owner; it is listed in the data-quality report by the caller.
    """
    # By position, not by merge: a million occasions look up their contract and account directly.
    con = pd.Index(contracts["contract_id"]).get_indexer(occ["contract_id"])
    acc = positions(contracts["account_key"], accounts["account_key"])[con]
    out = occ.reset_index(drop=True)
    out["product"] = take_category(contracts["product"], con)
    out["contract_start"] = contracts["start"].to_numpy()[con]
    out["contract_end"] = contracts["end"].to_numpy()[con]
    out["amount"] = contracts["amount"].to_numpy()[con]
    own = take(accounts["account"], acc)
    out["account"] = own.fillna(take(contracts["account"], con, "")).astype("str")
    for col in ("owner", "geo", "region"):
        out[col] = take_category(accounts[col], acc)
    return out


def targets(enriched: pd.DataFrame) -> pd.DataFrame:
    """One row per occasion that is overdue, pending or upcoming; largest amount first."""
    t = enriched[_targeted(enriched)].rename(columns={"due": "due_date"})
    order = np.lexsort((_rank(t["account"]), t["due_date"].to_numpy(), -t["amount"].to_numpy()))
    # Repeating text (status, owner, region, ...) stays categorical: written as text all the same.
    return t.iloc[order][TARGET_COLUMNS + TARGET_IDS].reset_index(drop=True)


def candidates(enriched: pd.DataFrame) -> pd.DataFrame:
    """One row per account with a target occasion: its most urgent status, next due date, the sum of
    its targeted contracts' amounts (each contract once), how many occasions, and the urgency and
    next action of its most urgent occasion; largest first."""
    t = enriched[_targeted(enriched)]
    if t.empty:
        typed = {
            "next_due": "datetime64[s]", "amount": "float64", "occasions": "int64",
            "urgency": "Int64",
        }  # fmt: skip
        return pd.DataFrame(
            {c: pd.Series(dtype=typed.get(c, "str")) for c in [*CANDIDATE_COLUMNS, "account_key"]}
        )
    group, _ = pd.factorize(t["account_key"])  # integer groups: cheap at a million occasions
    urgency = t["status"].astype("str").map(URGENCY).to_numpy()
    frame = pd.DataFrame(
        {
            "_g": group,
            "_row": np.arange(len(t)),
            "_urgency": urgency,
            "next_due": t["due"].to_numpy(),
            "urgency": t["urgency"].to_numpy(dtype=np.int64),
        }
    )
    by = frame.groupby("_g", sort=False)
    out = by.agg(
        _row=("_row", "first"), _urgency=("_urgency", "min"), next_due=("next_due", "min"),
        occasions=("_row", "size"), urgency=("urgency", "min"),
    )  # fmt: skip
    # The account's most urgent occasion says what to do next: found by its urgency rank.
    by_rank = pd.Series(np.arange(len(t)), index=t["urgency"].to_numpy(dtype=np.int64))
    out["next_action"] = values_at(t["next_action"], by_rank.loc[out["urgency"]].to_numpy())
    out["urgency"] = out["urgency"].astype("Int64")
    once = ~t["contract_id"].duplicated().to_numpy()
    amounts = pd.Series(t["amount"].to_numpy()[once]).groupby(group[once]).sum()
    out["amount"] = amounts.reindex(out.index).to_numpy()
    rows = out["_row"].to_numpy()
    for col in ("account", "owner", "geo", "region", "account_key"):
        out[col] = values_at(t[col], rows)
    out["status"] = np.asarray(TARGET_STATUSES, dtype=object)[out["_urgency"].to_numpy()]
    out = out.sort_values(["amount", "account"], ascending=[False, True], kind="stable")
    columns = [*CANDIDATE_COLUMNS, "account_key"]
    return (
        out[columns]
        .reset_index(drop=True)
        .astype({"status": "str", "account_key": "str", "next_action": "str"})
    )


def _targeted(enriched: pd.DataFrame) -> np.ndarray:
    return enriched["status"].isin(TARGET_STATUSES).to_numpy()


def _rank(s: pd.Series) -> np.ndarray:
    """Each value's rank in sorted order: sorting by it sorts by ``s`` without comparing strings."""
    codes, _ = pd.factorize(s, sort=True)
    return codes
