"""The Account Health Map step (seed 002): every account placed by two net scores, with an action.

From the survey answers (``surveys``), for each account of the accounts report: the Success and
the Experience net scores and their bands, the sentiment colour, whether the evidence is thin,
the account's value (its contracts active on the as-of date) and the seed's action. The rules
are in :mod:`~transform.healthmap_rules`; this module only joins the tables.
"""

from __future__ import annotations

import logging
from datetime import date

import numpy as np
import pandas as pd

from hcportal.core.errors import TransformError
from hcportal.transform import healthmap_rules as rules
from hcportal.transform.healthmap_rules import HealthMapSettings
from hcportal.transform.steps import Context, Frames, Step

log = logging.getLogger(__name__)


COLUMNS = (
    "account", "account_key", "owner", "geo", "region", "account_value",
    "success_net", "success_responses", "success_band", "success_thin",
    "experience_net", "experience_responses", "experience_band", "experience_thin",
    "promoters", "passives", "detractors", "sentiment", "action", "thin",
)  # fmt: skip


def health_map_step(t: Frames, ctx: Context) -> Frames:
    settings = ctx.settings.health_map
    # No survey report at all: every account is silent (true: nobody answered); the page, which
    # needs the answers, is then not built.
    surveys = t.get("surveys", NO_SURVEYS)
    return {"health_map": health_map(t["accounts"], t["contracts"], surveys, settings, ctx.as_of)}


def health_map(
    accounts: pd.DataFrame,
    contracts: pd.DataFrame,
    surveys: pd.DataFrame,
    settings: HealthMapSettings,
    as_of: date,
) -> pd.DataFrame:
    """One row per account of ``accounts``, alphabetical (see the catalogue's ``health_map``)."""
    out = accounts[["account", "account_key", "owner", "geo", "region"]].reset_index(drop=True)
    keys = out["account_key"]
    out["account_value"] = account_value(contracts, as_of).reindex(keys).fillna(0.0).to_numpy()
    measures = {}
    for measure, question in (
        ("success", settings.success_question),
        ("experience", settings.experience_question),
    ):
        explicit = f"{measure}_question" in settings.model_fields_set
        rows = answers_to(surveys, question, measure, explicit)
        scores = rules.net_scores(rows["rating"], rows["account_key"], settings.scale_of(question))
        scores = scores.reindex(keys)
        responses = scores["responses"].fillna(0).astype(np.int64).to_numpy()
        out[f"{measure}_net"] = scores["net"].to_numpy(dtype="float64")
        out[f"{measure}_responses"] = responses
        out[f"{measure}_band"] = rules.band(out[f"{measure}_net"], settings)
        out[f"{measure}_thin"] = rules.thin(responses, settings)
        measures[measure] = scores
    s = measures["success"]
    promoters = s["high"].fillna(0).astype(np.int64).to_numpy()
    detractors = s["low"].fillna(0).astype(np.int64).to_numpy()
    passives = s["neutral"].fillna(0).astype(np.int64).to_numpy()
    out["promoters"], out["passives"], out["detractors"] = promoters, passives, detractors
    out["sentiment"] = rules.sentiment(promoters, passives, detractors)
    out["action"] = [
        rules.action(a, b) for a, b in zip(out["success_band"], out["experience_band"], strict=True)
    ]
    out["thin"] = out["success_thin"] | out["experience_thin"]
    # sorted from plain lists: a Series indexed value by value cost 2.5 s at 100,000 accounts
    names, key_list = [str(a).casefold() for a in out["account"].tolist()], keys.tolist()
    order = sorted(range(len(out)), key=lambda i: (names[i], key_list[i]))
    return out.iloc[order][list(COLUMNS)].reset_index(drop=True)


def answers_to(
    surveys: pd.DataFrame, question: str, measure: str, explicit: bool = True
) -> pd.DataFrame:
    """The survey rows of ``question`` (case and surrounding spaces ignored).

    A question the config names that no survey asks is a typo until shown otherwise: an error.
    The default question (the demo CRM's) missing from another CRM's surveys only leaves that
    measure silent, with a warning, so a transform that never asked for a map is not stopped.
    """
    rows = surveys[rules.is_question(surveys["question"], question)]
    if len(surveys) and rows.empty:
        known = sorted(set(surveys["question"].dropna().astype(str)), key=str.casefold)
        listed = "; ".join(f'"{q}"' for q in known[:8]) + ("; ..." if len(known) > 8 else "")
        message = (
            f'transform.health_map.{measure}_question "{question}" is not a question of '
            f"surveys.csv; its questions are: {listed}"
        )
        if explicit:
            raise TransformError(message)
        log.warning("health map: %s (the %s measure is silent until it is set)", message, measure)
    return rows


def account_value(contracts: pd.DataFrame, as_of: date) -> pd.Series:
    """Per account key: the sum of the Amounts of its contracts active on ``as_of``, to the cent."""
    day = pd.Timestamp(as_of)
    active = (contracts["start"] <= day) & (contracts["end"].isna() | (contracts["end"] >= day))
    sums = contracts.loc[active.to_numpy()].groupby("account_key", observed=True)["amount"].sum()
    return sums.round(2)


NO_SURVEYS = pd.DataFrame(
    {"account_key": [], "question": [], "rating": np.zeros(0, dtype="float64")}, dtype=object
).astype({"rating": "float64"})

STEP = Step(
    "health map",
    health_map_step,
    makes=("health_map",),
    needs=("accounts", "contracts"),
    uses=("surveys",),
)
