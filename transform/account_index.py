"""Where each account's events are: one index on the events table, built once, shared by its readers.

The events step keeps its table in (account key, time) order, with the account key a categorical
whose codes follow that order, so the events of one account are one run of consecutive rows. The
index is the bounds of those runs (``offsets``: account ``i``'s events are rows
``offsets[i]:offsets[i + 1]``), found by one binary search over the codes. With it, a reader takes
any set of accounts' events as ranges (the customer writer, a chunk of accounts at a time) and
reduces a column per account with :meth:`AccountIndex.reduce` (``numpy.ufunc.reduceat`` over the
runs): no group-by, no sort, no factorisation of the 15 million keys again.

:func:`of` memoises the index per events table (by identity, for as long as the table lives), so
the steps that read the same table share one index.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class AccountIndex:
    """The events of account ``keys[i]`` are the table's rows ``offsets[i]:offsets[i + 1]``."""

    keys: pd.Index  # the events table's account keys (its categorical's categories)
    offsets: np.ndarray  # int64, len(keys) + 1

    @classmethod
    def build(cls, events: pd.DataFrame) -> AccountIndex:
        col = events["account_key"]
        if not isinstance(col.dtype, pd.CategoricalDtype):
            col = col.astype("category")  # sorted categories: codes follow the key order
        codes = col.cat.codes.to_numpy()
        if len(codes) > 1 and bool(np.any(codes[1:] < codes[:-1])):
            raise ValueError("the events table is not in account order (the events step sorts it)")
        n = len(col.cat.categories)
        offsets = np.searchsorted(codes, np.arange(n + 1), side="left").astype(np.int64)
        return cls(pd.Index(col.cat.categories.astype(str), dtype="str"), offsets)

    @property
    def counts(self) -> np.ndarray:
        """How many events each account of :attr:`keys` has."""
        return np.diff(self.offsets)

    def ranges(self, keys: object) -> tuple[np.ndarray, np.ndarray]:
        """For each of ``keys`` (any account keys, any order): the first row of its events and
        their count (0 for an account without events)."""
        which = self.keys.get_indexer(pd.Index(keys, dtype="str"))  # -1: no events
        # -1 picks the appended bounds (0, 0): no events
        first, end = np.append(self.offsets[:-1], 0), np.append(self.offsets[1:], 0)
        return first[which].astype(np.int64), (end[which] - first[which]).astype(np.int64)

    def reduce(self, values: np.ndarray, ufunc: np.ufunc, empty: object) -> np.ndarray:
        """``ufunc`` (``np.add``, ``np.maximum``, ...) over each account's run of ``values`` (one
        per event row), ``empty`` for an account with no events: a group-by without grouping."""
        out = np.full(len(self.keys), empty, dtype=np.result_type(values, np.asarray(empty)))
        has = self.counts > 0
        if has.any():
            out[has] = ufunc.reduceat(values, self.offsets[:-1][has])
        return out


def rows(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The concatenation of range(s, s + n) for each (s, n), without a Python loop."""
    heads = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    total = int(lengths.sum())
    return np.arange(total, dtype=np.int64) + np.repeat(starts.astype(np.int64) - heads, lengths)


# One index per live events table: (weak reference to the table, its index) by the table's id.
_MEMO: dict[int, tuple[weakref.ref, AccountIndex]] = {}


def of(events: pd.DataFrame) -> AccountIndex:
    """The index of ``events``, built on first use and shared while the table lives."""
    key = id(events)
    held = _MEMO.get(key)
    if held is not None and held[0]() is events:
        return held[1]
    index = AccountIndex.build(events)
    _MEMO[key] = (weakref.ref(events, lambda _ref, key=key: _MEMO.pop(key, None)), index)
    return index
