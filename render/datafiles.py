"""Tables shipped to the browser as columnar, dictionary-encoded JSON inside ``.js`` files.

A ``<script src>`` file loads from ``file://`` too, where ``fetch()`` is blocked. Columnar with a
dictionary per repetitive column (owner, region, status) keeps the payload a fraction of row JSON.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

# Columns with fewer distinct values than this share of rows are sent as dictionary + codes.
DICTIONARY_RATIO = 0.5


def columnar(df: pd.DataFrame) -> dict:
    """``{"n": rows, "columns": {name: {"values": [...]} | {"dict": [...], "codes": [...]}}}``."""
    columns: dict[str, dict] = {}
    for name in df.columns:
        s = df[name]
        if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
            values = [
                None if pd.isna(v) else (int(v) if float(v).is_integer() else float(v)) for v in s
            ]
            columns[name] = {"values": values}
            continue
        s = s.fillna("").astype(str)
        codes, uniques = pd.factorize(s)
        if len(s) and len(uniques) <= DICTIONARY_RATIO * len(s):
            columns[name] = {"dict": list(uniques), "codes": codes.tolist()}
        else:
            columns[name] = {"values": s.tolist()}
    return {"n": len(df), "columns": columns}


def write_js(path: Path, name: str, payload: dict) -> None:
    """Write ``payload`` as ``HCP.data[name]``; ``<`` is escaped so no value can close a tag."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    body = body.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"window.HCP=window.HCP||{{data:{{}}}};HCP.data[{json.dumps(name)}]={body};\n", "utf-8"
    )
