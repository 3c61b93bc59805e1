"""Tables shipped to the browser as columnar JSON inside ``.js`` files.

A ``<script src>`` file loads from ``file://`` too, where ``fetch()`` is blocked. Each column takes
the cheapest of a few encodings, so a table of 100,000 rows costs a fraction of row-wise JSON:

- ``{"dict": [...], "codes": [...]}``: text with repeats (owner, region, status). The dictionary
  is sorted (case-insensitively), so a code is also the value's rank and the browser sorts by
  comparing integers. A column named in ``slugs`` carries ``"slugs"``, the page name of each
  dictionary entry (``owners/<slug>.html``).
- ``{"values": [...]}``: text that rarely repeats (account names), numbers and booleans; ``null``
  where missing.
- ``{"days": [...]}`` / ``{"minutes": [...]}``: dates as days, timestamps as minutes since
  1970-01-01; five digits instead of a twelve-character string, and numbers sort as they are.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd



def columnar(
    df: pd.DataFrame,
    slugs: dict[str, Callable[[str], str]] | None = None,
) -> dict:
    """``{"n": rows, "columns": {name: encoding}}``; see the module docstring for the encodings."""
    slugs = slugs or {}
    columns: dict[str, dict] = {}
    for name in df.columns:
        columns[str(name)] = _encode(df[name], slugs.get(str(name)))
    return {"n": len(df), "columns": columns}


def _encode(s: pd.Series, slug: Callable[[str], str] | None) -> dict:
    if pd.api.types.is_datetime64_any_dtype(s):
        return _encode_time(s)
    if pd.api.types.is_bool_dtype(s):
        return {"values": [None if pd.isna(v) else bool(v) for v in s.astype(object)]}
    if pd.api.types.is_numeric_dtype(s):
        return {"values": _numbers(s)}
    text = s.astype(object).where(s.notna(), "").astype(str)
    codes, uniques = pd.factorize(text)
    uniques = list(uniques)
    if slug is None and not _dictionary_pays(text, uniques):
        return {"values": text.tolist()}
    # Sorted dictionary: the code is the rank, so the browser never compares strings to sort.
    order = sorted(range(len(uniques)), key=lambda i: (uniques[i].casefold(), uniques[i]))
    rank = np.empty(len(uniques), dtype=np.int64)
    rank[order] = np.arange(len(uniques))
    sorted_uniques = [uniques[i] for i in order]
    out: dict = {"dict": sorted_uniques, "codes": rank[codes].tolist() if len(codes) else []}
    if slug is not None:
        out["slugs"] = [slug(u) for u in sorted_uniques]
    return out


def _dictionary_pays(text: pd.Series, uniques: list[str]) -> bool:
    """Whether dictionary + codes is smaller than the values themselves (in JSON characters)."""
    n = len(text)
    if n == 0:
        return True
    values_cost = int(text.str.len().sum()) + 3 * n
    code_digits = len(str(max(len(uniques) - 1, 0))) + 1
    dict_cost = sum(len(u) + 3 for u in uniques) + code_digits * n
    return dict_cost < values_cost


def _numbers(s: pd.Series) -> list:
    values = pd.to_numeric(s, errors="coerce").astype("float64").to_numpy()
    finite = np.isfinite(values)
    if finite.all() and (values == np.round(values)).all():
        return values.astype(np.int64).tolist()
    out: list = []
    for v, ok in zip(values.tolist(), finite.tolist(), strict=True):
        out.append((int(v) if v.is_integer() else round(v, 6)) if ok else None)
    return out


def _encode_time(s: pd.Series) -> dict:
    minutes = s.to_numpy(dtype="datetime64[m]")
    missing = np.isnat(minutes)
    m = minutes.astype(np.int64)
    if (m[~missing] % 1440 == 0).all():
        key, values = "days", m // 1440
    else:
        key, values = "minutes", m
    out = values.astype(object)
    out[missing] = None
    return {key: out.tolist()}


def dumps(payload: dict) -> str:
    """JSON that is safe inside a script: ``<`` is escaped so no value can close a tag."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return body.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def write_js(path: Path, name: str, payload: dict) -> None:
    """Write ``payload`` as ``HCP.data[name]`` in a script file beside the pages."""
    # A plain write: the whole site is built in a staged folder that replaces the old one at once.
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"window.HCP=window.HCP||{{data:{{}}}};HCP.data[{json.dumps(name)}]={dumps(payload)};\n",
        "utf-8",
    )
