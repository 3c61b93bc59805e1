"""Small helpers for big frames whose repeating columns are categoricals (codes + distinct values).

Materialising a 5,000,000-row categorical as Python strings costs seconds; these work on the codes
and touch the distinct values only, or only the rows asked for.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def values_at(s: pd.Series, rows: np.ndarray | None = None) -> np.ndarray:
    """``s.to_numpy()[rows]`` (``rows``: positions or a mask; None: all), cheap for categoricals."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        codes = s.cat.codes.to_numpy()
        codes = codes if rows is None else codes[rows]
        cats = np.asarray(s.cat.categories.astype("str"), dtype=object)
        out = cats[codes] if len(cats) else np.full(len(codes), None, dtype=object)
        out[codes < 0] = None
        return out
    values = s.to_numpy()
    return values if rows is None else values[rows]


def take(s: pd.Series, rows: np.ndarray, fill: str | None = None) -> pd.Series:
    """``s`` at positions ``rows`` (-1: missing, or ``fill``), built by Arrow for strings."""
    missing = rows < 0
    if isinstance(s.dtype, pd.CategoricalDtype) or not pd.api.types.is_string_dtype(s.dtype):
        out = s.iloc[np.where(missing, 0, rows)].reset_index(drop=True) if len(s) else None
        if out is None:
            return pd.Series([fill] * len(rows), dtype="str" if fill is not None else object)
        return out.mask(missing, fill) if missing.any() else out
    idx = pa.array(rows, pa.int64(), mask=missing)
    out = pa.chunked_array([_arrow(s).take(idx)], pa.string())
    if fill is not None:
        out = pc.fill_null(out, fill)
    return out.to_pandas()


def take_category(s: pd.Series, rows: np.ndarray, fill: str = "") -> pd.Categorical:
    """``s`` at positions ``rows`` (-1: ``fill``) as a categorical: for a column that repeats a
    few values over a million rows (owner, region), later grouped and written dictionary-encoded."""
    codes, uniques = pd.factorize(s.fillna(fill).astype("str"))
    labels = pd.Index(uniques, dtype="str")
    if (rows < 0).any() and fill not in labels:
        labels = labels.append(pd.Index([fill], dtype="str"))
    fill_code = labels.get_loc(fill) if fill in labels else -1
    out = np.where(rows < 0, fill_code, codes[np.maximum(rows, 0)] if len(codes) else fill_code)
    return pd.Categorical.from_codes(out, categories=labels, validate=False)


def nonblank(s: pd.Series) -> np.ndarray:
    """``s != ""`` as a numpy mask, evaluated per category when ``s`` is categorical."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        blank = np.asarray(s.cat.categories.astype("str") == "")
        codes = s.cat.codes.to_numpy()
        return ~blank[codes] & (codes >= 0) if len(blank) else np.zeros(len(s), dtype=bool)
    return (s.fillna("").astype("str") != "").to_numpy()


def positions(values: object, keys: object) -> np.ndarray:
    """Position of each of ``values`` among the distinct ``keys`` (-1: absent), as int64.

    Arrow's hash kernel: some twenty times faster than pandas on pyarrow-backed strings. A
    categorical is looked up per category.
    """
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy()
        per_category = positions(values.cat.categories, keys)
        out = per_category[codes] if len(per_category) else np.full(len(codes), -1, np.int64)
        out[codes < 0] = -1
        return out
    found = pc.index_in(_arrow(values), value_set=_arrow(keys))
    return pc.fill_null(found, -1).to_numpy(zero_copy_only=False).astype(np.int64)


def isin(s: pd.Series, keys: object) -> np.ndarray:
    """``s.isin(keys)`` as a numpy mask, evaluated per category when ``s`` is categorical."""
    return positions(s, keys) >= 0


def _arrow(values: object) -> pa.Array:
    if isinstance(values, pa.Array | pa.ChunkedArray):
        return values
    if isinstance(values, pd.Series | pd.Index):
        if isinstance(values.dtype, pd.CategoricalDtype):
            values = values.astype("str")
        values = pa.array(values, from_pandas=True)  # zero-copy for pyarrow-backed strings
        return values if values.type == pa.string() else values.cast(pa.string())
    return pa.array(np.asarray(values, dtype=object), pa.string(), from_pandas=True)


def day_of(ts: np.ndarray) -> np.ndarray:
    """Timestamps (``datetime64[s]``) floored to their day, in integer arithmetic: a tenth of the
    cost of ``astype("datetime64[D]")`` on 5,000,000 values. NaT stays NaT."""
    seconds = ts.view("int64")
    out = (seconds - seconds % 86_400).view("datetime64[s]")
    return np.where(np.isnat(ts), ts, out)
