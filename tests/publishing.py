"""Helpers for the publish tests: small sites to deploy, and whole "nights" without a browser.

A night here is what harvest, transform and build leave in a build folder: a raw run with its
manifest (written by the harvester's own model), the transform's tables and the rendered site. It
is made from the demo CRM's synthetic data, so the gate sees exactly what a real run produces.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd

from hcportal import democrm, render, transform
from hcportal.config import Config, from_mapping
from hcportal.core.files import sha256_file
from hcportal.harvest.manifest import Manifest, ReportEntry
from hcportal.harvest.runs import run_id_for
from hcportal.render.settings import SiteSettings
from hcportal.transform.settings import TransformSettings
from tests.conftest import CLOCK

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<link rel="stylesheet" href="{up}static/app.css">
<script src="{up}data/{data}" defer></script><script src="{up}static/app.js" defer></script>
</head><body><h1>{title}</h1><p class="version">{version}</p>
<nav><a href="{up}index.html">Home</a> <a href="{up}targets.html">Targets</a></nav>
</body></html>
"""


def make_site(
    root: Path, version: str, *, data_name: str = "candidates.js", pages: int = 2
) -> Path:
    """A small static site: pages that link each other and load a stylesheet, a script and a
    data file. ``version`` changes the pages and the data; the static files stay the same."""
    (root / "static").mkdir(parents=True, exist_ok=True)
    (root / "data").mkdir(exist_ok=True)
    (root / "static" / "app.css").write_text("body { font: 14px sans-serif; }\n")
    (root / "static" / "app.js").write_text("window.HCP = window.HCP || {data: {}};\n")
    (root / "static" / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>\n')
    (root / "data" / data_name).write_text(f'HCP.data.candidates = {{"v": "{version}"}};\n')
    (root / "data" / "meta.json").write_text(json.dumps({"version": version}) + "\n")
    names = ["index.html", "targets.html"] + [f"owner/page{i}.html" for i in range(pages - 2)]
    for name in names:
        up = "../" * name.count("/")
        page = PAGE.format(title=name, version=version, up=up, data=data_name)
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(page)
    return root


def read_tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def config(build: Path, **publish: object) -> Config:
    """A configuration writing under ``build``; ``publish`` overrides keys of ``[publish]``."""
    return from_mapping({"paths": {"build": str(build)}, "publish": publish}, base_dir=build.parent)


def night(
    build: Path,
    now: datetime,
    *,
    accounts: int = 60,
    seed: int = 3,
    keep: dict[str, float] | None = None,
    bad_contract_rows: int = 0,
) -> str:
    """Leave in ``build`` what harvest, transform and build would: returns the run id.

    ``keep`` keeps only a fraction of a report's rows (a truncated export); ``bad_contract_rows``
    adds contract rows the transform must reject.
    """
    reports = democrm.generate(accounts=accounts, seed=seed, today=now.date())
    for name, share in (keep or {}).items():
        reports[name] = reports[name].head(int(len(reports[name]) * share))
    if bad_contract_rows:
        bad = reports["contracts"].head(bad_contract_rows).copy()
        bad["Start Date"] = "not a date"
        reports["contracts"] = pd.concat([reports["contracts"], bad], ignore_index=True)
    run_id = run_id_for(now)
    raw = build / "raw" / run_id
    raw.mkdir(parents=True)
    entries = []
    for name, df in reports.items():
        path = raw / f"{name}.csv"
        df.to_csv(path, index=False)
        entries.append(
            ReportEntry(
                name=name, file=path.name, rows=len(df), columns=list(df.columns),
                sha256=sha256_file(path), bytes=path.stat().st_size,
                source_url="http://127.0.0.1/export", route="ui", started=now,
                finished=now + timedelta(seconds=1),
            )
        )  # fmt: skip
    Manifest(
        run_id=run_id, source="demo", crm="http://127.0.0.1", started=now,
        finished=now + timedelta(seconds=5), reports=entries,
    ).write(raw)  # fmt: skip
    tables = transform.run(raw, TransformSettings(), now.date(), clock=CLOCK)
    transform.write(tables, build / "data")
    render.build(build / "data", build / "site", SiteSettings())
    return run_id
