"""Table formats: how a table is declared, checked against its declaration, and kept on disk.

A :class:`Table` declares one table once: its columns and their kinds, its key, the column naming
the account each row belongs to, whether it is exported as CSV for people, whether it may be
absent, and the step that makes it. From a catalogue of such declarations come the check of every
step's output (:func:`check`), the data folder (:func:`write_folder` and :func:`read_folder`:
typed Parquet for every table, the CSV exports beside them), ``meta.json``'s counts
(:func:`counts`) and the table reference of ``docs/data.md`` (:func:`reference`).

The declarations belong to the stage that makes the tables (the transform's catalogue); this module
knows no table by name, so the render and publish stages use it without the transform's internals.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

from hcportal.core import safecsv
from hcportal.core.errors import TableError
from hcportal.core.files import staged_dir

META = "meta.json"
# Measured step durations: they differ from run to run, so they live apart from meta.json (which
# two runs at the same instant must write byte for byte alike).
TIMINGS = "timings.json"

# The kinds a column can be: what a reader may rely on. Text may be stored dictionary-encoded
# (a pandas categorical) or plain; both are text.
TEXT, INT, FLOAT, BOOL, DATE, TIMESTAMP = "text", "int", "float", "bool", "date", "timestamp"
KINDS = {
    TEXT: "text (plain or dictionary-encoded)",
    INT: "integer",
    FLOAT: "number",
    BOOL: "true/false",
    DATE: "date (a timestamp at midnight)",
    TIMESTAMP: "timestamp (to the second)",
}


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    doc: str
    decimals: int = 2  # a number's places in the CSV export (amounts to the cent)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(
                f"column {self.name}: unknown kind {self.kind!r} (one of {list(KINDS)})"
            )


@dataclass(frozen=True)
class Table:
    """One table, declared once."""

    name: str
    rows: str  # what one row is: "account of the accounts report"
    made_by: str  # the step that makes it
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()  # the columns that tell rows apart (empty: a plain list)
    csv: tuple[str, ...] = ()  # columns exported as <name>.csv for people, in order; (): none
    optional: bool = False  # may be absent (its step needs an optional input report)
    account: str | None = None  # the column with the account key of each row's account
    count_by: str | None = None  # meta.json counts this table's rows per value of this column
    extra: str = ""  # what undeclared (text) columns may be, if any: "" allows none

    def __post_init__(self) -> None:
        names = [c.name for c in self.columns]
        if len(set(names)) != len(names):
            raise ValueError(f"table {self.name}: a column is declared twice")
        refs = [*self.key, *self.csv, self.account, self.count_by]
        unknown = [c for c in refs if c is not None and c not in names]
        if unknown:
            raise ValueError(f"table {self.name}: {', '.join(unknown)} is not a declared column")

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    def empty(self) -> pd.DataFrame:
        """A frame with no rows and every declared column, typed."""
        return pd.DataFrame({c.name: pd.Series(dtype=_EMPTY[c.kind]) for c in self.columns})


_EMPTY = {
    TEXT: "str",
    INT: "int64",
    FLOAT: "float64",
    BOOL: "bool",
    DATE: "datetime64[s]",
    TIMESTAMP: "datetime64[s]",
}


@dataclass
class Tables:
    """Named tables and the facts about them (``meta.json``); ``timings``: where the time went."""

    frames: dict[str, pd.DataFrame]
    meta: dict
    timings: dict = field(default_factory=dict)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.frames[name]


Catalogue = Mapping[str, Table]


def catalogue(tables: Iterable[Table]) -> dict[str, Table]:
    """Declarations by name; a name declared twice is an error."""
    out: dict[str, Table] = {}
    for t in tables:
        if t.name in out:
            raise ValueError(f"table {t.name} is declared twice")
        out[t.name] = t
    return out


# -- checking a frame against its declaration ---------------------------------------------------


def kind_of(s: pd.Series) -> str | None:
    """The declared kind a column's values are, or None (object columns of mixed values, ...).

    Looks at the dtype only, except for object columns (rare: the transform makes ``str`` and
    categorical columns), whose values are inspected.
    """
    dtype = s.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        cats = dtype.categories
        return TEXT if len(cats) == 0 or _is_text_dtype(cats) else None
    if _is_text_dtype(s):
        return TEXT
    if pd.api.types.is_bool_dtype(dtype):
        return BOOL
    if pd.api.types.is_integer_dtype(dtype):
        return INT
    if pd.api.types.is_float_dtype(dtype):
        return FLOAT
    if pd.api.types.is_datetime64_dtype(dtype):  # naive timestamps only
        return TIMESTAMP
    return None


def _is_text_dtype(values: pd.Series | pd.Index) -> bool:
    if isinstance(values.dtype, pd.StringDtype):
        return True
    if values.dtype == object:
        return pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty")
    return False


def _fits(kind: str, declared: str) -> bool:
    # A date is stored as a timestamp at midnight: the dtype cannot tell the two apart.
    return kind == declared or (kind == TIMESTAMP and declared == DATE)


def problems(table: Table, df: pd.DataFrame) -> list[str]:
    """What in ``df`` differs from ``table``'s declaration (empty: nothing)."""
    out = []
    cols = [str(c) for c in df.columns]
    missing = [c for c in table.names if c not in cols]
    if missing:
        out.append(f"lacks column(s) {', '.join(missing)}")
    extra = [c for c in cols if c not in table.names]
    if extra and not table.extra:
        out.append(f"has undeclared column(s) {', '.join(extra)}")
    present = [c for c in cols if c in table.names]
    if not missing and present != list(table.names):
        out.append(f"has its columns in the order {', '.join(present)}, not as declared")
    for col in table.columns:
        if col.name in cols:
            kind = kind_of(df[col.name])
            if kind is None or not _fits(kind, col.kind):
                out.append(f"column {col.name} is {df[col.name].dtype}, declared {col.kind}")
    for name in extra if table.extra else ():
        if kind_of(df[name]) != TEXT:
            out.append(f"extra column {name} is {df[name].dtype}, not text")
    return out


def check(table: Table, df: pd.DataFrame, step: str) -> None:
    """Raise :class:`TableError` naming ``step`` when ``df`` is not what ``table`` declares."""
    found = problems(table, df)
    if found:
        raise TableError(f"step {step}: table {table.name} {'; '.join(found)}")


# -- the data folder ----------------------------------------------------------------------------


def is_data_dir(folder: Path) -> bool:
    """A folder :func:`write_folder` wrote (so it may be replaced)."""
    return (folder / META).is_file()


def write_folder(
    cat: Catalogue, tables: Tables, out_dir: Path, extra: Callable[[Path], None] | None = None
) -> Path:
    """Write every table as typed Parquet, the CSV exports and ``meta.json`` into ``out_dir``,
    replacing its previous content only on success (``timings.json`` too, when there are timings).
    ``extra(folder)`` writes files of other shapes (``customers.jsonl``) into the same staging
    folder, so that they are replaced with the tables or not at all.

    Each table is checked against its declaration first: a folder on disk always matches the
    catalogue, so its readers need not guess. The Parquet files are written in a second thread
    while the CSV files are written here: Arrow's writers release the GIL.
    """
    undeclared = [n for n in tables.frames if n not in cat]
    if undeclared:
        raise TableError(f"table(s) {', '.join(undeclared)} are not declared in the catalogue")
    missing = [t.name for t in cat.values() if not t.optional and t.name not in tables.frames]
    if missing:
        raise TableError(f"tables missing from the output: {', '.join(missing)}")
    present = [t for t in cat.values() if t.name in tables.frames]
    for t in present:
        found = problems(t, tables.frames[t.name])
        if found:
            raise TableError(f"table {t.name} {'; '.join(found)}: nothing was written")
    with staged_dir(out_dir, is_data_dir, "data") as tmp, ThreadPoolExecutor(1) as pool:
        jobs = [
            pool.submit(write_parquet, tables.frames[t.name], tmp / f"{t.name}.parquet")
            for t in present
        ]
        for t in present:
            if t.csv:
                write_csv(t, tables.frames[t.name], tmp / f"{t.name}.csv")
        for job in jobs:
            job.result()
        if extra is not None:
            extra(tmp)
        (tmp / META).write_text(json.dumps(tables.meta, indent=2) + "\n", "utf-8")
        if tables.timings:
            (tmp / TIMINGS).write_text(json.dumps(tables.timings, indent=2) + "\n", "utf-8")
    return out_dir


def read_folder(cat: Catalogue, data_dir: Path) -> Tables:
    """The tables of a folder :func:`write_folder` wrote, typed as declared.

    An optional table the folder lacks is absent; a required one missing, or a table that does not
    match its declaration (a folder written by another version), is one clear error.
    """
    if not (data_dir / META).is_file():
        raise TableError(f"{data_dir} holds no transform output (no {META}); run transform first")
    frames: dict[str, pd.DataFrame] = {}
    path = data_dir / META
    try:
        meta = json.loads(path.read_text("utf-8"))
        for t in cat.values():
            path = data_dir / f"{t.name}.parquet"
            if not path.is_file():
                if t.optional:
                    continue
                raise TableError(f"{path} is missing; run transform again")
            frames[t.name] = df = _as_written(t, pd.read_parquet(path))
            found = problems(t, df)
            if found:
                raise TableError(
                    f"{path} does not match this version's {t.name} table ({'; '.join(found)}); "
                    "run transform again"
                )
    except (OSError, ValueError, pa.ArrowException) as e:
        # ValueError covers bad JSON and undecodable text.
        raise TableError(
            f"{path} is damaged ({type(e).__name__}: {e}); run transform again"
        ) from None
    return Tables(frames=frames, meta=meta)


def _as_written(table: Table, df: pd.DataFrame) -> pd.DataFrame:
    """Timestamps back in the seconds they were written in (Parquet keeps milliseconds)."""
    for c in table.columns:
        dtype = df[c.name].dtype if c.name in df else None
        stamps = c.kind in (DATE, TIMESTAMP) and pd.api.types.is_datetime64_dtype(dtype)
        if stamps and dtype != "datetime64[s]":
            df[c.name] = df[c.name].astype("datetime64[s]")
    return df


def read_meta(data_dir: Path) -> dict:
    """A data folder's ``meta.json``: the facts about its tables (counts, data quality, ...)."""
    path = data_dir / META
    try:
        meta = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as e:
        raise TableError(f"{path} cannot be read ({type(e).__name__}: {e})") from None
    if not isinstance(meta, dict):
        raise TableError(f"{path} is not a JSON object")
    return meta


def counts(cat: Catalogue, frames: Mapping[str, pd.DataFrame]) -> dict:
    """``meta.json``'s counts: rows per table, or per value of the table's ``count_by`` column."""
    out: dict = {}
    for t in cat.values():
        if t.name not in frames:
            continue
        df = frames[t.name]
        if t.count_by is None:
            out[t.name] = len(df)
        else:
            per = df[t.count_by].value_counts()
            out[t.name] = {str(k): int(v) for k, v in per[per > 0].items()}
    return out


# -- file formats -------------------------------------------------------------------------------


# Rows per Parquet row group (pyarrow's default): a table is converted to Arrow and written one
# row group at a time, so a 15-million-row table (the events) never has a whole Arrow copy
# (~2 GB at 100,000 accounts) beside its frame; the file is the one a single write makes.
ROW_GROUP = 1 << 20


def write_parquet(df: pd.DataFrame, path: Path) -> None:
    schema = _schema(df)
    # Statistics (min/max per page) only where a reader can use them: computing them over
    # millions of names and subjects costs more than writing the column.
    stats = [f.name for f in schema if not pa.types.is_dictionary(f.type)
             and not pa.types.is_string(f.type) and not pa.types.is_large_string(f.type)]  # fmt: skip
    with pq.ParquetWriter(path, schema, write_statistics=stats) as writer:
        for lo in range(0, max(len(df), 1), ROW_GROUP):
            part = df.iloc[lo : lo + ROW_GROUP]
            writer.write_table(pa.Table.from_pandas(part, schema=schema, preserve_index=False))


def _schema(df: pd.DataFrame) -> pa.Schema:
    """The Arrow schema of ``df``. A categorical column of no categories whose Arrow-backed text
    holds no chunks (what a header-only report gives) is typed as a dictionary of *null*, and the
    conversion then refuses its own strings; it is typed a dictionary of text instead, as a column
    with rows is."""
    schema = pa.Schema.from_pandas(df, preserve_index=False)
    for i, f in enumerate(schema):
        if not (pa.types.is_dictionary(f.type) and pa.types.is_null(f.type.value_type)):
            continue
        if isinstance(df[f.name].cat.categories.dtype, pd.StringDtype):
            text = pa.dictionary(f.type.index_type, pa.large_string())
            schema = schema.set(i, f.with_type(text))
    return schema


def csv_table(table: Table, df: pd.DataFrame) -> pa.Table:
    """The CSV export's columns in the published conventions, typed so Arrow writes them.

    Dates as ISO ``YYYY-MM-DD``, timestamps as ``YYYY-MM-DDTHH:MM:SS``; ``true``/``false``;
    numbers as short as they round-trip (``125000`` and ``1234.5``, not ``125000.0``) to their
    column's places; blank where missing. Text is quoted, numbers, dates and booleans are not.
    """
    columns = {}
    for name in table.csv:
        col, s = table.column(name), df[name]
        if col.kind == DATE:
            days = s.to_numpy(dtype="datetime64[s]").astype("datetime64[D]")
            columns[name] = pa.array(days, pa.date32(), mask=np.isnat(days))
        elif col.kind == TIMESTAMP:
            stamps = s.to_numpy(dtype="datetime64[s]")
            text = np.datetime_as_string(stamps, unit="s").astype(object)
            columns[name] = pa.array(text, pa.string(), mask=np.isnat(stamps))
        elif col.kind == BOOL:
            columns[name] = pa.array(s.to_numpy(dtype=bool))
        elif col.kind == FLOAT:
            rounded = s.to_numpy(dtype="float64").round(col.decimals)
            columns[name] = pa.array(rounded, pa.float64(), mask=np.isnan(rounded))
        elif col.kind == INT:
            columns[name] = pa.array(s, pa.int64(), from_pandas=True)
        else:
            text = s.astype("str") if isinstance(s.dtype, pd.CategoricalDtype) else s
            columns[name] = pa.array(text.fillna(""), pa.string(), from_pandas=True)
    return pa.table(columns)


def write_csv(table: Table, df: pd.DataFrame, path: Path) -> None:
    # People open these in a spreadsheet: a text that would run as a formula is neutralised
    # (the tables between stages travel as Parquet, untouched).
    safe = safecsv.neutralise_table(csv_table(table, df))
    pcsv.write_csv(safe, path, pcsv.WriteOptions(quoting_style="needed"))


def read_csv(table: Table, path: Path) -> pd.DataFrame:
    """A CSV export read back typed as declared (a file of people's, or a test's fixture)."""
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, ValueError, pd.errors.ParserError) as e:
        raise TableError(f"{path} is not a readable CSV file ({e})") from None
    missing = [c for c in table.csv if c not in raw.columns]
    if missing:
        raise TableError(f"{path} lacks column(s) {', '.join(missing)}")
    out = {}
    for name in table.csv:
        kind, s = table.column(name).kind, raw[name]
        blank = s.str.strip() == ""
        try:
            if kind in (DATE, TIMESTAMP):
                out[name] = pd.to_datetime(s.mask(blank), format="ISO8601").astype("datetime64[s]")
            elif kind == FLOAT:
                out[name] = pd.to_numeric(s.mask(blank), errors="raise").astype("float64")
            elif kind == INT:
                out[name] = pd.to_numeric(s, errors="raise").astype("int64")
            elif kind == BOOL:
                word = s.str.strip().str.lower()
                if not word.isin(("true", "false")).all():
                    raise ValueError("booleans are true or false")
                out[name] = (word == "true").astype(bool)
            else:
                out[name] = s
        except (ValueError, TypeError) as e:
            raise TableError(f"{path}: column {name} is not {KINDS[kind]} ({e})") from None
    return pd.DataFrame(out)


# -- the reference ------------------------------------------------------------------------------


def reference(cat: Catalogue, steps: Collection[str] = ()) -> str:
    """The Markdown reference of every table in ``cat``: what a row is, who makes it, its key,
    its CSV export, and each column with its kind and meaning. ``steps``: the names of the steps
    (a table's maker that is not one, "every step", is written as it is)."""
    out = [
        "| table | one row per | made by | key | CSV export |",
        "|---|---|---|---|---|",
    ]
    for t in cat.values():
        csv = f"`{t.name}.csv`" if t.csv else "no"
        optional = " (optional)" if t.optional else ""
        key = ", ".join(t.key) or "none"
        out.append(f"| `{t.name}`{optional} | {t.rows} | {t.made_by} | {key} | {csv} |")
    for t in cat.values():
        out += ["", f"#### `{t.name}`", ""]
        maker = f"step `{t.made_by}`" if t.made_by in steps else t.made_by
        notes = [f"One row per {t.rows}; made by {maker}."]
        if t.csv:
            dropped = [c for c in t.names if c not in t.csv]
            but = f" (all but {', '.join(dropped)})" if dropped else ""
            notes.append(f"Exported as `{t.name}.csv`{but}.")
        if t.account:
            notes.append(f"Each row's account: `{t.account}`.")
        if t.count_by:
            notes.append(f"`meta.json` counts its rows per `{t.count_by}`.")
        if t.optional:
            notes.append("Optional: absent when its step did not run (see `skipped` in meta.json).")
        out += [" ".join(notes), "", "| column | kind | meaning |", "|---|---|---|"]
        for c in t.columns:
            meaning = c.doc.replace("|", "\\|")
            out.append(f"| `{c.name}` | {c.kind} | {meaning} |")
        if t.extra:
            out.append(f"| (others) | text | {t.extra} |")
    return "\n".join(out)
