"""``hcportal inventory score``: a systems inventory scored, written as CSV and as a page.

Above the stages (it uses the transform's scoring and the render's page), beside the pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from hcportal.config import Config
from hcportal.core.clock import Clock
from hcportal.render.inventory import render_inventory
from hcportal.transform.inventory import DISPOSITIONS, read_inventory, score, write_scored

SCORED_CSV = "inventory.csv"


@dataclass(frozen=True)
class Scored:
    csv: Path
    page: Path
    systems: int
    retire: int


def score_inventory(
    file: Path, out_dir: Path, config: Config, clock: Clock, strategy: str | None = None
) -> Scored:
    """Score ``file`` by the config's ``[transform.inventory]``; write ``out_dir/inventory.csv``
    and ``out_dir/inventory.html``. Nothing is written when a value is not allowed."""
    settings = config.transform.inventory
    strategy = strategy or settings.strategy
    scored = score(read_inventory(file), settings, strategy)
    page = render_inventory(
        scored, out_dir, config.site, strategy=strategy, high=settings.high, generated=clock(),
        dispositions=DISPOSITIONS,
    )  # fmt: skip
    csv = write_scored(scored, out_dir / SCORED_CSV)
    retire = int((scored["Disposition"] == "retire").sum())
    return Scored(csv=csv, page=page, systems=len(scored), retire=retire)
