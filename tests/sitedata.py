"""Sites to test: a small fixed one (goldens, X-Ray, efficacy) and a demo-sized one (sorting).

Both go through the real transform from raw CSV files; only the clock-dependent facts of
``meta.json`` (generation and harvest times) are pinned, so the rendered files are stable.
"""

from __future__ import annotations

import copy
import functools
from pathlib import Path

from hcportal import democrm, render, transform
from hcportal.core.tables import read_csv
from hcportal.render.settings import SiteSettings
from hcportal.transform.settings import TransformSettings
from tests.conftest import CLOCK, TODAY

FIXTURE = Path(__file__).parent / "fixtures" / "site"
GENERATED = "2026-11-23T06:00:00+00:00"
# Hostile text in the journeys variant's accounts report: a tier becomes a filter's option.
HOSTILE_TIER = '<img src=x onerror="document.title=1">"</script>'


def pin_meta(tables: transform.Tables, reports: dict[str, int]) -> None:
    """Fix what depends on the clock: when the tables were made and when the reports were fetched."""
    tables.meta["generated"] = GENERATED
    tables.meta["raw"] = {
        "run_id": "20261123T050000Z",
        "source": "crm",
        "finished": "2026-11-23T05:10:00+00:00",
        "reports": [
            {"name": name, "rows": rows, "harvested": f"2026-11-23T05:0{i}:00+00:00"}
            for i, (name, rows) in enumerate(reports.items(), start=1)
        ],
    }


@functools.cache
def _fixture_run() -> transform.Tables:
    return transform.run(FIXTURE / "raw", TransformSettings(), TODAY, clock=CLOCK)


def fixture_tables(extras: bool = True) -> transform.Tables:
    """The fixed dataset's tables; with ``extras``, efficacy and influenced-pipeline tables in the
    engine's shape (tests/fixtures/site), without them none.

    The transform runs once per process (the same files, the same day, the same clock: the same
    tables); each caller gets its own deep copy to change as it likes."""
    run = _fixture_run()
    tables = transform.Tables(
        {name: df.copy(deep=True) for name, df in run.frames.items()},
        copy.deepcopy(run.meta),
        copy.deepcopy(run.timings),
    )
    pin_meta(tables, {n: len(tables[n]) for n in ("accounts", "contracts", "activities")})
    # The fixture's own rows replace whatever the transform computes for these two (the engine's
    # steps), so the goldens and browser tests do not move when the engine's numbers do.
    for name in ("efficacy", "influenced_pipeline"):
        tables.frames.pop(name, None)
        if extras:
            tables.frames[name] = read_csv(transform.TABLES[name], FIXTURE / f"{name}.csv")
    return tables


def fixture_site(out: Path, extras: bool = True) -> Path:
    return render.render_site(fixture_tables(extras), out, SiteSettings())


def demo_tables(raw: Path | None = None, accounts: int = 60, seed: int = 3) -> transform.Tables:
    """The transform's tables of the demo CRM's seven reports (surveys included), at ``TODAY``."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        folder = raw or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        reports = democrm.generate(accounts=accounts, seed=seed, today=TODAY)
        for name, df in reports.items():
            df.to_csv(folder / f"{name}.csv", index=False)
        tables = transform.run(folder, TransformSettings(), TODAY, clock=CLOCK)
    pin_meta(tables, {n: len(df) for n, df in reports.items()})
    return tables


def demo_site(out: Path, raw: Path, accounts: int = 200, seed: int = 3) -> Path:
    """A site from the demo CRM's synthetic data (no harvest: the reports are written directly)."""
    raw.mkdir(parents=True, exist_ok=True)
    reports = democrm.generate(accounts=accounts, seed=seed, today=TODAY)
    for name, df in reports.items():
        df.to_csv(raw / f"{name}.csv", index=False)
    tables = transform.run(raw, TransformSettings(), TODAY, clock=CLOCK)
    pin_meta(tables, {n: len(df) for n, df in reports.items()})
    return render.render_site(tables, out, SiteSettings())


def shared_fixed_site(tmp_path_factory) -> Path:
    """The fixed dataset's site, built once per test run and shared read-only by every worker
    and module that only reads it (tests/conftest.py: built_once)."""
    from tests.conftest import built_once

    return built_once(tmp_path_factory, "fixed-site", lambda f: fixture_site(f / "site")) / "site"


def shared_demo_site(tmp_path_factory) -> Path:
    """The 200-account demo site, built once per test run and shared read-only (as above)."""
    from tests.conftest import built_once

    def build(folder: Path) -> None:
        demo_site(folder / "site", folder / "raw")

    return built_once(tmp_path_factory, "demo-site", build) / "site"


def shared_journeys_site(tmp_path_factory) -> Path:
    """The demo CRM's 300 accounts of seed 5 (one account's tier is hostile text) through the real
    transform: a folder with its tables (``data``) and its site (``site``), built once per test run
    and shared read-only by the journeys and health map pages' tests (as above). Seed 5 at this
    size holds the demo's designed-in journey pattern and every band of the health map."""
    from tests.conftest import built_once

    def build(folder: Path) -> None:
        raw = folder / "raw"
        raw.mkdir()
        for name, df in democrm.generate(accounts=300, seed=5, today=TODAY).items():
            if name == "accounts":
                df.loc[0, "Tier"] = HOSTILE_TIER
            df.to_csv(raw / f"{name}.csv", index=False)
        tables = transform.run(raw, TransformSettings(), TODAY, clock=CLOCK)
        transform.write(tables, folder / "data")
        render.render_site(tables, folder / "site", SiteSettings())

    return built_once(tmp_path_factory, "journeys-site", build)
