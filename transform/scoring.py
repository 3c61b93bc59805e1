"""From measures to a score: points, normalised weights, coverage, states, bands, contributions.

For an account of segment *s* (its scorecard: group weights *G* and measure weights *w*), a measure
*m* of group *g* weighs ``W_m = G_g / ΣG × w_m / Σw(g)`` (groups and measures with weight 0 left
out of the sums). Its points ``P_m`` (0-100) come from its scale. With *A* the measures that have a
value:

- coverage = ``Σ_{m∈A} W_m`` (the share of the weight that had data, 0 to 1);
- score = ``Σ_{m∈A} W_m P_m / coverage``: a missing measure is not counted as 0 nor as average,
  and the coverage says how much of the card the score stands on;
- contribution of *m* = ``W_m P_m / coverage``, so the contributions add up to the score.

The score is shown to one decimal; each contribution is rounded to one decimal by the largest
remainder method (Hamilton's), so the rounded contributions add up to the rounded score *exactly*.

States come first: an account with no activity, case or survey answer within ``silent_days`` is
``silent``; else one whose coverage is below ``min_coverage`` is ``insufficient signal``; neither
gets a score or band. Every other account is ``scored``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from hcportal.transform.measures import Measured
from hcportal.transform.score_settings import GROUPS, MEASURES, MeasureSettings, ScoreSettings

SCORED, INSUFFICIENT, SILENT = "scored", "insufficient signal", "silent"
NAMES = list(MEASURES)


def points(raw: np.ndarray, s: MeasureSettings) -> np.ndarray:
    """Raw values to 0-100 points by the measure's scale (NaN stays NaN)."""
    if s.scale == "linear":
        p = (raw - s.bad) / (s.good - s.bad) * 100.0
        return np.clip(p, 0.0, 100.0) + 0.0  # no -0.0
    froms = np.array([f for f, _ in s.steps], dtype=np.float64)
    pts = np.array([p for _, p in s.steps], dtype=np.float64)
    i = np.clip(np.searchsorted(froms, raw, side="right") - 1, 0, len(froms) - 1)
    return np.where(np.isnan(raw), np.nan, pts[i])


def weights(groups: dict[str, float], measures: dict[str, MeasureSettings]) -> np.ndarray:
    """The normalised weight of every measure (in :data:`NAMES` order); they add up to 1."""
    w = np.array([measures[m].weight for m in NAMES], dtype=np.float64)
    g = np.array([MEASURES[m][0] for m in NAMES])
    out = np.zeros(len(NAMES))
    live = {k: v for k, v in groups.items() if v > 0 and w[g == k].sum() > 0}
    total = sum(live.values())
    for k, v in live.items():
        inside = g == k
        out[inside] = v / total * w[inside] / w[inside].sum()
    return out


@dataclass
class Scored:
    """The result for N accounts and the M measures of :data:`NAMES` (arrays N x M where 2-D)."""

    raw: np.ndarray
    points: np.ndarray
    weight: np.ndarray
    contribution: np.ndarray  # tenths, integers as float; NaN where not counted
    coverage: np.ndarray
    score: np.ndarray  # one decimal; NaN unless scored
    state: np.ndarray
    band: np.ndarray


def score(
    measured: dict[str, Measured], segment: np.ndarray, silent: np.ndarray, settings: ScoreSettings
) -> Scored:
    """Score N accounts from their measures; ``segment``: each one's segment value (str);
    ``silent``: each has no activity, case or survey answer within ``silent_days``."""
    n = len(segment)
    raw = np.column_stack([measured[m].raw for m in NAMES]) if n else np.zeros((0, len(NAMES)))
    pts = np.full_like(raw, np.nan)
    w = np.zeros_like(raw)
    for seg in pd.unique(segment):
        rows = segment == seg
        groups, measures = settings.card(str(seg))
        w[rows] = weights(groups, measures)
        for j, m in enumerate(NAMES):
            pts[rows, j] = points(raw[rows, j], measures[m])
    have = ~np.isnan(pts) & (w > 0)
    coverage = (w * have).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        exact = np.where(have, w * np.nan_to_num(pts), 0.0) / coverage[:, None]
    state = np.where(silent, SILENT, np.where(coverage + 1e-12 < settings.min_coverage, INSUFFICIENT, SCORED))  # fmt: skip
    if settings.min_coverage == 0:
        state = np.where(~silent & (coverage == 0), INSUFFICIENT, state)
    scored = state == SCORED
    tenths = _apportion(np.where(scored[:, None], exact * 10, 0.0), have & scored[:, None])
    total = tenths.sum(axis=1)
    band = np.full(n, "", dtype=object)
    sc = np.where(scored, total / 10.0, np.nan)
    for b in reversed(settings.bands):  # best band last, so it wins
        band[scored & (sc >= b.min_score - 1e-9)] = b.name
    contribution = np.where(have & scored[:, None], tenths, np.nan)
    return Scored(raw, pts, w, contribution, coverage, sc, state, band)


def _apportion(exact10: np.ndarray, counted: np.ndarray) -> np.ndarray:
    """Round each row's parts to integers whose sum is the row's total rounded half up."""
    if exact10.size == 0:
        return exact10
    floor = np.floor(exact10 + 1e-9)
    target = np.floor(exact10.sum(axis=1) + 0.5 + 1e-9)
    need = (target - floor.sum(axis=1)).astype(np.int64)
    remainder = np.where(counted, exact10 - floor, -1.0)
    order = np.argsort(-remainder, axis=1, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(exact10.shape[1])[None, :].repeat(len(exact10), 0), axis=1)  # fmt: skip
    return np.where(counted, floor + (rank < need[:, None]), 0.0)


def weakest(s: Scored, k: int) -> np.ndarray:
    """Per account, the ``k`` measures that cost it the most points, with their points
    (`; `-joined): what an alert names. Each distinct combination is spelt once."""
    n = len(s.state)
    if n == 0:
        return np.zeros(0, dtype=object)
    lost = np.where(~np.isnan(s.points) & (s.weight > 0), s.weight * (100 - np.nan_to_num(s.points)), -1.0)  # fmt: skip
    order = np.argsort(-lost, axis=1, kind="stable")[:, :k]
    rows = np.arange(n)[:, None]
    shown = lost[rows, order] > 0
    pts = np.rint(np.nan_to_num(s.points[rows, order])).astype(np.int64)  # as "%.0f" rounds
    # One integer per (measure, points) or -1, then the combinations of the k of them.
    code = np.where(shown, order * 1000 + pts, -1)
    combos, inverse = _unique_rows(code)
    # Each (measure, points) spelt once, then each combination joined from them.
    piece = {c: f"{NAMES[c // 1000]} ({c % 1000} pts)" for c in np.unique(combos).tolist()}
    said = ["; ".join(piece[c] for c in combo if c >= 0) for combo in combos.tolist()]
    return np.asarray(said, dtype=object)[inverse.reshape(-1)]


def _unique_rows(code: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(code, axis=0, return_inverse=True)`` for rows of small integers (-1 and up):
    each row packed into one int64 in the same order, so the sort is of numbers, not rows."""
    base = int(code.max(initial=0)) + 2  # each value + 1 is a digit in [0, base)
    if base ** code.shape[1] >= 2**62:
        combos, inverse = np.unique(code, axis=0, return_inverse=True)
        return combos, inverse.reshape(-1)
    packed = np.zeros(len(code), dtype=np.int64)
    for j in range(code.shape[1]):
        packed = packed * base + (code[:, j] + 1)
    keys, inverse = np.unique(packed, return_inverse=True)
    combos = np.empty((len(keys), code.shape[1]), dtype=code.dtype)
    for j in reversed(range(code.shape[1])):
        keys, digit = np.divmod(keys, base)
        combos[:, j] = digit - 1
    return combos, inverse.reshape(-1)


def missing(s: Scored) -> np.ndarray:
    """Per account, the measures of its scorecard without data (space-separated); each distinct
    set spelt once."""
    gap = np.isnan(s.points) & (s.weight > 0)
    if not len(gap):
        return np.zeros(0, dtype=object)
    bits = (gap.astype(np.int64) << np.arange(len(NAMES))).sum(axis=1)
    combos, inverse = np.unique(bits, return_inverse=True)
    said = [" ".join(m for j, m in enumerate(NAMES) if c >> j & 1) for c in combos.tolist()]
    return np.asarray(said, dtype=object)[inverse.reshape(-1)]


def group_of(measure: str) -> str:
    return MEASURES[measure][0]


assert all(MEASURES[m][0] in GROUPS for m in MEASURES)
