"""Credit and efficacy (seed 000: "difficult to identify pipeline generated from HC", "difficult for
team management to assess efficacy of the delivery"): two tables built from the occasions.

- :func:`efficacy`: per owner and per region, per fiscal quarter of the due date, how many occasions
  fell due (up to the as-of date) and what became of them. The on-time rate counts only the
  occasions whose window has closed (done on time, done late, missed): an open window's outcome is
  not known yet, and counting it as not on time would make a quarter in progress look bad. The
  open ones are counted apart (and how many of them are done already), as are those that carry an
  unattached check (done, perhaps, but without the credit logged).
- :func:`influenced`: for each done check, the opportunities logged on the same account within
  ``influence_days`` after it. Each opportunity activity is credited to the latest done check before
  it (an as-of merge), so no revenue is counted twice when checks follow each other closely.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date

import numpy as np
import pandas as pd

from hcportal.transform import policy
from hcportal.transform.frames import nonblank, positions, take, values_at
from hcportal.transform.steps import Context, Frames, Step

EFFICACY_COLUMNS = [
    "level", "name", "geo", "period", "due", "closed", "done_on_time", "done_late", "missed",
    "open", "open_done", "unattached", "on_time_rate",
]  # fmt: skip
INFLUENCED_COLUMNS = [
    "account", "owner", "geo", "region", "check_date", "checked_by", "opportunity",
    "activity_date", "revenue", "logged_by", "days_after", "line", "account_key",
]  # fmt: skip
UNASSIGNED = "(unassigned)"
NO_REGION = "(no region)"


def credit_step(t: Frames, ctx: Context) -> Frames:
    """Efficacy per owner and region, and the pipeline each done check influenced."""
    occ, days = t["occasions"], ctx.settings.policy.influence_days
    with ThreadPoolExecutor(1) as pool:  # numpy's sorts and searches release the GIL
        pipeline = pool.submit(influenced, occ, t["activities"], days, ctx.as_of)
        per_owner = efficacy(occ, ctx.as_of)
        pipeline, repeated = pipeline.result()
    ctx.quality.add("activities.csv", repeated["line"].to_numpy(), "opportunity",
                    repeated["opportunity"], "duplicate activity row (its opportunity counted once)")  # fmt: skip
    return {"efficacy": per_owner, "influenced_pipeline": pipeline}


STEP = Step(
    "credit",
    credit_step,
    makes=("efficacy", "influenced_pipeline"),
    needs=("occasions", "activities"),
)


def efficacy(occ: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """One row per (level, name, period): the outcome of every occasion due by the as-of date.

    ``due`` = ``closed`` + ``open``: a window has closed (the as-of date is after its last day) or
    not. ``closed`` = ``done_on_time`` + ``done_late`` + ``missed``, and ``on_time_rate`` =
    ``done_on_time`` / ``closed`` (blank with no closed window). ``open_done`` counts the open
    windows already done; ``unattached`` the due occasions not done that carry an unattached check
    (they are also missed or open).
    """
    as_of_ts = pd.Timestamp(as_of)
    d = occ[(occ["due"] <= as_of_ts).to_numpy()]
    done = d["evidence_date"].notna().to_numpy()
    on_time = done & (d["evidence_date"] <= d["due"]).to_numpy()
    closed = (d["window_end"] < as_of_ts).to_numpy()
    counts = {
        "due": np.ones(len(d), dtype=np.int64),
        "closed": closed,
        "done_on_time": closed & on_time,
        "done_late": closed & done & ~on_time,
        "missed": closed & ~done,
        "open": ~closed,
        "open_done": ~closed & done,
        "unattached": d["unattached_hc"].to_numpy() & ~done,
    }
    period, owner, region, geo = (d[c] for c in ("fiscal_quarter", "owner", "region", "geo"))
    parts = [
        _count(counts, "owner", (None, owner, period), {"": UNASSIGNED}),
        _count(counts, "region", (geo, region, period), {"": NO_REGION}),
    ]
    out = pd.concat(parts, ignore_index=True)
    closed = out["closed"].astype("float64")
    out["on_time_rate"] = (out["done_on_time"] / closed.where(closed > 0)).round(4)
    return out[EFFICACY_COLUMNS]


def _count(
    counts: dict[str, np.ndarray], level: str, keys: tuple, rename: dict[str, str]
) -> pd.DataFrame:
    """Sum each of ``counts`` per (geo, name, period), grouping on integer codes.

    ``keys`` are the geo (None: not part of this level), name and period columns.
    """
    n = len(next(iter(counts.values())))
    codes, labels = [], []
    for col in keys:
        c, u = pd.factorize(col) if col is not None else (np.zeros(n, np.int64), pd.Index([""]))
        codes.append(c)
        labels.append(np.asarray(pd.Index(u).astype("str"), dtype=object))
    labels[1] = np.array([rename.get(v, v) for v in labels[1]], dtype=object)
    frame = pd.DataFrame({"_g": codes[0], "_n": codes[1], "_p": codes[2]})
    for k, v in counts.items():
        frame[k] = v.astype(np.int64)
    sums = frame.groupby(["_g", "_n", "_p"], sort=False)[list(counts)].sum()
    g, nm, p = (sums.index.get_level_values(i).to_numpy() for i in range(3))
    out = sums.reset_index(drop=True)
    out.insert(0, "period", labels[2][p])
    out.insert(0, "geo", labels[0][g])
    out.insert(0, "name", labels[1][nm])
    out.insert(0, "level", level)
    return out.sort_values(["name", "geo", "period"], kind="stable", ignore_index=True)


def influenced(
    occ: pd.DataFrame, activities: pd.DataFrame, influence_days: int, as_of: date
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per (done check, opportunity activity on its account within ``influence_days``).

    A done check is the evidence of a ``done`` occasion. Opportunity activities are those with an
    Opportunity, that are not themselves health checks, logged on or before the as-of date. An
    activity row exported twice would count its revenue twice: the repeats are left out, and
    their lines and opportunities returned beside the table (for the data-quality report).
    """
    as_of_ts = pd.Timestamp(as_of)
    cols = ["account_key", "evidence_date", "account", "owner", "geo", "region"]
    done = occ.loc[occ["status"] == "done", cols]
    checks = done.drop_duplicates(["account_key", "evidence_date"]).rename(
        columns={"evidence_date": "check_date"}
    )
    if checks.empty:
        return _empty_influenced(), pd.DataFrame({"line": [], "opportunity": []})
    key_code, check_code = _shared_codes(activities["account_key"], checks["account_key"])
    checks = checks.assign(_key=check_code)

    # Who logged each check: the first attached health-check activity of that account that day.
    hc = activities["is_hc"].to_numpy() & activities["attachment"].to_numpy()
    loggers = pd.DataFrame(
        {"_key": key_code[hc], "check_date": activities["date"].to_numpy()[hc],
         "checked_by": values_at(activities["owner"], hc)}
    ).drop_duplicates(["_key", "check_date"])  # fmt: skip
    checks = checks.merge(loggers, on=["_key", "check_date"], how="left")
    # Sorted by account and day, so that ordering the output by check is ordering integers.
    checks = checks.sort_values(["account", "check_date"], kind="stable", ignore_index=True)

    opp = activities["opportunity"]
    dates = activities["date"].to_numpy()
    wanted = nonblank(opp) & ~activities["is_hc"].to_numpy()
    wanted &= dates <= as_of_ts.to_datetime64()
    # Only activities that can land in some check's reach: on an account with a done check, on or
    # after its first check and at most influence_days after its last (lookup tables by key).
    n_keys = int(max(key_code.max(initial=-1), checks["_key"].max()) + 1)
    check_key, check_day = checks["_key"].to_numpy(), policy.days(checks["check_date"])
    known = check_key >= 0
    first = np.full(n_keys, np.iinfo(np.int64).max, dtype=np.int64)
    last = np.full(n_keys, np.iinfo(np.int64).min, dtype=np.int64)
    np.minimum.at(first, check_key[known], check_day[known])
    np.maximum.at(last, check_key[known], check_day[known])
    day = policy.days(dates)
    wanted &= (day >= first[key_code]) & (day <= last[key_code] + influence_days)
    rows = np.flatnonzero(wanted)
    # Each opportunity activity goes to the latest done check on or before its day, if that is
    # within influence_days: one search over the checks sorted by (account, day).
    which = policy.last_on_or_before(
        key_code[rows].astype(np.int64),
        day[rows],
        check_key.astype(np.int64),
        check_day,
        influence_days,
    )
    rows, which = rows[which >= 0], which[which >= 0]
    line = activities["_line"].to_numpy()[rows]
    order = np.lexsort((line, dates[rows], which))  # by check (account, day), then activity
    rows, which, line = rows[order], which[order], line[order]
    repeat = _repeats(activities, rows)
    repeated = pd.DataFrame({"line": line[repeat], "opportunity": values_at(opp, rows[repeat])})
    rows, which, line = rows[~repeat], which[~repeat], line[~repeat]
    check_date = checks["check_date"].to_numpy()[which]
    return pd.DataFrame(
        {
            "account": take(checks["account"], which),
            "owner": take(checks["owner"], which),
            "geo": take(checks["geo"], which),
            "region": take(checks["region"], which),
            "check_date": check_date,
            "checked_by": take(checks["checked_by"].fillna("").astype("str"), which),
            "opportunity": values_at(opp, rows),
            "activity_date": dates[rows],
            "revenue": activities["revenue"].to_numpy()[rows],
            "logged_by": values_at(activities["owner"], rows),
            "days_after": ((dates[rows] - check_date) // np.timedelta64(1, "D")).astype("int64"),
            "line": line,
            "account_key": take(checks["account_key"].astype("str"), which),
        }
    )[INFLUENCED_COLUMNS], repeated


def _repeats(activities: pd.DataFrame, rows: np.ndarray) -> np.ndarray:
    """Which of ``rows`` repeat an earlier one field for field (compared on codes and numbers)."""
    fields = {}
    for col in ("account", "owner", "opportunity", "subject", "revenue", "timestamp", "attachment"):
        s = activities[col]
        if isinstance(s.dtype, pd.CategoricalDtype):
            fields[col] = s.cat.codes.to_numpy()[rows]
        else:
            fields[col] = s.to_numpy()[rows]
    return pd.DataFrame(fields, copy=False).duplicated().to_numpy()


def _shared_codes(act_key: pd.Series, check_key: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes for both key columns in one space, so the search compares integers."""
    if isinstance(act_key.dtype, pd.CategoricalDtype):
        return act_key.cat.codes.to_numpy().astype(np.int64), positions(
            check_key, act_key.cat.categories
        )
    codes, uniques = pd.factorize(act_key.astype("str"))
    return codes.astype(np.int64), positions(check_key, uniques)


def _empty_influenced() -> pd.DataFrame:
    return pd.DataFrame(
        {
            c: pd.Series(
                dtype="datetime64[s]" if c.endswith("_date") else
                "float64" if c == "revenue" else
                "int64" if c in ("days_after", "line") else "str"
            )
            for c in INFLUENCED_COLUMNS
        }
    )  # fmt: skip
