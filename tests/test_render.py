"""The site's Python side: data encodings, shards, page registry, reads, atomic builds."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from hcportal import render, transform
from hcportal.cli import main
from hcportal.core.errors import RenderError
from hcportal.render import xray
from hcportal.render.datafiles import ALPHABET, Encoded, columnar
from hcportal.render.datasets import DATASETS, available
from hcportal.render.pages import PAGES, Shard
from hcportal.render.settings import SiteSettings
from hcportal.render.shards import bucket, slug
from hcportal.transform import Tables
from tests.sitedata import demo_tables, fixture_site, fixture_tables

# -- encodings ------------------------------------------------------------------------------------


def decode(payload: dict) -> pd.DataFrame:
    """What hcp.js does, in Python: back from the columnar payload to rows."""
    out = {}
    for name, col in payload["columns"].items():
        if "dict" in col:
            codes = [ALPHABET.index(c) for c in col["chars"]] if "chars" in col else col["codes"]
            out[name] = [col["dict"][c] for c in codes]
        elif "days" in col:
            out[name] = [None if v is None else pd.Timestamp(v, unit="D") for v in col["days"]]
        elif "minutes" in col:
            out[name] = [None if v is None else pd.Timestamp(v, unit="m") for v in col["minutes"]]
        else:
            out[name] = col["values"]
    return pd.DataFrame(out, index=range(payload["n"]))


@pytest.fixture
def sample() -> pd.DataFrame:
    n = 200
    rng = np.random.default_rng(1)
    return pd.DataFrame(
        {
            "owner": rng.choice(["zoe", "Ana", "ben", ""], n),
            "account": [f"Account {i}" for i in range(n)],
            "amount": np.where(np.arange(n) % 7 == 0, np.nan, rng.integers(0, 10**6, n)),
            "rate": rng.random(n),
            "due": pd.to_datetime("2026-01-01") + pd.to_timedelta(rng.integers(0, 900, n), "D"),
            "at": pd.to_datetime("2026-01-01 10:17") + pd.to_timedelta(np.arange(n), "h"),
            "flag": rng.random(n) < 0.3,
        }
    ).assign(due=lambda d: d["due"].mask(d.index % 9 == 0))


def test_each_column_takes_its_encoding(sample):
    cols = columnar(sample)["columns"]
    assert set(cols["owner"]) == {"dict", "chars"}
    assert cols["owner"]["dict"] == ["", "Ana", "ben", "zoe"]  # sorted ignoring case: rank = code
    assert set(cols["account"]) == {"values"}  # unique: a dictionary would cost more
    assert "days" in cols["due"] and "minutes" in cols["at"]
    assert cols["flag"]["dict"] == [False, True]
    assert cols["amount"]["values"][0] is None and isinstance(cols["amount"]["values"][1], int)


def test_the_payload_decodes_to_the_table(sample):
    back = decode(columnar(sample))
    assert back["owner"].tolist() == sample["owner"].tolist()
    assert back["account"].tolist() == sample["account"].tolist()
    assert back["flag"].tolist() == sample["flag"].tolist()
    assert [None if pd.isna(v) else v for v in back["amount"]] == [
        None if pd.isna(v) else int(v) for v in sample["amount"]
    ]
    assert np.allclose(back["rate"], sample["rate"], atol=1e-6)
    assert [None if pd.isna(v) else v.date() for v in back["due"]] == [
        None if pd.isna(v) else v.date() for v in sample["due"]
    ]
    assert back["at"].tolist() == sample["at"].tolist()


def test_a_part_of_the_encoding_is_the_encoding_of_the_part(sample):
    rows = np.array([5, 17, 18, 120, 199])
    part = Encoded(sample).payload(rows)
    assert part["n"] == 5
    pd.testing.assert_frame_equal(decode(part), decode(columnar(sample.iloc[rows])))
    # only the dictionary entries the part uses are sent
    assert set(part["columns"]["owner"]["dict"]) == set(sample["owner"].iloc[rows])


def test_large_dictionaries_use_codes_and_names_carry_their_keys_and_pages():
    df = pd.DataFrame(
        {
            "account": [f"Acme {i % 100}" for i in range(300)],
            "account_key": [f"acme {i % 100}" for i in range(300)],
            "owner": [f"Owner {i % 70}" for i in range(300)],
        }
    )
    cols = Encoded(df, {"owner": slug}, {"account": "account_key"}).payload()["columns"]
    assert "account_key" not in cols  # folded into the account names' dictionary
    acc = cols["account"]
    assert "codes" in acc and len(acc["dict"]) == 100 > len(ALPHABET)
    assert all(k == name.lower() for name, k in zip(acc["dict"], acc["keys"], strict=True))
    assert cols["owner"]["slugs"] == [slug(o) for o in cols["owner"]["dict"]]


def test_a_value_cannot_close_the_script_tag(tmp_path):
    from hcportal.render.datafiles import write_js

    path, _ = write_js(
        tmp_path / "d.js", "t", columnar(pd.DataFrame({"a": ["</script><b>x", "\u2028"]}))
    )
    assert re.fullmatch(r"d\.[0-9a-f]{8}\.js", path.name)  # named by its content
    text = path.read_text("utf-8")
    assert "</" not in text and "<" not in text and "\u2028" not in text


# -- shards ---------------------------------------------------------------------------------------


def test_slugs_are_readable_stable_unique_and_harmless():
    assert re.fullmatch(r"ana-muller-[0-9a-f]{6}", slug("Ana Müller"))
    assert slug("Ana Müller") == slug("Ana Müller")
    assert slug("Ana Müller") != slug("Ana Muller")
    for hostile in ("../../etc/passwd", "<script>alert(1)</script>", "", "東京"):
        assert re.fullmatch(r"[a-z0-9-]+", slug(hostile))


def test_bucket_is_fnv1a():
    # FNV-1a 32-bit reference values; hcp.js computes the same (tested in the browser).
    assert bucket("", 2**32) == 0x811C9DC5
    assert bucket("a", 2**32) == 0xE40C292C
    assert bucket("foobar", 2**32) == 0xBF9CF968
    spread = np.bincount([bucket(f"account {i}", 20) for i in range(2000)], minlength=20)
    assert spread.min() > 50


# -- the X-Ray's verdicts -------------------------------------------------------------------------


def test_each_health_check_says_whether_it_counted_and_why():
    x = xray.tables(fixture_tables())
    acts = x["activities"].set_index(
        ["account_key", x["activities"]["timestamp"].dt.date.astype(str)]
    )
    why = acts["why"].to_dict()
    verdict = acts["verdict"].to_dict()
    assert verdict["evergreen power", "2026-08-15"] == "counted"
    assert why["evergreen power", "2026-08-15"] == "counts for onboarding due 2026-08-30"
    assert why["delta foods", "2026-01-20"] == (
        "counts for periodic #2 due 2026-01-09 (already done by the check of 2026-01-05)"
    )
    assert verdict["falcon media", "2026-11-01"] == "not counted"
    assert why["falcon media", "2026-11-01"].startswith("no attachment")
    assert why["acme org", "2025-06-01"] == "outside every health-check window of this account"
    assert why["acme org", "2026-12-01"] == "dated after the as-of date (2026-11-23)"
    assert why["acme org", "2026-10-05"] == ""  # a QBR: not a health check


# -- pages ----------------------------------------------------------------------------------------


def restricted(tables: Tables, reads: dict) -> Tables:
    return Tables(
        frames={t: tables[t][list(cols)].copy() for t, cols in reads.items()}, meta=tables.meta
    )


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.path)
def test_a_page_needs_nothing_but_what_it_declares(page):
    """A caller who filters the declared tables and columns filters everything the page shows."""
    tables = fixture_tables()
    if not page.is_available(tables):  # it needs an optional report the fixture lacks (surveys)
        tables = demo_tables()
    assert page.is_available(tables)
    only = restricted(tables, page.all_reads())
    for name in page.data:
        DATASETS[name].build(restricted(tables, DATASETS[name].reads))
    if page.context:
        shard = Shard(page.scope, "Ana Ortiz" if page.scope == "owner" else "East")
        page.context(only, shard, {})
    if page.account_data:
        page.account_data(only)


def test_a_page_whose_table_is_absent_is_skipped_and_not_linked(tmp_path):
    index = fixture_site(tmp_path / "without", extras=False)
    assert not (index.parent / "efficacy.html").exists()
    assert "efficacy.html" not in index.read_text("utf-8")
    assert "Pipeline after" not in (index.parent / "xray.html").read_text("utf-8")
    index = fixture_site(tmp_path / "with")
    assert (index.parent / "efficacy.html").is_file()
    assert 'href="efficacy.html"' in index.read_text("utf-8")
    assert "Pipeline after" in (index.parent / "xray.html").read_text("utf-8")


def data_file(site: Path, rel: str) -> str:
    """The text of a data file, whose name carries its content's hash (``targets.<hash>.js``)."""
    path = Path(rel)
    (found,) = (site / path.parent).glob(f"{path.stem}.*{path.suffix}")
    return found.read_text("utf-8")


def test_one_page_per_owner_and_region_each_with_only_its_rows(tmp_path):
    site = fixture_site(tmp_path / "site").parent
    owners = {p.stem for p in (site / "owners").glob("*.html")}
    assert owners == {slug(o) for o in ("Ana Ortiz", "Ben Chen", "Carla Müller", "(unassigned)")}
    text = data_file(site, f"data/owners/{slug('Ben Chen')}/targets.js")
    ben = json.loads(text[text.index("]=") + 2 : text.rindex(";")])
    assert set(decode(ben)["owner"]) == {"Ben Chen"}
    assert decode(ben)["amount"].tolist() == sorted(decode(ben)["amount"], reverse=True)


def test_a_site_for_one_region_is_built_from_filtered_tables(tmp_path):
    """What publishing does for access control: filter the tables, then render_site."""
    tables = fixture_tables()
    east = tables["accounts"].loc[tables["accounts"]["region"] == "East", "account_key"]
    frames = {}
    for name, df in tables.frames.items():
        if "account_key" in df.columns:
            df = df[df["account_key"].isin(east)]
        elif name == "efficacy":
            df = df[(df["level"] == "owner") & df["name"].isin(["Ana Ortiz"])]
        frames[name] = df
    site = render.render_site(Tables(frames, tables.meta), tmp_path / "east", SiteSettings()).parent
    assert {p.stem for p in (site / "regions").glob("*.html")} == {slug("East")}
    world = data_file(site, "data/targets.js")
    assert "Cedar Labs" not in world and "Acme Org" in world


def test_a_failed_build_keeps_the_last_good_site(tmp_path):
    out = tmp_path / "site"
    fixture_site(out)
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    tables = fixture_tables()
    del tables.frames["occasions"]
    with pytest.raises(RenderError, match="home page"):
        render.render_site(tables, out, SiteSettings())
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site")]


def test_available_checks_tables_and_columns():
    tables = fixture_tables(extras=False)
    assert available(tables, {"accounts": ("owner",)})
    assert not available(tables, {"accounts": ("tier",)})
    assert not available(tables, {"efficacy": ("level",)})


# -- the command ----------------------------------------------------------------------------------


def test_hcportal_build_reads_the_typed_tables_and_refuses_another_version_s(tmp_path):
    transform.write(fixture_tables(), tmp_path / "data")
    args = ["build", "--data", str(tmp_path / "data"), "--out", str(tmp_path / "site")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("index.html")
    assert (tmp_path / "site" / "efficacy.html").is_file()
    before = (tmp_path / "site" / "index.html").read_bytes()
    # A table without a column this version declares: written by another version.
    path = tmp_path / "data" / "efficacy.parquet"
    pd.read_parquet(path).drop(columns="on_time_rate").to_parquet(path)
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    assert (
        "efficacy.parquet does not match" in result.output
        and "lacks column(s) on_time_rate" in (result.output)
    )
    assert "run transform again" in result.output and "Traceback" not in result.output
    assert (tmp_path / "site" / "index.html").read_bytes() == before


def test_hcportal_build_of_a_folder_without_tables_is_one_clear_line(tmp_path):
    (tmp_path / "empty").mkdir()
    result = CliRunner().invoke(
        main, ["build", "--data", str(tmp_path / "empty"), "--out", str(tmp_path / "site")]
    )
    assert result.exit_code == 1
    assert "run transform first" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "site").exists()


def test_the_docs_list_what_every_page_reads():
    from pathlib import Path

    from hcportal.render.pages import reads_table

    docs = (Path(__file__).parent.parent / "docs" / "site.md").read_text("utf-8")
    assert reads_table() in docs, "docs/site.md: paste render.pages.reads_table()'s output"


def test_a_name_without_a_page_is_shown_but_not_linked(tmp_path):
    tables = fixture_tables()
    gone = tables["efficacy"].iloc[:1].assign(name="Gone Seller")
    tables.frames["efficacy"] = pd.concat([tables["efficacy"], gone], ignore_index=True)
    site = render.render_site(tables, tmp_path / "site", SiteSettings()).parent
    text = data_file(site, "data/efficacy.js")
    name = json.loads(text[text.index("]=") + 2 : text.rindex(";")])["columns"]["name"]
    pages = dict(zip(name["dict"], name["slugs"], strict=True))
    assert pages["Gone Seller"] == ""
    assert pages["Ben Chen"] == slug("Ben Chen") and pages["East"] == slug("East")


def test_a_harvest_without_row_counts_still_shows_its_freshness(tmp_path):
    """A site cut for one region (render/split.py) keeps the harvest times, not the rows."""
    tables = fixture_tables()
    for report in tables.meta["raw"]["reports"]:
        del report["rows"]
    index = render.render_site(tables, tmp_path / "site", SiteSettings())
    assert "2026-11-23 05:01 UTC" in index.read_text("utf-8")


def test_a_site_from_memory_equals_the_site_from_the_written_data(tmp_path: Path) -> None:
    """`hcportal run` builds from the data folder, the tests from the transform's in-memory tables
    (categoricals): both must give the same site, byte for byte."""
    tables = fixture_tables()
    render.render_site(tables, tmp_path / "memory", SiteSettings())
    transform.write(tables, tmp_path / "data")
    render.build(tmp_path / "data", tmp_path / "disk", SiteSettings())

    def files(root: Path) -> dict[str, bytes]:
        return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}

    memory, disk = files(tmp_path / "memory"), files(tmp_path / "disk")
    assert sorted(memory) == sorted(disk)
    assert [name for name in memory if memory[name] != disk[name]] == []
