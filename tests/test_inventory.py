"""The systems inventory (issue 14, item 4): scores worked out by hand, bad values, the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from hcportal.cli import main
from hcportal.transform.inventory import COLUMNS, InventoryError, read_inventory, score
from hcportal.transform.inventory_settings import InventorySettings

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "docs" / "inventory-example.csv"
HEADER = ",".join(f'"{c}"' for c in COLUMNS)


def write(tmp_path: Path, *rows: str, header: str = HEADER) -> Path:
    path = tmp_path / "inventory.csv"
    path.write_text("\n".join([header, *rows]) + "\n", "utf-8")
    return path


def test_scores_worked_out_by_hand(tmp_path):
    # A: Critical (1 on its 1-3 scale), All (1), 5,000 customers (reaches 100 and 1,000 of the
    #    4 bands: 0.5). Impact = 100 * (0.5*1 + 0.3*1 + 0.2*0.5) = 90.
    #    Licensed Service (0), Partially (0.5), Loosely (0.5): 100 * (0.3*0 + 0.4*.5 + 0.3*.5) = 35.
    # B: Supportive (.5), Some (1/3), 12k (3 bands: .75): 100*(.25 + .1 + .15) = 50.
    #    Custom (1), Inaccessible (1), Tightly (1): 100.
    # C: Redundant (0), Few (0), 50 (0): 0; Licensed System (.5), Fully (0), Uncoupled (0): 15.
    path = write(
        tmp_path,
        'A,Ann,Tom,Sales,Critical,All Customers,"5,000",Licensed Service,Partially-Accessible,'
        "Loosely-Coupled",
        "B,Bo,Tim,Care,supportive,some customers,12k,Custom System,inaccessible,tightly coupled",
        "C,Cy,Tia,Old,Redundant,Few,50,Licensed System,Fully,Uncoupled",
    )
    out = score(read_inventory(path), InventorySettings()).set_index("System/Service Name")
    assert out.loc["A", ["Impact Score", "Complexity Score"]].tolist() == [90.0, 35.0]
    assert out.loc["B", ["Impact Score", "Complexity Score"]].tolist() == [50.0, 100.0]
    assert out.loc["C", ["Impact Score", "Complexity Score"]].tolist() == [0.0, 15.0]
    assert out["Disposition"].tolist() == ["quick win", "major project", "retire"]
    assert out["Integration Order"].tolist()[:2] == [1, 2]
    assert out["Integration Order"].isna().tolist() == [False, False, True]


def test_strategy_and_weights_are_settings(tmp_path):
    path = write(
        tmp_path,
        "Easy,a,b,c,Critical,All,100000,Licensed Service,Fully,Uncoupled",
        "Hard,a,b,c,Supportive,Few,10,Custom System,Inaccessible,Tightly",
        "Mid,a,b,c,Critical,Most,1000,Licensed System,Partially,Loosely",
    )
    inv = read_inventory(path)
    first = score(inv, InventorySettings())["System/Service Name"].tolist()
    assert first == ["Easy", "Mid", "Hard"]
    reverse = score(inv, InventorySettings(), "complexity-first")["System/Service Name"].tolist()
    assert reverse == ["Hard", "Mid", "Easy"]
    only_customers = InventorySettings(
        impact_weights={"business_impact": 0, "customer_impact": 0, "customers": 1}
    )
    scored = score(inv, only_customers).set_index("System/Service Name")
    assert scored.loc["Mid", "Impact Score"] == 50.0  # reaches 100 and 1,000: 2 of 4 bands


def test_bad_values_are_listed_by_line_and_column(tmp_path):
    path = write(
        tmp_path,
        "Good,a,b,c,Critical,All,10,Licensed Service,Fully,Uncoupled",
        "Bad,a,b,c,Critcal,All,lots,Licensed,Fully,Uncoupled",
        ",a,b,c,Critical,All,10,Licensed Service,Fully,Uncoupled",
    )
    with pytest.raises(InventoryError) as e:
        score(read_inventory(path), InventorySettings())
    lines = str(e.value).splitlines()
    assert "4 value(s)" in lines[0]
    assert lines[1].strip() == (
        "line 3, column 'Business Impact': 'Critcal' is not one of Critical, Supportive, Redundant"
    )
    assert "line 3, column 'Approx. Number of Customers Impacted Annually': 'lots'" in lines[2]
    assert "'Licensed' is not one of Licensed Service, Licensed System, Custom System" in lines[3]
    assert "line 4, column 'System/Service Name': blank" in lines[4]


def test_missing_columns_are_named(tmp_path):
    path = write(tmp_path, "x,y", header="System/Service Name,Business Leader")
    with pytest.raises(InventoryError, match=r"lacks the column.*'Technical Leader'"):
        read_inventory(path)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-be", "cp1252"])
def test_the_inventory_is_read_in_the_encodings_a_spreadsheet_saves(tmp_path, encoding):
    """Excel saves "Unicode" text as UTF-16 with its byte-order mark: it was read as Windows-1252,
    every value a row of NULs, and 47 values 'not allowed'. As the reports (transform.csvfile)."""
    text = EXAMPLE.read_text("utf-8").replace("CRM (accounts report)", "CRM (comptes été)")
    path = tmp_path / "inventory.csv"
    path.write_bytes((b"\xfe\xff" if encoding == "utf-16-be" else b"") + text.encode(encoding))
    inv = read_inventory(path)
    assert inv["System/Service Name"].iloc[0] == "CRM (comptes été)"
    assert inv.drop(columns="System/Service Name").equals(
        read_inventory(EXAMPLE).drop(columns="System/Service Name")
    )


def test_cli_writes_csv_and_page_and_reports_bad_values(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["inventory", "score", str(EXAMPLE), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "8 systems scored (1 to retire)" in result.output
    scored = (out / "inventory.csv").read_text("utf-8").splitlines()
    assert scored[0].endswith("Impact Score,Complexity Score,Disposition,Integration Order")
    assert "Health-check spreadsheet" in scored[-1] and scored[-1].endswith(",retire,")
    page = (out / "inventory.html").read_text("utf-8")
    assert "echarts.min.js" in page and 'data-dataset="inventory"' in page
    bad = write(tmp_path, "X,a,b,c,Critcal,All,1,Licensed Service,Fully,Uncoupled")
    result = CliRunner().invoke(main, ["inventory", "score", str(bad), "--out", str(out)])
    assert result.exit_code == 1
    assert "line 2, column 'Business Impact': 'Critcal'" in result.output
    assert "Traceback" not in result.output
    assert "8 systems" not in result.output and "Billing" in (out / "inventory.csv").read_text()


def test_hostile_names_are_neutralised_in_the_csv(tmp_path):
    path = write(tmp_path, '"=HYPERLINK(""x"")",a,b,c,Critical,All,1,Licensed Service,Fully,'
                 "Uncoupled")  # fmt: skip
    out = tmp_path / "out"
    assert (
        CliRunner().invoke(main, ["inventory", "score", str(path), "--out", str(out)]).exit_code
        == 0
    )
    assert "'=HYPERLINK" in (out / "inventory.csv").read_text("utf-8")
