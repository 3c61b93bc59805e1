"""Account names a report uses that no account of the accounts report has, after normalising and
after the user's aliases (``[transform.aliases]``): listed once per report and name, with the
closest known account suggested (``rapidfuzz``) and the alias line that would join them."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from hcportal.transform.frames import isin, values_at
from hcportal.transform.reports import REPORTS
from hcportal.transform.steps import Context, Frames, Step

# Below this similarity (0-100, rapidfuzz's normalised Indel similarity of the two keys) no
# account is suggested.
MIN_SCORE = 60.0
BATCH = 256  # queries per all-pairs batch: 256 x 100,000 one-byte scores
MATCHED = tuple(r.name for r in REPORTS.values() if r.matched)


def unmatched_step(t: Frames, ctx: Context) -> Frames:
    return {"unmatched": unmatched(t)}


STEP = Step(
    "unmatched",
    unmatched_step,
    makes=("unmatched",),
    needs=("accounts", *(r.name for r in REPORTS.values() if r.matched and r.required)),
    uses=tuple(r.name for r in REPORTS.values() if r.matched and not r.required),
)


def closest(queries: list[str], choices: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """For each query, the index of the most similar choice (-1: none reaches ``MIN_SCORE``)
    and its score (0-100): rapidfuzz's normalised Indel similarity, computed in C++ over all
    pairs a batch of queries at a time (one extractOne per name with WRatio was minutes at
    100,000 accounts); WRatio only for the names no spelling is close to."""
    index = np.full(len(queries), -1, dtype=np.int64)
    score = np.zeros(len(queries), dtype=float)
    if not queries or not choices:
        return index, score
    for lo in range(0, len(queries), BATCH):
        scores = process.cdist(
            queries[lo : lo + BATCH], choices, scorer=fuzz.ratio, dtype=np.uint8,
            score_cutoff=int(MIN_SCORE), workers=-1,
        )  # fmt: skip
        best = scores.argmax(axis=1)
        top = scores[np.arange(len(best)), best]
        index[lo : lo + BATCH] = np.where(top >= MIN_SCORE, best, -1)
        score[lo : lo + BATCH] = top
    # No close spelling: a name that holds or is held in an account's ("Beta Holdings" for
    # "Beta"), scored by WRatio (partial and token matches), one name at a time: few get here.
    for i in np.flatnonzero(index < 0):
        found = process.extractOne(queries[i], choices, scorer=fuzz.WRatio, score_cutoff=MIN_SCORE)
        if found:
            index[i], score[i] = found[2], found[1]
    return index, score


def unmatched(t: Frames) -> pd.DataFrame:
    """One row per (report, account key) that no account has, with the closest account."""
    accounts = t["accounts"]
    known = pd.Index(accounts["account_key"].astype(str))
    parts = []
    for report in MATCHED:
        if report not in t:
            continue
        df = t[report]
        stray = ~isin(df["account_key"], known)  # per distinct key, not per row
        if not stray.any():
            continue
        rows = pd.DataFrame(
            {
                "account_key": values_at(df["account_key"], stray).astype(str),
                "account": values_at(df["account"], stray).astype(str),
                "line": df["_line"].to_numpy()[stray],
            }
        ).sort_values("line", kind="stable")
        grouped = rows.groupby("account_key", sort=True)
        first = grouped.first()
        parts.append(
            pd.DataFrame(
                {
                    "report": report,
                    "account": first["account"].to_numpy(),
                    "account_key": first.index.to_numpy(),
                    "rows": grouped.size().to_numpy(dtype=np.int64),
                    "first_line": first["line"].to_numpy(dtype=np.int64),
                }
            )
        )
    if not parts:
        out = pd.DataFrame(
            {"report": [], "account": [], "account_key": [], "rows": [], "first_line": []}
        ).astype({"rows": np.int64, "first_line": np.int64})
    else:
        out = pd.concat(parts, ignore_index=True)
    names = accounts["account"].astype(str).to_numpy()
    index, score = closest(out["account_key"].tolist(), known.tolist())
    suggestion = [names[i] if i >= 0 else "" for i in index]
    out["suggestion"] = pd.array(suggestion, dtype="str")
    out["score"] = np.round(np.where(index >= 0, score, np.nan).astype(float), 1)
    out["alias"] = pd.array(
        [
            f"{json.dumps(a, ensure_ascii=False)} = {json.dumps(s, ensure_ascii=False)}"
            if s
            else ""
            for a, s in zip(out["account"], suggestion, strict=True)
        ],
        dtype="str",
    )
    for c in ("report", "account", "account_key"):
        out[c] = out[c].astype("str")
    return out.reset_index(drop=True)
