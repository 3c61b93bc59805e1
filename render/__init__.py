"""Render: turn the transform's tables into a static site that works from any host and file://.

``render_site(tables, out_dir, settings)`` is the core: it renders every available page in
:data:`render.pages.PAGES` with Jinja (autoescaped) and writes each page's data as columnar
``.js`` files, sharded per owner, region and account bucket; the browser filters and sorts.
``build(data_dir, out_dir, settings)`` reads a transform output folder and calls it.

The site is built in a staged folder that replaces ``out_dir`` in one move: a failed build leaves
the last good site as it was.
"""

from __future__ import annotations

# This folder is mapped to `hcportal.render` (pyproject's package-dir); it is never a top-level
# `render`, so that no module can be imported under two names.
if __name__ != "hcportal.render":
    raise ImportError(f"import hcportal.render, not {__name__}")

import functools
import json
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import jinja2
import numpy as np
import pandas as pd

from hcportal import __version__, site_templates, transform
from hcportal.core import provenance
from hcportal.core.errors import RenderError
from hcportal.core.files import staged_dir
from hcportal.render import numbers, xray
from hcportal.render.datafiles import Encoded, write_js
from hcportal.render.datasets import DATASETS, available
from hcportal.render.pages import PAGES, Page, Shard, shard_names
from hcportal.render.settings import SiteSettings
from hcportal.render.shards import bucket_count, slug
from hcportal.transform import Tables, changes

__all__ = ["SiteSettings", "build", "read_tables", "render_site"]
log = logging.getLogger(__name__)

# Loaded only when someone exports to Excel, so it costs a page view nothing.
XLSX_LIBRARY = "static/vendor/write-excel-file-4.1.1/write-excel-file.min.js"


@functools.cache
def environment() -> jinja2.Environment:
    """One environment per process: compiling the templates took a sixth of a second per site,
    and a split site renders one per region and owner (the loader still reloads an edited one)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(site_templates.ROOT),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = when
    env.filters["money"] = numbers.money
    env.filters["count"] = numbers.count
    return env


def when(value: object) -> str:
    """``2026-11-23T05:10:00+00:00`` -> ``2026-11-23 05:10 UTC``: to the minute, zone named."""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if moment.tzinfo is None:
        return moment.strftime("%Y-%m-%d %H:%M")
    offset = moment.utcoffset()
    return moment.strftime("%Y-%m-%d %H:%M ") + ("UTC" if not offset else moment.strftime("%z"))


def read_tables(data_dir: Path) -> Tables:
    """The transform's tables, typed as its catalogue declares them (optional ones when present)."""
    return transform.read(data_dir)


def build(
    data_dir: Path, out_dir: Path, settings: SiteSettings, previous: Path | None = None
) -> Path:
    """Build the site from a transform output folder; return the path of its ``index.html``.

    ``previous``: the data folder of the previous published run (the caller finds it: render
    knows nothing of the history); a seller's page then shows what changed since.
    """
    tables = read_tables(data_dir)
    if previous is not None:
        with_changes(tables, previous)
    return render_site(tables, out_dir, settings)


def with_changes(tables: Tables, previous: Path) -> None:
    """Add what changed since the run whose tables are in ``previous`` (``changes`` and
    ``meta.previous``). A previous run that cannot be read costs the section, not the build."""
    try:
        before = transform.read(previous)
    except Exception as e:  # any unreadable folder: the site is still built, without the section
        log.warning("site: no changes since the previous run (%s: %s)", previous, e)
        return
    tables.frames["changes"] = changes.since(tables["occasions"], before["occasions"])
    raw = before.meta.get("raw") or {}
    tables.meta["previous"] = {"run_id": raw.get("run_id", ""), "as_of": before.meta.get("as_of")}


def is_site_dir(folder: Path) -> bool:
    """A folder :func:`render_site` built (so it may be replaced)."""
    return (folder / "index.html").is_file() and (folder / "static" / "app.css").is_file()


def render_site(tables: Tables, out_dir: Path, settings: SiteSettings) -> Path:
    """Build the site from in-memory tables; return the path of its ``index.html``.

    Filter the tables first (every table a page reads: see ``docs/site.md``) to build a site for
    one region or owner.
    """
    started = time.perf_counter()
    pages = [p for p in PAGES if p.is_available(tables)]
    for p in PAGES:
        if p not in pages:
            log.info("site: skipping %s (its tables or columns are absent)", p.path)
    if not any(p.path == "index.html" for p in pages):
        raise RenderError("the tables lack what the home page needs (accounts, occasions)")
    with staged_dir(out_dir, is_site_dir, "site") as tmp:
        site_templates.copy_static(tmp / "static")
        site = _Site(tables=tables, out=tmp, settings=settings, pages=pages, env=environment())
        for page in pages:
            site.render(page)
        # Which data this site shows, so that a publish by hand can say (and the gate check).
        stamp = provenance.stamp(tables.meta, __version__)
        (tmp / provenance.STAMP).write_text(json.dumps(stamp, indent=2) + "\n", "utf-8")
    log.info(
        "site: %d page(s), %d data file(s) of %.1f MB in %s (%.1f s)",
        site.pages_written, site.data_files, site.data_bytes / 1e6, out_dir,
        time.perf_counter() - started,
    )  # fmt: skip
    return out_dir / "index.html"


@dataclass
class _Site:
    tables: Tables
    out: Path
    settings: SiteSettings
    pages: list[Page]
    env: jinja2.Environment
    pages_written: int = 0
    data_files: int = 0
    data_bytes: int = 0
    _encoded: dict[str, tuple[pd.DataFrame, Encoded]] = field(default_factory=dict)
    _cuts: dict[tuple[str, str], dict[str, np.ndarray]] = field(default_factory=dict)
    _memo: dict = field(default_factory=dict)

    def dataset(self, name: str) -> tuple[pd.DataFrame, Encoded]:
        """A dataset built and encoded once, however many pages load a part of it."""
        if name not in self._encoded:
            d = DATASETS[name]
            frame = d.build(self.tables).reset_index(drop=True)
            self._encoded[name] = frame, Encoded(frame, {c: self.page_of for c in d.links}, d.keys)
        return self._encoded[name]

    def page_of(self, name: str) -> str:
        """The slug of an owner's or region's page, or "" when the site has none for the name
        (an efficacy row's owner may have left): the browser then shows the name, not a link."""
        if "with pages" not in self._memo:
            scopes = {p.scope for p in self.pages if p.scope != "site"}
            self._memo["with pages"] = {n for s in scopes for n in shard_names(self.tables, s)}
        return slug(name) if name in self._memo["with pages"] else ""

    def cut(self, name: str, kind: str) -> dict[str, np.ndarray]:
        """The positions of a dataset's rows per owner (or region), found once for all pages."""
        if (name, kind) not in self._cuts:
            frame, _ = self.dataset(name)
            groups = frame.groupby(kind, sort=False).indices
            self._cuts[name, kind] = {str(k): np.asarray(v) for k, v in groups.items()}
        return self._cuts[name, kind]

    def write_data(self, rel: str, name: str, payload: dict) -> str:
        """Write a data file; return its path in the site (its name carries a content hash)."""
        path, size = write_js(self.out / rel, name, payload)
        self.data_bytes += size
        self.data_files += 1
        return path.relative_to(self.out).as_posix()

    def render(self, page: Page) -> None:
        extra: dict = {}
        if page.account_data is not None:
            extra["xray_files"] = self.write_account_data(page)
        if page.lazy:
            extra["lazy_files"] = {
                name: self.write_data(f"data/{name}.js", name, self.dataset(name)[1].payload())
                for name in page.lazy
                if available(self.tables, DATASETS[name].reads)
            }
        optional = tuple(d for d in page.optional if available(self.tables, DATASETS[d].reads))
        extra["optional"] = set(optional)
        for name in shard_names(self.tables, page.scope):
            shard = Shard(page.scope, name)
            scripts = []
            for dataset in page.data + optional:
                _, encoded = self.dataset(dataset)
                if shard.kind == "site":
                    rel, rows = f"data/{dataset}.js", None
                else:
                    rel = f"data/{shard.kind}s/{shard.slug}/{dataset}.js"
                    rows = self.cut(dataset, shard.kind).get(name, np.zeros(0, dtype=np.int64))
                scripts.append(self.write_data(rel, dataset, encoded.payload(rows)))
            self.write_page(page, shard, scripts, extra)

    def write_account_data(self, page: Page) -> list[str]:
        """Per-account tables, cut into buckets of accounts: data/<page>/<bucket>.<hash>.js; return
        the files' paths under data/, in bucket order, for the page to find an account's file."""
        assert page.account_data is not None
        frames = {k: f.reset_index(drop=True) for k, f in page.account_data(self.tables).items()}
        accounts = frames["accounts"]["account_key"].nunique()
        buckets = bucket_count(accounts, self.settings.xray_accounts_per_file)
        encoded = {
            name: Encoded(f, {c: self.page_of for c in xray.LINKS.get(name, ())})
            for name, f in frames.items()
        }
        rows = xray.bucket_rows(frames, buckets)
        stem = Path(page.path).stem
        files = []
        for b in range(buckets):
            payload = {name: e.payload(rows[name][b]) for name, e in encoded.items()}
            written = self.write_data(f"data/{stem}/{b}.js", f"{stem}/{b}", payload)
            files.append(written.removeprefix("data/"))
        return files

    def crm_account_url(self) -> str:
        """The account record template: the settings', else the harvest manifest's (via the
        transform's meta); only a web address (a config or manifest is no place for script)."""
        raw = self.tables.meta.get("raw") or {}
        url = self.settings.crm_account_url or str(raw.get("account_url") or "")
        return url if url.startswith(("https://", "http://")) and "{account}" in url else ""

    def write_page(self, page: Page, shard: Shard, scripts: list[str], extra: dict) -> None:
        href = page.href(shard)
        root = "../" * href.count("/")
        context = page.context(self.tables, shard, self._memo) if page.context else {}
        try:
            html = self.env.get_template(page.template).render(
                page=page,
                heading=page.heading(shard),
                shard=shard,
                root=root,
                nav=[(p.nav, p.path) for p in self.pages if p.nav],
                has={p.path for p in self.pages},
                site=self.settings,
                meta=self.tables.meta,
                crm_account_url=self.crm_account_url(),
                data_scripts=scripts,
                xlsx_library=XLSX_LIBRARY,
                version=__version__,
                **extra,
                **context,
            )
        except jinja2.TemplateError as e:
            raise RenderError(f"page {href}: template {page.template}: {e}") from e
        path = self.out / href
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(html, "utf-8")
        self.pages_written += 1
