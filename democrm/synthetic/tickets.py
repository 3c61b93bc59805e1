"""Support cases: a steady trickle, a flood for noisy accounts, rising as a relationship fades.

The product event behind many escalations is the **upgrade to v5**: an account that upgrades files
a low-priority "Upgrade to v5" case, and most of them follow it within weeks with high-priority,
escalated cases about what the upgrade broke. Outside that window escalations are rare, so the
upgrade's lift over the base rate is large (issue 14's "what precedes a support call").
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hcportal.democrm.synthetic.formats import DAY, choose
from hcportal.democrm.synthetic.lives import (
    MONTH_DAYS,
    NOISY,
    ONBOARDING_MONTHS,
    PARAMS,
    Lives,
    Panel,
)
from hcportal.democrm.synthetic.words import (
    CASE_SUBJECTS,
    SEVERE_SUBJECTS,
    V5_AFTERMATH,
    V5_SUBJECT,
)

LOW, MEDIUM, HIGH, CRITICAL = range(4)
MEDIAN_HOURS = np.array([120.0, 72.0, 24.0, 8.0])  # time to close, by priority
V5_AFTERMATH_P = 0.7  # upgrades followed by escalated cases
FIRST_CASE = 1001
STATUSES = ("New", "Working", "Escalated", "Closed")
NEW, WORKING, ESCALATED, CLOSED = range(4)
# Subjects as indices into SUBJECT_LABELS ("": a case opened by phone, never given one).
SUBJECT_LABELS = ("", *CASE_SUBJECTS, *SEVERE_SUBJECTS, V5_SUBJECT, *V5_AFTERMATH)
CASE, SEVERE = 1, 1 + len(CASE_SUBJECTS)
V5, AFTERMATH = SEVERE + len(SEVERE_SUBJECTS), SEVERE + len(SEVERE_SUBJECTS) + 1


def tickets(rng: np.random.Generator, life: Lives, grid: Panel) -> pd.DataFrame:
    """Case rows: acc, opened, closed (NaT: still open), priority, escalated, subject (index into
    SUBJECT_LABELS), status (into STATUSES), number; in the order they were opened."""
    arch = life.arch[grid.acc]
    rate = (
        PARAMS["tickets"][arch]
        * (1 + 3 * (1 - grid.fade))
        * np.where(grid.age < ONBOARDING_MONTHS, 1.5, 1.0)
        * grid.span
        / MONTH_DAYS
    )
    cell = np.repeat(np.arange(len(grid)), rng.poisson(rate))
    n = len(cell)
    acc = grid.acc[cell]
    fade = grid.fade[cell]
    noisy = life.arch[acc] == NOISY
    severe = rng.random(n) < 0.05 + 0.15 * (1 - fade) + 0.05 * noisy
    priority = np.where(
        severe, np.where(rng.random(n) < 0.25, CRITICAL, HIGH), choose(rng, n, (0.4, 0.45, 0.15))
    )
    escalate_p = np.where(severe, 0.5, PARAMS["escalate"][life.arch[acc]] + 0.2 * (1 - fade))
    subject = np.where(
        severe,
        SEVERE + rng.integers(len(SEVERE_SUBJECTS), size=n),
        CASE + rng.integers(len(CASE_SUBJECTS), size=n),
    )
    day = grid.days_in(cell, rng)
    # Severe cases arrive at any hour; the rest in working hours.
    minute = np.where(severe, rng.integers(0, 24 * 60, n), rng.integers(8 * 60, 18 * 60, n))
    panel_cases = {
        "acc": acc,
        "opened": day.astype("datetime64[m]") + minute.astype("timedelta64[m]"),
        "priority": priority,
        "escalated": rng.random(n) < escalate_p,
        "subject": subject,
    }
    cases = {k: np.concatenate([panel_cases[k], v]) for k, v in _upgrades(rng, life).items()}
    # Everything up to the end of today, as every report is: the export knows only the date.
    now = (life.today + DAY).astype("datetime64[m]")
    keep = cases["opened"] < now
    cases = {k: v[keep] for k, v in cases.items()}
    order = np.argsort(cases["opened"], kind="stable")
    cases = {k: v[order] for k, v in cases.items()}

    m = len(cases["acc"])
    hours = MEDIAN_HOURS[cases["priority"]] * np.where(cases["escalated"], 2.0, 1.0)
    took = np.exp(rng.normal(np.log(hours), 1.0)) * 60
    closed = cases["opened"] + took.astype("timedelta64[m]")
    cases["closed"] = np.where(closed < now, closed, np.datetime64("NaT"))
    # Open cases are New for their first two days, then Working, or Escalated.
    fresh = cases["opened"] >= now - np.timedelta64(2 * 24 * 60, "m")
    cases["status"] = np.where(
        ~np.isnat(cases["closed"]),
        CLOSED,
        np.where(cases["escalated"], ESCALATED, np.where(fresh, NEW, WORKING)),
    ).astype(np.int8)
    cases["number"] = FIRST_CASE + np.arange(m)
    return pd.DataFrame(cases)


def _upgrades(rng: np.random.Generator, life: Lives) -> dict[str, np.ndarray]:
    acc = np.flatnonzero(~np.isnat(life.upgrade))
    first = {
        "acc": acc,
        "opened": _at(rng, life.upgrade[acc]),
        "priority": np.full(len(acc), LOW),
        "escalated": np.zeros(len(acc), bool),
        "subject": np.full(len(acc), V5),
    }
    hit = acc[rng.random(len(acc)) < V5_AFTERMATH_P]
    after = np.repeat(hit, 1 + rng.poisson(0.7, len(hit)))
    k = len(after)
    day = life.upgrade[after] + rng.integers(2, 40, k).astype("timedelta64[D]")
    live = life.live(after, day)
    after, day = after[live], day[live]
    k = len(after)
    aftermath = {
        "acc": after,
        "opened": _at(rng, day),
        "priority": np.where(rng.random(k) < 0.3, CRITICAL, HIGH),
        "escalated": rng.random(k) < 0.8,
        "subject": AFTERMATH + rng.integers(len(V5_AFTERMATH), size=k),
    }
    return {key: np.concatenate([first[key], aftermath[key]]) for key in first}


def _at(rng: np.random.Generator, days: np.ndarray) -> np.ndarray:
    return days.astype("datetime64[m]") + rng.integers(8 * 60, 18 * 60, len(days)).astype(
        "timedelta64[m]"
    )
