"""The previous run's tables, read from the history for the transform's comparisons.

The health score explains each change since the last run (transform/score_change.py): it needs
that run's scores, their explanation and the data they were computed from (its events and
accounts), which the history keeps in every entry's ``data/``. Reading them is I/O, so it happens
here, at the edge, and the transform receives plain frames. A history entry that cannot be read
is passed over with a warning: a damaged old run never stops tonight's.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

import pandas as pd

from hcportal.core.tables import _as_written, read_meta
from hcportal.publish.history import History
from hcportal.transform import TABLES, PreviousRun

log = logging.getLogger(__name__)
NEEDED = ("health_scores", "health_explain", "events", "accounts")


def previous_run(history: History, *, exclude: str | None = None) -> PreviousRun | None:
    """The newest run kept in ``history`` with health scores in its data, or None."""
    for run_id in reversed(history.runs()):
        if run_id == exclude:
            continue
        data = history.root / run_id / "data"
        if not (data / "health_scores.parquet").is_file():
            continue
        try:
            return read_previous(data, run_id)
        except Exception as e:  # a damaged entry: say so, and compare with none
            log.warning("history entry %s cannot be read for the score's change: %s", run_id, e)
            return None
    return None


def read_previous(data: Path, run_id: str = "") -> PreviousRun:
    """The tables of a data folder that the score's change needs (those present)."""
    meta = read_meta(data)
    frames = {}
    for name in NEEDED:
        path = data / f"{name}.parquet"
        if path.is_file():
            frames[name] = _as_written(TABLES[name], pd.read_parquet(path))
    return PreviousRun(frames, date.fromisoformat(meta["as_of"]), run_id)
