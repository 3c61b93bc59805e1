"""Score a systems inventory (seed 003): Impact, Complexity, disposition and integration order.

:func:`read_inventory` reads the CSV (the seed's fields as headers, matched ignoring case);
:func:`score` is pure: it checks every answer against the allowed ones (all bad values at once,
each by line and column with what is allowed), puts each field's value on 0-1 within its scale,
weights them into two 0-100 scores, and names a disposition and an order by the strategy.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from hcportal.core.errors import HcportalError
from hcportal.transform.inventory_settings import InventorySettings

# The seed's fields, in its order; the first two are required to say which system a row is.
NAME, BUSINESS_LEADER, TECHNICAL_LEADER, FUNCTION = (
    "System/Service Name", "Business Leader", "Technical Leader", "Business Function",
)  # fmt: skip
FIELDS = {
    "business_impact": "Business Impact",
    "customer_impact": "Customer Impact",
    "customers": "Approx. Number of Customers Impacted Annually",
    "implementation_profile": "Implementation Profile",
    "integration_profile": "Integration Profile",
    "product_dependency": "Product Dependency",
}
COLUMNS = (NAME, BUSINESS_LEADER, TECHNICAL_LEADER, FUNCTION, *FIELDS.values())
SCORED = ("Impact Score", "Complexity Score", "Disposition", "Integration Order")
DISPOSITIONS = {
    "quick win": "high impact, low complexity: integrate early",
    "major project": "high impact, high complexity: integrate with a plan",
    "fill-in": "low impact, low complexity: integrate when convenient",
    "reconsider": "low impact, high complexity: question the integration",
    "retire": "redundant: retire rather than integrate",
}
MAX_ERRORS = 20


class InventoryError(HcportalError):
    """The inventory file cannot be read or holds values outside the allowed ones."""


def _norm(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", str(text).casefold())


def read_inventory(path: Path) -> pd.DataFrame:
    """The inventory as text columns (headers as the seed names them) and ``_line``: each row's
    line in the file (the header is line 1)."""
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise InventoryError(f"inventory {path} cannot be read: {e.strerror or e}") from None
    if raw[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):  # Excel's "Unicode" text
        text = raw.decode("utf-16", errors="replace")
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise InventoryError(f"inventory {path} is empty: it needs a header row") from None
    by_norm = {_norm(h): i for i, h in reversed(list(enumerate(header)))}
    missing = [c for c in COLUMNS if _norm(c) not in by_norm]
    if missing:
        raise InventoryError(
            f"inventory {path} lacks the column(s) {', '.join(repr(c) for c in missing)} "
            f"(it has {', '.join(repr(h) for h in header)})"
        )
    rows, lines = [], []
    for record in reader:
        if not any(cell.strip() for cell in record):
            continue
        rows.append([record[by_norm[_norm(c)]].strip() if by_norm[_norm(c)] < len(record) else ""
                     for c in COLUMNS])  # fmt: skip
        lines.append(reader.line_num)
    df = pd.DataFrame(rows, columns=list(COLUMNS), dtype=object)
    df["_line"] = np.asarray(lines, dtype=np.int64)
    return df


def _answer(value: str, scale: dict[str, float]) -> str | None:
    """The allowed answer ``value`` means (case, spaces, hyphens ignored; a unique prefix such as
    a first word is enough), or None."""
    v = _norm(value)
    if not v:
        return None
    exact = [a for a in scale if _norm(a) == v]
    if exact:
        return exact[0]
    prefix = [a for a in scale if _norm(a).startswith(v)]
    return prefix[0] if len(prefix) == 1 else None


def _count(value: str) -> float | None:
    """``12,000``, ``~1200``, ``12k``, ``1.5M`` -> a number; None if it is not one."""
    m = re.fullmatch(r"[~≈]?\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*([kKmM]?)\+?", str(value).strip())
    if not m:
        return None
    n = float(m.group(1).replace(",", ""))
    return n * {"": 1, "k": 1e3, "m": 1e6}[m.group(2).lower()]


def score(inv: pd.DataFrame, settings: InventorySettings, strategy: str | None = None):
    """The inventory with its Impact Score, Complexity Score, Disposition and Integration Order
    (in plan order); raises :class:`InventoryError` listing every value that is not allowed."""
    strategy = strategy or settings.strategy
    errors: list[tuple[int, object, str]] = []  # (line, column, message): shown in file order
    unit: dict[str, np.ndarray] = {}
    lines = inv["_line"].tolist()
    names = inv[NAME].astype(str).str.strip()
    for line, name in zip(lines, names, strict=True):
        if not name:
            errors.append(
                (line, -1, f"line {line}, column {NAME!r}: blank (every system needs a name)")
            )
    for key, column in FIELDS.items():
        values = inv[column].astype(str).tolist()
        if key == "customers":
            bands = np.asarray(settings.customers_bands, dtype=float)
            out = []
            for line, v in zip(lines, values, strict=True):
                n = _count(v)
                if n is None:
                    errors.append(
                        (
                            line,
                            column,
                            f"line {line}, column {column!r}: {v!r} is "
                            "not a number of customers (e.g. 1200, 12,000 or 12k)",
                        )
                    )
                    n = 0.0
                out.append(np.searchsorted(bands, n, side="right") / len(bands))
            unit[key] = np.asarray(out, dtype=float)
            continue
        scale: dict[str, float] = getattr(settings, key)
        lo, hi = min(scale.values()), max(scale.values())
        out = []
        for line, v in zip(lines, values, strict=True):
            a = _answer(v, scale)
            if a is None:
                errors.append(
                    (
                        line,
                        column,
                        f"line {line}, column {column!r}: {v!r} is not one of {', '.join(scale)}",
                    )
                )
                out.append(0.0)
            else:
                out.append((scale[a] - lo) / (hi - lo))
        unit[key] = np.asarray(out, dtype=float)
        if key == "business_impact":
            business = [_answer(v, scale) for v in values]
    if errors:
        place = {c: i for i, c in enumerate(COLUMNS)} | {-1: -1}
        errors = [e[2] for e in sorted(errors, key=lambda e: (e[0], place[e[1]]))]
        more = len(errors) - MAX_ERRORS
        shown = errors[:MAX_ERRORS] + ([f"... and {more} more"] if more > 0 else [])
        raise InventoryError(
            f"the inventory has {len(errors)} value(s) that are not allowed:\n  "
            + "\n  ".join(shown)
        )
    impact = _weighted(unit, settings.impact_weights)
    complexity = _weighted(unit, settings.complexity_weights)
    out = inv.drop(columns="_line").copy()
    out["Impact Score"] = np.round(impact, 1)
    out["Complexity Score"] = np.round(complexity, 1)
    high_i, high_c = out["Impact Score"] >= settings.high, out["Complexity Score"] >= settings.high
    out["Disposition"] = np.select(
        [np.isin(business, settings.retire), high_i & ~high_c, high_i & high_c, ~high_i & ~high_c],
        ["retire", "quick win", "major project", "fill-in"], "reconsider",
    )  # fmt: skip
    # Highest impact *and* least complexity first: by their difference, then by impact; the
    # reverse strategy takes the opposite difference, then complexity. Retired systems go last.
    sign = 1 if strategy == "impact-first" else -1
    keys = pd.DataFrame({
        "retire": out["Disposition"] == "retire",
        "gap": -sign * (out["Impact Score"] - out["Complexity Score"]),
        "tie": -(out["Impact Score"] if sign > 0 else out["Complexity Score"]),
        "n": names.str.casefold(),
    })  # fmt: skip
    order = keys.sort_values(["retire", "gap", "tie", "n"], kind="stable").index
    out = out.loc[order].reset_index(drop=True)
    integrate = (out["Disposition"] != "retire").to_numpy()
    out["Integration Order"] = pd.array(np.where(integrate, np.cumsum(integrate), 0), dtype="Int64")
    out.loc[~integrate, "Integration Order"] = pd.NA
    out["_line"] = inv["_line"].to_numpy()[order]
    return out


def _weighted(unit: dict[str, np.ndarray], weights: dict[str, float]) -> np.ndarray:
    total = sum(weights.values())
    n = len(next(iter(unit.values()))) if unit else 0
    acc = np.zeros(n)
    for key, w in weights.items():
        acc += w * unit[key]
    return 100 * acc / total


def write_scored(scored: pd.DataFrame, path: Path) -> Path:
    """The scored inventory as CSV for people (formulas neutralised; the order blank for a
    system to retire)."""
    from hcportal.core.safecsv import neutralise

    out = scored.drop(columns="_line").copy()
    for c in out.columns:
        if out[c].dtype == object:
            out[c] = out[c].map(lambda v: neutralise(str(v)))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    out.to_csv(tmp, index=False, lineterminator="\n")
    tmp.replace(path)
    return path
