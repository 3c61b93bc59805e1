"""The site's Jinja templates, stylesheet, scripts and vendored front-end libraries (as data)."""

# This folder is mapped to `hcportal.site_templates` (pyproject's package-dir); it is never a top-level
# `site_templates`, so that no module can be imported under two names.
if __name__ != "hcportal.site_templates":
    raise ImportError(f"import hcportal.site_templates, not {__name__}")

import re
import shutil
from pathlib import Path

ROOT = Path(__file__).parent

# Scripts written as parts and shipped joined, in this order: a page makes one request for the
# table's code and gzip compresses it as one stream. The parts are classic scripts that each add
# to window.HCP (static/js/grid/grid.js says what each does); tests/test_grid_js.py loads them
# one by one.
BUNDLES: dict[str, tuple[str, ...]] = {
    "js/grid.js": tuple(
        f"js/grid/{part}.js"
        for part in ("sorting", "filtering", "state", "summary", "cells", "rows", "export", "grid")
    ),
}
# Whole-line comments stay in the parts and out of the shipped file: they are most of what the
# parts add to the one file they replaced, and a seller's page would transfer them. A line that
# starts with // is a comment in these parts, since none holds a multi-line string (no template
# literal: a test checks).
_COMMENT_LINE = re.compile(r"^[ \t]*//.*\n", re.M)


def bundle(target: str) -> str:
    """The text of a joined script (a key of :data:`BUNDLES`), without its whole-line comments."""
    parts = BUNDLES[target]
    out = [f"// {target}: joined from {', '.join(parts)} (site_templates/static/); edit those.\n"]
    for part in parts:
        text = (ROOT / "static" / part).read_text("utf-8")
        out.append(_COMMENT_LINE.sub("", text if text.endswith("\n") else text + "\n"))
    return "".join(out)


def copy_static(dest: Path) -> None:
    """Copy the static folder as a site ships it to ``dest``: the bundles joined, without their
    parts, and without our own notes (``*.md``: VENDORED.md documents the libraries for us; the
    site ships their licences)."""
    static = ROOT / "static"
    parts = {static / p for ps in BUNDLES.values() for p in ps}

    def ignore(folder: str, names: list[str]) -> list[str]:
        return [n for n in names if n.endswith(".md") or Path(folder, n) in parts]

    shutil.copytree(static, dest, ignore=ignore)
    for target in BUNDLES:
        (dest / target).write_text(bundle(target), "utf-8")
    for folder in {(dest / p).parent for ps in BUNDLES.values() for p in ps}:
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()  # a folder of parts only
