"""Spreadsheet formulas neutralised in every CSV meant for a person (OWASP's CSV injection advice).

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula
(``=HYPERLINK(...)`` exfiltrates, ``@SUM(...)`` computes), and one that starts with a tab or a
carriage return may become one once the spreadsheet trims it. Such a text cell is written with a
leading apostrophe, which makes it plain text: ``'=1+2``. The check is made after trimming, so
``" =1+2"`` and ``"\\t=1+2"`` are caught too. The site's own CSV and Excel exports follow the same
rule (``site_templates/static/js/grid.js``).

The apostrophe is reversible: :func:`restore` gives the exact text back to a program reading the
file (the site, the history), and a text that itself starts with apostrophes before a formula
character gets one more, so that nothing is ever taken away that was written.
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# Whitespace a spreadsheet may trim: ASCII, vertical tab, the information separators, NEL, and
# every Unicode space separator (no-break space included).
_SPACE = r"[\s\x{0b}\x{1c}-\x{1f}\x{85}\p{Z}]"
# A text a spreadsheet could run, after any apostrophes we (or its author) put in front.
RISKY = rf"^'*(?:[\t\r]|{_SPACE}*[=+\-@])"
_RESTORE = rf"^'+(?:[\t\r]|{_SPACE}*[=+\-@])"
PREFIX = "'"


def neutralise_array(a: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """Text cells that a spreadsheet would run, prefixed with an apostrophe."""
    risky = pc.match_substring_regex(a, RISKY)
    if not pc.any(risky).as_py():
        return a
    return pc.if_else(risky, pc.binary_join_element_wise(PREFIX, a, ""), a)


def restore_array(a: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """The text as it was before :func:`neutralise_array`."""
    added = pc.match_substring_regex(a, _RESTORE)
    if not pc.any(added).as_py():
        return a
    return pc.if_else(added, pc.utf8_slice_codeunits(a, 1), a)


def neutralise(text: str) -> str:
    return neutralise_array(pa.array([text], pa.string()))[0].as_py()


def restore(text: str) -> str:
    return restore_array(pa.array([text], pa.string()))[0].as_py()


def neutralise_table(table: pa.Table) -> pa.Table:
    """Every text column of ``table`` neutralised (numbers, dates and booleans are not text)."""
    for i, f in enumerate(table.schema):
        if pa.types.is_string(f.type) or pa.types.is_large_string(f.type):
            table = table.set_column(i, f, neutralise_array(table.column(i)))
    return table


def restore_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A frame read from a neutralised CSV (text columns as ``str``), with its exact text back."""
    for col in df.columns:
        values = df[col]
        if pd.api.types.is_string_dtype(values.dtype):
            text = pa.array(values.fillna("").astype(str).to_numpy(dtype=object), pa.string())
            restored = restore_array(text)
            if restored is not text:
                df[col] = pd.Series(restored.to_pylist(), index=df.index, dtype=values.dtype)
    return df
