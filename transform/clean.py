"""Parsers for the values real CRM exports hold: money, dates, yes/no flags and account names.

Each parser is vectorised and returns, beside the values, a mask of the entries it could not read,
so the caller can list them in the data-quality report instead of dropping them silently. Blank is
not an error here; whether a blank is acceptable is the caller's call.

Exports repeat values a lot (5,000,000 activities name 100,000 accounts, a dozen subjects and five
ways of saying "yes"), so the ``*_values`` functions work on Arrow arrays and the loader calls them on
a column's *distinct* values, then spreads the answers with the column's dictionary codes. Arrow's
kernels (RE2 regular expressions, C ``strptime``) do the per-value work without a Python loop. The
``pd.Series`` wrappers below keep a simple interface for tests and small tables.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# Dropped from the end of account names before matching: Acme Inc, ACME and Acme, LLC agree.
LEGAL_SUFFIXES = (
    "inc incorporated llc ltd limited corp corporation co company gmbh ag sa plc bv nv pty srl "
    "spa oy ab as kk llp lp sarl sas nl se"
).split()

# -- money ----------------------------------------------------------------------------------------

_CURRENCY = r"(?i)^(?:USD|EUR|GBP|JPY|CAD|AUD|CHF|INR|US\$|\$|€|£|¥)\s*|\s*(?:USD|EUR|GBP|€|\$)$"
_SCALED = r"^(?P<num>.*?)\s*(?P<scale>(?i:MM|BN|K|M|B))?$"
_SCALE = {"K": 1e3, "M": 1e6, "MM": 1e6, "B": 1e9, "BN": 1e9}
_NUMBER = r"^(?:\d+\.?\d*|\.\d+)$"


def money_values(a: pa.Array, decimal_comma: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """``$1,234.56``, ``1.2M``, ``$15K``, ``(1,200)``, ``USD 1200``, ``€1.234,56`` -> float64.

    Returns ``(values, bad)``: NaN where blank or unreadable, and True where unreadable.
    """
    t = pc.utf8_trim_whitespace(a)
    blank = pc.equal(t, "")
    negative = pc.or_(pc.match_substring_regex(t, r"^\(.*\)$"), pc.starts_with(t, "-")).to_numpy(
        zero_copy_only=False
    )
    t = pc.utf8_trim_whitespace(pc.replace_substring_regex(t, r"^[(-]|\)$", ""))
    t = pc.utf8_trim_whitespace(pc.replace_substring_regex(t, _CURRENCY, ""))
    parts = pc.extract_regex(t, _SCALED)
    t, scale_word = parts.field("num"), pc.utf8_upper(parts.field("scale"))
    if decimal_comma:
        t = pc.replace_substring(pc.replace_substring_regex(t, r"[.\s']", ""), ",", ".")
    else:
        t = pc.replace_substring_regex(t, r"[,\s']", "")
    ok = pc.match_substring_regex(t, _NUMBER)
    number = pc.cast(pc.if_else(ok, t, "0"), pa.float64()).to_numpy(zero_copy_only=False)
    scale = np.ones(len(a))
    words = scale_word.to_numpy(zero_copy_only=False)
    for word, factor in _SCALE.items():
        scale[words == word] = factor
    value = np.where(negative, -number, number) * scale
    good = ok.to_numpy(zero_copy_only=False)
    value[~good] = np.nan
    bad = ~good & ~blank.to_numpy(zero_copy_only=False)
    return value, bad


def parse_money(s: pd.Series, decimal_comma: bool = False) -> tuple[pd.Series, pd.Series]:
    """:func:`money_values` for a pandas Series."""
    value, bad = money_values(_arrow(s), decimal_comma)
    return pd.Series(value, index=s.index), pd.Series(bad, index=s.index)


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
# What a parsed year must be for a four-digit-year format: C strptime reads 5/3/24 as year 24.
_MIN_YEAR = 1000


def date_formats(date_order: str = "MDY") -> tuple[str, ...]:
    first, second = ("%m", "%d") if date_order == "MDY" else ("%d", "%m")
    slash = tuple(f"{first}/{second}/%Y{t}" for t in _SLASH_TIMES)
    short = tuple(f"{first}/{second}/%y{t}" for t in _SLASH_TIMES[:2])
    dotted = ("%d.%m.%Y", "%d.%m.%Y %H:%M") if date_order == "DMY" else ()
    return _ISO_FORMATS + slash + short + dotted


def date_values(a: pa.Array, date_order: str = "MDY") -> tuple[np.ndarray, np.ndarray]:
    """Timestamps in any of the forms of GUIDE section 3 -> ``datetime64[s]`` (NaT: blank or bad).

    The formats are tried most frequent first (counted on a sample), each only on what earlier
    ones left unread, so a file in one dominant form costs one pass of C ``strptime``. Only the
    leftovers are trimmed and stripped of a time-zone suffix (Z, +02:00; the policy counts days)
    before a second round.
    """
    out = np.full(len(a), np.datetime64("NaT"), dtype="datetime64[s]")
    todo = np.arange(len(a))
    text = a
    for attempt in range(2):
        if attempt == 1:
            text = pc.utf8_trim_whitespace(text)
            text = pc.replace_substring_regex(
                text, r"(\d{2}:\d{2})(:\d{2})?(\.\d+)?(?:Z|[+-]\d{2}:?\d{2})$", r"\1\2"
            )
        for fmt in _by_frequency(text, date_formats(date_order)):
            if len(todo) == 0:
                break
            parsed = _strptime(text, fmt).to_numpy(zero_copy_only=False)
            ok = ~np.isnat(parsed)
            if ok.all():
                out[todo] = parsed
                todo = todo[:0]
            elif ok.any():
                out[todo[ok]] = parsed[ok]
                todo, text = todo[~ok], text.filter(pa.array(~ok))
    bad = np.zeros(len(a), dtype=bool)
    if len(todo):
        bad[todo] = pc.not_equal(pc.utf8_trim_whitespace(text), "").to_numpy(zero_copy_only=False)
    return out, bad


_EARLIEST = pa.scalar(np.datetime64("1000-01-01", "s"))


def _strptime(text: pa.Array, fmt: str) -> pa.Array:
    """C ``strptime``; a four-digit-year format refuses what it read as a year before 1000 (C
    reads 5/3/24 with ``%Y`` as the year 24; the two-digit-year format gets it next)."""
    parsed = pc.strptime(text, format=fmt, unit="s", error_is_null=True)
    if "%Y" in fmt:
        parsed = pc.if_else(pc.less(parsed, _EARLIEST), None, parsed)
    return parsed


def _by_frequency(text: pa.Array, formats: tuple[str, ...], sample: int = 1000) -> list[str]:
    """``formats``, those that read most of a sample of ``text`` first (ties: the given order)."""
    if len(text) <= sample:
        return list(formats)
    head = text.slice(0, sample)
    hits = {f: _strptime(head, f).null_count for f in formats}
    return sorted(formats, key=lambda f: hits[f])


def parse_dates(s: pd.Series, date_order: str = "MDY") -> tuple[pd.Series, pd.Series]:
    """:func:`date_values` for a pandas Series."""
    value, bad = date_values(_arrow(s), date_order)
    return pd.Series(value, index=s.index), pd.Series(bad, index=s.index)


# -- flags ----------------------------------------------------------------------------------------

_TRUE = {"Y", "YES", "TRUE", "T", "1"}
_FALSE = {"N", "NO", "FALSE", "F", "0", ""}


def flag_values(a: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """``Y/Yes/TRUE/1/T`` or a positive count -> True; ``N/No/FALSE/0``/blank -> False."""
    text = pd.Series(pc.utf8_upper(pc.utf8_trim_whitespace(a)).to_pylist(), dtype=object)
    count = pd.to_numeric(text, errors="coerce")
    true = text.isin(_TRUE) | (count > 0)
    known = true | text.isin(_FALSE) | (count == 0)
    return true.to_numpy(dtype=bool), ~known.to_numpy(dtype=bool)


def parse_flag(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """:func:`flag_values` for a pandas Series."""
    value, bad = flag_values(_arrow(s))
    return pd.Series(value, index=s.index), pd.Series(bad, index=s.index)


# -- account names --------------------------------------------------------------------------------


def key_values(a: pa.Array, suffixes: list[str] | tuple[str, ...] = LEGAL_SUFFIXES) -> pa.Array:
    """A matching key per name: ``ACME ORG``, ``Acme Org.`` and `` acme org inc `` agree.

    Case-folds (``Straße`` is ``STRASSE``), strips accents (not letters: ``トヨタ`` keeps its key),
    turns punctuation into spaces, collapses spaces, takes ``and`` between two words for the ``&``
    it often spells (``Smith & Sons``, ``Smith and Sons``) and drops trailing legal suffixes (Inc,
    LLC, Ltd, Corp, GmbH, ...).
    """
    k = pc.utf8_normalize(pc.utf8_trim_whitespace(a), "NFKD")
    k = pc.utf8_lower(pc.replace_substring_regex(k, r"\p{M}+", ""))
    if len(k) and not pc.all(pc.string_is_ascii(k)).as_py():
        # Arrow lower-cases but does not case-fold (ß stays ß); Python does, per distinct name.
        k = pa.array([None if v is None else v.casefold() for v in k.to_pylist()], pa.string())
    k = pc.replace_substring(k, ".", "")
    k = pc.replace_substring_regex(k, r"[^\p{L}\p{N}\s]|_", " ")
    k = pc.utf8_trim_whitespace(pc.replace_substring_regex(k, r"\s+", " "))
    k = pc.replace_substring_regex(k, r"( and)+ ", " ")
    if suffixes:
        words = {re.escape(w.lower().replace(".", "")) for w in suffixes} - {""}
        words = "|".join(sorted(words, key=len, reverse=True))
        k = pc.replace_substring_regex(k, rf"(?:\s+(?:{words}))+$", "")
    return k


def account_key(s: pd.Series, suffixes: list[str] | tuple[str, ...] = LEGAL_SUFFIXES) -> pd.Series:
    """:func:`key_values` for a pandas Series, computed once per distinct name."""
    codes, uniques = pd.factorize(s.fillna("").astype(str))
    keys = key_values(pa.array(np.asarray(uniques, dtype=object), pa.string()), suffixes)
    out = np.asarray(keys.to_numpy(zero_copy_only=False), dtype=object)[codes]
    return pd.Series(out, index=s.index, dtype="str")


def _arrow(s: pd.Series) -> pa.Array:
    return pa.array(s.fillna("").astype(str).to_numpy(dtype=object), pa.string())
