"""Render: turn the transform's tables into a static site that works from any host and file://.

``build(data_dir, out_dir, settings)`` renders every page in :data:`render.pages.PAGES` with Jinja
(autoescaped) and writes each page's data as ``.js`` files; the browser does the filtering.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import jinja2

import site_templates
import transform
from hcportal import __version__
from hcportal.errors import RenderError
from hcportal.fsutil import staged_dir
from render.datafiles import columnar, write_js
from render.pages import PAGES
from render.settings import SiteSettings

__all__ = ["SiteSettings", "build"]
log = logging.getLogger(__name__)


def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(site_templates.ROOT),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def build(data_dir: Path, out_dir: Path, settings: SiteSettings) -> Path:
    """Build the site from a transform output folder; return the path of its ``index.html``."""
    tables = transform.read(data_dir)
    env = environment()
    with staged_dir(out_dir) as tmp:
        shutil.copytree(site_templates.ROOT / "static", tmp / "static")
        for page in PAGES:
            scripts = []
            for name, table in page.data.items():
                rel = f"data/{name}.js"
                write_js(tmp / rel, name, columnar(table(tables)))
                scripts.append(rel)
            try:
                html = env.get_template(page.template).render(
                    page=page,
                    pages=PAGES,
                    site=settings,
                    meta=tables.meta,
                    data_scripts=scripts,
                    version=__version__,
                )
            except jinja2.TemplateError as e:
                raise RenderError(f"page {page.path}: template {page.template}: {e}") from e
            (tmp / page.path).write_text(html, "utf-8")
    log.info("site: %d page(s) in %s", len(PAGES), out_dir)
    return out_dir / "index.html"
