"""The source rows behind each measure: which lines of which reports a measure read, per account.

Two views of the same facts (each measure's rows of the events table, :class:`measures.Measured`):

- :func:`source_rows`: per account and measure, the report lines as compact text for
  ``health_explain`` (``activities:12-14,40;tickets:7``: runs of consecutive lines as ranges, each
  report named once), capped at :data:`CAP` pieces with the count of the rows left out
  (``... (+37 more)``): a person reads it, the X-Ray's link shows them all;
- :func:`event_measures`: per event read by any measure, the measures that read it
  (``health_sources``), which the X-Ray's timeline filters by, so that a measure links to exactly
  its events.

Both are vectorised over the event rows and start from one table of which measures read each
event (:func:`reads`); the rows any measure read are sorted once by account, report and line (when
not in that order already), and each measure takes its own from them by its bit. Measures that read
the same rows (touches and contacts, days late and unpaid amount) share one text.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from hcportal.transform.measures import Events

CAP = 6  # pieces (a line or a range of lines) spelt out per account and measure
SOURCE_COLUMNS = ["account_key", "source", "line", "type", "measures"]


def _codes(ev: Events, col: str) -> tuple[np.ndarray, list[str]]:
    """A column's codes as stored (int8 for a few reports: index them, then widen) and its
    categories."""
    s = ev.frame[col]
    if not isinstance(s.dtype, pd.CategoricalDtype):
        s = s.astype("category")
    return s.cat.codes.to_numpy(), [str(c) for c in s.cat.categories]


@dataclass
class Reads:
    """Which measures read which events, found once for both views: ``rows`` (per measure, the
    positions, ascending, of the events it read; None: not known), ``names`` (the measures with
    rows), ``idx`` (every row any of them read, ascending) and ``bits`` (per row of ``idx``, bit
    ``j`` set when ``names[j]`` read it)."""

    rows: dict[str, np.ndarray | None]
    names: list[str]
    idx: np.ndarray
    bits: np.ndarray


def reads(ev: Events, rows: dict[str, np.ndarray | None]) -> Reads:
    """The :class:`Reads` of the measures' ``rows``: one scatter per measure into one table of
    bits, no sort."""
    names = [m for m, r in rows.items() if r is not None]
    bits = np.zeros(ev.size, dtype=np.int32)
    for j, m in enumerate(names):
        bits[rows[m]] |= np.int32(1 << j)
    idx = np.flatnonzero(bits)
    return Reads(rows, names, idx, bits[idx])


@dataclass
class Spelt:
    """One measure's source rows as text: ``text[i]`` for the account at position ``at[i]``;
    every other account read none of its rows ("")."""

    text: pa.Array
    at: np.ndarray


def source_rows(ev: Events, read: Reads, cap: int = CAP) -> dict[str, Spelt | None]:
    """Per measure, the report lines it read, as text for the accounts that read any (None: not
    known, ""). The text is made by Arrow's compute kernels, not a Python loop per account."""
    src, names = _codes(ev, "source")
    # Every row any measure read, in (account, report, line) order: one sort (none when the
    # reports list each account's rows in line order); each measure then takes its rows from it
    # in that order by its bit.
    a, s, ln = ev.acct_at(read.idx), src[read.idx].astype(np.int64), ev.line[read.idx]
    bits = read.bits
    # In order already (the events step writes them so), every measure's rows, a part of them
    # in the same order, are in order too: each measure then reads its own rows, no mask needed.
    in_order = _sorted(a, s, ln)
    if not in_order:
        if len(a) and ln.max() < 2**32 and s.max() < 16 and ln.min() >= 0:
            order = np.argsort((a << 36) | (s << 32) | ln)  # one key: faster than lexsort
        else:
            order = np.lexsort((ln, s, a))
        a, s, ln, bits = a[order], s[order], ln[order], bits[order]
    done: list[tuple[np.ndarray, Spelt]] = []  # measures that read the same rows share
    out = {}
    for measure, rows in read.rows.items():
        if rows is None:
            out[measure] = None
            continue
        same = [text for r, text in done if len(r) == len(rows) and np.array_equal(r, rows)]
        if not same:
            if in_order:
                mine = ev.acct_at(rows), src[rows].astype(np.int64), ev.line[rows]
            else:
                bit = (bits & np.int32(1 << read.names.index(measure))) != 0
                mine = a[bit], s[bit], ln[bit]
            same = [_spell(*mine, names, cap)]
            done.append((rows, same[0]))
        out[measure] = same[0]
    return out


def interleave(columns: list[Spelt | None], n: int) -> pd.Series:
    """``columns`` (one per measure, over the ``n`` accounts) as one column in the order of
    health_explain's rows (account by account, measure by measure): one take from all the
    texts, each shared text once, "" where an account read nothing."""
    m = len(columns)
    if not n or not m:
        return pd.Series(np.full(n * m, "", dtype=object), dtype="str")
    texts: list[pa.Array] = []
    start: dict[int, int] = {}  # id(Spelt) -> where its text starts in the concatenation
    blank = 0  # the texts' total length so far: the "" appended after them ends up there
    at = np.full((n, m), -1, dtype=np.int64)
    for j, spelt in enumerate(columns):
        if spelt is None:
            continue
        if id(spelt) not in start:
            start[id(spelt)] = blank
            texts.append(spelt.text)
            blank += len(spelt.text)
        at[spelt.at, j] = start[id(spelt)] + np.arange(len(spelt.text))
    at[at < 0] = blank
    whole = pa.concat_arrays([*[t.cast(pa.string()) for t in texts], pa.array([""], pa.string())])
    return pd.Series(whole.take(pa.array(at.ravel())), dtype="str")


def _spell(a: np.ndarray, s: np.ndarray, ln: np.ndarray, names: list[str], cap: int) -> Spelt:
    """The text of one measure's rows: their accounts, reports and lines, in that order."""
    if not len(a):
        return Spelt(pa.array([], pa.string()), np.zeros(0, dtype=np.int64))
    new_acct = np.r_[True, a[1:] != a[:-1]]
    new_src = new_acct | np.r_[True, s[1:] != s[:-1]]
    start = new_src | np.r_[True, ln[1:] > ln[:-1] + 1]  # a piece: consecutive lines of a report
    first = np.flatnonzero(start)
    last = np.r_[first[1:], len(a)] - 1
    p_new_acct = new_acct[first]
    head = np.maximum.accumulate(np.where(p_new_acct, np.arange(len(first)), 0))
    keep = np.arange(len(first)) - head < cap
    # Each account's rows come as one run: its rows are the run's length.
    acct_rows = np.diff(np.r_[np.flatnonzero(new_acct), len(a)])
    first, last = first[keep], last[keep]
    # Each piece: its separator and report (";tickets:" when the report changes, "," when it
    # does not, nothing before an account's first), then its line or range of lines.
    kind = np.where(p_new_acct[keep], 0, np.where(new_src[first], 1, 2))
    prefixes = pa.array([f"{x}:" for x in names] + [f";{x}:" for x in names] + [","])
    prefix = prefixes.take(
        pa.array(np.where(kind == 2, 2 * len(names), kind * len(names) + s[first]))
    )
    lo = pc.cast(pa.array(ln[first]), pa.string())
    # "-last" after a range's first line, "" after a single line: spelt for the ranges only.
    is_range = ln[last] > ln[first]
    ranges = np.flatnonzero(is_range)
    dash = pc.binary_join_element_wise("-", pc.cast(pa.array(ln[last[ranges]]), pa.string()), "")
    which = np.full(len(first), len(ranges), dtype=np.int64)
    which[ranges] = np.arange(len(ranges))
    suffix = pa.concat_arrays([dash, pa.array([""], pa.string())]).take(pa.array(which))
    pieces = pc.binary_join_element_wise(prefix, lo, suffix, "")
    kept_acct = a[first]
    bounds = np.flatnonzero(np.r_[True, kept_acct[1:] != kept_acct[:-1]])
    offsets = pa.array(np.r_[bounds, len(kept_acct)].astype(np.int32))
    joined = pc.binary_join(pa.ListArray.from_arrays(offsets, pieces), "")
    # Every account keeps its first piece, so its kept pieces are one group of ``bounds``.
    capped = acct_rows - np.add.reduceat(last - first + 1, bounds)
    note = pc.binary_join_element_wise(
        pa.array(np.full(len(bounds), " (+", dtype=object)), pc.cast(pa.array(capped), pa.string()),
        pa.array(np.full(len(bounds), " more)", dtype=object)), "",
    )  # fmt: skip
    joined = pc.if_else(pa.array(capped > 0), pc.binary_join_element_wise(joined, note, ""), joined)
    return Spelt(joined, kept_acct[bounds])


def _sorted(a: np.ndarray, s: np.ndarray, ln: np.ndarray) -> bool:
    """Whether (account, report, line) never decreases from one row to the next; accounts need
    only come grouped (each account's rows together), which :func:`_spell` checks by its runs."""
    if len(a) < 2:
        return True
    same_a = a[1:] == a[:-1]
    runs = 1 + int((~same_a).sum())
    if runs != np.count_nonzero(np.bincount(a)):
        return False
    same_s = same_a & (s[1:] == s[:-1])
    up_s = same_a & (s[1:] > s[:-1])
    return bool(np.all(~same_a | up_s | (same_s & (ln[1:] >= ln[:-1]))))


def event_measures(ev: Events, read: Reads) -> pd.DataFrame:
    """One row per event read by any measure: its account, report, line, type, and the measures
    that read it (space-separated, in the measures' order)."""
    names, idx, bits = read.names, read.idx, read.bits
    # The combinations of measures in use, numbered by a table (no sort of millions of rows).
    combos = np.flatnonzero(np.bincount(bits, minlength=1))
    number = np.zeros(int(combos.max()) + 1 if len(combos) else 1, dtype=np.int64)
    number[combos] = np.arange(len(combos))
    code = number[bits]
    said = [" ".join(m for j, m in enumerate(names) if c >> j & 1) for c in combos.tolist()]
    f = ev.frame
    # Text columns stay as the events table has them (categorical there): no string per row.
    return pd.DataFrame(
        {
            "account_key": f["account_key"].iloc[idx].reset_index(drop=True),
            "source": f["source"].iloc[idx].reset_index(drop=True),
            "line": ev.line[idx],
            "type": f["type"].iloc[idx].reset_index(drop=True),
            "measures": pd.Categorical.from_codes(code, categories=said),
        },
        copy=False,  # fresh columns: no copy
    )[SOURCE_COLUMNS]
