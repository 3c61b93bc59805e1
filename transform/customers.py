"""The customer object (seed 003): one JSON document per account, written as ``customers.jsonl``.

Each object holds ``_id`` (stable across runs: derived from the normalised account key, never a
counter), ``platformHeader`` (schema and hcportal versions, run id, as-of date, which reports were
present and when each was harvested), ``identity`` (every spelling of the account per report, the
normalised key, the ids each source knows it by), ``profile`` (the accounts report's columns and the
current contract value) and ``events`` (the events table's rows of the account, in time order, each
with ``at``, ``type``, ``source`` and ``line`` and the values of its kind that are not blank).

Written without a loop over events: the events table is already sorted by (account, at), and
:mod:`account_index` says where each account's events are, so each event's JSON text is built by
Arrow string kernels column by column (a text value escaped once per distinct value with
:func:`json.dumps`, then taken by code), the texts of an account are joined through list offsets,
and the lines go to the file a chunk of accounts at a time, straight from Arrow's buffers. Chunks
are built by a few threads (Arrow's kernels release the GIL) and written in order; peak memory
is a few chunks' strings on top of the tables.

Objects are validated with ``jsonschema``'s :class:`Draft4Validator` against the seed's schema kept
verbatim (``schemas/customer.seed003.schema.json``) and against hcportal's own narrower rules
(:data:`RULES`: what ``_id`` holds, every event's ``at``, ``type``, ``source`` and ``line``).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from jsonschema import Draft4Validator

from hcportal.core.errors import TransformError
from hcportal.core.tables import Tables
from hcportal.transform import account_index
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
CHUNK = 500  # accounts per chunk: with AHEAD chunks in flight, bounds the strings held at once
# Threads building chunks, and how many built chunks may wait to be written (memory: AHEAD chunks).
THREADS = min(4, os.cpu_count() or 1)
AHEAD = THREADS + 1


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


def write(tables: Tables, path: Path, *, check_every: int = 10) -> int:
    """Write one customer object per account of the accounts report to ``path``, in key order;
    the first object of every ``check_every``-th chunk is validated as written (0: none; tests
    validate every object of the file with :func:`validate_file`). The number written.

    Chunks of accounts are built by a few threads (Arrow's kernels release the GIL) and written
    in order; at most :data:`AHEAD` chunks wait to be written, which bounds the memory."""
    accounts = tables["accounts"].sort_values("account_key", kind="stable")
    keys = accounts["account_key"].astype(str).to_numpy(dtype=object)
    heads = _account_parts(tables, accounts, keys)  # everything of an object but its events
    ev = tables["events"]
    encoder = _EventEncoder(ev)
    starts, lengths = account_index.of(ev).ranges(keys)
    n = len(keys)

    def build(lo: int) -> pa.Array:
        hi = min(lo + CHUNK, n)
        return encoder.lines(heads.slice(lo, hi - lo), starts[lo:hi], lengths[lo:hi])

    with path.open("wb") as f, ThreadPoolExecutor(THREADS) as pool:
        pending: deque = deque()  # (chunk number, its first account, the future of its lines)

        def write_next() -> None:
            chunk, lo, built = pending.popleft()
            pieces = built.result()
            if check_every and chunk % check_every == 0:
                first = _first_line(pieces, int(lengths[lo]))
                validate(json.loads(first), f"{FILE} line {lo + 1}")
            f.write(_data(pieces))

        for chunk, lo in enumerate(range(0, n, CHUNK)):
            if len(pending) >= AHEAD:
                write_next()
            pending.append((chunk, lo, pool.submit(build, lo)))
        while pending:
            write_next()
    return n


def _account_parts(tables: Tables, accounts: pd.DataFrame, keys: np.ndarray) -> pa.Array:
    """Per account, its object's text up to its events: ``{"_id":...,"events":[``."""
    digests = pa.array([customer_id(k) for k in keys], pa.string())
    ids = _concat(['{"id":"', digests, '","accountKey":', _json_values(keys), "}"])
    return _concat(
        [
            '{"_id":', ids, ',"platformHeader":', _text(_header(tables.meta)),
            ',"identity":{"accountKey":', _json_values(keys),
            ',"names":', _names(tables, keys), ',"ids":', _ids(tables, keys),
            '},"profile":', _profiles(tables, accounts), ',"events":[',
        ]
    )  # fmt: skip


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
    escaped = escape(pa.array([str(u) for u in uniques], pa.string()))
    return escaped.take(pa.array(codes, mask=codes < 0))


# Characters JSON (ASCII-only, as :func:`_text` writes it) must escape beyond a quote and a
# backslash: controls and anything outside ASCII. Values holding one take the slow path.
_SPECIAL = r"[\x00-\x1f\x{7f}-\x{10ffff}]"


def escape(values: pa.Array) -> pa.Array:
    """Each string as a JSON string literal, as :func:`json.dumps` writes it (ASCII only): quotes
    and backslashes escaped by Arrow kernels; the rare value with a control character or a
    non-ASCII one goes through :func:`json.dumps` itself."""
    slashed = pc.replace_substring(values, "\\", "\\\\")
    out = _concat(['"', pc.replace_substring(slashed, '"', '\\"'), '"'])
    special = pc.match_substring_regex(values, _SPECIAL).fill_null(False)
    if pc.any(special).as_py():
        slow = [_text(v) for v in values.filter(special).to_pylist()]
        out = pc.replace_with_mask(out, special, pa.array(slow, pa.string()))
    return out


def _lists(owner: np.ndarray, texts: pa.Array, n: int) -> pa.Array:
    """``n`` JSON arrays: texts[i] in array owner[i] (0 <= owner < n; texts sorted by owner)."""
    offsets = np.searchsorted(owner, np.arange(n + 1), side="left").astype(np.int64)
    joined = pc.binary_join(pa.LargeListArray.from_arrays(pa.array(offsets), texts), ",")
    return pc.binary_join_element_wise("[", joined, "]", "")


def _per_account(keys: np.ndarray, frame: pd.DataFrame, column: str) -> pa.Array:
    """Per account of ``keys`` (sorted), the distinct values of ``frame[column]`` as a JSON array
    (blank values left out), in order of first appearance. Worked on codes: each distinct value
    is escaped once."""
    if frame is None or column not in frame:
        return pa.array(["[]"] * len(keys), pa.string())
    owner = _codes_in(frame["account_key"], pd.Index(keys))  # -1: not an account
    value_codes, values = _factorized(frame[column])
    texts = escape(pa.array(np.asarray(values, dtype=object), pa.string()))
    blank = np.asarray(values, dtype=object) == ""
    keep = (owner >= 0) & (value_codes >= 0)
    keep[keep] = ~blank[value_codes[keep]]
    pair = owner[keep].astype(np.int64) * (len(values) + 1) + value_codes[keep]
    # the first row of each (account, value), found by hashing (a sort of millions is slower)
    rows = np.flatnonzero(keep)[~pd.Series(pair).duplicated().to_numpy()]
    order = np.argsort(owner[rows], kind="stable")
    rows = rows[order]
    return _lists(owner[rows], texts.take(pa.array(value_codes[rows])), len(keys))


def _codes_in(col: pd.Series, index: pd.Index) -> np.ndarray:
    """Each value's position in ``index`` (-1: absent), looked up once per distinct value."""
    codes, uniques = _factorized(col)
    where = index.get_indexer(pd.Index(np.asarray(uniques, dtype=object)))
    return np.where(codes >= 0, where[np.maximum(codes, 0)], -1)


def _factorized(col: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(codes, distinct values as text): a categorical's own, else factorised."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        cats = col.cat.categories.astype(str).to_numpy(dtype=object)
        return col.cat.codes.to_numpy().astype(np.int64), cats
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    return codes.astype(np.int64), np.asarray(pd.Index(uniques).astype(str), dtype=object)


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
    frags = []
    for c in accounts.columns:
        if c in ("account_key", "_line"):
            continue
        text = accounts[c].astype(object).where(accounts[c].notna(), "").astype(str)
        member = _concat(["," + _text(_snake(c)) + ":", _json_values(text.to_numpy(dtype=object))])
        frags.append(_optional(pa.array((text == "").to_numpy()), member))
    frags.append(_concat([',"current_value":', pc.cast(pa.array(value), pa.string())]))
    return _concat(["{", pc.utf8_slice_codeunits(_concat(frags), 1), "}"])


def _current_value(tables: Tables, keys: pd.Series) -> np.ndarray:
    con = tables["contracts"]
    as_of = pd.Timestamp(date.fromisoformat(tables.meta["as_of"]))
    running = (con["start"] <= as_of) & (con["end"].isna() | (con["end"] >= as_of))
    per = con[running].groupby(con["account_key"].astype(str), observed=True)["amount"].sum()
    return per.reindex(keys.astype(str)).fillna(0.0).to_numpy(dtype=float)


def _snake(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", str(name).strip().lower()).strip("_") or "column"


# -- the events of a chunk of accounts ----------------------------------------------------------


class _EventEncoder:
    """The JSON text of events, any rows at a time: ``{"at":...,"type":...,"source":...,
    "line":...`` then every value that is not blank.

    Every text and flag column is turned once into fragments (``,"name":value``, one per
    distinct value, "" first for blank) and codes into them (-1: blank; a row takes fragment
    ``code + 1``): text escaped once per distinct value, a categorical's own codes as they are.
    Numbers are formatted row by row as a chunk is written (as fast as hashing them, and no
    codes for 15 million events held for the whole write). Rows are joined per event type with
    only the columns that type has (a usage month has no priority): few columns per join."""

    def __init__(self, ev: pd.DataFrame) -> None:
        self.ev = ev
        seconds = ev["at"].to_numpy(dtype="datetime64[s]").view(np.int64)
        days = np.floor_divide(seconds, 86_400)
        day_codes, day_values = _day_codes(days)
        self.days = pa.array(
            np.datetime_as_string(day_values.astype("datetime64[D]"), unit="D"), pa.string()
        )
        self.day_codes = _small(day_codes, len(day_values))
        # the time of day is its own code into every second of a day ("" first: no time)
        self.times = pa.array(["", *_times_of_day()], pa.string())
        time_of_day = (seconds - days * 86_400).astype(np.int32)
        del seconds, days
        self.type_codes = ev["type"].cat.codes.to_numpy()
        dated = np.isin(np.arange(len(TYPES)), [list(TYPES).index(t) for t in DATED])
        # a dated kind's time of day is not written (it is a day, not midnight)
        self.time_codes = np.where(dated[self.type_codes], np.int32(-1), time_of_day)
        self.line = ev["line"].to_numpy()
        self.sources = [str(x) for x in ev["source"].cat.categories]
        self.source_codes = ev["source"].cat.codes.to_numpy()
        self.values: dict[str, tuple[pa.Array, np.ndarray]] = {}
        self.numbers: dict[str, np.ndarray] = {}  # float columns, as they are in the table
        self.used_by = {}  # value column -> the type codes that have it
        for name, (kind, _) in VALUES.items():
            if kind == "float":
                self.numbers[name] = ev[name].to_numpy(dtype=float)
                known = np.isfinite(self.numbers[name])
            else:
                frags, codes = _value_fragments(ev[name], name, kind)
                self.values[name] = (frags, codes)
                known = codes >= 0
            has = np.bincount(self.type_codes[known], minlength=len(TYPES)) > 0
            self.used_by[name] = set(np.flatnonzero(has).tolist())

    def lines(self, heads: pa.Array, starts: np.ndarray, lengths: np.ndarray) -> pa.Array:
        """The lines of a run of accounts (account ``i``'s events are rows ``starts[i]`` on,
        ``lengths[i]`` of them): for each, its head (``heads[i]``, up to ``"events":[``), its
        events' texts in time order and the close ``]}`` and newline, as pieces of one string
        array whose data buffer is the lines back to back (:func:`_data`).

        Events are encoded a type at a time (few columns per join), and the heads, the
        events and the closes are put in file order by one take: no join copies the text again."""
        rows = account_index.rows(starts, lengths)
        n, m = len(heads), len(rows)
        account = np.repeat(np.arange(n, dtype=np.int64), lengths)
        # every event but an account's first is preceded by a comma
        later = np.ones(m, dtype=np.int8)
        later[(np.cumsum(lengths) - lengths)[lengths > 0]] = 0
        types = self.type_codes[rows]
        order = np.argsort(types, kind="stable")
        bounds = np.flatnonzero(np.diff(types[order])) + 1
        pieces = [heads]
        for part in np.split(order, bounds) if m else []:
            pieces.append(self._of_one_type(int(types[part[0]]), rows[part], later[part]))
        pieces.append(pa.array(["]}\n"], pa.string()))
        # piece index of each slot of the file order: per account its head, events, close
        where = np.empty(n + m + n, dtype=np.int64)
        head_slot = 2 * np.arange(n, dtype=np.int64) + np.cumsum(lengths) - lengths
        where[head_slot] = np.arange(n)
        where[head_slot + lengths + 1] = n + m
        at_in_pieces = np.empty(m, dtype=np.int64)  # event j's place among the typed pieces
        at_in_pieces[order] = np.arange(m)
        where[np.arange(m) + 2 * account + 1] = n + at_in_pieces
        return pa.concat_arrays(pieces).take(pa.array(where))

    def _of_one_type(self, code: int, rows: np.ndarray, later: np.ndarray) -> pa.Array:
        kind = list(TYPES)[code]
        source = self.sources[int(self.source_codes[rows[0]])]
        parts: list = [
            _OPEN.take(pa.array(later)), self.days.take(pa.array(self.day_codes[rows])),
            self.times.take(_plus_one(self.time_codes[rows])),
            f'","type":{_text(kind)},"source":{_text(source)},"line":',
            pc.cast(pa.array(self.line[rows]), pa.string()),
        ]  # fmt: skip
        for name in VALUES:
            if code not in self.used_by[name]:
                continue
            if name in self.numbers:
                parts.extend(_numbers(name, self.numbers[name][rows]))
            else:
                frags, codes = self.values[name]
                parts.append(frags.take(_plus_one(codes[rows])))
        parts.append("}")
        # a blank number is a null: nothing written
        return pc.binary_join_element_wise(*parts, "", null_handling="replace")


# An event's opening: the first of an account's list, or a later one (after a comma).
_OPEN = pa.array(['{"at":"', ',{"at":"'], pa.string())


def _numbers(name: str, values: np.ndarray) -> list[pa.Array]:
    """The fragments ``,"name":value`` of float values, as two parts (the name, the number),
    each null where the value is blank: JSON has no NaN nor Infinity."""
    blank = ~np.isfinite(values)
    number = pc.cast(pa.array(values, mask=blank), pa.string())
    label = pa.array([f',"{name}":', None], pa.string())
    return [label.take(pa.array(blank.view(np.int8))), number]


@functools.cache
def _times_of_day() -> list[str]:
    """Every second of a day as the customer object writes a time of day."""
    return [f"T{t // 3600:02d}:{t // 60 % 60:02d}:{t % 60:02d}" for t in range(86_400)]


# Most days one table of days may span before the days are hashed instead (about 2,700 years).
_DAY_SPAN = 1_000_000


def _day_codes(days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each day's code into the distinct days: its offset from the first day when the days span
    at most :data:`_DAY_SPAN` (subtraction, no hashing; every day between is a value, used or
    not), else by factorising."""
    if len(days) and int(days.max()) - int(days.min()) < _DAY_SPAN:
        first = int(days.min())
        return days - first, np.arange(first, int(days.max()) + 1, dtype=np.int64)
    codes, values = pd.factorize(days)
    return codes, np.asarray(values, dtype=np.int64)


def _small(codes: np.ndarray, n: int) -> np.ndarray:
    """Codes into ``n`` values (-1: none) in the smallest signed integer type that holds them."""
    return codes.astype(np.int8 if n < 127 else np.int16 if n < 32_767 else np.int32, copy=False)


def _plus_one(codes: np.ndarray) -> pa.Array:
    """Codes (-1: blank) as indices into fragments whose first is the blank one."""
    return pa.array(codes.astype(np.int32) + 1)


def _value_fragments(col: pd.Series, name: str, kind: str) -> tuple[pa.Array, np.ndarray]:
    """A text or flag column as fragments ``,"name":value`` (index 0: "" for blank) and each row's
    code into them, minus one (-1: blank)."""
    if kind == "text":
        return _fragments(col, name)
    arr = col.array  # a nullable bool
    known = ~np.asarray(arr.isna())
    flag = np.asarray(arr.to_numpy(dtype=bool, na_value=False))
    words = pa.array(["", f',"{name}":false', f',"{name}":true'], pa.string())
    return words, np.where(known, flag.astype(np.int8), -1).astype(np.int8)


def _fragments(col: pd.Series, name: str) -> tuple[pa.Array, np.ndarray]:
    """A text column as ``,"name":"value"`` fragments, one per distinct value ("" first: blank),
    and each row's code into them minus one (a categorical's codes, as they are)."""
    if not isinstance(col.dtype, pd.CategoricalDtype):
        col = col.astype("category")
    cats = pa.array(col.cat.categories.astype(str).to_numpy(dtype=object), pa.string())
    frag = _concat([f',"{name}":', escape(cats)])
    frag = pa.concat_arrays([pa.array([""], pa.string()), pc.if_else(pc.equal(cats, ""), "", frag)])
    return frag, col.cat.codes.to_numpy()


def _data(arr: pa.Array) -> memoryview:
    """The strings of ``arr`` back to back: its data buffer, not copied."""
    if len(arr) == 0:
        return memoryview(b"")
    offsets = _offsets(arr)
    lo, hi = int(offsets[arr.offset]), int(offsets[arr.offset + len(arr)])
    return memoryview(arr.buffers()[2])[lo:hi]


def _first_line(pieces: pa.Array, events: int) -> bytes:
    """The first line of :meth:`_EventEncoder.lines`' pieces, whose account has ``events``."""
    return _data(pieces.slice(0, events + 2)).tobytes()


def _offsets(arr: pa.Array) -> np.ndarray:
    wide = pa.types.is_large_string(arr.type) or pa.types.is_large_binary(arr.type)
    return np.frombuffer(arr.buffers()[1], dtype=np.int64 if wide else np.int32)


def read(path: Path) -> Iterator[dict]:
    """The objects of a ``customers.jsonl``, one at a time."""
    with path.open(encoding="utf-8") as f:
        for line in f:
            yield json.loads(line)
