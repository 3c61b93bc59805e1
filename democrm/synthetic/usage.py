"""Product usage by month: licensed seats, active users, events, for the last three whole years.

Thriving accounts grow (more seats, more of them active); noisy ones use the product hard; a
stalled account ramps up during onboarding and then stays at a quarter of its seats; a fading
relationship's active users fall month after month. The month of the v5 upgrade and the one after
it dip in events (the upgrade's disruption). Silent accounts send no telemetry.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hcportal.democrm.synthetic.lives import (
    ONBOARDING_MONTHS,
    PARAMS,
    SILENT,
    THRIVING,
    Lives,
    Panel,
)

USAGE_MONTHS = 36
SEATS = ((400, 2000), (80, 400), (10, 80))  # by tier: Strategic, Enterprise, Commercial
UPGRADE_DIP = 0.55


def usage(rng: np.random.Generator, life: Lives, grid: Panel, tier: np.ndarray) -> pd.DataFrame:
    """Usage rows: acc, month, licensed, active, events."""
    now_m = life.today.astype("datetime64[M]")
    lo, hi = np.array(SEATS).T
    seats = rng.integers(lo[tier], hi[tier])
    cells = np.flatnonzero(
        (grid.month >= now_m - USAGE_MONTHS)
        & (grid.month < now_m)  # the month under way is not over: no figure yet
        & (life.arch[grid.acc] != SILENT)
    )
    acc, month = grid.acc[cells], grid.month[cells]
    age, fade = grid.age[cells], grid.fade[cells]
    arch = life.arch[acc]
    thriving = arch == THRIVING
    window_age = (month - (now_m - USAGE_MONTHS)).astype(np.int64)
    licensed = np.round(seats[acc] * np.where(thriving, 1.015**window_age, 1.0)).astype(np.int64)
    adoption = (
        PARAMS["adoption"][arch]
        * np.clip((age + 1) / ONBOARDING_MONTHS, 0.1, 1)
        * (0.25 + 0.75 * fade)
        * np.where(thriving, 0.55 + 0.45 * np.clip(age / 18, 0, 1), 1.0)
    )
    adoption = np.clip(adoption + rng.normal(0, 0.03, len(cells)), 0.01, 1)
    active = np.round(licensed * adoption).astype(np.int64)
    upgrade_m = life.upgrade[acc].astype("datetime64[M]")
    dip = ~np.isnat(upgrade_m) & (month >= upgrade_m) & (month <= upgrade_m + 1)
    per_user = np.exp(rng.normal(np.log(60), 0.3, len(cells)))
    events = np.round(active * per_user * np.where(dip, UPGRADE_DIP, 1.0)).astype(np.int64)
    return pd.DataFrame(
        {"acc": acc, "month": month, "licensed": licensed, "active": active, "events": events}
    )
