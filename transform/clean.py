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
from dataclasses import dataclass

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

# [(] [-] [currency] [-] number [scale] [currency] [)]: "$1,234.56", "(USD 1,200)", "1.2M", "15 k EUR".
_MONEY = (
    r"^(?P<open>\()?\s*(?P<sign1>-)?\s*(?P<pre>[A-Za-z]{0,2}\$|€|£|¥|₹|[A-Za-z]{3})?\s*"
    r"(?P<sign2>-)?\s*(?P<num>[0-9][0-9.,' \x{a0}\x{202f}]*|[.,][0-9]+)\s*"
    r"(?P<scale>(?i:MM|BN|K|M|B))?\s*(?P<post>\$|€|£|¥|₹|[A-Za-z]{3})?\s*(?P<close>\))?$"
)
_SCALE = {"K": 1e3, "M": 1e6, "MM": 1e6, "B": 1e9, "BN": 1e9}
_GROUP = "[ '\\x{a0}\\x{202f}]"  # thousands separators both conventions share
# A number as written under each convention: no separator, or thousands in groups of three.
_POINT = (
    rf"^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+|[0-9]{{1,3}}(?:,[0-9]{{3}})+(?:\.[0-9]+)?"
    rf"|[0-9]{{1,3}}(?:{_GROUP}[0-9]{{3}})+(?:\.[0-9]+)?)$"
)
_COMMA = (
    rf"^(?:[0-9]+(?:,[0-9]*)?|,[0-9]+|[0-9]{{1,3}}(?:\.[0-9]{{3}})+(?:,[0-9]+)?"
    rf"|[0-9]{{1,3}}(?:{_GROUP}[0-9]{{3}})+(?:,[0-9]+)?)$"
)
SYMBOLS = {
    "$": "$", "US$": "USD", "C$": "CAD", "CA$": "CAD", "A$": "AUD", "AU$": "AUD", "NZ$": "NZD",
    "HK$": "HKD", "S$": "SGD", "SG$": "SGD", "R$": "BRL", "MX$": "MXN", "€": "EUR", "£": "GBP",
    "¥": "JPY", "₹": "INR",
}  # fmt: skip
# A bare "$" is the book's own currency when the book is in one of these, else US dollars.
DOLLARS = {"USD", "CAD", "AUD", "NZD", "HKD", "SGD", "MXN"}
UNREADABLE = "unreadable amount"
SEPARATORS = "misplaced separators in an amount (thousands come in groups of three)"


@dataclass
class Money:
    """Amounts as written: the number, the currency named beside it ("" if none, "$" for a bare
    dollar sign) and, where it cannot be read exactly, why (else "")."""

    value: np.ndarray  # float64, NaN where blank or unreadable
    currency: np.ndarray  # object
    problem: np.ndarray  # object

    @property
    def bad(self) -> np.ndarray:
        return self.problem != ""


def read_money(a: pa.Array, decimal_comma: bool = False) -> Money:
    """``$1,234.56``, ``1.2M``, ``$15K``, ``(1,200)``, ``USD 1200``, ``€1.234,56`` -> :class:`Money`.

    The configured convention (decimal point, or ``decimal_comma``) reads numbers with one kind
    of separator; thousands must come in groups of three (``1,2,3`` is not 123). A number with
    both (``1.234,56``) says which is its decimal mark (the last), whatever the setting.
    """
    n = len(a)
    t = pc.utf8_trim_whitespace(a)
    blank = pc.equal(t, "").to_numpy(zero_copy_only=False)
    parts = pc.extract_regex(t, _MONEY)
    matched = _np_bool(pc.is_valid(parts))
    field = {name: _filled(parts.field(name)) for name in ("open", "sign1", "pre", "sign2",
                                                           "num", "scale", "post", "close")}  # fmt: skip
    num = pc.utf8_trim_whitespace(field["num"])
    opened, closed = (_np_bool(pc.not_equal(field[k], "")) for k in ("open", "close"))
    signs = sum(_np_bool(pc.not_equal(field[k], "")).astype(int) for k in ("sign1", "sign2"))
    pre, post = (_tokens(field[k]) for k in ("pre", "post"))
    currency = np.where(pre != "", pre, post)
    shape_ok = matched & (opened == closed) & (signs + opened <= 1)
    shape_ok &= (pre == "") | (post == "") | (pre == post)

    usual, other = (_COMMA, _POINT) if decimal_comma else (_POINT, _COMMA)
    as_usual = _np_bool(pc.match_substring_regex(num, usual))
    both = _np_bool(pc.match_substring_regex(num, r"\..*,|,.*\."))
    as_other = both & ~as_usual & _np_bool(pc.match_substring_regex(num, other))
    comma_decimal = np.where(as_usual, decimal_comma, not decimal_comma)
    digits = pa.array(
        np.where(
            comma_decimal,
            _np_str(
                pc.replace_substring(
                    pc.replace_substring_regex(num, r"[. '\x{a0}\x{202f}]", ""), ",", "."
                )
            ),
            _np_str(pc.replace_substring_regex(num, r"[, '\x{a0}\x{202f}]", "")),
        ),
        pa.string(),
    )
    ok = shape_ok & (as_usual | as_other)
    number = pc.cast(pc.if_else(pa.array(ok), digits, "0"), pa.float64()).to_numpy(
        zero_copy_only=False
    )
    scale = np.ones(n)
    words = _np_str(pc.utf8_upper(field["scale"]))
    for word, factor in _SCALE.items():
        scale[words == word] = factor
    negative = opened | (signs > 0)
    value = np.where(negative, -number, number) * scale
    value[~ok] = np.nan
    problem = np.full(n, "", dtype=object)
    problem[~ok] = UNREADABLE
    problem[shape_ok & ~ok] = SEPARATORS
    problem[blank] = ""
    return Money(value, np.where(ok, currency, ""), problem)


def money_values(a: pa.Array, decimal_comma: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """:func:`read_money`'s numbers, and where they could not be read (currency aside)."""
    money = read_money(a, decimal_comma)
    return money.value, money.bad


def parse_money(s: pd.Series, decimal_comma: bool = False) -> tuple[pd.Series, pd.Series]:
    """:func:`money_values` for a pandas Series."""
    value, bad = money_values(_arrow(s), decimal_comma)
    return pd.Series(value, index=s.index), pd.Series(bad, index=s.index)


def in_book(
    money: Money, book: str, rates: dict[str, float], stated: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Amounts in the book's currency, why not where they cannot be (else ""), and the currency
    each was in.

    ``stated`` is the currency a currency column gives each amount (blank: none said). An amount
    in another currency than ``book`` is converted at ``rates[currency]`` (book units per unit),
    or, with no rate, is NaN and its problem says so: two currencies are never summed as one.
    """
    dollar = book if book in DOLLARS else "USD"
    cur = np.where(money.currency == "$", dollar, money.currency)
    problem = money.problem.copy()
    if stated is not None:
        said = np.array([str(c).strip().upper() for c in stated], dtype=object)
        said = np.where(said == "$", dollar, said)
        clash = (cur != "") & (said != "") & (cur != said) & (problem == "")
        problem[clash] = "the amount names another currency than the currency column"
        cur = np.where(cur == "", said, cur)
    cur = np.where(cur == "", book, cur)
    value = money.value.copy()
    for code in sorted(set(cur[(cur != book) & (problem == "")].tolist())):
        rows = (cur == code) & (problem == "")
        if code in rates:
            value[rows] = value[rows] * rates[code]
        else:
            problem[rows] = f"amount in {code}, not {book}, and no rate for {code}"
    value[problem != ""] = np.nan
    return value, problem, cur


def pairs(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct pairs of two code columns: ``(a of each pair, b of each pair, each row's pair)``,
    so a function of two columns (an amount and its currency) runs once per distinct pair."""
    width = int(b.max()) + 1 if len(b) else 1
    distinct, inverse = np.unique(a.astype(np.int64) * width + b, return_inverse=True)
    return distinct // width, distinct % width, inverse


def _filled(a: pa.Array) -> pa.Array:
    return pc.fill_null(a, "")


def _np_bool(a: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return np.asarray(pc.fill_null(a, False).to_numpy(zero_copy_only=False), dtype=bool)


def _np_str(a: pa.Array) -> np.ndarray:
    return np.asarray(pc.fill_null(a, "").to_numpy(zero_copy_only=False), dtype=object)


def _tokens(a: pa.Array) -> np.ndarray:
    """Currency tokens as codes: ``€`` -> EUR, ``usd`` -> USD, ``$`` stays ``$``."""
    out = _np_str(a)
    for token in set(out.tolist()) - {""}:
        out[out == token] = SYMBOLS.get(token.upper(), SYMBOLS.get(token, token.upper()))
    return out


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
    before a second round. An impossible calendar date (``2024-02-30``) is bad, not the day
    Arrow's ``strptime`` rolls it over to (1 March): see :func:`impossible_dates`.
    """
    out, bad, impossible = _dates(a, date_order)
    return out, bad | impossible


def impossible_dates(a: pa.Array, date_order: str = "MDY") -> np.ndarray:
    """Where ``a`` holds a date in a known form that no calendar has (30 February, 31 April)."""
    return _dates(a, date_order)[2]


def _dates(a: pa.Array, date_order: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    out = np.full(len(a), np.datetime64("NaT"), dtype="datetime64[s]")
    impossible = np.zeros(len(a), dtype=bool)
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
            parsed = _strptime(text, fmt)
            ok = ~np.isnat(parsed.to_numpy(zero_copy_only=False))
            rolled = _rolled_over(text, parsed, fmt, ok)
            if rolled.any():
                impossible[todo[rolled]] = True
                ok &= ~rolled
            parsed = parsed.to_numpy(zero_copy_only=False)
            if ok.all():
                out[todo] = parsed
                todo = todo[:0]
            elif ok.any() or rolled.any():
                out[todo[ok]] = parsed[ok]
                keep = ~(ok | rolled)
                todo, text = todo[keep], text.filter(pa.array(keep))
    bad = np.zeros(len(a), dtype=bool)
    if len(todo):
        bad[todo] = pc.not_equal(pc.utf8_trim_whitespace(text), "").to_numpy(zero_copy_only=False)
    return out, bad, impossible


# What each strptime directive reads, as RE2; the day is captured to check it survived parsing.
_DIRECTIVES = {
    "%Y": r"\d{4}", "%y": r"\d{2}", "%m": r"\d{1,2}", "%d": r"(?P<d>\d{1,2})", "%H": r"\d{1,2}",
    "%I": r"\d{1,2}", "%M": r"\d{1,2}", "%S": r"\d{1,2}", "%p": r"[AaPp][Mm]",
}  # fmt: skip


def _rolled_over(text: pa.Array, parsed: pa.Array, fmt: str, ok: np.ndarray) -> np.ndarray:
    """Where ``strptime`` read a day the month lacks and rolled it over (2024-02-30 -> 1 March).

    A rolled-over date lands on day 1, 2 or 3 of the next month, so only those are compared with
    the day the text wrote: a cheap numeric filter, then a regular expression on a few rows.
    """
    rolled = np.zeros(len(ok), dtype=bool)
    if "%d" not in fmt or not ok.any():
        return rolled
    day = pc.day(parsed).to_numpy(zero_copy_only=False)
    early = ok & (np.nan_to_num(day.astype(float), nan=99) <= 3)
    if not early.any():
        return rolled
    pattern = "^" + re.sub(r"%[a-zA-Z]|\.", lambda m: _DIRECTIVES.get(m.group(), "\\."), fmt) + "$"
    rows = np.flatnonzero(early)
    written = pc.struct_field(pc.extract_regex(text.take(pa.array(rows)), pattern), "d")
    written = pc.cast(written, pa.int64()).to_numpy(zero_copy_only=False)
    rolled[rows] = written != day[rows]
    return rolled


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


_MONTH_FORMATS = ("%Y-%m", "%b %Y", "%B %Y", "%m/%Y", "%Y/%m", "%b-%Y", "%b %y", "%b-%y")


def month_values(a: pa.Array, date_order: str = "MDY") -> tuple[np.ndarray, np.ndarray]:
    """Months as usage exports write them -> the month's first day (``datetime64[s]``; NaT: blank
    or unreadable), and where they could not be read.

    ``2025-05``, ``May 2025``, ``September 2025``, ``05/2025``, ``2025/05``; a whole date or
    timestamp in any form :func:`date_values` reads (``5/1/2025``) stands for its month.
    Called on a column's distinct values: a few hundred months.
    """
    text = pc.utf8_trim_whitespace(a)
    out = np.full(len(a), np.datetime64("NaT"), dtype="datetime64[s]")
    for fmt in _MONTH_FORMATS:
        todo = np.isnat(out)
        if not todo.any():
            break
        parsed = _strptime(text, fmt).to_numpy(zero_copy_only=False).astype("datetime64[s]")
        found = todo & ~np.isnat(parsed)
        out[found] = parsed[found]
    todo = np.isnat(out)
    bad = np.zeros(len(a), dtype=bool)
    if todo.any():
        rest = np.flatnonzero(todo)
        days, unreadable = date_values(text.take(pa.array(rest)), date_order)
        out[rest] = days.astype("datetime64[M]").astype("datetime64[s]")
        bad[rest] = unreadable
    return out, bad


def number_values(a: pa.Array, decimal_comma: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Counts and ratings (``12``, ``1,234``, `` 9 ``, ``4.5``, ``1.2K``) -> float64 (NaN where
    blank or unreadable), and where they could not be read: an amount of money (``$12``) or a
    negative number is not a count."""
    money = read_money(a, decimal_comma)
    bad = money.bad | (money.currency != "") | (money.value < 0)
    value = np.where(bad, np.nan, money.value)
    return value, bad


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
