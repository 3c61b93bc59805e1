"""Parsers for the values real CRM exports hold: money, dates, yes/no flags and account names.

Each parser is vectorised (a pandas Series in, a Series out) and returns, beside the values, a mask of
the entries it could not read, so the caller can list them in the data-quality report instead of
dropping them silently. Blank is not an error here; whether a blank is acceptable is the caller's call.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# -- money ----------------------------------------------------------------------------------------

_CURRENCY = r"(?i)^(?:USD|EUR|GBP|JPY|CAD|AUD|CHF|INR|US\$|\$|€|£|¥)\s*|\s*(?:USD|EUR|GBP|€|\$)$"
_SCALE = {"K": 1e3, "M": 1e6, "MM": 1e6, "B": 1e9, "BN": 1e9}


def parse_money(s: pd.Series, decimal_comma: bool = False) -> tuple[pd.Series, pd.Series]:
    """``$1,234.56``, ``1.2M``, ``$15K``, ``(1,200)``, ``USD 1200``, ``€1.234,56`` -> float."""
    text = s.fillna("").astype(str).str.strip()
    blank = text == ""
    negative = text.str.match(r"^\(.*\)$") | text.str.startswith("-")
    t = text.str.replace(r"^[(-]|\)$", "", regex=True).str.strip()
    t = t.str.replace(_CURRENCY, "", regex=True).str.strip()
    scale_word = t.str.extract(r"(?i)\s*(MM|BN|K|M|B)$", expand=False).str.upper()
    t = t.str.replace(r"(?i)\s*(MM|BN|K|M|B)$", "", regex=True)
    if decimal_comma:
        t = t.str.replace(r"[.\s']", "", regex=True).str.replace(",", ".", regex=False)
    else:
        t = t.str.replace(r"[,\s']", "", regex=True)
    value = pd.to_numeric(t, errors="coerce") * scale_word.map(_SCALE).fillna(1.0).astype(float)
    value = value.where(~negative, -value)
    bad = value.isna() & ~blank
    return value.astype(float), bad


# -- dates ----------------------------------------------------------------------------------------

_ISO_FORMATS = (
    "%Y-%m-%d",
    "%Y-%m-%d-%H:%M",  # the seed document's own timestamp form
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
)
_SLASH_TIMES = ("", " %I:%M %p", " %H:%M", " %I:%M:%S %p", " %H:%M:%S")


def date_formats(date_order: str = "MDY") -> tuple[str, ...]:
    first, second = ("%m", "%d") if date_order == "MDY" else ("%d", "%m")
    slash = tuple(f"{first}/{second}/%Y{t}" for t in _SLASH_TIMES)
    short = tuple(f"{first}/{second}/%y{t}" for t in _SLASH_TIMES[:2])
    dotted = ("%d.%m.%Y", "%d.%m.%Y %H:%M") if date_order == "DMY" else ()
    return _ISO_FORMATS + slash + short + dotted


def parse_dates(s: pd.Series, date_order: str = "MDY") -> tuple[pd.Series, pd.Series]:
    """Timestamps in any of the forms of GUIDE section 3 -> datetime64 (NaT where blank or bad).

    Each format is tried only on what earlier formats left unread, so a file in one dominant form
    costs one vectorised pass. Time-zone suffixes (Z, +02:00) are dropped: the policy counts days.
    """
    text = s.fillna("").astype(str).str.strip()
    text = text.str.replace(
        r"(?<=\d{2}:\d{2})(:\d{2})?(\.\d+)?(Z|[+-]\d{2}:?\d{2})$", r"\1", regex=True
    )
    blank = text == ""
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[s]")
    todo = ~blank
    for fmt in date_formats(date_order):
        if not todo.any():
            break
        parsed = pd.to_datetime(text[todo], format=fmt, errors="coerce")
        ok = parsed.notna()
        out.loc[ok[ok].index] = parsed[ok].astype("datetime64[s]")
        todo.loc[ok[ok].index] = False
    return out, todo


# -- flags ----------------------------------------------------------------------------------------

_TRUE = {"Y", "YES", "TRUE", "T", "1"}
_FALSE = {"N", "NO", "FALSE", "F", "0", ""}


def parse_flag(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """``Y/Yes/TRUE/1/T`` or a positive count -> True; ``N/No/FALSE/0``/blank -> False."""
    text = s.fillna("").astype(str).str.strip().str.upper()
    count = pd.to_numeric(text, errors="coerce")
    true = text.isin(_TRUE) | (count > 0)
    known = true | text.isin(_FALSE) | (count == 0)
    return true.astype(bool), ~known


# -- account names --------------------------------------------------------------------------------

LEGAL_SUFFIXES = (
    "inc incorporated llc ltd limited corp corporation co company gmbh ag sa plc bv nv pty srl "
    "spa oy ab as kk llp lp sarl sas nl se"
).split()
_SUFFIX_RE = r"(?:\s+(?:" + "|".join(LEGAL_SUFFIXES) + r"))+$"


def account_key(s: pd.Series) -> pd.Series:
    """A matching key for an account name: ``ACME ORG``, ``Acme Org.`` and `` acme org inc `` agree.

    Case-folds, strips accents and punctuation, collapses spaces and drops trailing legal suffixes
    (Inc, LLC, Ltd, Corp, GmbH, ...). Computed once per distinct name: exports repeat names a lot.
    """
    codes, uniques = pd.factorize(s.fillna("").astype(str))
    u = pd.Series(uniques, dtype=object)
    k = u.str.normalize("NFKD").str.encode("ascii", "ignore").str.decode("ascii").str.casefold()
    k = k.str.replace("&", " and ", regex=False).str.replace(".", "", regex=False)
    k = (
        k.str.replace(r"[^\w\s]|_", " ", regex=True)
        .str.replace(r"\s+", " ", regex=True)
        .str.strip()
    )
    k = k.str.replace(_SUFFIX_RE, "", regex=True)
    keys = k.to_numpy(dtype=object)
    out = keys[codes] if len(keys) else np.array([], dtype=object)
    return pd.Series(out, index=s.index, dtype="str")
