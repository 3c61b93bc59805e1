"""The table catalogue and the steps: declarations checked, steps ordered from them, typed folders."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from hcportal import data_docs, transform
from hcportal.core.errors import TableError
from hcportal.core.tables import DATE, INT, TEXT, Column, Table, catalogue, check
from hcportal.transform import efficacy, outputs
from hcportal.transform.catalogue import PLAN, STEPS, TABLES
from hcportal.transform.reports import LOAD_STEPS
from hcportal.transform.settings import TransformSettings
from hcportal.transform.steps import Context, PlanError, Step, plan
from tests.conftest import CLOCK, NOW, TODAY
from tests.sitedata import FIXTURE

ROOT = Path(__file__).parent.parent

# -- a small catalogue of our own -------------------------------------------------------------

SMALL = catalogue(
    [
        Table(
            "people", "person", "load", (Column("id", INT, "Id."), Column("name", TEXT, "Name."))
        ),
        Table("visits", "visit", "visit", (Column("id", INT, "Id."), Column("day", DATE, "Day."))),
    ]
)


def people(_: dict, __: Context) -> dict:
    return {"people": pd.DataFrame({"id": [1, 2], "name": ["Ann", "Bo"]})}


def visits_returning(frame: pd.DataFrame):
    return lambda t, ctx: {"visits": frame}


def run_small(visits: pd.DataFrame, tmp_path: Path) -> dict:
    steps = [
        Step("visit", visits_returning(visits), makes=("visits",), needs=("people",)),
        Step("load", people, makes=("people",)),
    ]
    ctx = Context(raw_dir=tmp_path, settings=TransformSettings(), as_of=TODAY)
    return plan(steps, SMALL).run(ctx)


def test_steps_run_in_the_order_their_needs_give_not_the_order_given(tmp_path):
    frames = run_small(pd.DataFrame({"id": [1], "day": pd.to_datetime(["2026-01-02"])}), tmp_path)
    assert set(frames) == {"people", "visits"}


@pytest.mark.parametrize(
    ("visits", "message"),
    [
        (pd.DataFrame({"id": [1], "day": [3.5]}), "column day is float64, declared date"),
        (pd.DataFrame({"id": [1]}), "lacks column(s) day"),
        (pd.DataFrame({"id": ["1"], "day": pd.to_datetime(["2026-01-02"])}), "column id is str"),
        (
            pd.DataFrame({"id": [1], "day": pd.to_datetime(["2026-01-02"]), "x": [1]}),
            "has undeclared column(s) x",
        ),
        (
            pd.DataFrame({"day": pd.to_datetime(["2026-01-02"]), "id": [1]}),
            "columns in the order day, id, not as declared",
        ),
    ],
)
def test_a_step_s_output_that_differs_from_its_declaration_is_an_error_naming_both(
    tmp_path, visits, message
):
    with pytest.raises(TableError, match=r"^step visit: table visits ") as e:
        run_small(visits, tmp_path)
    assert message in str(e.value)


def test_a_step_returning_other_tables_than_it_declares_is_an_error(tmp_path):
    steps = [Step("load", lambda t, c: {"persons": pd.DataFrame()}, makes=("people",))]
    ctx = Context(raw_dir=tmp_path, settings=TransformSettings(), as_of=TODAY)
    with pytest.raises(
        TableError, match=r"step load returned table\(s\) persons; it declares people"
    ):
        plan(steps, SMALL, made_elsewhere=("visits",)).run(ctx)


def test_the_transform_s_own_steps_are_checked_against_the_catalogue(tmp_path):
    """A real step changed to return a date as text: the transform stops and names it."""

    def credit_with_text_dates(t: dict, ctx: Context) -> dict:
        made = efficacy.credit_step(t, ctx)
        made["influenced_pipeline"] = made["influenced_pipeline"].astype({"check_date": "str"})
        return made

    broken = Step("credit", credit_with_text_dates, efficacy.STEP.makes, efficacy.STEP.needs)
    steps = [s if s.name != "credit" else broken for s in STEPS]
    ctx = Context(raw_dir=FIXTURE / "raw", settings=TransformSettings(), as_of=TODAY)
    with pytest.raises(TableError) as e:
        plan(steps, TABLES, made_elsewhere=("data_quality",)).run(ctx)
    assert str(e.value) == (
        "step credit: table influenced_pipeline column check_date is str, declared date"
    )


# -- the plan ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        (
            [Step("load", people, ("people",)), Step("visit", people, ("visits",), ("places",))],
            "step visit needs table places, which no step makes",
        ),
        ([Step("load", people, ("people",))], "table visits is declared as made by visit, but no"),
        (
            [Step("load", people, ("people",)), Step("visit", people, ("visits", "places"))],
            "step visit makes table places, which the catalogue does not declare",
        ),
        (
            [Step("load", people, ("people",)), Step("other", people, ("visits",))],
            "step other makes table visits, which the catalogue says visit makes",
        ),
        (
            [Step("load", people, ("people",), ("visits",)), Step("visit", people, ("visits",), ("people",))],
            "steps load, visit need each other's tables",
        ),
        (
            [Step("load", people, ("people",), ("people",)), Step("visit", people, ("visits",))],
            "step load needs a table it makes itself",
        ),
    ],
)  # fmt: skip
def test_declarations_that_do_not_fit_are_one_clear_error(steps, message):
    with pytest.raises(PlanError, match=message):
        plan(steps, SMALL)


def test_the_transform_s_order_comes_from_the_declarations():
    for given in (STEPS, tuple(reversed(STEPS))):
        order = [s.name for s in plan(given, TABLES, made_elsewhere=("data_quality",)).steps]
        made_before: set[str] = set()
        for name in order:
            step = next(s for s in STEPS if s.name == name)
            assert set(step.needs) <= made_before, f"{name} runs before what it needs"
            made_before |= set(step.makes)
    assert PLAN.steps[0].name == "load accounts"  # every other report is matched to it


def test_a_step_that_may_be_skipped_makes_only_optional_tables():
    cat = catalogue([*SMALL.values()])
    steps = [
        Step("load", people, ("people",), reports=("surveys",)),
        Step("visit", people, ("visits",), ("people",)),
    ]
    with pytest.raises(PlanError, match=r"step load may be skipped .* people must be declared opt"):
        plan(steps, cat, optional_reports={"surveys"})


def test_an_optional_report_absent_skips_its_steps_and_says_why(tmp_path):
    """The runner's side of an optional input report (the registry's side: test_reports.py)."""
    cat = catalogue(
        [
            Table("people", "p", "load", (Column("id", INT, "Id."),), optional=True),
            Table("visits", "v", "visit", (Column("id", INT, "Id."),), optional=True),
            Table("days", "d", "days", (Column("id", INT, "Id."),)),
        ]
    )

    def read(name: str):
        return lambda t, ctx: {name: pd.read_csv(ctx.raw_dir / "surveys.csv")}

    steps = [
        Step("visit", read("visits"), ("visits",), needs=("people",)),
        Step("load", read("people"), ("people",), reports=("surveys",)),
        Step("days", lambda t, c: {"days": t.get("visits", pd.DataFrame({"id": [0]}))},
             ("days",), uses=("visits",)),
    ]  # fmt: skip
    runner = plan(steps, cat, optional_reports={"surveys"})
    ctx = Context(raw_dir=tmp_path, settings=TransformSettings(), as_of=TODAY)
    frames = runner.run(ctx)
    assert sorted(frames) == ["days"] and frames["days"]["id"].tolist() == [0]
    assert ctx.skipped == {
        "load": "the optional report surveys.csv is not in the raw folder",
        "visit": "it needs people, which a skipped step makes",
    }
    (tmp_path / "surveys.csv").write_text("id\n7\n")
    ctx = Context(raw_dir=tmp_path, settings=TransformSettings(), as_of=TODAY)
    frames = runner.run(ctx)
    assert frames["days"]["id"].tolist() == [7] and ctx.skipped == {}


# -- the transform's tables -------------------------------------------------------------------


@pytest.fixture(scope="module")
def fixture_run() -> transform.Tables:
    return transform.run(FIXTURE / "raw", TransformSettings(), TODAY, clock=CLOCK)


# The site fixture holds the three required reports only: the tables of the optional ones are
# absent (tests/test_customer_reports.py runs every table on the demo CRM's seven reports).
OPTIONAL = [name for name, t in TABLES.items() if t.optional]


def test_every_declared_table_is_made_and_matches_its_declaration(fixture_run):
    assert sorted(fixture_run.frames) == sorted(set(TABLES) - set(OPTIONAL))
    for name, table in TABLES.items():
        if name in fixture_run.frames:
            check(table, fixture_run[name], "test")
    assert fixture_run.meta["skipped"] == {
        f"load {n}": f"the optional report {n}.csv is not in the raw folder" for n in OPTIONAL
    }


def test_meta_counts_every_table_from_the_catalogue(fixture_run):
    counts = fixture_run.meta["counts"]
    assert list(counts) == [n for n in TABLES if n not in OPTIONAL]
    for name, table in TABLES.items():
        if name in OPTIONAL:
            continue
        df = fixture_run[name]
        if table.count_by:
            assert sum(counts[name].values()) == len(df)
            assert counts[name] == df[table.count_by].astype(str).value_counts().to_dict()
        else:
            assert counts[name] == len(df)
    assert counts["occasions"]["missed"] == 5  # tests/fixtures/site, counted by hand


def test_the_folder_is_typed_parquet_for_every_table_and_csv_exports_for_people(
    fixture_run, tmp_path
):
    out = transform.write(fixture_run, tmp_path / "data")
    back = transform.read(out)
    assert set(back.frames) == set(fixture_run.frames)
    for name, table in TABLES.items():
        if name not in fixture_run.frames:
            continue
        pd.testing.assert_frame_equal(back[name], fixture_run[name].reset_index(drop=True))
        csv = out / f"{name}.csv"
        assert csv.is_file() == bool(table.csv)
        if table.csv:
            assert csv.read_text("utf-8").splitlines()[0].replace('"', "").split(",") == list(
                table.csv
            )
    assert "account_key" not in pd.read_csv(out / "candidates.csv").columns  # the contract
    # The key travels with the table: the accounts report's key of each candidate account.
    keys = back["accounts"].set_index("account")["account_key"]
    cand = back["candidates"]
    assert len(cand) == 6 and cand["account_key"].tolist() == keys[cand["account"]].tolist()


def test_measured_durations_live_beside_meta_json_not_in_it(fixture_run, tmp_path):
    out = transform.write(fixture_run, tmp_path / "data")
    meta = json.loads((out / transform.META).read_text())
    assert "seconds" not in meta and "cpu_seconds" not in meta
    timings = json.loads((out / transform.TIMINGS).read_text())
    assert set(timings["seconds"]) >= {s.name for s in PLAN.steps} - set(
        fixture_run.meta["skipped"]
    )


def test_two_runs_at_one_instant_write_the_same_bytes_but_their_timings(tmp_path):
    def files(folder: Path) -> dict[str, bytes]:
        return {p.name: p.read_bytes() for p in folder.iterdir() if p.name != transform.TIMINGS}

    for run in ("a", "b"):
        tables = transform.run(FIXTURE / "raw", TransformSettings(), TODAY, clock=CLOCK)
        transform.write(tables, tmp_path / run)
    assert files(tmp_path / "a") == files(tmp_path / "b")
    assert json.loads((tmp_path / "a" / "meta.json").read_text())["generated"] == NOW.isoformat()


def test_writing_an_undeclared_or_mistyped_table_is_refused(fixture_run, tmp_path):
    extra = transform.Tables({**fixture_run.frames, "journeys": pd.DataFrame()}, fixture_run.meta)
    with pytest.raises(TableError, match="journeys are not declared in the catalogue"):
        transform.write(extra, tmp_path / "data")
    bad = fixture_run.frames["candidates"].assign(amount=lambda d: d["amount"].astype(str))
    with pytest.raises(TableError, match="table candidates column amount is str, declared float"):
        transform.write(transform.Tables({**fixture_run.frames, "candidates": bad}, {}), tmp_path)
    assert not (tmp_path / "data").exists()


def test_the_declarations_name_real_columns_and_steps():
    steps = {s.name for s in STEPS} | {"every step"}
    for t in TABLES.values():
        assert t.made_by in steps
        assert all(c.doc.strip() for c in t.columns), f"{t.name}: every column has its meaning"
    assert outputs.STEP in STEPS and len(LOAD_STEPS) == 7
    with pytest.raises(ValueError, match="nope is not a declared column"):
        Table("t", "row", "step", (Column("a", INT, "A."),), key=("nope",))


def test_docs_data_md_is_generated_from_the_catalogue_and_the_registry():
    committed = (ROOT / "docs" / "data.md").read_text("utf-8")
    assert data_docs.render(committed) == committed, "docs/data.md is stale: run `make docs`"
    for name in TABLES:
        assert f"#### `{name}`" in committed


def test_a_table_longer_than_a_row_group_is_written_a_group_at_a_time_as_one_write_would(
    tmp_path, monkeypatch
):
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    from hcportal.core import tables as formats

    n = 10
    df = pd.DataFrame(
        {
            "key": pd.Categorical(["b", "a", None, "c", "a"] * 2),
            "at": pd.date_range("2026-01-01", periods=n, freq="37h").astype("datetime64[s]"),
            "amount": [1.5, np.nan, 3.0, -0.0, 1e16, np.nan, 2.25, 7.0, np.nan, 0.1],
            "note": pd.array(["x", None, "z", "", "ü", None, "q", "r", "s", "t"], dtype="str"),
        }
    )
    monkeypatch.setattr(formats, "ROW_GROUP", 3)
    formats.write_parquet(df, tmp_path / "groups.parquet")
    assert pq.ParquetFile(tmp_path / "groups.parquet").num_row_groups == 4
    whole = pa.Table.from_pandas(df, preserve_index=False)
    pq.write_table(
        whole, tmp_path / "one.parquet", row_group_size=3, write_statistics=["at", "amount"]
    )
    assert (tmp_path / "groups.parquet").read_bytes() == (tmp_path / "one.parquet").read_bytes()
    back = pd.read_parquet(tmp_path / "groups.parquet")
    back["at"] = back["at"].astype("datetime64[s]")  # Parquet keeps milliseconds
    pd.testing.assert_frame_equal(back, df)
