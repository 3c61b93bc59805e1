"""Split the site by region and by owner, so a static host's path rules can do access control.

The result is one site tree: the manager root (the whole portal, plus ``folders.html`` and
``access.json`` listing the folders) and one complete, self-contained site per region
(``regions/<slug>/``) and per owner (``owners/<slug>/``). Each folder is built from only its own
rows, so nothing of another region or owner is in it, not even inside its data files:

- a slice is a set of accounts: those whose row in the accounts table has that region (owner);
- a table whose declaration in the transform's catalogue names the column with each row's account
  key (``Table.account``) keeps the rows of those accounts (so an activity logged by a colleague
  on one of my accounts is mine, and mine on theirs is not);
- any other table ships empty: ``data_quality`` (its values can name any account), ``efficacy``
  (rows per owner and region, of every account), and any table the catalogue does not declare.

Rows that belong to no account of the accounts report stay in the manager root only.

Each folder is rendered straight from its sliced tables with :func:`render_site`.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from hcportal import transform
from hcportal.core.files import staged_dir
from hcportal.core.tables import counts
from hcportal.render import is_site_dir, read_tables, render_site
from hcportal.render.settings import SiteSettings
from hcportal.render.shards import ascii_dashes

KINDS = {"region": "regions", "owner": "owners"}


@dataclass(frozen=True)
class Folder:
    kind: str  # "region" | "owner"
    value: str
    path: str  # "regions/emea/"
    accounts: int


def build_split(data_dir: Path, out_dir: Path, settings: SiteSettings, by: list[str]) -> Path:
    """Build the manager root and one folder per value of each column in ``by``; return the
    root's ``index.html``. The tree replaces ``out_dir`` in one move, like :func:`render.build`."""
    tables = read_tables(data_dir)
    accounts = tables["accounts"]
    with staged_dir(out_dir, is_site_dir, "site") as tmp:
        render_site(tables, tmp, settings)
        folders: list[Folder] = []
        for kind in by:
            taken: set[str] = set()
            values = sorted({v for v in accounts[kind].astype(str) if v.strip()})
            for value in values:
                keys = set(accounts.loc[accounts[kind] == value, "account_key"])
                path = f"{KINDS[kind]}/{_slug(value, taken)}/"
                render_site(slice_tables(tables, kind, value, keys), tmp / path, settings)
                folders.append(Folder(kind, value, path, len(keys)))
        _write_index(tmp, folders, settings)
    return out_dir / "index.html"


def slice_tables(
    tables: transform.Tables, column: str, value: str, keys: set[str]
) -> transform.Tables:
    """Only the rows of one slice, every table (see the module docstring for the rules)."""
    frames: dict[str, pd.DataFrame] = {}
    for name, df in tables.frames.items():
        declared = transform.TABLES.get(name)
        by = declared.account if declared is not None else None
        if by is not None and by in df.columns:
            keep = df[by].isin(keys).to_numpy()
        else:
            keep = np.zeros(len(df), dtype=bool)
        frames[name] = df[keep].reset_index(drop=True)
    return transform.Tables(frames=frames, meta=_slice_meta(tables.meta, frames, column, value))


def _slice_meta(meta: dict, frames: dict[str, pd.DataFrame], column: str, value: str) -> dict:
    """The slice's own counts; the harvest's facts without the whole CRM's row counts."""
    out = {k: v for k, v in meta.items() if k not in ("counts", "raw")}
    raw = dict(meta.get("raw", {}))
    raw["reports"] = [{k: v for k, v in r.items() if k != "rows"} for r in raw.get("reports", [])]
    out["raw"] = raw
    out["counts"] = counts(transform.TABLES, frames)
    out["slice"] = {"column": column, "value": value}
    return out


# At most this many characters of a name make its folder's: a file system refuses a name over
# 255 bytes (the build, and every nightly publish with it, failed on a 300-letter region); a
# name that fitted keeps its folder, so the host's path rules stay right.
_SLUG_CHARS = 200


def _slug(value: str, taken: set[str]) -> str:
    """A folder name a path rule can match: ASCII, lower case, dashes; unique among ``taken``."""
    base = ascii_dashes(value)[:_SLUG_CHARS].strip("-") or "unnamed"
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    taken.add(slug)
    return slug


def _write_index(root: Path, folders: list[Folder], settings: SiteSettings) -> None:
    """``access.json`` (for whoever writes the host's path rules) and ``folders.html`` (for
    managers), both in the manager root only."""
    (root / "access.json").write_text(
        json.dumps([f.__dict__ for f in folders], indent=2, ensure_ascii=False) + "\n", "utf-8"
    )
    items = "\n".join(
        f'<li><a href="{html.escape(f.path)}index.html">{html.escape(f.value)}</a> '
        f"({f.kind}, {f.accounts} accounts)</li>"
        for f in folders
    )
    title = html.escape(f"Folders · {settings.title}")
    (root / "folders.html").write_text(
        f'<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n"
        f'<link rel="stylesheet" href="static/app.css">\n</head>\n<body>\n<main id="main">\n'
        f"<h1>One folder per region and owner</h1>\n"
        f"<p>Each holds only its own accounts; the host's sign-in rules decide who opens which.</p>\n"
        f"<ul>\n{items}\n</ul>\n</main>\n</body>\n</html>\n",
        "utf-8",
    )
