"""Read raw report exports into tidy, typed tables, and record every row that cannot be used.

Reading tolerates what real exports carry: a UTF-8 BOM or Windows-1252 bytes, a report footer after
a blank line (Salesforce adds one), quoted multi-line fields, headers with stray spaces. Columns are
looked up through the configured mapping, so a user's own export headers work.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from pydantic import BaseModel

from hcportal.errors import TransformError
from transform import clean
from transform.settings import ParseSettings

DQ_COLUMNS = ["file", "line", "column", "value", "reason"]


@dataclass
class Quality:
    """Collects the rows the transform could not use, with file, line and reason."""

    frames: list[pd.DataFrame] = field(default_factory=list)

    def add(
        self, file: str, rows: pd.DataFrame, column: str, values: pd.Series, reason: str
    ) -> None:
        if len(rows) == 0:
            return
        self.frames.append(
            pd.DataFrame(
                {
                    "file": file,
                    "line": rows["_line"].to_numpy(),
                    "column": column,
                    "value": values.loc[rows.index].fillna("").astype(str).to_numpy(),
                    "reason": reason,
                }
            )
        )

    def table(self) -> pd.DataFrame:
        if not self.frames:
            return pd.DataFrame(columns=DQ_COLUMNS)
        return pd.concat(self.frames, ignore_index=True).sort_values(
            ["file", "line"], kind="stable"
        )


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


_BLANK_LINE = re.compile(r"\r?\n[ \t]*\r?\n")


def split_footer(text: str) -> tuple[str, list[str]]:
    """Cut a report footer (lines after the last blank line, none with a field separator)."""
    matches = list(_BLANK_LINE.finditer(text))
    if not matches:
        return text, []
    last = matches[-1]
    tail = [ln for ln in text[last.end() :].splitlines() if ln.strip()]
    # A footer line is one quoted or bare value; a data row has separators outside quotes.
    if tail and all("," not in re.sub(r'"[^"]*"', "", ln) for ln in tail):
        return text[: last.start()] + "\n", tail
    return text, []


def read_report(path: Path, columns: BaseModel, required: bool = True) -> pd.DataFrame | None:
    """Read one export as strings, renamed to the mapping's field names, with a ``_line`` column.

    ``_line`` is the row's line in the file (header = line 1), for the data-quality report.
    """
    if not path.is_file():
        if required:
            raise TransformError(f"{path.name} is missing from {path.parent}")
        return None
    text, _footer = split_footer(decode(path.read_bytes()))
    try:
        df = pd.read_csv(
            io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=False
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as e:
        raise TransformError(f"{path.name}: not a readable CSV file ({_short(e)})") from None
    df.columns = [str(c).strip() for c in df.columns]
    mapping = columns.model_dump()
    missing = {f: h for f, h in mapping.items() if h not in df.columns}
    if missing:
        wanted = ", ".join(f"{h!r} (field {f})" for f, h in missing.items())
        raise TransformError(
            f"{path.name} lacks column(s) {wanted}; it has {', '.join(map(repr, df.columns))}. "
            "Map your headers in the config's transform.columns section."
        )
    out = df[list(mapping.values())].copy()
    out.columns = list(mapping.keys())
    out["_line"] = _line_numbers(text, len(out))
    return out


def _line_numbers(text: str, n: int) -> pd.Series:
    """Line of each record (header = 1), counted through quoted fields that span lines."""
    if text.rstrip("\r\n").count("\n") == n:  # one line per record: the common case, no scan
        return pd.Series(range(2, n + 2))
    lines, line, quoted = [], 1, False
    for i, ch in enumerate(text):
        if ch == '"':
            quoted = not quoted
        elif ch == "\n":
            line += 1
            if not quoted and len(lines) < n and i + 1 < len(text):
                lines.append(line)
    lines += list(range(line + 1, line + 1 + n - len(lines)))
    return pd.Series(lines[:n])


def _short(e: Exception) -> str:
    return str(e).strip().splitlines()[0]


# -- per-report cleaning --------------------------------------------------------------------------


def clean_accounts(df: pd.DataFrame, dq: Quality, file: str = "accounts.csv") -> pd.DataFrame:
    df = df.copy()
    for col in ("owner", "account", "geo", "region"):
        df[col] = df[col].str.strip()
    df["account_key"] = clean.account_key(df["account"])
    no_name = df["account_key"] == ""
    dq.add(file, df[no_name], "account", df["account"], "blank account name")
    df = df[~no_name]
    dup = df.duplicated("account_key", keep="first")
    dq.add(file, df[dup], "account", df["account"], "duplicate account (first row kept)")
    df = df[~dup]
    no_owner = df["owner"] == ""
    dq.add(file, df[no_owner], "owner", df["owner"], "missing owner (account kept, unassigned)")
    return df.reset_index(drop=True)


def clean_contracts(
    df: pd.DataFrame, dq: Quality, parsing: ParseSettings, file: str = "contracts.csv"
) -> pd.DataFrame:
    df = df.copy()
    df["account"] = df["account"].str.strip()
    df["product"] = df["product"].str.strip()
    df["account_key"] = clean.account_key(df["account"])
    raw_start = df["start"]
    df["start"], bad_start = clean.parse_dates(df["start"], parsing.date_order)
    raw_end = df["end"]
    df["end"], bad_end = clean.parse_dates(df["end"], parsing.date_order)
    raw_amount = df["amount"]
    df["amount"], bad_amount = clean.parse_money(df["amount"], parsing.decimal_comma)
    df["start"], df["end"] = df["start"].dt.floor("D"), df["end"].dt.floor("D")

    dq.add(file, df[bad_amount], "amount", raw_amount, "unreadable amount (counted as 0)")
    df["amount"] = df["amount"].fillna(0.0)
    drop = pd.Series(False, index=df.index)
    for mask, column, values, reason in (
        (df["account_key"] == "", "account", df["account"], "blank account name"),
        (bad_start | df["start"].isna(), "start", raw_start, "missing or unreadable start date"),
        (bad_end, "end", raw_end, "unreadable end date"),
        (df["end"] < df["start"], "end", raw_end, "end date before start date"),
    ):
        mask = mask & ~drop
        dq.add(file, df[mask], column, values, reason)
        drop |= mask
    df = df[~drop]
    fields = ["account_key", "product", "start", "end", "amount"]
    dup = df.duplicated(fields, keep="first")
    dq.add(file, df[dup], "account", df["account"], "duplicate contract row (counted once)")
    df = df[~dup].reset_index(drop=True)
    df["contract_id"] = df["_line"].astype("int64")
    return df


def clean_activities(
    df: pd.DataFrame,
    dq: Quality,
    parsing: ParseSettings,
    subject_pattern: str,
    file: str = "activities.csv",
) -> pd.DataFrame:
    df = df.copy()
    df["account_key"] = clean.account_key(df["account"])
    raw_ts = df["timestamp"]
    df["timestamp"], bad_ts = clean.parse_dates(df["timestamp"], parsing.date_order)
    bad_ts |= df["timestamp"].isna()
    raw_flag = df["attachment"]
    df["attachment"], bad_flag = clean.parse_flag(df["attachment"])
    raw_rev = df["revenue"]
    df["revenue"], bad_rev = clean.parse_money(df["revenue"], parsing.decimal_comma)
    dq.add(file, df[bad_flag], "attachment", raw_flag, "unreadable attachment flag (read as no)")
    dq.add(file, df[bad_rev], "revenue", raw_rev, "unreadable revenue")
    dq.add(file, df[bad_ts], "timestamp", raw_ts, "missing or unreadable timestamp")
    df = df[~bad_ts].reset_index(drop=True)
    df["date"] = df["timestamp"].dt.floor("D")
    df["is_hc"] = df["subject"].str.contains(subject_pattern, case=False, regex=True, na=False)
    return df
