"""Account names a report uses that no account of the accounts report has, after normalising and
after the user's aliases (``[transform.aliases]``): listed once per report and name, with the
closest known account suggested (``rapidfuzz``) and the alias line that would join them."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from hcportal.transform.reports import REPORTS
from hcportal.transform.steps import Context, Frames, Step

# Below this similarity (0-100, rapidfuzz's WRatio of the two keys) no account is suggested.
MIN_SCORE = 60.0
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


def unmatched(t: Frames) -> pd.DataFrame:
    """One row per (report, account key) that no account has, with the closest account."""
    accounts = t["accounts"]
    known = pd.Index(accounts["account_key"].astype(str))
    parts = []
    for report in MATCHED:
        if report not in t:
            continue
        df = t[report]
        keys = df["account_key"].astype(str)
        stray = ~keys.isin(known).to_numpy()
        if not stray.any():
            continue
        rows = pd.DataFrame(
            {
                "account_key": keys[stray].to_numpy(),
                "account": df["account"].astype(str)[stray].to_numpy(),
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
    suggestion, score = [], []
    for key in out["account_key"]:
        best = process.extractOne(key, list(known), scorer=fuzz.WRatio, score_cutoff=MIN_SCORE)
        suggestion.append(names[best[2]] if best else "")
        score.append(float(best[1]) if best else np.nan)
    out["suggestion"] = pd.array(suggestion, dtype="str")
    out["score"] = np.round(np.asarray(score, dtype=float), 1)
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
