"""The health-check policy (GUIDE section 4), as pure, vectorised functions of tables and a date.

Every contract row counts: each yields an onboarding occasion, a renewal occasion if it has an end
date, and periodic occasions if it has none (evergreen). A logged health check is per account: one
check, with its attachment, in an occasion's window and not after the as-of date, covers every
occasion of that account whose window holds it.

No loops over rows. Evidence is found by binary search: the checks are sorted once by (account,
day) packed into one integer, and each occasion looks up the first check on or after its window's
start (``np.searchsorted``); the cost grows with n log n, not with occasions x activities.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from hcportal.transform.frames import positions
from hcportal.transform.settings import PolicySettings

# Most urgent first: the order candidates' status is chosen by.
STATUSES = ("done", "missed", "overdue", "pending", "upcoming", "later")
TARGET_STATUSES = ("overdue", "pending", "upcoming")
URGENCY = {s: i for i, s in enumerate(TARGET_STATUSES)}
OCCASIONS = ("onboarding", "renewal", "periodic")

_DAY = np.timedelta64(1, "D")
_EPOCH = np.datetime64("1970-01-01", "D")
DAYS_OFFSET = 1 << 31  # days since 1970 made non-negative, to pack (key, day) in one int64


_NAT = np.iinfo(np.int64).min  # NaT's integer
NO_DAY = np.iinfo(np.int64).max // 4  # what days() makes of NaT


def days(values: pd.Series | np.ndarray) -> np.ndarray:
    """Dates as whole days since 1970 (int64); NaT becomes a very large sentinel.

    Integer arithmetic on the seconds (floor division, as numpy's own cast to days): two passes
    over a million dates instead of four.
    """
    seconds = np.asarray(values, dtype="datetime64[s]").view("int64")
    out = seconds // 86_400
    out[seconds == _NAT] = NO_DAY
    return out


def occasions(contracts: pd.DataFrame, policy: PolicySettings, as_of: date) -> pd.DataFrame:
    """One row per (contract, occasion): due date and window, inside the contract's term only.

    ``contracts`` needs ``contract_id``, ``start``, ``end`` (NaT: evergreen). The result also holds
    ``_pos``, each occasion's row position in ``contracts``.
    """
    start = np.asarray(contracts["start"], dtype="datetime64[s]").astype("datetime64[D]")
    end = np.asarray(contracts["end"], dtype="datetime64[s]").astype("datetime64[D]")
    n = len(contracts)
    has_end = ~np.isnat(end)
    renewal_pos = np.flatnonzero(has_end)
    periodic_pos, periodic_k = _periodic(start, has_end, policy, as_of)
    pos = np.concatenate([np.arange(n), renewal_pos, periodic_pos])
    kind = np.concatenate(
        [
            np.zeros(n, np.int8),
            np.ones(len(renewal_pos), np.int8),
            np.full(len(periodic_pos), 2, np.int8),
        ]
    )
    k = np.concatenate([np.ones(n + len(renewal_pos), np.int64), periodic_k])
    due = np.concatenate(
        [
            start + policy.after_start_days * _DAY,
            end[renewal_pos] - policy.before_end_days * _DAY,
            start[periodic_pos] + periodic_k * policy.evergreen_every_days * _DAY,
        ]
    )
    # An occasion whose due date falls outside the contract's term is dropped.
    inside = (due >= start[pos]) & (np.isnat(end[pos]) | (due <= end[pos]))
    pos, kind, k, due = pos[inside], kind[inside], k[inside], due[inside]
    order = np.lexsort((k, kind, pos))  # contract by contract, in file order
    pos, kind, k, due = pos[order], kind[order], k[order], due[order]
    return pd.DataFrame(
        {
            "contract_id": contracts["contract_id"].to_numpy()[pos],
            "occasion": pd.Categorical.from_codes(kind, categories=list(OCCASIONS)),
            "k": k,
            "due": due.astype("datetime64[s]"),
            "window_start": (due - policy.window_before_days * _DAY).astype("datetime64[s]"),
            "window_end": (due + policy.window_after_days * _DAY).astype("datetime64[s]"),
            "_pos": pos,
        },
        copy=False,
    )


def _periodic(
    start: np.ndarray, has_end: np.ndarray, policy: PolicySettings, as_of: date
) -> tuple[np.ndarray, np.ndarray]:
    """Evergreen contracts' periodic occasions k = 1, 2, ..., up to the first past the horizon.

    Later occasions exist too, but they would all be ``later``; one is kept to show what comes next.
    """
    every = policy.evergreen_every_days
    evergreen = np.flatnonzero(~has_end)
    limit = np.datetime64(as_of, "D") + policy.horizon_days * _DAY
    span = (limit - start[evergreen]).astype("int64")
    count = np.maximum(span // every + 1, 1)
    pos = np.repeat(evergreen, count)
    k = np.arange(len(pos)) - np.repeat(np.cumsum(count) - count, count) + 1
    return pos, k.astype(np.int64)


def _first_in_window(
    key: np.ndarray, ws: np.ndarray, we: np.ndarray, check_key: np.ndarray, check_day: np.ndarray
) -> np.ndarray:
    """For each (key, [ws, we]) the first ``check_day`` of the same key inside, as datetime64[s]."""
    out = np.full(len(key), np.datetime64("NaT"), dtype="datetime64[s]")
    known = (check_key >= 0) & (np.abs(check_day) < DAYS_OFFSET)  # packable: no NaT sentinel
    if len(key) == 0 or not known.any():
        return out
    packed = np.sort((check_key[known] << 32) | (check_day[known] + DAYS_OFFSET))
    want = (key.astype(np.int64) << 32) | (ws + DAYS_OFFSET)
    i = np.minimum(np.searchsorted(packed, want, side="left"), len(packed) - 1)
    hit = packed[i]
    day = (hit & 0xFFFFFFFF) - DAYS_OFFSET
    ok = (hit >> 32 == key) & (day >= ws) & (day <= we) & (key >= 0)
    out[ok] = (_EPOCH + day[ok]).astype("datetime64[s]")
    return out


def last_on_or_before(
    key: np.ndarray, day: np.ndarray, check_key: np.ndarray, check_day: np.ndarray, within: int
) -> np.ndarray:
    """For each (key, day), the index of the latest check of the same key on or before ``day`` and
    at most ``within`` days before it, or -1."""
    out = np.full(len(key), -1, dtype=np.int64)
    if len(key) == 0 or len(check_key) == 0:
        return out
    packed = (check_key << 32) | (check_day + DAYS_OFFSET)
    order = np.argsort(packed, kind="stable")
    packed = packed[order]
    i = np.searchsorted(packed, (key << 32) | (day + DAYS_OFFSET), side="right") - 1
    hit = packed[np.maximum(i, 0)]
    hit_day = (hit & 0xFFFFFFFF) - DAYS_OFFSET
    ok = (i >= 0) & (hit >> 32 == key) & (day - hit_day <= within)
    out[ok] = order[i[ok]]
    return out


def apply(
    contracts: pd.DataFrame, activities: pd.DataFrame, policy: PolicySettings, as_of: date
) -> pd.DataFrame:
    """Every occasion of every contract with its evidence, unattached flag, status and quarter.

    ``contracts`` needs ``contract_id``, ``account_key``, ``start``, ``end``; ``activities`` needs
    ``account_key``, ``date``, ``is_hc`` and ``attachment``.
    """
    as_of_ts = pd.Timestamp(as_of)
    occ = occasions(contracts, policy, as_of)
    pos = occ.pop("_pos").to_numpy()
    key_codes, keys = pd.factorize(contracts["account_key"].astype("str"))
    keys = pd.Index(keys, dtype="str")
    key = key_codes[pos]
    occ["account_key"] = pd.Categorical.from_codes(key, categories=keys)
    ws, we = days(occ["window_start"]), days(occ["window_end"])

    logged = activities["is_hc"].to_numpy() & (
        activities["date"].to_numpy() <= as_of_ts.to_datetime64()
    )
    hc = activities.loc[logged, ["account_key", "date", "attachment"]]
    hc_key = positions(hc["account_key"], keys)
    hc_day = days(hc["date"])
    attached = hc["attachment"].to_numpy(dtype=bool)
    occ["evidence_date"] = _first_in_window(key, ws, we, hc_key[attached], hc_day[attached])
    occ["unattached_date"] = _first_in_window(key, ws, we, hc_key[~attached], hc_day[~attached])
    occ["status"] = status(occ, as_of_ts, policy)
    occ["unattached_hc"] = occ["unattached_date"].notna() & (occ["status"] != "done")
    occ["fiscal_quarter"] = fiscal_quarter(occ["due"], policy.fiscal_year_start_month)
    return occ


def status(occ: pd.DataFrame, as_of: pd.Timestamp, policy: PolicySettings) -> pd.Series:
    """The first status that applies, in GUIDE section 4's order."""
    due, ws, we = occ["due"], occ["window_start"], occ["window_end"]
    conditions = [
        occ["evidence_date"].notna(),
        as_of > we,
        (due < as_of) & (as_of <= we),
        (ws <= as_of) & (as_of <= due),
        (as_of < ws) & (due <= as_of + policy.horizon_days * pd.Timedelta(days=1)),
    ]
    codes = np.select(conditions, range(5), 5).astype(np.int8)
    return pd.Series(pd.Categorical.from_codes(codes, categories=list(STATUSES)), index=occ.index)


def fiscal_quarter(due: pd.Series, start_month: int = 1) -> pd.Series:
    """``FY2027 Q1``: the fiscal year is named by the calendar year in which it ends.

    Computed on the distinct (year, month) pairs: a million due dates fall in a few hundred months.
    """
    months = np.asarray(due, dtype="datetime64[s]").astype("datetime64[M]")
    nat = np.isnat(months)
    codes, uniques = pd.factorize(months[~nat])
    u = pd.DatetimeIndex(uniques)
    month, year = np.asarray(u.month), np.asarray(u.year)
    quarter = (month - start_month) % 12 // 3 + 1
    fiscal_year = year + ((month >= start_month) & (start_month != 1))
    labels = np.array([f"FY{y} Q{q}" for y, q in zip(fiscal_year, quarter, strict=True)], object)
    names, per_month = np.unique(labels.astype(str), return_inverse=True)
    out = np.full(len(months), -1, dtype=np.int64)
    out[~nat] = per_month[codes] if len(per_month) else -1
    return pd.Series(pd.Categorical.from_codes(out, categories=list(names)), index=due.index)
