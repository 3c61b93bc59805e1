"""The events table as the measures read it (transform/measures.py): the rows of a set of types
within a window, found by comparing integer seconds, are exactly those whose age (the float
the measures define, ``(as_of + 1 day - at) / 1 day - 1e-9``) is in the window."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from hcportal.transform.measures import DAY, prepare

TYPES = ["activity", "health_check", "ticket_opened", "usage"]


def events(seconds: np.ndarray, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = len(seconds)
    return pd.DataFrame(
        {
            "account_key": pd.Categorical(rng.choice(["a", "b", "c", "zz"], n)),
            "at": seconds.view("datetime64[s]"),
            "type": pd.Categorical(rng.choice(TYPES, n), categories=TYPES),
            "source": pd.Categorical(["activities"] * n),
            "line": np.arange(n),
        }
    )


def ages(frame: pd.DataFrame, as_of: date) -> np.ndarray:
    """The definition, on datetimes, as the measures always computed it."""
    end = (pd.Timestamp(as_of) + pd.Timedelta(days=1)).to_datetime64()
    return (end - frame["at"].to_numpy(dtype="datetime64[s]")) / DAY - 1e-9


def times_around(as_of: date, windows: list[int], seed: int) -> np.ndarray:
    """Random times, plus every second within 3 s of each window's two edges, plus NaT."""
    end = int(pd.Timestamp(as_of).timestamp()) + 86400
    edges = [end - d * 86400 for d in [0, *windows]]
    near = np.concatenate([np.arange(e - 3, e + 4) for e in edges])
    rng = np.random.default_rng(seed)
    spread = rng.integers(end - 800 * 86400, end + 30 * 86400, 5000)
    nat = np.array([np.iinfo(np.int64).min] * 3)
    return np.concatenate([spread, near, nat]).astype(np.int64)


@pytest.mark.parametrize("as_of", [date(2026, 11, 23), date(2024, 2, 29), date(1970, 1, 1)])
def test_rows_within_a_window_are_those_whose_age_is_in_it(as_of):
    windows = [1, 7, 90, 180, 365, 730]
    frame = events(times_around(as_of, windows, seed=as_of.toordinal()))
    keys = pd.Index(["a", "b", "c"], dtype="str")  # "zz" is no account of the list
    ev = prepare(frame, keys, as_of)
    age = ages(frame, as_of)
    assert np.array_equal(ev.age_at(np.arange(len(frame))), age, equal_nan=True)
    known = frame["account_key"].astype(str).isin(keys).to_numpy()
    for types in [("activity", "health_check"), ("usage",), ("ticket_opened", "activity")]:
        of = frame["type"].isin(types).to_numpy()
        assert ev.rows_of(*types).tolist() == np.flatnonzero(of).tolist()
        for days in windows:
            inside = of & (age >= 0) & (age < days)
            assert ev.rows_within(types, days).tolist() == np.flatnonzero(inside & known).tolist()
            assert ev.rows_within(types, days, False).tolist() == np.flatnonzero(inside).tolist()
        assert ev.rows_by(types).tolist() == np.flatnonzero(of & (age >= 0) & known).tolist()


def test_times_too_far_out_for_integers_fall_back_to_the_ages():
    """A time 300,000 years out would wrap the integer arithmetic: the window then comes from
    the ages themselves, and still matches the definition."""
    as_of = date(2026, 11, 23)
    secs = times_around(as_of, [180], seed=1)
    secs = np.append(secs, 300_000 * 365 * 86400)
    frame = events(secs)
    ev = prepare(frame, pd.Index(["a", "b", "c", "zz"], dtype="str"), as_of)
    age = ages(frame, as_of)
    want = np.flatnonzero(frame["type"].isin(["usage"]).to_numpy() & (age >= 0) & (age < 180))
    assert ev.rows_within(("usage",), 180).tolist() == want.tolist()
    assert ev._span(180) is None  # the integer range was not used
