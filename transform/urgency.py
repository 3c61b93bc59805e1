"""How urgent each target occasion is, and what to do about it, in the policy's own dates.

For every occasion that is overdue, pending or upcoming (blank for the others):

- ``days_overdue``: days since the due date (overdue only);
- ``days_to_due``: days left to the due date (pending and upcoming);
- ``days_to_close``: days left until the window closes, its last day counted as the last day a
  check counts (0 on that day);
- ``urgency``: 1 for the most urgent occasion of the whole book, 2 for the next, ...: overdue
  first, fewest days left in the window first; then pending, nearest due date first; then
  upcoming, nearest due date first; ties go to the larger contract. The site sorts by it, so a
  page cut for one seller keeps the same order;
- ``next_action``: one plain sentence saying what to do and by when (:func:`sentences`).

The site shows these columns as they are: it never re-derives a date or a rule.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from hcportal.transform.frames import values_at
from hcportal.transform.policy import TARGET_STATUSES, days

COLUMNS = ("days_overdue", "days_to_due", "days_to_close", "urgency", "next_action")


def add(occ: pd.DataFrame, as_of: date, evidence_label: str) -> pd.DataFrame:
    """``occ`` (the enriched occasions) with the :data:`COLUMNS` added at its end."""
    n = len(occ)
    status = values_at(occ["status"]).astype(str) if n else np.zeros(0, dtype=object)
    code = np.full(n, -1, dtype=np.int64)
    for i, s in enumerate(TARGET_STATUSES):
        code[status == s] = i
    target = code >= 0
    today = days(np.array([np.datetime64(as_of, "D")]))[0]
    due, close = days(occ["due"]) - today, days(occ["window_end"]) - today
    overdue, ahead = code == 0, target & (code > 0)

    out = occ.copy(deep=False)
    out["days_overdue"] = _ints(-due, overdue)
    out["days_to_due"] = _ints(due, ahead)
    out["days_to_close"] = _ints(close, target)
    out["urgency"] = _ints(rank(code, np.where(overdue, close, due), occ), target)
    out["next_action"] = sentences(occ, target, due, close, evidence_label)
    return out


def rank(code: np.ndarray, days_left: np.ndarray, occ: pd.DataFrame) -> np.ndarray:
    """1, 2, ... in order of urgency over the rows with ``code >= 0`` (0 elsewhere).

    Order: status (``code``: overdue, pending, upcoming), days left (to the window's close when
    overdue, to the due date otherwise), the larger amount, then account, contract and occasion,
    so that the order is the same on every run.
    """
    rows = np.flatnonzero(code >= 0)
    out = np.zeros(len(code), dtype=np.int64)
    if not len(rows):
        return out
    account, _ = pd.factorize(values_at(occ["account"], rows).astype(str), sort=True)
    occasion = np.asarray(pd.Categorical(occ["occasion"]).codes)[rows]
    order = np.lexsort(
        (
            occ["k"].to_numpy()[rows],
            occasion,
            occ["contract_id"].to_numpy()[rows],
            account,
            -occ["amount"].to_numpy(dtype="float64")[rows],
            days_left[rows],
            code[rows],
        )
    )
    out[rows[order]] = np.arange(1, len(rows) + 1)
    return out


def _ints(values: np.ndarray, keep: np.ndarray) -> pd.arrays.IntegerArray:
    """Whole numbers where ``keep``, blank elsewhere (a nullable integer column)."""
    return pd.arrays.IntegerArray(np.where(keep, values, 0).astype(np.int64), ~keep)


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


def sentences(
    occ: pd.DataFrame, target: np.ndarray, due: np.ndarray, close: np.ndarray, label: str
) -> pd.Series:
    """The next action of every target occasion, in one sentence; blank for the others.

    - overdue: "Renewal check for the HW contract is 12 days overdue: log a Health Check with its
      report attached by 2027-02-13, when the window closes (in 48 days)."
    - pending: "... is due in 20 days, on 2027-01-05: log a Health Check with its report attached
      by then (the window closes 2027-03-06)."
    - upcoming: "... is due on 2027-06-01, in 190 days: log a Health Check with its report
      attached between 2027-04-02, when the window opens, and 2027-07-31."
    - a check logged without its attachment (unattached_hc): "... is 12 days overdue; the Health
      Check logged on 2026-11-02 has no report attached: attach the report to it by 2027-02-13,
      when the window closes." Attaching it makes that check count (its date is in the window).
    """
    out = np.full(len(occ), "", dtype=object)
    rows = np.flatnonzero(target)
    if not len(rows):
        return pd.Series(out, index=occ.index, dtype="str")

    def iso(col: str) -> np.ndarray:
        stamps = occ[col].to_numpy(dtype="datetime64[s]")[rows].astype("datetime64[D]")
        return np.datetime_as_string(stamps, unit="D").astype(object)

    kind = values_at(occ["occasion"], rows).astype(str)
    k = occ["k"].to_numpy()[rows]
    product = values_at(occ["product"], rows)
    status = values_at(occ["status"], rows).astype(str)
    unattached = occ["unattached_hc"].to_numpy(dtype=bool)[rows]
    due_on, opens, closes = iso("due"), iso("window_start"), iso("window_end")
    starts = iso("contract_start")
    logged = np.where(
        unattached, np.datetime_as_string(
            occ["unattached_date"].to_numpy(dtype="datetime64[s]")[rows].astype("datetime64[D]"),
            unit="D",
        ).astype(object), "",
    )  # fmt: skip
    texts = []
    for j in range(len(rows)):
        what = kind[j].capitalize() + (f" check #{k[j]}" if kind[j] == "periodic" else " check")
        name = str(product[j] or "").strip()
        contract = f"the {name} contract" if name else f"the contract starting {starts[j]}"
        left, to_close = int(due[rows[j]]), int(close[rows[j]])
        if status[j] == "overdue":
            state = f"is {_days(-left)} overdue"
        elif status[j] == "pending":
            state = "is due today" if left == 0 else f"is due in {_days(left)}, on {due_on[j]}"
        else:
            state = f"is due on {due_on[j]}, in {_days(left)}"
        if unattached[j]:
            # The check may have happened: its report attached to it makes it count.
            texts.append(
                f"{what} for {contract} {state}; the {label} logged on {logged[j]} has no report "
                f"attached: attach the report to it by {closes[j]}, when the window closes."
            )
            continue
        elif status[j] == "overdue":
            action = (
                f"log a {label} with its report attached by {closes[j]}, when the window closes "
                + ("(today)" if to_close == 0 else f"(in {_days(to_close)})")
            )
        elif status[j] == "pending":
            action = (
                f"log a {label} with its report attached by then (the window closes {closes[j]})"
            )
        else:
            action = (
                f"log a {label} with its report attached between {opens[j]}, when the window "
                f"opens, and {closes[j]}"
            )
        texts.append(f"{what} for {contract} {state}: {action}.")
    out[rows] = texts
    return pd.Series(out, index=occ.index, dtype="str")
