"""Tables shipped to the browser as columnar JSON inside ``.js`` files.

A ``<script src>`` file loads from ``file://`` too, where ``fetch()`` is blocked. Each column takes
the cheapest of a few encodings, so a table of 100,000 rows costs a fraction of row-wise JSON:

- ``{"dict": [...], "codes": [...]}``: text with repeats (owner, region, status) and booleans. The
  dictionary is sorted (case-insensitively), so a code is also the value's rank and the browser
  sorts by comparing integers. With at most 64 entries the codes are one character each:
  ``{"dict": [...], "chars": "0a1..."}`` (see :data:`ALPHABET`). Arrays aligned with the
  dictionary add facts about each value: ``"slugs"`` (the page of an owner or region) and
  ``"keys"`` (the account key of an account name, which depends on the name alone).
- ``{"values": [...]}``: text that rarely repeats, and numbers; ``null`` where missing.
- ``{"days": [...]}`` / ``{"minutes": [...]}``: dates as days, timestamps as minutes since
  1970-01-01; five digits instead of a twelve-character string, and they sort as numbers.

:class:`Encoded` encodes a table once; :meth:`Encoded.payload` then writes any subset of its rows
(an owner's, a region's, an X-Ray bucket's) with array slicing only, which is what keeps a build
of 100,000 accounts, cut into thousands of files, to seconds.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

# One character per code for small dictionaries; none of these needs escaping in JSON or HTML.
ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_"
_ALPHABET_BYTES = np.frombuffer(ALPHABET.encode("ascii"), dtype=np.uint8)

Rows = np.ndarray | None


class _Column:
    """One column, encoded for the whole table; ``part(rows)`` is its JSON for some rows."""

    def __init__(self, s: pd.Series, slug: Callable[[str], str] | None, keys: pd.Series | None):
        self.kind = "values"
        if pd.api.types.is_datetime64_any_dtype(s):
            minutes = s.to_numpy(dtype="datetime64[m]")
            self.missing = np.isnat(minutes)
            m = minutes.astype(np.int64)
            by_day = bool((m[~self.missing] % 1440 == 0).all())
            self.kind = "days" if by_day else "minutes"
            self.ints = m // 1440 if by_day else m
        elif pd.api.types.is_bool_dtype(s):
            self.kind = "dict"
            self.uniques = np.array([False, True], dtype=object)
            self.codes = s.to_numpy(dtype=bool).astype(np.int64)
            self.extras: dict[str, np.ndarray] = {}
        elif pd.api.types.is_numeric_dtype(s):
            self.kind = "numbers"
            self.floats = pd.to_numeric(s, errors="coerce").to_numpy(dtype="float64")
            finite = np.isfinite(self.floats)
            self.integral = bool((self.floats[finite] == np.round(self.floats[finite])).all())
        else:
            text = s.astype(object).where(s.notna(), "").astype(str).to_numpy(dtype=object)
            codes, uniques = pd.factorize(text)
            if slug is None and keys is None and not _dictionary_pays(text, uniques):
                self.texts = text
                return
            # Sorted dictionary: the code is the rank, so the browser never compares strings.
            order = sorted(range(len(uniques)), key=lambda i: (uniques[i].casefold(), uniques[i]))
            rank = np.empty(len(uniques), dtype=np.int64)
            rank[order] = np.arange(len(uniques))
            self.kind = "dict"
            self.uniques = np.asarray(uniques, dtype=object)[order]
            self.codes = rank[codes] if len(codes) else np.zeros(0, dtype=np.int64)
            self.extras = {}
            if slug is not None:
                self.extras["slugs"] = np.array([slug(u) for u in self.uniques], dtype=object)
            if keys is not None:
                first = pd.Series(keys.to_numpy(dtype=object)).groupby(self.codes).first()
                self.extras["keys"] = first.reindex(range(len(self.uniques))).to_numpy(object)

    def part(self, rows: Rows) -> dict:
        take = (lambda a: a) if rows is None else (lambda a: a[rows])
        if self.kind in ("days", "minutes"):
            ints, missing = take(self.ints), take(self.missing)
            out = ints.astype(object)
            out[missing] = None
            return {self.kind: out.tolist()}
        if self.kind == "numbers":
            return {"values": _numbers(take(self.floats), self.integral)}
        if self.kind == "values":
            return {"values": take(self.texts).tolist()}
        codes = take(self.codes)
        if rows is None:
            used, local = np.arange(len(self.uniques)), codes
        else:
            used, local = np.unique(codes, return_inverse=True)
        out: dict = {"dict": self.uniques[used].tolist()}
        if len(used) <= len(ALPHABET):
            out["chars"] = _ALPHABET_BYTES[local].tobytes().decode("ascii")
        else:
            out["codes"] = local.tolist()
        for name, values in self.extras.items():
            out[name] = values[used].tolist()
        return out


class Encoded:
    """A table encoded once, to write whole or cut into parts.

    ``links``: columns whose values are owners or regions, and the function naming their page.
    ``keys``: ``{"account": "account_key"}`` ships each account name's key beside its dictionary
    entry instead of as a column of its own (half the bytes of the two as columns).
    """

    def __init__(
        self,
        df: pd.DataFrame,
        links: dict[str, Callable[[str], str]] | None = None,
        keys: dict[str, str] | None = None,
    ) -> None:
        links, keys = links or {}, keys or {}
        self.n = len(df)
        folded = set(keys.values())
        self.columns = {
            str(name): _Column(
                df[name], links.get(str(name)), df[keys[name]] if name in keys else None
            )
            for name in df.columns
            if name not in folded
        }

    def payload(self, rows: Rows = None) -> dict:
        """``{"n": rows, "columns": {name: encoding}}`` for ``rows`` (positions), or all rows."""
        n = self.n if rows is None else len(rows)
        return {"n": n, "columns": {name: c.part(rows) for name, c in self.columns.items()}}


def columnar(df: pd.DataFrame, links: dict[str, Callable[[str], str]] | None = None) -> dict:
    """The whole of ``df`` as a payload (see :class:`Encoded`)."""
    return Encoded(df, links).payload()


def _dictionary_pays(text: np.ndarray, uniques: np.ndarray) -> bool:
    """Whether dictionary + codes is smaller than the values themselves (in JSON characters)."""
    n = len(text)
    if n == 0:
        return True
    lengths = np.fromiter((len(t) for t in text), dtype=np.int64, count=n)
    values_cost = int(lengths.sum()) + 3 * n
    code_cost = 1 if len(uniques) <= len(ALPHABET) else len(str(len(uniques))) + 1
    dict_cost = sum(len(u) + 3 for u in uniques) + code_cost * n
    return dict_cost < values_cost


def _numbers(values: np.ndarray, integral: bool) -> list:
    finite = np.isfinite(values)
    if integral and finite.all():
        return values.astype(np.int64).tolist()
    out = np.round(values, 6).astype(object)
    if integral:
        out[finite] = values[finite].astype(np.int64)
    out[~finite] = None
    return out.tolist()


def dumps(payload: dict) -> str:
    """JSON that is safe inside a script: ``<`` is escaped so no value can close a tag."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return body.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


# Hex digits of the content hash in a data file's name.
HASH_CHARS = 8


def write_js(path: Path, name: str, payload: dict) -> tuple[Path, int]:
    """Write ``payload`` as ``HCP.data[name]`` to ``<stem>.<hash>.js`` beside ``path``; return the
    file written and its size.

    The name carries the content's hash: a page refers to exactly the data it was built with, so a
    host that uploads data files first and pages last (S3) switches each page whole, and a data file
    can be cached forever. A plain write otherwise: the whole site is built in a staged folder.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    text = f"window.HCP=window.HCP||{{data:{{}}}};HCP.data[{json.dumps(name)}]={dumps(payload)};\n"
    data = text.encode("utf-8")
    final = path.with_name(
        f"{path.stem}.{hashlib.sha256(data).hexdigest()[:HASH_CHARS]}{path.suffix}"
    )
    final.write_bytes(data)
    return final, len(data)
