"""Why each logged health check counted or not: its verdict per occasion, and the rule that decided.

A logged health check is an activity whose Subject matches ``evidence_subject`` (GUIDE section 4,
"Evidence" and "Unattached check"). It gets one row per occasion of its account whose window holds
its date, with the rule that decided what it did for that occasion; a check that no window holds,
or that is dated after the as-of date, gets one row without an occasion. The X-Ray shows these rows
in the words of :data:`RULES`: the site restates no rule of its own.

The same searches as the policy's, no loop over rows: the checks are sorted once by (account, day)
packed into one integer, and the checks an occasion's window holds are one contiguous run of that
order, found by two binary searches.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from hcportal.transform import policy
from hcportal.transform.frames import positions
from hcportal.transform.steps import Context, Frames, Step


@dataclass(frozen=True)
class Rule:
    code: str
    counts: bool  # whether the check is evidence for the occasion (the occasion is done)
    means: str  # when it applies, for the docs
    says: str  # the X-Ray's words: {occasions} names the occasions, {as_of} the as-of date


RULES: dict[str, Rule] = {
    r.code: r
    for r in (
        Rule(
            "counted", True,
            "attached, in the occasion's window, not after the as-of date, and the first such "
            "check: the occasion's evidence (it is done)",
            "counts for {occasions}",
        ),
        Rule(
            "already_done", True,
            "attached and in the window, but an earlier check is the occasion's evidence: it "
            "would count, the occasion is done already",
            "counts for {occasions}",
        ),
        Rule(
            "no_attachment", False,
            "in the window and not after the as-of date, but its Attachment is false: the check "
            "may have happened, its credit is not logged (the occasion's unattached_hc)",
            "no attachment, so its credit is not logged; in the window of {occasions}",
        ),
        Rule(
            "outside_window", False,
            "no window of an occasion of its account holds its date (or the account has no "
            "occasion)",
            "outside every health-check window of this account",
        ),
        Rule(
            "after_as_of", False,
            "dated after the as-of date: not evidence yet",
            "dated after the as-of date ({as_of})",
        ),
    )
}  # fmt: skip
# Said of an occasion whose evidence is another check than the one shown.
DONE_BY = "already done by the check of {date}"

_CODE = {code: np.int8(i) for i, code in enumerate(RULES)}
_COUNTS = np.array([r.counts for r in RULES.values()], dtype=bool)
_NONE = -1


def verdicts_step(t: Frames, ctx: Context) -> Frames:
    return {"check_verdicts": verdicts(t["occasions"], t["activities"], ctx.as_of)}


STEP = Step("verdicts", verdicts_step, makes=("check_verdicts",), needs=("occasions", "activities"))


def verdicts(occ: pd.DataFrame, activities: pd.DataFrame, as_of: object) -> pd.DataFrame:
    """One row per (occasion, health-check activity its window holds), in the occasions' order
    and then by day; then one row per health-check activity that no window holds or that is dated
    after ``as_of``, in activity order. So a check's rows name its occasions in their order.

    ``occ`` needs ``account_key``, ``contract_id``, ``occasion``, ``k``, ``due``,
    ``window_start``, ``window_end`` and ``evidence_date`` (as :func:`policy.apply` makes them);
    ``activities`` needs ``account_key``, ``date``, ``is_hc``, ``attachment`` and ``_line``.
    """
    hc = np.flatnonzero(activities["is_hc"].to_numpy(dtype=bool))
    occ_key, keys = _codes(occ["account_key"])
    key = positions(activities["account_key"].iloc[hc], keys)  # -1: an account without occasions
    day = policy.days(activities["date"].to_numpy()[hc])
    attached = activities["attachment"].to_numpy(dtype=bool)[hc]
    after = day > policy.days(np.array([np.datetime64(as_of, "D")]))[0]

    # The checks sorted by (account, day): the checks an occasion's window holds are one run of
    # them, found by two binary searches per occasion.
    offset = policy.DAYS_OFFSET
    searched = np.flatnonzero((key >= 0) & ~after & (np.abs(day) < offset))
    packed = (key[searched] << 32) | (day[searched] + offset)
    by_day = np.argsort(packed, kind="stable")
    packed = packed[by_day]
    high = occ_key << 32
    lo = np.searchsorted(packed, high | (policy.days(occ["window_start"]) + offset), "left")
    hi = np.searchsorted(packed, high | (policy.days(occ["window_end"]) + offset), "right")
    n = hi - lo
    pos = np.repeat(np.arange(len(occ)), n)
    check = searched[by_day[np.repeat(lo, n) + np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)]]

    evidence = policy.days(occ["evidence_date"])
    pair_rule = np.where(
        ~attached[check],
        _CODE["no_attachment"],
        np.where(evidence[pos] == day[check], _CODE["counted"], _CODE["already_done"]),
    )
    in_a_window = np.zeros(len(hc), dtype=bool)
    in_a_window[check] = True
    alone = np.flatnonzero(after | ~in_a_window)
    alone_rule = np.where(after[alone], _CODE["after_as_of"], _CODE["outside_window"])

    check = np.concatenate([check, alone])
    pos = np.concatenate([pos, np.full(len(alone), _NONE)])
    rule = np.concatenate([pair_rule, alone_rule]).astype(np.int8)
    rows = hc[check]
    return pd.DataFrame(
        {
            "line": activities["_line"].to_numpy()[rows],
            "account_key": _at(activities["account_key"], rows),
            "check_date": activities["date"].to_numpy()[rows],
            "rule": pd.Categorical.from_codes(rule, categories=list(RULES)),
            "counts": _COUNTS[rule],
            "contract_id": _ints(occ["contract_id"], pos),
            "occasion": _at(occ["occasion"], pos),
            "k": _ints(occ["k"], pos),
            "due": _dates(occ["due"], pos),
            "evidence_date": _dates(occ["evidence_date"], pos),
        }
    )


def _codes(s: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Integer codes (int64) and the distinct values they index."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        return s.cat.codes.to_numpy().astype(np.int64), s.cat.categories
    codes, uniques = pd.factorize(s)
    return codes.astype(np.int64), pd.Index(uniques)


def _at(s: pd.Series, rows: np.ndarray) -> pd.Series | pd.Categorical:
    """``s`` at positions ``rows`` (-1: missing), a categorical staying categorical."""
    none = rows < 0
    if isinstance(s.dtype, pd.CategoricalDtype):
        codes = s.cat.codes.to_numpy()[np.maximum(rows, 0)] if len(s) else np.full(len(rows), -1)
        return pd.Categorical.from_codes(np.where(none, -1, codes), dtype=s.dtype)
    values = s.to_numpy(dtype=object)[np.maximum(rows, 0)] if len(s) else np.full(len(rows), None)
    return pd.Series(np.where(none, None, values), dtype="str")


def _ints(s: pd.Series, rows: np.ndarray) -> pd.arrays.IntegerArray:
    values = s.to_numpy(dtype=np.int64)[np.maximum(rows, 0)] if len(s) else np.zeros(len(rows))
    return pd.arrays.IntegerArray(values.astype(np.int64), rows < 0)


def _dates(s: pd.Series, rows: np.ndarray) -> np.ndarray:
    values = s.to_numpy(dtype="datetime64[s]")
    out = values[np.maximum(rows, 0)] if len(values) else np.full(len(rows), np.datetime64("NaT"))
    return np.where(rows < 0, np.datetime64("NaT"), out).astype("datetime64[s]")
