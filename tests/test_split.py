"""A site split by region and owner: each folder holds its own accounts and nobody else's."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from hcportal.publish.sitecheck import check_site
from hcportal.render.datafiles import ALPHABET
from hcportal.render.settings import SiteSettings
from hcportal.render.split import build_split
from tests.conftest import NOW, built_once
from tests.publishing import night


def build_night_and_split(work: Path) -> None:
    night(work / "build", NOW, accounts=200)
    build_split(
        work / "build" / "data", work / "build" / "site", SiteSettings(), ["region", "owner"]
    )


@pytest.fixture(scope="module")
def split(tmp_path_factory) -> tuple[Path, pd.DataFrame]:
    """One split site for the whole run (every worker reads the same one)."""
    build = built_once(tmp_path_factory, "split", build_night_and_split) / "build"
    return build / "site", pd.read_parquet(build / "data" / "accounts.parquet")


def folder_bytes(folder: Path) -> bytes:
    return b"\n".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


def forms(name: str) -> list[bytes]:
    """How a name can appear in a page or a data file: as is, JSON-escaped, HTML-escaped."""
    js = json.dumps(name, ensure_ascii=False)[1:-1].replace("<", "\\u003c")
    html = (
        name.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;")
    )
    return [f.encode() for f in {name, js, html}]


def candidates_payload(folder: Path) -> dict:
    """The folder's worldwide targets (one row per occasion of an account with a target)."""
    (data,) = (folder / "data").glob("targets.*.js")  # named by its content hash
    text = data.read_text("utf-8")
    return json.loads(re.search(r"=(\{.*\});\s*$", text, re.S).group(1))


def column(payload: dict, name: str) -> list:
    col = payload["columns"][name]
    if "dict" not in col:
        return col["values"]
    codes = [ALPHABET.index(c) for c in col["chars"]] if "chars" in col else col["codes"]
    return [col["dict"][c] for c in codes]


@pytest.mark.slow  # a 200-account night split per region and owner; the fast loop splits in test_render
@pytest.mark.parametrize("kind", ["region", "owner"])
def test_a_folder_holds_no_other_folders_accounts_even_in_its_data_files(split, kind):
    site, accounts = split
    folders = [f for f in json.loads((site / "access.json").read_text()) if f["kind"] == kind]
    named = accounts[kind][accounts[kind].str.strip() != ""]
    assert len(folders) == named.nunique() > 2  # blank: no folder, managers only
    for f in folders:
        content = folder_bytes(site / f["path"])
        mine = accounts[accounts[kind] == f["value"]]
        others = set(accounts.loc[accounts[kind] != f["value"], "account"]) - set(mine["account"])
        # Skip names that are part of one of its own names (never the case in the demo data).
        others = {o for o in others if not any(o in m for m in mine["account"])}
        leaked = [o for o in others if any(form in content for form in forms(o))]
        assert leaked == [], f"{f['path']} holds other {kind}s' accounts: {leaked[:5]}"
        shown = column(candidates_payload(site / f["path"]), "account")
        assert set(shown) <= set(mine["account"])
        assert set(column(candidates_payload(site / f["path"]), kind)) <= {f["value"]}
        assert f["accounts"] == len(mine)
        if kind == "region":  # the test can fail: each region's own accounts are there
            assert shown, f"{f['path']} shows none of its own candidates"


@pytest.mark.slow  # a 200-account night split per region and owner; the fast loop splits in test_render
def test_the_manager_root_has_everyone_and_links_every_folder(split):
    site, _ = split
    everyone = set(column(candidates_payload(site), "region"))
    assert len(everyone) > 3
    folders = json.loads((site / "access.json").read_text())
    page = (site / "folders.html").read_text()
    for f in folders:
        assert f'href="{f["path"]}index.html"' in page
        assert re.fullmatch(r"(regions|owners)/[a-z0-9-]+/", f["path"])


@pytest.mark.slow  # a 200-account night split per region and owner; the fast loop splits in test_render
def test_the_split_tree_passes_the_site_checks(split):
    site, _ = split
    assert check_site(site) == []


def test_a_slice_ships_no_data_quality_rows_and_no_table_it_cannot_attribute():
    from hcportal import transform
    from hcportal.render.split import slice_tables

    frames = {
        "accounts": pd.DataFrame({"account": ["A", "B"], "account_key": ["a", "b"], "region": ["X", "Y"]}),
        "candidates": pd.DataFrame({"account": ["A", "B"], "region": ["X", "X"], "account_key": ["a", "b"]}),
        "data_quality": pd.DataFrame({"file": ["accounts.csv"], "line": [2], "value": ["A"]}),
        "efficacy": pd.DataFrame({"level": ["region", "region"], "name": ["X", "Y"]}),
        "not_declared": pd.DataFrame({"account_key": ["a"], "region": ["X"]}),
    }  # fmt: skip
    meta = {"as_of": "2026-11-23", "raw": {"reports": [{"name": "accounts", "rows": 2}]},
            "counts": {"accounts": 2}}  # fmt: skip
    part = slice_tables(transform.Tables(frames, meta), "region", "X", {"a"})
    assert part["accounts"]["account"].tolist() == ["A"]
    # By the account key the catalogue declares, not by a region column that may say otherwise.
    assert part["candidates"]["account"].tolist() == ["A"]
    assert part["data_quality"].empty and list(part["data_quality"].columns) == [
        "file",
        "line",
        "value",
    ]
    assert part["efficacy"].empty  # no account column declared: never shipped to a folder
    assert part["not_declared"].empty  # the catalogue does not say whose rows these are
    assert part.meta["counts"]["accounts"] == 1
    assert part.meta["raw"]["reports"] == [{"name": "accounts"}]  # not the whole CRM's row count


def test_a_very_long_name_gets_a_folder_the_file_system_can_hold():
    """A region named with 300 accented letters made a 306-character folder name: the build,
    and with it every nightly publish, failed with 'File name too long'. The slug is cut (names
    that fitted keep their folder), and two names alike up to the cut still get two folders."""
    from hcportal.render.split import _slug

    taken: set[str] = set()
    long_a, long_b = "Region " + "é" * 300, "Region " + "é" * 299 + "x"
    first, second = _slug(long_a, taken), _slug(long_b, taken)
    assert len(first.encode()) <= 200 and first.startswith("region-eeee") and first != second
    assert second == f"{first}-2"
    assert _slug("Ana Müller", taken) == "ana-muller"
    fitted = "y" * 150
    assert _slug(fitted, taken) == fitted
