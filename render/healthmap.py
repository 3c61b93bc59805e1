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
from hcportal.transform.healthmap_rules import HealthMapSettings, browser_rules, is_question

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


# -- the X-Ray's per-contact view -----------------------------------------------------------------

SURVEY_READS: Reads = {
    "surveys": ("account_key", "contact", "role", "question", "date", "rating", "responded"),
}
PROMOTER, PASSIVE, DETRACTOR = "Promoter", "Passive", "Detractor"
NON_RESPONDER, NOT_ASKED = "Non-responder", "Not asked"


def contacts(t: Tables) -> pd.DataFrame:
    """One row per surveyed contact of an account: role, what their latest answer to the Success
    question makes them (Promoter, Passive, Detractor; Non-responder when invited and silent; Not
    asked), and how many invitations they answered. Non-responders are rows, never dropped."""
    rules = t.meta.get("health_map") or browser_rules(HealthMapSettings())
    s = t["surveys"][list(SURVEY_READS["surveys"])].copy()
    for col in ("contact", "role"):
        s[col] = s[col].astype(object).where(s[col].notna(), "").astype(str)
    s["contact"] = s["contact"].mask(s["contact"] == "", "(no contact)")
    s["role"] = s["role"].mask(s["role"] == "", "(no role)")
    success = is_question(s["question"], rules["success_question"])
    scale = rules["question_scales"].get(_fold(rules["success_question"]), rules["scale"])
    by = ["account_key", "contact", "role"]
    s["account_key"] = s["account_key"].astype(str)
    s["answered_on"] = s["date"].where(s["responded"].to_numpy(dtype=bool))
    out = s.groupby(by, sort=True, observed=True).agg(
        invitations=("responded", "size"),
        answers=("responded", "sum"),
        last_answer=("answered_on", "max"),
    )
    answered = s[success & s["responded"].to_numpy()].sort_values("date", kind="stable")
    latest = answered.groupby(by, observed=True)["rating"].last()
    asked = s[success].groupby(by, observed=True).size()
    out["success_rating"] = latest.reindex(out.index)
    r = out["success_rating"]
    status = pd.Series(NOT_ASKED, index=out.index, dtype=object)
    status[asked.reindex(out.index).fillna(0).to_numpy() > 0] = NON_RESPONDER
    status[(r >= scale["high_from"]).to_numpy()] = PROMOTER
    status[(r <= scale["low_to"]).to_numpy()] = DETRACTOR
    status[(r.notna() & (r > scale["low_to"]) & (r < scale["high_from"])).to_numpy()] = PASSIVE
    out["status"] = status
    out["answers"] = out["answers"].astype("int64")
    out = out.reset_index()
    return out[["account_key", "contact", "role", "status", "success_rating", "answers",
                "invitations", "last_answer"]]  # fmt: skip


def role_rates(contacts_: pd.DataFrame) -> pd.DataFrame:
    """Per account and role: contacts surveyed, those who never answered, invitations, answers and
    the response rate (answers / invitations)."""
    df = contacts_.assign(silent=contacts_["answers"] == 0)
    out = df.groupby(["account_key", "role"], sort=True).agg(
        contacts=("contact", "size"),
        non_responders=("silent", "sum"),
        invitations=("invitations", "sum"),
        answers=("answers", "sum"),
    )
    out = out.astype("int64")
    out["response_rate"] = out["answers"] / out["invitations"]
    return out.reset_index()


def _fold(q: object) -> str:
    from hcportal.transform.healthmap_rules import fold

    return fold(str(q))
