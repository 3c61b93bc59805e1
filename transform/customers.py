"""The customer object (seed 003): one JSON document per account, written as ``customers.jsonl``.

Each object holds ``_id`` (stable across runs: derived from the normalised account key, never a
counter), ``platformHeader`` (schema and hcportal versions, run id, as-of date, which reports were
present and when each was harvested), ``identity`` (every spelling of the account per report, the
normalised key, the ids each source knows it by), ``profile`` (the accounts report's columns and the
current contract value) and ``events`` (the events table's rows of the account, in time order, each
with ``at``, ``type``, ``source`` and ``line`` and the values of its kind that are not blank).

Written without a loop over events: the events table is already sorted by (account, at), so each
event's JSON text is built by Arrow string kernels column by column (a text value escaped once per
distinct value with :func:`json.dumps`, then taken by code), the texts of an account are joined
through list offsets, and the lines go to the file a chunk of accounts at a time, straight from
Arrow's buffers. Peak memory is one chunk's strings on top of the tables.

Objects are validated with ``jsonschema``'s :class:`Draft4Validator` against the seed's schema kept
verbatim (``schemas/customer.seed003.schema.json``) and against hcportal's own narrower rules
(:data:`RULES`: what ``_id`` holds, every event's ``at``, ``type``, ``source`` and ``line``).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from jsonschema import Draft4Validator

from hcportal.core.errors import TransformError
from hcportal.core.tables import Tables
from hcportal.transform.events import DATED, TYPES, VALUES

FILE = "customers.jsonl"
SCHEMA_VERSION = "hcportal.customer/1"
SEED_SCHEMA = json.loads(
    (Path(__file__).parent / "schemas" / "customer.seed003.schema.json").read_text("utf-8")
)
# hcportal's rules on top of the seed's (which leaves the inside of each part open).
RULES = {
    "properties": {
        "_id": {"required": ["id", "accountKey"]},
        "platformHeader": {"required": ["schemaVersion", "hcportalVersion", "runId", "asOf"]},
        "identity": {"required": ["accountKey", "names", "ids"]},
        "events": {
            "items": {
                "type": "object",
                "required": ["at", "type", "source", "line"],
                "properties": {
                    "at": {"type": "string"},
                    "type": {"enum": list(TYPES)},
                    "source": {"type": "string"},
                    "line": {"type": "integer", "minimum": 1},
                },
            }
        },
    }
}
VALIDATOR = Draft4Validator({"allOf": [SEED_SCHEMA, RULES]})
# Which source ids ``identity.ids`` holds: name -> (table, column).
IDS = {
    "case_numbers": ("tickets", "case_number"),
    "invoice_numbers": ("invoices", "invoice_number"),
    "survey_contacts": ("surveys", "contact"),
    "activity_contacts": ("activities", "contact"),
}
# Reports whose own spelling of the account ``identity.names`` lists (when present).
NAMED = ("accounts", "activities", "contracts", "tickets", "invoices", "surveys", "usage")
CHUNK = 2_000  # accounts per write: bounds the strings held at once


def customer_id(account_key: str) -> str:
    """The account's stable id: a digest of its normalised key (the same key, the same id)."""
    return "acct-" + hashlib.sha256(account_key.encode("utf-8")).hexdigest()[:20]


def validate(obj: object, where: str = "customer object") -> None:
    """Raise a :class:`TransformError` naming the field if ``obj`` breaks the schema."""
    error = next(iter(sorted(VALIDATOR.iter_errors(obj), key=lambda e: list(e.path))), None)
    if error is not None:
        field = "/".join(str(p) for p in error.absolute_path) or "(the object)"
        raise TransformError(f"{where}: field {field}: {error.message}")


def validate_file(path: Path, every: int = 1) -> int:
    """Validate every ``every``-th object of a ``customers.jsonl``; the number validated."""
    n = 0
    with path.open(encoding="utf-8") as f:
        for i, line in enumerate(f):
            if i % every == 0:
                validate(json.loads(line), f"{path.name} line {i + 1}")
                n += 1
    return n


# -- writing ----------------------------------------------------------------------------------


def write(tables: Tables, path: Path, *, check_every: int = 100) -> int:
    """Write one customer object per account of the accounts report to ``path``; every
    ``check_every``-th object (and the first) is validated as written. The number written."""
    accounts = tables["accounts"].sort_values("account_key", kind="stable")
    keys = accounts["account_key"].astype(str).to_numpy(dtype=object)
    head = _text(_header(tables.meta))
    n = len(keys)
    with path.open("wb") as f:
        for lo in range(0, n, CHUNK):
            lines = _lines(tables, accounts.iloc[lo : lo + CHUNK], keys[lo : lo + CHUNK], head)
            if check_every:
                for i in range(0, len(lines), check_every):
                    validate(json.loads(lines[i].as_py()), f"{FILE} line {lo + i + 1}")
            _write_strings(f, lines)
    return n


def _lines(tables: Tables, accounts: pd.DataFrame, keys: np.ndarray, head: str) -> pa.Array:
    """The JSON lines of these accounts (sorted by key), as one Arrow string array."""
    ids = pa.array([_text({"id": customer_id(k), "accountKey": k}) for k in keys], pa.string())
    parts = [
        '{"_id":', ids, ',"platformHeader":', head,
        ',"identity":{"accountKey":', _json_values(keys),
        ',"names":', _names(tables, keys), ',"ids":', _ids(tables, keys),
        '},"profile":', _profiles(tables, accounts), ',"events":', _events(tables["events"], keys),
        "}\n",
    ]  # fmt: skip
    return _concat(parts)


def _header(meta: dict) -> dict:
    from hcportal import __version__

    harvested = {r["name"]: r.get("harvested") for r in meta.get("raw", {}).get("reports", [])}
    reports = {}
    for name, facts in meta.get("reports", {}).items():
        one = {"present": bool(facts.get("present")), "used": bool(facts.get("used", False))}
        if facts.get("harvested") or harvested.get(name):
            one["harvested"] = facts.get("harvested") or harvested[name]
        reports[name] = one
    return {
        "schemaVersion": SCHEMA_VERSION,
        "hcportalVersion": meta.get("hcportal_version", __version__),
        "runId": meta.get("raw", {}).get("run_id", ""),
        "asOf": meta.get("as_of", ""),
        "reports": reports,
    }


def _text(obj: object) -> str:
    # ASCII only: no line separator (U+2028, U+0085) can split a line for a reader
    return json.dumps(obj, ensure_ascii=True, separators=(",", ":"))


def _json_values(values: object) -> pa.Array:
    """Each value as JSON text, escaped once per distinct value (null stays null)."""
    codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    escaped = pa.array([_text(str(u)) for u in uniques], pa.string())
    return escaped.take(pa.array(codes, mask=codes < 0))


def _lists(owner: np.ndarray, texts: pa.Array, n: int) -> pa.Array:
    """``n`` JSON arrays: texts[i] in array owner[i] (0 <= owner < n; texts sorted by owner)."""
    offsets = np.searchsorted(owner, np.arange(n + 1), side="left").astype(np.int64)
    joined = pc.binary_join(pa.LargeListArray.from_arrays(pa.array(offsets), texts), ",")
    return pc.binary_join_element_wise("[", joined, "]", "")


def _per_account(keys: np.ndarray, frame: pd.DataFrame, column: str) -> pa.Array:
    """Per account of ``keys`` (sorted), the distinct values of ``frame[column]`` as a JSON array
    (blank values left out), in order of first appearance."""
    if frame is None or column not in frame:
        return pa.array(["[]"] * len(keys), pa.string())
    values = frame[column].astype(object)
    pairs = pd.DataFrame({"k": frame["account_key"].astype(object), "v": values})
    pairs = pairs[pairs["v"].notna() & (pairs["v"].astype(str) != "")]
    pairs = pairs[pairs["k"].isin(set(keys))].drop_duplicates()
    owner = np.searchsorted(keys, pairs["k"].to_numpy(dtype=object))
    order = np.argsort(owner, kind="stable")
    texts = _json_values(pairs["v"].astype(str).to_numpy(dtype=object)[order])
    return _lists(owner[order], texts, len(keys))


def _object(keys: np.ndarray, members: dict[str, pa.Array]) -> pa.Array:
    """Per account, a JSON object of the named JSON arrays; an empty array's member is left out."""
    frags = [
        _optional(
            pc.equal(arr, "[]"), pc.binary_join_element_wise("," + _text(name) + ":", arr, "")
        )
        for name, arr in members.items()
    ]
    if not frags:
        return pa.array(["{}"] * len(keys), pa.string())
    inner = pc.utf8_slice_codeunits(_concat(frags), 1)  # the first member's leading comma
    return pc.binary_join_element_wise("{", inner, "}", "")


def _optional(blank: pa.Array, text: pa.Array) -> pa.Array:
    """``text`` where not ``blank``, else the empty string."""
    return pc.if_else(blank, "", text)


def _concat(parts: list) -> pa.Array:
    """The parts (arrays and strings) joined element-wise with nothing between (no part null)."""
    return pc.binary_join_element_wise(*parts, "")


def _names(tables: Tables, keys: np.ndarray) -> pa.Array:
    return _object(
        keys,
        {r: _per_account(keys, tables.frames[r], "account") for r in NAMED if r in tables.frames},
    )


def _ids(tables: Tables, keys: np.ndarray) -> pa.Array:
    return _object(
        keys,
        {
            name: _per_account(keys, tables.frames[t], c)
            for name, (t, c) in IDS.items()
            if t in tables.frames
        },
    )


def _profiles(tables: Tables, accounts: pd.DataFrame) -> pa.Array:
    """The accounts report's columns (snake_case names; blank ones left out) and the value of
    the account's contracts running on the as-of date."""
    value = _current_value(tables, accounts["account_key"])
    skip = {"account_key", "_line"}
    columns = [c for c in accounts.columns if c not in skip]
    names = {c: _snake(c) for c in columns}
    out = []
    for row, v in zip(accounts[columns].itertuples(index=False, name=None), value, strict=True):
        one = {names[c]: x for c, x in zip(columns, row, strict=True) if not _blank(x)}
        one["current_value"] = float(v)
        out.append(_text(one))
    return pa.array(out, pa.string())


def _current_value(tables: Tables, keys: pd.Series) -> np.ndarray:
    con = tables["contracts"]
    as_of = pd.Timestamp(date.fromisoformat(tables.meta["as_of"]))
    running = (con["start"] <= as_of) & (con["end"].isna() | (con["end"] >= as_of))
    per = con[running].groupby(con["account_key"].astype(str), observed=True)["amount"].sum()
    return per.reindex(keys.astype(str)).fillna(0.0).to_numpy(dtype=float)


def _snake(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", str(name).strip().lower()).strip("_") or "column"


def _blank(x: object) -> bool:
    return x is None or (isinstance(x, float) and np.isnan(x)) or x is pd.NA or str(x) == ""


# -- the events of a chunk of accounts ----------------------------------------------------------


def _events(ev: pd.DataFrame, keys: np.ndarray) -> pa.Array:
    """Per account of ``keys`` (sorted), the JSON array of its events, in the table's order."""
    cats = ev["account_key"].cat.categories.astype(str)
    codes = ev["account_key"].cat.codes.to_numpy()
    which = cats.get_indexer(pd.Index(keys, dtype="str"))  # -1: an account with no event
    starts = np.searchsorted(codes, which, side="left")
    ends = np.searchsorted(codes, which, side="right")
    starts, ends = np.where(which >= 0, starts, 0), np.where(which >= 0, ends, 0)
    lengths = ends - starts
    rows = _ranges(starts, lengths)
    texts = event_texts(ev, rows)
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    joined = pc.binary_join(pa.LargeListArray.from_arrays(pa.array(offsets), texts), ",")
    return pc.binary_join_element_wise("[", joined, "]", "")


def _ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The concatenation of range(s, s + n) for each (s, n), without a Python loop."""
    heads = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    total = int(lengths.sum())
    return np.arange(total, dtype=np.int64) + np.repeat(starts.astype(np.int64) - heads, lengths)


def event_texts(ev: pd.DataFrame, rows: np.ndarray) -> pa.Array:
    """The JSON text of the events at positions ``rows``: at, type, source, line, then every
    value column that is not blank."""
    type_codes = ev["type"].cat.codes.to_numpy()[rows]
    at = ev["at"].to_numpy(dtype="datetime64[s]")[rows]
    dated = np.isin(type_codes, [list(TYPES).index(t) for t in DATED])
    stamp = np.where(
        dated,
        np.datetime_as_string(at.astype("datetime64[D]"), unit="D"),
        np.datetime_as_string(at, unit="s"),
    )
    frags = [
        _concat(['{"at":"', pa.array(stamp, pa.string()), '"']),
        _take_text(ev["type"], rows, "type"),
        _take_text(ev["source"], rows, "source"),
        _concat([',"line":', pc.cast(pa.array(ev["line"].to_numpy()[rows]), pa.string())]),
    ]
    for name, (kind, _) in VALUES.items():
        col = ev[name]
        if kind == "text":
            frags.append(_take_text(col, rows, name))
        elif kind == "float":
            values = pa.array(col.to_numpy(dtype=float)[rows], from_pandas=True)
            frags.append(_concat([f',"{name}":', pc.cast(values, pa.string())]).fill_null(""))
        else:
            arr = col.array
            known = ~np.asarray(arr.isna())[rows]
            flag = np.asarray(arr.to_numpy(dtype=bool, na_value=False))[rows]
            words = pa.array(["", f',"{name}":false', f',"{name}":true'], pa.string())
            frags.append(words.take(pa.array(np.where(known, flag.astype(np.int8) + 1, 0))))
    frags.append("}")
    return _concat(frags)


def _take_text(col: pd.Series, rows: np.ndarray, name: str) -> pa.Array:
    """A text column's ``,"name":"value"`` fragments ("" where blank), escaped per distinct value."""
    if not isinstance(col.dtype, pd.CategoricalDtype):
        col = col.astype("category")
    cats = col.cat.categories.astype(str)
    frag = pa.array(["", *(f',"{name}":' + _text(c) if c != "" else "" for c in cats)], pa.string())
    return frag.take(pa.array(col.cat.codes.to_numpy()[rows].astype(np.int64) + 1))


def _write_strings(f: IO[bytes], arr: pa.Array) -> None:
    """Write the strings of ``arr`` back to back, straight from its data buffer."""
    arr = arr.cast(pa.large_string()) if arr.type != pa.large_string() else arr
    if len(arr) == 0:
        return
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int64)
    lo, hi = int(offsets[arr.offset]), int(offsets[arr.offset + len(arr)])
    f.write(memoryview(arr.buffers()[2])[lo:hi])


def read(path: Path) -> Iterator[dict]:
    """The objects of a ``customers.jsonl``, one at a time."""
    with path.open(encoding="utf-8") as f:
        for line in f:
            yield json.loads(line)
