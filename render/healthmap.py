"""The Account Health Map page's data: the accounts, their survey responses and the rules.

The page recomputes every score in the browser when a filter changes (role, questionnaire, wave or
dates, account filters), so it ships the responses themselves (one row per answer, columnar: an
account's position, question, questionnaire, wave, role, day, rating), the accounts with what
their filters need, and the rules as data: the transform's own, written into ``meta.json`` from
the same settings it scored with (``transform/healthmap_rules.py``: :func:`browser_rules`).
"""

from __future__ import annotations

import pandas as pd

from hcportal.transform import Tables
from hcportal.transform.healthmap_rules import HealthMapSettings, browser_rules

# Columns of the accounts report the seed filters by, under the headers CRMs give them (the
# accounts table keeps every extra column under its own header): shipped when present.
Reads = dict[str, tuple[str, ...]]  # as render.datasets.Reads (which imports this module)
ACCOUNT_FILTERS = {"tier": "Tier", "industry": "Industry", "account_manager": "Account Manager"}

ACCOUNT_READS: Reads = {
    "health_map": ("account", "account_key", "owner", "geo", "region", "account_value"),
    "accounts": ("account_key",),
}
RESPONSE_READS: Reads = {
    "health_map": ("account_key",),
    "surveys": ("account_key", "question", "questionnaire", "wave", "role", "date", "rating"),
}


def accounts(t: Tables) -> pd.DataFrame:
    """Every account of the map, alphabetical (the map's order), with the seed's account filters."""
    from hcportal.render.datasets import BLANK, labelled

    df = t["health_map"][list(ACCOUNT_READS["health_map"])].copy()
    acc = t["accounts"]
    for name, header in ACCOUNT_FILTERS.items():
        col = next((c for c in acc.columns if str(c).strip().casefold() == header.casefold()), None)
        if col is None:
            continue
        values = acc.drop_duplicates("account_key").set_index("account_key")[col]
        df[name] = df["account_key"].map(values)
        df = labelled(df, (name,), BLANK)
    return labelled(df, ("owner", "geo", "region")).reset_index(drop=True)


def responses(t: Tables) -> pd.DataFrame:
    """Every answer (a non-responder is not a response) of an account on the map; ``acc`` is the
    account's row in :func:`accounts`."""
    from hcportal.render.datasets import BLANK, labelled

    position = pd.Series(
        range(len(t["health_map"])), index=t["health_map"]["account_key"].to_numpy()
    )
    s = t["surveys"]
    s = s[s["rating"].notna().to_numpy() & s["account_key"].isin(position.index).to_numpy()]
    df = pd.DataFrame(
        {
            "acc": position.reindex(s["account_key"].to_numpy()).to_numpy(),
            "question": s["question"].to_numpy(),
            "questionnaire": s["questionnaire"].to_numpy(),
            "wave": s["wave"].to_numpy(),
            "role": s["role"].to_numpy(),
            "date": s["date"].to_numpy(),
            "rating": s["rating"].to_numpy(dtype="float64"),
        }
    )
    return labelled(df, ("question", "questionnaire", "wave", "role"), BLANK)


def context(t: Tables, _shard, _memo: dict) -> dict:
    """The rules the transform scored with (a data folder from before them: the defaults)."""
    rules = t.meta.get("health_map") or browser_rules(HealthMapSettings())
    return {"rules": rules, "filters": [n for n in ACCOUNT_FILTERS if _has(t, ACCOUNT_FILTERS[n])]}


def _has(t: Tables, header: str) -> bool:
    return any(str(c).strip().casefold() == header.casefold() for c in t["accounts"].columns)
