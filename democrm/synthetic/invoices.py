"""Invoices: each contract billed annually, quarterly or monthly in advance, paid on its terms.

Thriving accounts pay early; usual ones mostly on time; a fading relationship pays later and later
and leaves its last invoices unpaid. Silent accounts buy through a channel partner, so the CRM
holds no invoice of theirs. A few credit notes (negative amounts) correct earlier invoices.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hcportal.democrm.synthetic.formats import DAY
from hcportal.democrm.synthetic.lives import MONTH_DAYS, PARAMS, SILENT, THRIVING, Lives

CREDIT_NOTES = 0.005
PAID, OPEN, OVERDUE, CREDIT = "Paid", "Open", "Overdue", "Credit Note"


def invoices(rng: np.random.Generator, life: Lives, con: pd.DataFrame) -> pd.DataFrame:
    """Invoice rows: acc, number, issued, due, paid (NaT: unpaid), amount, status; numbered in
    the order they were issued."""
    today = life.today
    con = con[(life.arch[con["acc"].to_numpy()] != SILENT) & (con["start"] <= today)]
    acc = con["acc"].to_numpy()
    start, end = con["start"].to_numpy(), con["end"].to_numpy()
    period = np.where(np.isnat(end), 12, con["billing"].to_numpy())
    evergreen = np.isnat(end)
    term_months = np.where(evergreen, 12, np.maximum((end - start) / DAY + 1, 1) / MONTH_DAYS)
    last = np.where(evergreen, today, np.minimum(end, today))
    until = life.until[acc]
    last = np.where(np.isnat(until), last, np.minimum(last, until))
    span_months = (last.astype("datetime64[M]") - start.astype("datetime64[M]")).astype(np.int64)
    count = np.maximum(span_months // period + 1, 1)
    bounded = np.ceil(term_months / period - 1e-9).astype(np.int64)
    count = np.where(evergreen, count, np.minimum(count, np.maximum(bounded, 1)))

    row = np.repeat(np.arange(len(con)), count)
    i = np.arange(len(row)) - np.repeat(np.cumsum(count) - count, count)
    dom = (start - start.astype("datetime64[M]").astype("datetime64[D]")) / DAY
    issued = (
        start.astype("datetime64[M]")[row] + (i * period[row]).astype("timedelta64[M]")
    ).astype("datetime64[D]") + np.minimum(dom[row], 27).astype("timedelta64[D]")
    ok = issued <= today
    row, issued = row[ok], issued[ok]
    a = acc[row]
    n = len(row)
    amount = np.round(con["amount"].to_numpy()[row] * period[row] / term_months[row], 2)
    due = issued + con["net"].to_numpy()[row].astype("timedelta64[D]")

    fade = life.fade(a, due)
    late = rng.random(n) < PARAMS["late"][life.arch[a]] + 0.7 * (1 - fade)
    late_days = np.where(fade < 1, rng.integers(20, 120, n), rng.integers(10, 45, n))
    on_time = np.where(life.arch[a] == THRIVING, rng.normal(-6, 3, n), rng.normal(-2, 3, n))
    offset = np.round(np.where(late, late_days, np.minimum(on_time, 0)))
    paid = due + offset.astype("timedelta64[D]")
    never = rng.random(n) < 0.4 * (1 - fade)
    paid = np.where(never | (paid > today), np.datetime64("NaT"), paid).astype("datetime64[D]")
    status = np.where(~np.isnat(paid), PAID, np.where(due < today, OVERDUE, OPEN)).astype(object)

    credit = np.flatnonzero(rng.random(n) < CREDIT_NOTES)
    c_issued = issued[credit] + rng.integers(10, 60, len(credit)).astype("timedelta64[D]")
    credit = credit[c_issued <= today]
    c_issued = c_issued[c_issued <= today]
    k = len(credit)
    cols = {
        "acc": np.concatenate([a, a[credit]]),
        "issued": np.concatenate([issued, c_issued]),
        "due": np.concatenate([due, c_issued]),
        "paid": np.concatenate([paid, np.full(k, np.datetime64("NaT"), "datetime64[D]")]),
        "amount": np.concatenate(
            [amount, -np.round(amount[credit] * rng.uniform(0.05, 0.2, k), 2)]
        ),
        "status": np.concatenate([status, np.full(k, CREDIT, dtype=object)]),
    }
    order = np.argsort(cols["issued"], kind="stable")
    out = pd.DataFrame({key: v[order] for key, v in cols.items()})
    out["number"] = np.arange(1, len(out) + 1)
    return out
