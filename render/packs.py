"""Making packs: one account on demand, or every account whose check is due soon (nightly).

Each pack is written as ``packs/<slug of the account key>.pptx``; :func:`due_accounts` chooses
the accounts of the nightly run: a check overdue or pending, or upcoming within ``pack_days``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from hcportal.core.tables import Tables
from hcportal.render import deck
from hcportal.render.pack import contents
from hcportal.render.shards import slug

log = logging.getLogger(__name__)
FOLDER = "packs"


@dataclass(frozen=True)
class Wording:
    """What the last slide tells sellers to log (the transform's evidence settings)."""

    label: str = "Health Check"
    pattern: str = r"health[\s_-]*check"


def file_name(account_key: str) -> str:
    """The pack's file name (without extension): the account key made safe for a path."""
    return slug(account_key) or "account"


def make_pack(
    tables: Tables, key: str, out_dir: Path, template: Path | None, wording: Wording = Wording()
) -> Path:
    """Write account ``key``'s pack into ``out_dir``; return the .pptx path."""
    pack = contents(tables, key, wording.label, wording.pattern)
    out_dir.mkdir(parents=True, exist_ok=True)
    return deck.write_pptx(pack, out_dir / f"{file_name(key)}.pptx", template)


def due_accounts(tables: Tables, within_days: int) -> list[str]:
    """Keys of the accounts with a check overdue or pending, or upcoming and due within
    ``within_days`` of the as-of date (most urgent first)."""
    targets = tables["targets"]
    if targets.empty:
        return []
    as_of = pd.Timestamp(tables.meta.get("as_of") or targets["due_date"].min())
    status = targets["status"].astype("str")
    soon = status.isin(["overdue", "pending"]) | (
        (status == "upcoming") & (targets["due_date"] <= as_of + pd.Timedelta(days=within_days))
    )
    chosen = targets.loc[soon.to_numpy()]
    if "urgency" in chosen.columns:
        chosen = chosen.sort_values("urgency")
    return list(dict.fromkeys(chosen["account_key"].astype("str")))
