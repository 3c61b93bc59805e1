"""The transform's output folder: CSV for the published contract, typed Parquet for the site.

:func:`write` puts every table in a folder in one atomic move; :func:`read` gives them back. Both
sides are Arrow's writers and readers: at worldwide scale (5,000,000 activities, a million
occasions) pandas' own CSV writer alone would take longer than the whole policy.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

from hcportal.core import safecsv
from hcportal.core.errors import TransformError
from hcportal.core.files import staged_dir

# Published as CSV: the contract other tools read (GUIDE section 4). The rest is typed Parquet.
CSV_TABLES = ("targets", "candidates", "data_quality", "efficacy", "influenced_pipeline")
PARQUET_TABLES = ("accounts", "contracts", "activities", "occasions")
# Tables written only when present (a hand-built Tables, e.g. in a test, may lack them).
OPTIONAL_TABLES = ("efficacy", "influenced_pipeline")
META = "meta.json"


@dataclass
class Tables:
    frames: dict[str, pd.DataFrame]
    meta: dict

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.frames[name]


def csv_table(df: pd.DataFrame) -> pa.Table:
    """A frame in the published CSV conventions, typed so Arrow writes them.

    Dates as ISO ``YYYY-MM-DD``; ``true``/``false``; numbers as short as they round-trip
    (``125000`` and ``1234.5``, not ``125000.0``), amounts to the cent and rates (``*_rate``) to
    four places; blank where missing. Text is quoted, numbers, dates and booleans are not.
    """
    columns = {}
    for col in df.columns:
        s = df[col]
        if pd.api.types.is_datetime64_any_dtype(s):
            days = s.to_numpy().astype("datetime64[D]")
            columns[col] = pa.array(days, pa.date32(), mask=np.isnat(days))
        elif pd.api.types.is_bool_dtype(s):
            columns[col] = pa.array(s.to_numpy(dtype=bool))
        elif pd.api.types.is_float_dtype(s):
            rounded = s.round(4 if str(col).endswith("_rate") else 2).to_numpy()
            columns[col] = pa.array(rounded, pa.float64(), mask=np.isnan(rounded))
        elif pd.api.types.is_integer_dtype(s):
            columns[col] = pa.array(s.to_numpy())
        else:
            text = s.astype("str") if isinstance(s.dtype, pd.CategoricalDtype) else s
            columns[col] = pa.array(text.fillna(""), pa.string(), from_pandas=True)
    return pa.table(columns)


def write_csv(df: pd.DataFrame, path: Path) -> None:
    # People open these in a spreadsheet: a text that would run as a formula is neutralised.
    table = safecsv.neutralise_table(csv_table(df))
    pcsv.write_csv(table, path, pcsv.WriteOptions(quoting_style="needed"))


def write_parquet(df: pd.DataFrame, path: Path) -> None:
    table = pa.Table.from_pandas(df, preserve_index=False)
    # Statistics (min/max per page) only where a reader can use them: computing them over
    # millions of names and subjects costs more than writing the column.
    stats = [f.name for f in table.schema if not pa.types.is_dictionary(f.type)
             and not pa.types.is_string(f.type) and not pa.types.is_large_string(f.type)]  # fmt: skip
    pq.write_table(table, path, write_statistics=stats)


def is_data_dir(folder: Path) -> bool:
    """A folder :func:`write` wrote (so it may be replaced)."""
    return (folder / META).is_file()


def write(tables: Tables, out_dir: Path) -> Path:
    """Write every table into ``out_dir``, replacing its previous content only on success.

    The Parquet files are written in a second thread while the CSV files are written here:
    Arrow's writers release the GIL.
    """
    missing = [n for n in (*CSV_TABLES, *PARQUET_TABLES) if n not in tables.frames]
    missing = [n for n in missing if n not in OPTIONAL_TABLES]
    if missing:
        raise KeyError(f"tables missing from the transform output: {', '.join(missing)}")
    with staged_dir(out_dir, is_data_dir, "data") as tmp, ThreadPoolExecutor(1) as pool:
        jobs = [
            pool.submit(write_parquet, tables.frames[name], tmp / f"{name}.parquet")
            for name in PARQUET_TABLES
        ]
        for name in CSV_TABLES:
            if name in tables.frames:
                write_csv(tables.frames[name], tmp / f"{name}.csv")
        for job in jobs:
            job.result()
        (tmp / META).write_text(json.dumps(tables.meta, indent=2) + "\n", "utf-8")
    return out_dir


def read(data_dir: Path) -> Tables:
    """Read a folder written by :func:`write`.

    CSV tables come back as strings, as published. Parquet tables come back typed; their
    repeating text columns are stored dictionary-encoded and returned as plain ``str`` columns.
    A table the folder lacks (written by an older version) is simply absent.
    """
    if not (data_dir / META).is_file():
        raise TransformError(
            f"{data_dir} holds no transform output (no {META}); run transform first"
        )
    frames: dict[str, pd.DataFrame] = {}
    path = data_dir / META
    try:
        for name in CSV_TABLES:
            path = data_dir / f"{name}.csv"
            if path.is_file():
                frames[name] = safecsv.restore_frame(
                    pd.read_csv(path, dtype=str, keep_default_na=False)
                )
        for name in PARQUET_TABLES:
            path = data_dir / f"{name}.parquet"
            if path.is_file():
                df = pd.read_parquet(path)
                for col in df.columns:
                    if isinstance(df[col].dtype, pd.CategoricalDtype):
                        df[col] = df[col].astype("str")
                frames[name] = df
        path = data_dir / META
        meta = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError, pa.ArrowException, pd.errors.ParserError) as e:
        # ValueError covers bad JSON, undecodable text and empty CSV files.
        raise TransformError(
            f"{path} is damaged ({type(e).__name__}: {e}); run transform again"
        ) from None
    return Tables(frames=frames, meta=meta)
