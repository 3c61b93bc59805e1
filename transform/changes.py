"""What changed since the previous published run, occasion by occasion: a pure function of this
run's occasions and the previous run's (both as the transform writes them).

An occasion is the same across runs when its account, contract (product and start), kind and
due date are: contract ids are row numbers of one export and do not survive a new one.

- ``newly overdue``: overdue now, not overdue before (pending, upcoming, later, or not yet known);
- ``newly done``: done now, known and not done before;
- ``new occasion``: overdue, pending or upcoming now, and not among the previous run's
  occasions at all (a new contract, or a contract date that moved).
"""

from __future__ import annotations

import pandas as pd

from hcportal.transform.policy import TARGET_STATUSES

CHANGE_COLUMNS = [
    "change", "account", "account_key", "owner", "geo", "region", "product", "occasion", "due",
    "status", "before", "amount", "next_action",
]  # fmt: skip
_KEY = ["account_key", "product", "contract_start", "occasion", "due"]
NEWLY_OVERDUE, NEWLY_DONE, NEW = "newly overdue", "newly done", "new occasion"


def _keyed(occ: pd.DataFrame) -> pd.Series:
    parts = [occ[c].astype(object).where(occ[c].notna(), "").astype(str) for c in _KEY]
    key = parts[0]
    for p in parts[1:]:
        key = key + "\x1f" + p
    return key


def since(now: pd.DataFrame, before: pd.DataFrame) -> pd.DataFrame:
    """One row per occasion that became overdue or done, or is new, since ``before``."""
    previous = pd.Series(before["status"].astype(str).to_numpy(), index=_keyed(before).to_numpy())
    previous = previous[~previous.index.duplicated()]
    key = _keyed(now)
    status = now["status"].astype(str)
    was = key.map(previous)
    known = was.notna()
    change = pd.Series("", index=now.index, dtype=object)
    change[(status == "overdue") & (was != "overdue")] = NEWLY_OVERDUE
    change[(status == "done") & known & (was != "done")] = NEWLY_DONE
    change[status.isin(TARGET_STATUSES) & ~known & (change == "")] = NEW
    kept = change != ""
    out = now.loc[kept].copy()
    out["change"] = change[kept]
    out["before"] = was[kept].fillna("").astype(str)
    if "next_action" not in out.columns:
        out["next_action"] = ""
    order = {NEWLY_OVERDUE: 0, NEW: 1, NEWLY_DONE: 2}
    out = out.assign(_o=out["change"].map(order)).sort_values(
        ["_o", "due", "account"], kind="stable"
    )
    return out[CHANGE_COLUMNS].reset_index(drop=True)
