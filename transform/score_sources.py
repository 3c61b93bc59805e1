"""The source rows behind each measure: which lines of which reports a measure read, per account.

Two views of the same facts (each measure's rows of the events table, :class:`measures.Measured`):

- :func:`source_rows`: per account and measure, the report lines as compact text for
  ``health_explain`` (``activities:12-14,40;tickets:7``: runs of consecutive lines as ranges, each
  report named once), capped at :data:`CAP` pieces with the count of the rows left out
  (``... (+37 more)``): a person reads it, the X-Ray's link shows them all;
- :func:`event_measures`: per event read by any measure, the measures that read it
  (``health_sources``), which the X-Ray's timeline filters by, so that a measure links to exactly
  its events.

Both are vectorised over the event rows (one sort of each distinct set of rows by account, report
and line, when it is not in that order already); measures that read the same rows (touches and
contacts, days late and unpaid amount) share one computation.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from hcportal.transform.measures import Events

CAP = 6  # pieces (a line or a range of lines) spelt out per account and measure
SOURCE_COLUMNS = ["account_key", "source", "line", "type", "measures"]


def _codes(ev: Events, col: str) -> tuple[np.ndarray, list[str]]:
    s = ev.frame[col]
    if not isinstance(s.dtype, pd.CategoricalDtype):
        s = s.astype("category")
    return s.cat.codes.to_numpy().astype(np.int64), [str(c) for c in s.cat.categories]


def _digest(mask: np.ndarray) -> bytes:
    return hashlib.blake2b(np.packbits(mask).tobytes(), digest_size=16).digest()


def source_rows(ev: Events, rows: dict[str, np.ndarray | None], cap: int = CAP) -> dict:
    """Per measure, an object array over the accounts: the report lines it read ("" for none)."""
    src, names = _codes(ev, "source")
    line = ev.frame["line"].to_numpy(dtype=np.int64)
    done: dict[bytes, np.ndarray] = {}
    out = {}
    for measure, mask in rows.items():
        if mask is None:
            out[measure] = np.full(ev.n, "", dtype=object)
            continue
        key = _digest(mask)
        if key not in done:
            done[key] = _spell(ev.acct, src, names, line, np.flatnonzero(mask), ev.n, cap)
        out[measure] = done[key]
    return out


def _spell(
    acct: np.ndarray, src: np.ndarray, names: list[str], line: np.ndarray, idx: np.ndarray,
    n: int, cap: int,
) -> np.ndarray:  # fmt: skip
    text = np.full(n, "", dtype=object)
    if not len(idx):
        return text
    a, s, ln = acct[idx], src[idx], line[idx]
    # Account, report, line in order: the events come grouped by account in time order, so this
    # is one stable sort of nearly sorted keys, or none at all.
    order = np.lexsort((ln, s, a)) if not _sorted(a, s, ln) else None
    if order is not None:
        a, s, ln = a[order], s[order], ln[order]
    new_acct = np.r_[True, a[1:] != a[:-1]]
    new_src = new_acct | np.r_[True, s[1:] != s[:-1]]
    start = new_src | np.r_[True, ln[1:] > ln[:-1] + 1]  # a piece: consecutive lines of a report
    first = np.flatnonzero(start)
    last = np.r_[first[1:], len(a)] - 1
    p_acct, p_new_acct, p_new_src = a[first], new_acct[first], new_src[first]
    p_rows = last - first + 1
    head = np.maximum.accumulate(np.where(p_new_acct, np.arange(len(first)), 0))
    rank = np.arange(len(first)) - head
    keep = rank < cap
    rows_in = np.bincount(a, minlength=n)
    rows_kept = np.bincount(p_acct[keep], weights=p_rows[keep], minlength=n).astype(np.int64)
    lo, hi = ln[first][keep].tolist(), ln[last][keep].tolist()
    label = [names[c] for c in s[first][keep].tolist()]
    pieces = [
        ("" if na else ";" if ns else ",") + (f"{lab}:" if ns else "")
        + (f"{x}-{y}" if y > x else f"{x}")
        for na, ns, lab, x, y in zip(
            p_new_acct[keep].tolist(), p_new_src[keep].tolist(), label, lo, hi, strict=True
        )
    ]  # fmt: skip
    kept_acct = p_acct[keep]
    bounds = np.flatnonzero(np.r_[True, kept_acct[1:] != kept_acct[:-1]])
    joined = np.add.reduceat(np.asarray(pieces, dtype=object), bounds)
    who = kept_acct[bounds]
    text[who] = joined
    more = rows_in - rows_kept
    capped = np.flatnonzero(more > 0)
    text[capped] = [f"{t} (+{m} more)" for t, m in zip(text[capped], more[capped], strict=True)]
    return text


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


def event_measures(ev: Events, rows: dict[str, np.ndarray | None]) -> pd.DataFrame:
    """One row per event read by any measure: its account, report, line, type, and the measures
    that read it (space-separated, in the measures' order)."""
    names = [m for m, r in rows.items() if r is not None]
    bits = np.zeros(len(ev.frame), dtype=np.int64)
    for j, m in enumerate(names):
        bits |= rows[m].astype(np.int64) << j
    idx = np.flatnonzero(bits)
    combos, code = np.unique(bits[idx], return_inverse=True)
    said = [" ".join(m for j, m in enumerate(names) if c >> j & 1) for c in combos.tolist()]
    f = ev.frame
    # Text columns stay as the events table has them (categorical there): no string per row.
    return pd.DataFrame(
        {
            "account_key": f["account_key"].iloc[idx].reset_index(drop=True),
            "source": f["source"].iloc[idx].reset_index(drop=True),
            "line": f["line"].to_numpy(dtype=np.int64)[idx],
            "type": f["type"].iloc[idx].reset_index(drop=True),
            "measures": pd.Categorical.from_codes(code.reshape(-1), categories=said),
        }
    )[SOURCE_COLUMNS]
