"""The input reports are a registry: the config's mapping sections, a drop folder's expectations and
the load steps all come from its entries, and a new report is one entry plus its cleaning."""

from __future__ import annotations

import pandas as pd
from pydantic import Field, create_model

from hcportal.config import from_mapping
from hcportal.core.tables import FLOAT, INT, TEXT, Column, Table, catalogue
from hcportal.pipeline import _expected_reports
from hcportal.transform.catalogue import STEPS, TABLES
from hcportal.transform.load import Quality, Report
from hcportal.transform.reports import REPORTS, ColumnMapping, InputReport
from hcportal.transform.settings import TransformSettings
from hcportal.transform.steps import Context, plan
from tests.conftest import TODAY
from tests.sitedata import FIXTURE


def test_the_config_has_one_mapping_section_per_report():
    columns = type(TransformSettings().columns).model_fields
    assert list(columns) == list(REPORTS)
    for name, field in columns.items():
        assert field.annotation is REPORTS[name].columns
    mapped = from_mapping({"transform": {"columns": {"contracts": {"amount": ""}}}})
    assert mapped.transform.columns.contracts.amount == ""


def test_a_drop_folder_expects_what_the_registry_and_the_mapping_say():
    config = from_mapping({"transform": {"columns": {"activities": {"owner": "Assigned To"}}}})
    expected = _expected_reports(config)
    assert list(expected) == list(REPORTS)
    activities = expected["activities"]
    assert activities.required
    assert activities.required_columns == ["Account", "Subject", "Timestamp", "Attachment"]
    config = from_mapping({"transform": {"columns": {"activities": {"owner": ""}}}})
    assert "Name" not in _expected_reports(config)["activities"].required_columns


# -- one more report, as a later issue may add one ---------------------------------------------


class NpsColumns(ColumnMapping):
    """Headers of an NPS tool's export."""

    OPTIONAL = frozenset({"rating"})
    account: str = Field("Account", description="The surveyed account.")
    rating: str = Field("Rating", description="The answer; blank when invited, not answered.")


def clean_nps(report: Report, dq: Quality, settings: TransformSettings) -> pd.DataFrame:
    account = report.coded("account")
    rating = pd.to_numeric(report.coded("rating").series(), errors="coerce")
    bad = rating.isna().to_numpy() & (report.coded("rating").series() != "").to_numpy()
    dq.add(report.file, report.lines[bad], "rating", report.coded("rating").at(bad), "no rating")
    return pd.DataFrame(
        {
            "account": account.series(),
            "rating": rating.astype("float64"),
            "account_key": account.keyed(settings.parsing.legal_suffixes).series(),
            "_line": report.lines,
        }
    )


NPS = InputReport("nps", NpsColumns, clean_nps, required=False)
NPS_TABLE = Table(
    "nps", "survey answer", "load nps",
    (
        Column("account", TEXT, "The account."),
        Column("rating", FLOAT, "The answer."),
        Column("account_key", TEXT, "Its key."),
        Column("_line", INT, "Its line."),
    ),
    key=("_line",), optional=True, account="account_key",
)  # fmt: skip


def run_with_nps(raw) -> tuple[dict, Context]:
    runner = plan(
        [*STEPS, NPS.step],
        catalogue([*TABLES.values(), NPS_TABLE]),
        optional_reports={r.name for r in REPORTS.values() if not r.required} | {"nps"},
        made_elsewhere=("data_quality",),
    )
    sections = create_model(
        "Columns",
        __base__=type(TransformSettings().columns),
        nps=(NpsColumns, Field(default_factory=NpsColumns)),
    )
    settings = TransformSettings().model_copy(update={"columns": sections()})
    ctx = Context(raw_dir=raw, settings=settings, as_of=TODAY)
    return runner.run(ctx), ctx


def test_a_new_optional_report_is_one_entry_and_its_absence_is_no_error(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in ("accounts", "contracts", "activities"):
        (raw / f"{name}.csv").write_bytes((FIXTURE / "raw" / f"{name}.csv").read_bytes())
    frames, ctx = run_with_nps(raw)
    assert "nps" not in frames and "occasions" in frames
    absent = {r.name for r in REPORTS.values() if not r.required} | {"nps"}
    assert ctx.skipped == {
        f"load {n}": f"the optional report {n}.csv is not in the raw folder" for n in absent
    }
    (raw / "nps.csv").write_text(
        "Account,Rating,Contact\nACME ORG.,9,x\nNobody Ltd,5,y\nDelta Foods,,z\nCedar Labs,n/a,w\n"
    )
    frames, ctx = run_with_nps(raw)
    assert "load nps" not in ctx.skipped
    surveys = frames["nps"]
    assert surveys["account_key"].tolist() == ["acme org", "nobody", "delta foods", "cedar labs"]
    assert surveys["rating"].tolist()[:2] == [9.0, 5.0]
    dq = ctx.quality.table()
    assert dq[dq["file"] == "nps.csv"][["line", "reason"]].values.tolist() == [
        [3, "account not in the accounts report"],
        [5, "no rating"],
    ]
