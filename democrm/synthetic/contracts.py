"""Contracts: product lines bought over the relationship, each renewed term after term.

An account buys a main line when the relationship begins, often another within a few months, and,
if it thrives, expansion lines later (new contracts: the "paths that pay"). Each line is renewed
term after term while the relationship goes on; a renewal is sometimes booked ahead of its start.
When a relationship ends, every line's last term ends on its last day and nothing follows: the
outcome (not renewed) is in the data. A few lines are evergreen (no end date) and a few are too
short for any health-check occasion, as before.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hcportal.democrm.synthetic.formats import DAY
from hcportal.democrm.synthetic.lives import PARAMS, STALLED, Lives
from hcportal.democrm.synthetic.words import PRODUCTS

TERMS_MONTHS = (12, 24, 36, 60)
TERMS_P = (0.45, 0.25, 0.25, 0.05)
CONTRACTS_PER_LINE = 2.7  # measured: a line's terms (renewals and booked ones) on average
MAIN, CO, EXPANSION = 0, 1, 2
EVERGREEN = 0.1
SHORT = 0.03  # shorter than the policy's offsets: no occasion fits inside
BOOKED = 0.5  # a renewal due within 120 days is already booked
UPLIFT = 1.04  # price rise per renewal
BILLING_MONTHS = (12, 3, 1)  # annual in advance, quarterly, monthly
BILLING_P = (0.8, 0.15, 0.05)
NET_DAYS = (30, 45, 60)
NET_P = (0.7, 0.2, 0.1)


def contracts(
    rng: np.random.Generator, life: Lives, tier: np.ndarray, per_account: float
) -> pd.DataFrame:
    """One row per contract: account, line, kind, product, start, end (NaT: evergreen), amount,
    renewal index, billing period (months) and payment terms (days)."""
    n, today = len(life), life.today
    horizon = np.where(np.isnat(life.until), today, life.until)
    active_days = np.clip((np.minimum(horizon, today) - life.since) / DAY, 0, None)

    co = rng.poisson(max(per_account / CONTRACTS_PER_LINE - 1, 0), n)
    grow = rng.poisson(PARAMS["expansions"][life.arch] * active_days / 365)
    acc = np.concatenate([np.arange(n), np.repeat(np.arange(n), co), np.repeat(np.arange(n), grow)])
    kind = np.repeat([MAIN, CO, EXPANSION], [n, co.sum(), grow.sum()])
    m = len(acc)
    offset = np.select(
        [kind == CO, kind == EXPANSION],
        [rng.integers(0, 120, m), 180 + rng.random(m) * np.maximum(active_days[acc] - 210, 0)],
        0,
    ).astype("timedelta64[D]")
    start0 = life.since[acc] + offset
    keep = (kind == MAIN) | (start0 < horizon[acc] - 30 * DAY)
    acc, kind, start0 = acc[keep], kind[keep], start0[keep]
    m = len(acc)

    term = np.round(rng.choice(TERMS_MONTHS, m, p=TERMS_P) * 365 / 12).astype(np.int64)
    ends = ~np.isnat(life.until[acc])
    stalled = life.arch[acc] == STALLED
    # A stalled account bought one term and never renewed it.
    term = np.where(stalled, (life.until[acc] - start0) / DAY + 1, term).astype(np.int64)
    evergreen = ~ends & (rng.random(m) < EVERGREEN)
    short = ~ends & ~evergreen & (kind == CO) & (rng.random(m) < SHORT)
    term = np.where(short, rng.integers(20, 80, m), term)

    covered = ((horizon[acc] - start0) / DAY + 1) / term
    terms = np.maximum(1, np.ceil(covered)).astype(np.int64)
    last_end = start0 + (terms * term - 1).astype("timedelta64[D]")
    booked = ~ends & ((last_end - today) / DAY < 120) & (rng.random(m) < BOOKED)
    terms = np.where(evergreen | short | (start0 > today), 1, terms + booked)

    line = np.repeat(np.arange(m), terms)
    k = np.arange(len(line)) - np.repeat(np.cumsum(terms) - terms, terms)
    start = start0[line] + (k * term[line]).astype("timedelta64[D]")
    end = start + (term[line] - 1).astype("timedelta64[D]")
    a = acc[line]
    # A relationship that ends ends every line with it: the last terms are co-terminated.
    end = np.where(ends[line], np.minimum(end, life.until[a]), end)
    end = np.where(evergreen[line], np.datetime64("NaT"), end).astype("datetime64[D]")

    tier_scale = np.array([8.0, 2.5, 1.0])[tier[acc]]
    base = np.round(np.exp(rng.normal(10.6, 1.1, m)) * tier_scale, -2)
    base = np.where(kind == EXPANSION, np.round(base * 0.6, -2), base)
    uplift = np.where(ends[line], 1.0, UPLIFT**k)
    return pd.DataFrame(
        {
            "acc": a,
            "line": line,
            "kind": kind[line],
            "product": np.asarray(PRODUCTS, dtype=object)[rng.integers(len(PRODUCTS), size=m)][
                line
            ],
            "start": start,
            "end": end,
            "amount": np.round(base[line] * uplift, -2),
            "renewal": k,
            "billing": rng.choice(BILLING_MONTHS, m, p=BILLING_P)[line],
            "net": rng.choice(NET_DAYS, m, p=NET_P)[line],
        }
    )
