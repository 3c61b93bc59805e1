"""Alerts: accounts whose health moved in a way an owner must hear about, each saying why.

Three rules (config ``transform.score.alerts``):

- ``band_down``: the account fell into a lower band since the last run (or stopped being scored
  because it went silent);
- ``drop``: its score fell by more than ``drop_points`` since the last run;
- ``silent_renewal``: nothing heard from it (no activity, case or survey answer) for ``quiet_days``
  while a renewal check not yet done is due within ``renewal_within_days``.

Each alert names the measures that cost the account the most points. Its ``alert_id`` is stable
for the same event (the account, the rule, what changed, and the run's day or the renewal's due
date), so a digest never sends the same alert twice (publish/notify.py keeps what was sent).
"""

from __future__ import annotations

import hashlib
from datetime import date

import numpy as np
import pandas as pd

from hcportal.transform.score_settings import AlertSettings

ALERT_COLUMNS = [
    "alert_id", "account", "owner", "region", "rule", "detail", "score", "previous_score", "band",
    "previous_band", "weakest", "due", "account_key",
]  # fmt: skip
RULES = {
    "band_down": "fell into a lower band since the last run",
    "drop": "score dropped by more than `drop_points` since the last run",
    "silent_renewal": "nothing heard for `quiet_days` with a renewal check due within "
    "`renewal_within_days`",
}


def alerts(
    scores: pd.DataFrame,
    prev_scores: pd.DataFrame | None,
    occasions: pd.DataFrame | None,
    settings: AlertSettings,
    as_of: date,
    bands: list[str] | None = None,
) -> pd.DataFrame:
    """The alerts of this run (pure: the previous run's scores are given)."""
    parts = []
    day = pd.Timestamp(as_of)
    keys = scores["account_key"].astype("str")
    if prev_scores is not None and len(scores):
        prev = prev_scores.assign(account_key=prev_scores["account_key"].astype("str"))
        prev = prev.drop_duplicates("account_key").set_index("account_key")
        prev_band = keys.map(prev["band"].astype("str")).fillna("").to_numpy(dtype=object)
        prev_state = keys.map(prev["state"].astype("str")).fillna("").to_numpy(dtype=object)
        band = scores["band"].astype("str").to_numpy(dtype=object)
        state = scores["state"].astype("str").to_numpy(dtype=object)
        order = {b: i for i, b in enumerate(bands or _band_order(scores, prev))}
        rank = np.array([order.get(b, -1) for b in band])
        prev_rank = np.array([order.get(b, -1) for b in prev_band])
        if settings.band_down:
            lower = (prev_rank >= 0) & (rank > prev_rank)
            went_silent = (prev_state == "scored") & (state == "silent")
            m = lower | went_silent
            detail = np.where(
                went_silent, "went silent (was " + prev_band.astype(str) + ")",
                "from " + prev_band.astype(str) + " to " + band.astype(str),
            )  # fmt: skip
            parts.append(_rows(scores, m, "band_down", detail, prev, keys, f"{as_of}"))
        change = scores["change"].to_numpy(dtype=np.float64)
        m = change < -settings.drop_points
        detail = np.char.add(
            "score fell ",
            np.char.add(np.abs(np.nan_to_num(change)).round(1).astype(str), " points"),
        )
        parts.append(_rows(scores, m, "drop", detail, prev, keys, f"{as_of}"))
    if occasions is not None and len(occasions) and "last_heard" in scores:
        occ = occasions[_text_in(occasions["occasion"], ["renewal"])
                        & ~_text_in(occasions["status"], ["done", "missed"])]  # fmt: skip
        soon = occ[(occ["due"] >= day) & (occ["due"] <= day + pd.Timedelta(days=settings.renewal_within_days))]  # fmt: skip
        due = soon.groupby(soon["account_key"].astype("str"))["due"].min()
        due = due.astype("datetime64[s]").reindex(keys.to_numpy())
        next_due = due.to_numpy(dtype="datetime64[s]")
        heard = scores["last_heard"].to_numpy(dtype="datetime64[s]")
        quiet_since = (day.to_datetime64() - heard) / np.timedelta64(1, "D")
        quiet = np.isnat(heard) | (quiet_since >= settings.quiet_days)
        m = ~np.isnat(next_due) & quiet
        days = np.where(np.isnat(heard), -1, np.nan_to_num(quiet_since)).astype(np.int64)
        # Spelt for the accounts alerted only (a few thousand of 100,000s).
        idx = np.flatnonzero(m)
        due_day = np.datetime_as_string(next_due[idx], "D")
        said = np.where(
            days[idx] < 0, "never heard from; renewal due " + due_day,
            "nothing heard for " + days[idx].astype(str) + " days; renewal due " + due_day,
        )  # fmt: skip
        detail, tag = np.full(len(m), "", dtype=object), np.full(len(m), "", dtype=object)
        detail[idx], tag[idx] = said, due_day
        parts.append(_rows(scores, m, "silent_renewal", detail, None, keys, tag, next_due))
    parts = [p for p in parts if len(p)]
    if not parts:
        return _empty()
    out = pd.concat(parts, ignore_index=True)
    out = out.drop_duplicates("alert_id")
    return out.sort_values(["owner", "account", "rule"], kind="stable", ignore_index=True)[ALERT_COLUMNS]  # fmt: skip


def _text_in(s: pd.Series, values: list[str]) -> np.ndarray:
    """Whether each value of the text column ``s`` is one of ``values`` (missing: never), as
    ``s.astype("str").isin(values)``; a categorical column is tested on its categories, not
    on a string per row."""
    if not isinstance(s.dtype, pd.CategoricalDtype):
        return s.astype("str").isin(values).to_numpy(dtype=bool)
    hit = np.append(np.isin(s.cat.categories.astype("str").to_numpy(dtype=object), values), False)
    return hit[s.cat.codes.to_numpy()]  # code -1 (missing) takes the appended False


def _band_order(scores: pd.DataFrame, prev: pd.DataFrame) -> list[str]:
    """Bands best first, from the scores themselves (highest mean score first)."""
    both = pd.concat([scores[["band", "score"]], prev[["band", "score"]]])
    both = both[both["band"].astype("str") != ""]
    return list(both.groupby(both["band"].astype("str"))["score"].mean().sort_values(ascending=False).index)  # fmt: skip


def _rows(
    scores: pd.DataFrame, mask: np.ndarray, rule: str, detail: np.ndarray,
    prev: pd.DataFrame | None, keys: pd.Series, tag: object, due: np.ndarray | None = None,
) -> pd.DataFrame:  # fmt: skip
    idx = np.flatnonzero(mask)
    if not len(idx):
        return _empty()
    s = scores.iloc[idx]
    k = keys.to_numpy(dtype=object)[idx]
    tags = np.broadcast_to(np.asarray(tag, dtype=object), (len(mask),))[idx]
    detail = np.asarray(detail, dtype=object)[idx]
    ident = [
        hashlib.sha256(f"{a}\x1f{rule}\x1f{d}\x1f{t}".encode()).hexdigest()[:16]
        for a, d, t in zip(k, detail if rule == "band_down" else [""] * len(k), tags, strict=True)
    ]
    prev_score = (
        pd.Series(k).map(prev["score"]).to_numpy(dtype=np.float64) if prev is not None
        else s["previous_score"].to_numpy(dtype=np.float64)
    )  # fmt: skip
    prev_band = pd.Series(k).map(prev["band"].astype("str")).fillna("").to_numpy() if prev is not None else np.full(len(k), "", dtype=object)  # fmt: skip
    return pd.DataFrame(
        {
            "alert_id": ident,
            "account": s["account"].to_numpy(),
            "owner": s["owner"].to_numpy(),
            "region": s["region"].to_numpy(),
            "rule": rule,
            "detail": detail,
            "score": s["score"].to_numpy(dtype=np.float64),
            "previous_score": prev_score,
            "band": s["band"].to_numpy(),
            "previous_band": prev_band,
            "weakest": s["weakest"].to_numpy(),
            "due": (
                due[idx]
                if due is not None
                else np.full(len(idx), np.datetime64("NaT"), "datetime64[s]")
            ).astype("datetime64[s]"),
            "account_key": k,
        }
    )


def _empty() -> pd.DataFrame:
    return pd.DataFrame(
        {
            c: pd.Series(
                dtype="float64"
                if c in ("score", "previous_score")
                else "datetime64[s]"
                if c == "due"
                else "str"
            )
            for c in ALERT_COLUMNS
        }
    )
