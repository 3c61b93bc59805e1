"""Read the exports into tidy, typed tables, and record every row that cannot be used.

Columns are looked up through the configured mapping (exactly, else ignoring case), so a user's own
export headers work; a missing column is one clear error naming what the file does have. Values are
cleaned per *distinct* value wherever a column repeats (account names, subjects, flags, amounts,
contract dates), which is what keeps 5,000,000 activities fast. Every row that is dropped, or kept
with a caveat, is listed in the :class:`Quality` report with its file, line and reason.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import BaseModel

from hcportal.core.errors import TransformError
from hcportal.core.text import NAMES, shown
from hcportal.transform import clean
from hcportal.transform.csvfile import Export, dictionary_encoded, read_export
from hcportal.transform.frames import day_of

if TYPE_CHECKING:
    from hcportal.transform.settings import ParseSettings, TransformSettings

DQ_COLUMNS = ["file", "line", "column", "value", "reason"]
# Who an activity was with, which way it went, how, and its notes: read when the export has them.
ACTIVITY_EXTRAS = ("contact", "direction", "type", "description")


@dataclass
class Quality:
    """Collects the rows the transform could not use (or used with a caveat), with line and reason."""

    frames: list[pd.DataFrame] = field(default_factory=list)
    rows_read: dict[str, int] = field(default_factory=dict)
    money: dict = field(default_factory=dict)  # the book's currency and what was converted

    def add(self, file: str, lines: np.ndarray, column: str, values: object, reason: str) -> None:
        lines = np.asarray(lines)
        if len(lines) == 0:
            return
        self.frames.append(
            pd.DataFrame(
                {
                    "file": file,
                    "line": lines.astype("int64"),
                    "column": column,
                    "value": _as_text(values, len(lines)),
                    "reason": reason,
                }
            )
        )

    def table(self) -> pd.DataFrame:
        if not self.frames:
            return pd.DataFrame(
                {c: pd.Series(dtype="int64" if c == "line" else "str") for c in DQ_COLUMNS}
            )
        return pd.concat(self.frames, ignore_index=True).sort_values(
            ["file", "line"], kind="stable", ignore_index=True
        )

    def summary(self) -> dict:
        """Rows read per file, how many input lines each file has in the report (what the gate
        compares with the rows read), and how many data-quality rows per file and reason."""
        t = self.table()
        by = t.groupby(["file", "column", "reason"], sort=True).size()
        lines = t[["file", "line"]].drop_duplicates()
        per_file = lines.groupby("file", sort=True).size()
        return {
            "rows_read": dict(self.rows_read),
            **({"money": self.money} if self.money else {}),
            "rows": len(t),
            "input_lines": len(lines),
            "input_lines_by_file": {str(f): int(n) for f, n in per_file.items()},
            "by_reason": [
                {"file": f, "column": c, "reason": r, "rows": int(n)} for (f, c, r), n in by.items()
            ],
        }


def _as_text(values: object, n: int) -> np.ndarray:
    if isinstance(values, pa.ChunkedArray | pa.Array):
        values = values.to_pylist()
    out = pd.Series(np.asarray(values, dtype=object)).fillna("").astype(str).to_numpy(dtype=object)
    if len(out) != n:
        raise ValueError(f"{len(out)} values for {n} lines")
    return out


# -- reading through the mapping ------------------------------------------------------------------


@dataclass
class Report:
    """One export read through its mapping: field name -> column (None: not in this export)."""

    file: str
    export: Export
    fields: dict[str, str]  # field -> header ("" when the export has no such column)
    extra: list[str]

    @property
    def lines(self) -> np.ndarray:
        return self.export.lines

    def has(self, name: str) -> bool:
        return bool(self.fields[name])

    def column(self, name: str) -> pa.ChunkedArray:
        header = self.fields[name]
        if not header:
            return pa.chunked_array([pa.array([""] * self.export.rows, pa.string())])
        return self.export.columns[header]

    def coded(self, name: str = "", header: str = "") -> Coded:
        """A column as codes + distinct values; ``header`` reads an unmapped (extra) column."""
        return Coded(*factorize(self.export.columns[header] if header else self.column(name)))


@dataclass
class Coded:
    """A column as ``codes`` into its distinct values ``uniques``: what every cleaner works on."""

    codes: np.ndarray
    uniques: pa.Array

    def map(self, uniques: pa.Array) -> Coded:
        """The same rows over transformed distinct values (one answer per distinct value)."""
        return Coded(self.codes, uniques)

    def keyed(self, suffixes: list[str]) -> Coded:
        """The rows' account keys (computed per distinct name; several names share a key)."""
        key_codes, keys = factorize(pa.chunked_array([clean.key_values(self.uniques, suffixes)]))
        return Coded(key_codes[self.codes], keys)

    def code_of(self, value: str) -> int:
        """The code of ``value``, or -2 (matches no row: not even null's -1)."""
        found = pc.index(self.uniques, value).as_py()
        return -2 if found is None or found < 0 else found

    def at(self, rows: np.ndarray) -> list[str]:
        """The values of the rows ``rows`` (positions or a mask), for a data-quality listing."""
        return self.uniques.take(pa.array(self.codes[rows])).to_pylist()

    def series(self, rows: np.ndarray | None = None) -> pd.Series:
        """The values as a pandas ``str`` Series, built by Arrow (10x faster than from objects)."""
        codes = self.codes if rows is None else self.codes[rows]
        return pa.chunked_array([self.uniques.take(pa.array(codes))], pa.string()).to_pandas()

    def category(self, rows: np.ndarray | None = None) -> pd.Categorical:
        codes = self.codes if rows is None else self.codes[rows]
        categories = pd.Index(pa.chunked_array([self.uniques], pa.string()).to_pandas())
        return pd.Categorical.from_codes(codes, categories=categories, validate=False)


def factorize(col: pa.ChunkedArray) -> tuple[np.ndarray, pa.Array]:
    """``(codes, uniques)`` of a string or dictionary column, with one dictionary for all chunks
    (uniques in order of first appearance; a null is -1)."""
    if not pa.types.is_dictionary(col.type):
        col = dictionary_encoded(col)
    col = pa.table({"c": col}).unify_dictionaries().column("c")
    if col.num_chunks == 0:
        return np.zeros(0, dtype=np.int32), pa.array([], pa.string())
    uniques = col.chunk(0).dictionary
    # a missing value (null) is -1, as pandas codes it
    codes = np.concatenate([pc.fill_null(c.indices, -1).to_numpy() for c in col.chunks])
    return codes.astype(np.int32, copy=False), uniques


def read_report(
    path: Path,
    columns: BaseModel,
    parsing: ParseSettings,
    dictionary: tuple[str, ...] = (),
    keep_extra: bool = False,
) -> Report:
    """Read one export's mapped columns (``dictionary``: fields to read dictionary-encoded)."""
    if not path.is_file():
        raise TransformError(f"{shown(path.name)} is missing from {path.parent}")
    if not path.resolve().is_relative_to(path.parent.resolve()):
        # A link out of the raw folder would read (and quote) any file on the machine.
        raise TransformError(
            f"{shown(path.name)} in {path.parent} is a symbolic link to a file outside that "
            "folder; report files must be inside the raw folder"
        )
    mapping: dict[str, str] = {k: v.strip() for k, v in columns.model_dump().items()}
    # Fields read only if the export has them (left at their default header in the config).
    if_present = columns.if_present() if hasattr(columns, "if_present") else frozenset()
    resolved: dict[str, str] = {}
    extra: list[str] = []

    def select(header: list[str]) -> dict[str, bool]:
        folded = {}
        for h in header:
            folded.setdefault(h.casefold(), h)
        missing = []
        for name, want in mapping.items():
            if not want:
                resolved[name] = ""
            elif want in header or want.casefold() in folded:
                resolved[name] = want if want in header else folded[want.casefold()]
            elif name in if_present:
                resolved[name] = ""
            else:
                missing.append(f"{want!r} (field {name})")
        if missing:
            raise TransformError(
                f"{shown(path.name)} lacks column(s) {', '.join(missing)}; it has "
                f"{shown(', '.join(map(repr, header)), 300) or 'no header'}. "
                "Map your headers in the config's transform.columns section."
            )
        chosen = {h: False for h in resolved.values() if h}
        for name in dictionary:
            if resolved[name]:
                chosen[resolved[name]] = True
        if keep_extra:
            taken = set(mapping) | {"account_key", "_line"}
            extra.extend(h for h in header if h and h not in chosen and h not in taken)
            chosen.update({h: False for h in extra})
        return chosen

    export = read_export(path, select, parsing.delimiter)
    export.notes[:0] = _harvested_notes(path)
    return Report(path.name, export, resolved, list(dict.fromkeys(extra)))


def _harvested_notes(path: Path) -> list[tuple[int, str, str, str]]:
    """Lines the harvester decoded from another encoding than the rest of the download (its
    manifest lists them; the file it stored is all UTF-8, so only the manifest can tell)."""
    try:
        manifest = json.loads((path.parent / "manifest.json").read_text("utf-8"))
        entry = next(r for r in manifest["reports"] if r.get("file") == path.name)
        wanted = {int(n) for n in entry.get("other_encoding_lines") or []}
    except (OSError, ValueError, KeyError, TypeError, StopIteration):
        return []
    if not wanted:
        return []
    usual = NAMES.get(entry.get("encoding"), str(entry.get("encoding")))
    odd = NAMES["utf-8" if usual != "UTF-8" else "cp1252"]
    text: dict[int, str] = {}
    with path.open(encoding="utf-8", errors="replace", newline="") as f:
        for n, line in enumerate(f, start=1):
            if n in wanted:
                text[n] = line
                if len(text) == len(wanted):
                    break
    reason = f"a line in {odd} in a {usual} file (read as {odd} by the harvest)"
    return [(n, "", shown(text.get(n, "").rstrip("\r\n")), reason) for n in sorted(wanted)]


def malformed(report: Report, dq: Quality) -> None:
    """Rows the CSV parser could not split into the header's columns, and what the reader had
    to do to a line or value (decode it from another encoding, remove a control character)."""
    rows = report.export.malformed
    dq.rows_read[report.file] = report.export.rows + len(rows)
    for line, text, reason in rows:
        dq.add(report.file, np.array([line]), "", [text], reason)
    by_header = {header: name for name, header in report.fields.items() if header}
    for line, column, value, reason in report.export.notes:
        dq.add(report.file, np.array([line]), by_header.get(column, column), [value], reason)


def _add_money(
    dq: Quality, report: Report, field: str, parsing: ParseSettings, reason: Callable[[str], str]
) -> np.ndarray:
    """Each row's amount of ``field`` in the book's currency (NaN where it cannot be), listing
    every amount that cannot be read exactly, or is in another currency with no rate
    (``reason`` words the problem for the data-quality report)."""
    raw = report.coded(field)
    money = clean.read_money(raw.uniques, parsing.decimal_comma)
    codes, stated = raw.codes, None
    if report.has("currency"):  # one answer per distinct (amount, currency) pair
        cur = report.coded("currency")
        a, b, codes = clean.pairs(raw.codes, cur.codes)
        money = clean.Money(money.value[a], money.currency[a], money.problem[a])
        stated = np.asarray(cur.uniques.to_pylist(), dtype=object)[b]
    value, problem, currency = clean.in_book(money, parsing.currency, parsing.rates, stated)
    bad = problem != ""
    if bad.any():
        rows = bad[codes]
        texts = np.asarray(raw.at(rows), dtype=object)
        problems = problem[codes[rows]]
        for p in sorted(set(problems.tolist())):
            this = problems == p
            dq.add(report.file, report.lines[rows][this], field, texts[this], reason(p))
    foreign = ~bad & (currency != parsing.currency)
    dq.money["currency"] = parsing.currency
    if foreign.any():
        converted = dq.money.setdefault("converted", {})
        row_currency = currency[codes[foreign[codes]]]
        for code in sorted(set(row_currency.tolist())):
            converted[code] = converted.get(code, 0) + int((row_currency == code).sum())
    return value[codes]


def _add_dates(dq: Quality, file: str, lines: np.ndarray, column: str, values: list,
               reason: str, parsing: ParseSettings) -> None:  # fmt: skip
    """Dates that cannot be used, an impossible calendar date (30 February) said as such."""
    if not len(lines):
        return
    impossible = clean.impossible_dates(pa.array(values, pa.string()), parsing.date_order)
    values = np.asarray(values, dtype=object)
    dq.add(file, lines[impossible], column, values[impossible],
           f"impossible calendar date in {column} (no such day)")  # fmt: skip
    dq.add(file, lines[~impossible], column, values[~impossible], reason)


# -- per-report cleaning (each is an input report's entry in transform/reports.py) ---------------


def clean_accounts(report: Report, dq: Quality, settings: TransformSettings) -> pd.DataFrame:
    file, lines, parsing = report.file, report.lines, settings.parsing
    malformed(report, dq)
    account = report.coded("account")
    key = account.keyed(parsing.legal_suffixes)
    df = pd.DataFrame(
        {
            name: report.coded(name)
            .map(pc.utf8_trim_whitespace(report.coded(name).uniques))
            .series()
            for name in ("owner", "account", "geo", "region")
        }
    )
    for header in report.extra:
        df[header] = report.coded(header=header).series()
    df["account_key"] = key.series()
    df["_line"] = lines
    no_name = key.codes == key.code_of("")
    dq.add(file, lines[no_name], "account", account.at(no_name), "blank account name")
    df = df[~no_name]
    dup = df.duplicated("account_key", keep="first")
    dq.add(
        file, df["_line"][dup], "account", df["account"][dup], "duplicate account (first row kept)"
    )
    df = df[~dup]
    if report.has("owner"):
        no_owner = df["owner"] == ""
        dq.add(
            file, df["_line"][no_owner], "owner", df["owner"][no_owner],
            "missing owner (account kept, unassigned)",
        )  # fmt: skip
    return df.reset_index(drop=True)


def clean_contracts(report: Report, dq: Quality, settings: TransformSettings) -> pd.DataFrame:
    file, lines, parsing = report.file, report.lines, settings.parsing
    malformed(report, dq)
    account = report.coded("account")
    key = account.keyed(parsing.legal_suffixes)
    raw = {name: report.coded(name) for name in ("start", "end")}
    day: dict[str, np.ndarray] = {}
    bad: dict[str, np.ndarray] = {}
    for name in ("start", "end"):
        parsed, unreadable = clean.date_values(raw[name].uniques, parsing.date_order)
        days = parsed.astype("datetime64[D]").astype("datetime64[s]")
        day[name], bad[name] = days[raw[name].codes], unreadable[raw[name].codes]
    amount = _add_money(dq, report, "amount", parsing, lambda p: f"{p} (counted as 0)")

    start, end = day["start"], day["end"]
    drop = np.zeros(len(lines), dtype=bool)
    for mask, column, values, reason in (
        (key.codes == key.code_of(""), "account", account, "blank account name"),
        (bad["start"] | np.isnat(start), "start", raw["start"], "missing or unreadable start date"),
        (bad["end"], "end", raw["end"], "unreadable end date"),
        (end < start, "end", raw["end"], "end date before start date"),
    ):
        mask = mask & ~drop
        if column in raw:
            _add_dates(dq, file, lines[mask], column, values.at(mask), reason, parsing)
        else:
            dq.add(file, lines[mask], column, values.at(mask), reason)
        drop |= mask
    keep = ~drop
    account = account.map(pc.utf8_trim_whitespace(account.uniques))
    product = report.coded("product")
    df = pd.DataFrame(
        {
            "account": account.series(keep),
            "product": product.map(pc.utf8_trim_whitespace(product.uniques)).series(keep),
            "start": start[keep],
            "end": end[keep],
            "amount": np.nan_to_num(amount[keep], nan=0.0),
            "account_key": key.series(keep),
            "_line": lines[keep],
        }
    )
    # A duplicate is the same account, product, term and amount: exports repeat rows when a
    # report joins a child object. Compared on the parsed values, so "$1,200" and "1200" agree.
    dup = df.duplicated(["account_key", "product", "start", "end", "amount"], keep="first")
    dq.add(file, df["_line"][dup], "account", df["account"][dup],
           "duplicate contract row (counted once)")  # fmt: skip
    df = df[~dup].reset_index(drop=True)
    df.insert(0, "contract_id", df["_line"].astype("int64"))
    return df


def clean_activities(report: Report, dq: Quality, settings: TransformSettings) -> pd.DataFrame:
    """5,000,000 rows: every column that repeats is kept as a category (codes + distinct values)."""
    file, lines, parsing = report.file, report.lines, settings.parsing
    subject_pattern = settings.policy.evidence_subject
    malformed(report, dq)
    stamp = report.column("timestamp")
    # The two big jobs, names to keys and timestamps to dates, are Arrow kernels that release the
    # GIL: they run side by side.
    with ThreadPoolExecutor(1) as pool:
        dates = pool.submit(clean.date_values, stamp, parsing.date_order)
        account = report.coded("account")
        key = account.keyed(parsing.legal_suffixes)
        timestamp, bad_ts = dates.result()
    bad_ts |= np.isnat(timestamp)
    attachment = report.coded("attachment")
    flag, bad_flag = clean.flag_values(attachment.uniques)
    revenue = _add_money(
        dq, report, "revenue", parsing,
        lambda p: "unreadable revenue" if p == clean.UNREADABLE else f"{p} (revenue not counted)",
    )  # fmt: skip
    subject = report.coded("subject")
    pattern = re.compile(subject_pattern, re.IGNORECASE)  # Python's own regex, per distinct subject
    is_hc = np.array([bool(pattern.search(s)) for s in subject.uniques.to_pylist()], dtype=bool)

    blank = key.codes == key.code_of("")
    for mask, column, values, reason in (
        (bad_flag[attachment.codes], "attachment", attachment.at,
         "unreadable attachment flag (read as no)"),
        (bad_ts, "timestamp", lambda m: stamp.filter(pa.array(m)).to_pylist(),
         "missing or unreadable timestamp"),
        (blank, "account", account.at, "blank account name"),
    ):  # fmt: skip
        if column == "timestamp" and mask.any():
            _add_dates(dq, file, lines[mask], column, values(mask), reason, parsing)
        elif mask.any():
            dq.add(file, lines[mask], column, values(mask), reason)
    keep = ~(bad_ts | blank)
    ts = timestamp[keep]
    return pd.DataFrame(
        {
            "owner": report.coded("owner").category(keep),
            "account": account.category(keep),
            "account_key": key.category(keep),
            "opportunity": report.coded("opportunity").category(keep),
            "subject": subject.category(keep),
            "revenue": revenue[keep],
            "timestamp": ts,
            "date": day_of(ts),
            "attachment": flag[attachment.codes[keep]],
            "is_hc": is_hc[subject.codes[keep]],
            # The optional extras (blank when the export has no such column).
            **{f: report.coded(f).category(keep) for f in ACTIVITY_EXTRAS},
            "_line": lines[keep],
        },
        copy=False,  # 5,000,000 rows: no consolidating copy of every column
    )
