"""The health score's pages: the health table, the alerts, and an owner's own alerts.

The transform decides and explains (``health_scores``, ``health_explain``, ``alerts``); these
datasets only select, label and sort for the browser. An account that is ``silent`` or has
``insufficient signal`` shows its state where a score would be, never a number.
"""

from __future__ import annotations

import pandas as pd

from hcportal.render.datasets import Reads, labelled
from hcportal.transform import Tables

HEALTH_READS: Reads = {
    "health_scores": (
        "account", "account_key", "owner", "geo", "region", "segment", "state", "score", "band",
        "coverage", "previous_score", "change", "change_data", "change_config", "change_cause",
        "weakest", "missing", "newest_event", "last_heard",
    ),
}  # fmt: skip
# What a score-less account shows in the band column: its state, said in words.
STATE_LABEL = {"silent": "Silent", "insufficient signal": "Insufficient signal"}


def health(t: Tables) -> pd.DataFrame:
    """Every account with its score (or state), band, coverage, change and its weakest measures;
    the lowest scores first, the silent and insufficient after them."""
    df = t["health_scores"][list(HEALTH_READS["health_scores"])].copy()
    df = labelled(df, ("owner", "geo", "region"))
    df = labelled(df, ("segment",), "(default)")
    state = df["state"].astype(str)
    df["band"] = df["band"].astype(str).where(state == "scored", state.map(STATE_LABEL).fillna(state))  # fmt: skip
    for c in ("change_cause", "weakest", "missing"):
        df[c] = df[c].astype(object).fillna("").astype(str)
    df = df.sort_values(["score", "account"], ascending=[True, True], na_position="last", kind="stable")  # fmt: skip
    return df.reset_index(drop=True)


ALERT_READS: Reads = {
    "alerts": (
        "alert_id", "account", "account_key", "owner", "region", "rule", "detail", "score",
        "previous_score", "band", "previous_band", "weakest", "due",
    ),
}  # fmt: skip


def alerts(t: Tables) -> pd.DataFrame:
    """This run's alerts, by owner then account."""
    df = t["alerts"][list(ALERT_READS["alerts"])].copy()
    df = labelled(df, ("owner", "region"))
    for c in ("band", "previous_band", "weakest", "detail"):
        df[c] = df[c].astype(object).fillna("").astype(str)
    return df.sort_values(["owner", "account", "rule"], kind="stable").reset_index(drop=True)


OWNER_ALERT_READS: Reads = {"alerts": ALERT_READS["alerts"]}


def owner_alerts(t: Tables, owner: str, memo: dict) -> list[dict]:
    """An owner's alerts for the small block on their page (empty when there are none or the
    tables hold no alerts): the page stays the targets page, with this beside it."""
    if "alerts" not in t.frames:
        return []
    if "alerts_by_owner" not in memo:
        df = alerts(t)
        memo["alerts_by_owner"] = {
            o: g[["account", "account_key", "rule", "detail", "weakest"]].to_dict("records")
            for o, g in df.groupby("owner", sort=False)
        }
    return memo["alerts_by_owner"].get(owner, [])
