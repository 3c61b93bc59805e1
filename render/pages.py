"""The site's pages: each is a template, the data files it loads, and how to fill them.

Adding a page is adding one :class:`Page` to :data:`PAGES` (and its template); nothing else changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from transform import Tables

# Shown, and filterable, where a report left the owner or region blank.
UNASSIGNED = "(unassigned)"


@dataclass(frozen=True)
class Page:
    path: str
    template: str
    title: str
    # Data files (name -> table builder) written under data/ and loaded by the page.
    data: dict[str, Callable[[Tables], pd.DataFrame]] = field(default_factory=dict)


def _candidates(t: Tables) -> pd.DataFrame:
    df = t["candidates"].copy()
    for col in ("owner", "geo", "region"):
        df[col] = df[col].replace("", UNASSIGNED)
    df["amount"] = pd.to_numeric(df["amount"], errors="coerce")
    df["occasions"] = pd.to_numeric(df["occasions"], errors="coerce")
    return df


PAGES: list[Page] = [
    Page("index.html", "candidates.html", "Health-check candidates", {"candidates": _candidates}),
]
