"""The per-account index on the events table: runs of rows per account, computed by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hcportal.transform import account_index


def _events(keys: list[str], categories: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "account_key": pd.Categorical(keys, categories=categories),
            "amount": np.arange(1.0, len(keys) + 1),
        }
    )


def test_runs_ranges_and_reductions_of_a_hand_built_table():
    # "b" has no event; "d" is a key only the ranges are asked about
    ev = _events(["a", "a", "c", "c", "c", "e"], ["a", "b", "c", "e"])
    index = account_index.AccountIndex.build(ev)
    assert list(index.keys) == ["a", "b", "c", "e"]
    assert index.offsets.tolist() == [0, 2, 2, 5, 6]
    assert index.counts.tolist() == [2, 0, 3, 1]
    starts, lengths = index.ranges(["e", "d", "a", "c", "b"])
    assert starts.tolist()[0] == 5 and starts.tolist()[2:4] == [0, 2]
    assert lengths.tolist() == [1, 0, 2, 3, 0]
    assert account_index.rows(starts, lengths).tolist() == [5, 0, 1, 2, 3, 4]
    amounts = ev["amount"].to_numpy()
    assert index.reduce(amounts, np.add, 0.0).tolist() == [3.0, 0.0, 12.0, 6.0]
    assert index.reduce(amounts, np.maximum, -1.0).tolist() == [2.0, -1.0, 5.0, 6.0]


def test_a_table_out_of_account_order_is_refused():
    with pytest.raises(ValueError, match="not in account order"):
        account_index.AccountIndex.build(_events(["c", "a"], ["a", "c"]))


def test_one_index_per_live_table():
    ev = _events(["a", "b"], ["a", "b"])
    first = account_index.of(ev)
    assert account_index.of(ev) is first
    other = _events(["a", "b"], ["a", "b"])
    assert account_index.of(other) is not first


def test_an_empty_table():
    index = account_index.AccountIndex.build(_events([], []))
    assert index.offsets.tolist() == [0]
    assert index.reduce(np.zeros(0), np.add, 0.0).tolist() == []
    starts, lengths = index.ranges(["a"])
    assert lengths.tolist() == [0] and account_index.rows(starts, lengths).tolist() == []
