"""Values as a CRM exports them, vectorised: each distinct value is formatted once, then taken.

Millions of rows hold a few thousand distinct days, a few hundred amounts per style, a few hundred
thousand names: formatting the distinct values in Python and taking them by index (Arrow's
``take``) is as fast as any vectorised string kernel, keeps each format readable, and hands pandas
its own string columns without converting millions of Python strings one by one. The mess (GUIDE section 3) lives here:
money in five styles, dates in three, flags in every dialect, names spelled per report.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

DAY = np.timedelta64(1, "D")
STR = pd.StringDtype("pyarrow", na_value=np.nan)  # pandas' own "str"


def styled(
    values: np.ndarray, styles: np.ndarray | None, forms: Sequence[Callable], missing: str = ""
) -> pa.Array:
    """Each value formatted by ``forms[style]``, once per distinct (style, value); NaN/NaT are
    ``missing``. Built as labels plus indices: the strings exist once, the column is a ``take``."""
    codes = np.zeros(len(values), dtype=np.int64)
    labels = [missing]
    present = ~pd.isna(values)
    for s, form in enumerate(forms):
        idx = (
            np.flatnonzero(present & (styles == s))
            if styles is not None
            else np.flatnonzero(present)
        )
        if len(idx):
            uniq, inverse = np.unique(values[idx], return_inverse=True)
            codes[idx] = len(labels) + inverse
            # numpy scalars, not .tolist(): a datetime64[M] stays a month (tolist gives a date).
            labels.extend(form(u) for u in uniq)
        if styles is None:
            break
    return pa.array(labels, pa.string()).take(pa.array(codes))


def by_value(values: np.ndarray, form: Callable, missing: str = "") -> pa.Array:
    """``form`` of each value, computed once per distinct value."""
    return styled(values, None, (form,), missing)


def pick(labels: Sequence[str], codes: np.ndarray) -> pa.Array:
    """``labels[codes]``."""
    return pa.array(list(labels), pa.string()).take(pa.array(np.asarray(codes, dtype=np.int64)))


def text(values: np.ndarray | pa.Array | pd.Series) -> pa.Array:
    """Any column of strings as an Arrow string array (factorised: cheaper than one by one)."""
    if isinstance(values, pa.Array):
        return values
    codes, uniques = pd.factorize(np.asarray(values, dtype=object))
    return pick([str(u) for u in uniques], codes)


def frame(columns: dict[str, object]) -> pd.DataFrame:
    """A string table in pandas' own ``str`` dtype, without converting string by string."""
    return pd.DataFrame({k: pd.Series(text(v), dtype=STR) for k, v in columns.items()})


def choose(rng: np.random.Generator, n: int, p: Sequence[float]) -> np.ndarray:
    """``n`` draws of an index by probability ``p`` (``rng.choice`` with ``p``, as small ints)."""
    return np.searchsorted(np.cumsum(p) / np.sum(p), rng.random(n), side="right").astype(np.int8)


# -- money ----------------------------------------------------------------------------------------


def _dollars(v: float) -> str:
    return f"(${-v:,.0f})" if v < 0 else f"${v:,.0f}"


def _scaled(v: float) -> str:
    return f"${v / 1e6:.1f}M" if abs(v) >= 1e6 else f"${v / 1e3:.0f}K"


def _usd(v: float) -> str:
    return f"USD {v:.0f}"


def _plain(v: float) -> str:
    return f"{v:.2f}"


def _cents(v: float) -> str:
    return f"(${-v:,.2f})" if v < 0 else f"${v:,.2f}"


def _usd_cents(v: float) -> str:
    return f"USD {v:.2f}"


# Whole amounts (contracts, opportunities): $1,234,567 / $1.2M, $15K / USD 1200 / 1234.00.
WHOLE = (_dollars, _scaled, _usd, _plain)
# Invoice amounts, to the cent: $1,234.56 and ($1,234.56) / 1234.56 / USD 1234.56.
CENTS = (_cents, _plain, _usd_cents)


def money(values: np.ndarray, styles: np.ndarray, forms: Sequence[Callable] = WHOLE) -> pa.Array:
    """Amounts the ways CRM users type them; NaN is a blank."""
    return styled(values, styles, forms)


# -- dates and times ------------------------------------------------------------------------------


def _iso_day(d: np.datetime64) -> str:
    return str(d)


def _us_day(d: np.datetime64) -> str:
    y, m, dd = str(d).split("-")
    return f"{int(m)}/{int(dd)}/{y}"


def days(values: np.ndarray, us: np.ndarray | None = None) -> pa.Array:
    """Days as ``2024-05-03``, or ``5/3/2024`` where ``us``; NaT is a blank."""
    styles = np.zeros(len(values), np.int8) if us is None else us.astype(np.int8)
    return styled(values.astype("datetime64[D]"), styles, (_iso_day, _us_day))


def _hhmm(minute: float) -> str:
    minute = int(minute)
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _ampm(minute: float) -> str:
    h, m = divmod(int(minute), 60)
    return f"{(h + 11) % 12 + 1}:{m:02d} {'AM' if h < 12 else 'PM'}"


SEED_STAMP, US_STAMP, ISO_STAMP = 0, 1, 2


def stamps(values: np.ndarray, styles: np.ndarray) -> pa.Array:
    """Minutes as the seed's ``2024-05-03-14:22``, Salesforce's ``5/3/2024 2:22 PM`` or
    ``2024-05-03 14:22`` (by ``styles``: SEED_STAMP, US_STAMP, ISO_STAMP); NaT is a blank."""
    values = values.astype("datetime64[m]")
    day = values.astype("datetime64[D]")
    minute = np.where(np.isnat(values), -1, (values - day).astype(np.int64))
    minute = np.where(minute < 0, np.nan, minute)  # a blank date has a blank time
    dates = styled(day, styles, (
        lambda d: _iso_day(d) + "-", lambda d: _us_day(d) + " ", lambda d: _iso_day(d) + " "
    ))  # fmt: skip
    times = styled(minute, styles, (_hhmm, _ampm, _hhmm))
    return pc.binary_join_element_wise(dates, times, "")


def _month_iso(m: np.datetime64) -> str:
    return str(m)


def _month_name(m: np.datetime64) -> str:
    return pd.Timestamp(m).strftime("%b %Y")


def _month_us(m: np.datetime64) -> str:
    y, mm = str(m).split("-")
    return f"{int(mm)}/1/{y}"


def months(values: np.ndarray, styles: np.ndarray) -> pa.Array:
    """Months as ``2025-05``, ``May 2025`` or ``5/1/2025`` (styles 0, 1, 2)."""
    return styled(values.astype("datetime64[M]"), styles, (_month_iso, _month_name, _month_us))


def numbered(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    """``INV-0001234``-style ids."""
    digits = pc.utf8_lpad(pc.cast(pa.array(numbers), pa.string()), width, "0")
    return pc.binary_join_element_wise(prefix, digits, "")


# -- flags ----------------------------------------------------------------------------------------

YES = ("Y", "Yes", "TRUE", "1", "2")  # "2": a count of attachments
NO = ("N", "No", "FALSE", "0", "")


def flags(rng: np.random.Generator, values: np.ndarray, messy: bool, plain=("Y", "N")) -> pa.Array:
    """Booleans in every dialect a CRM uses (``plain`` when tidy)."""
    if not messy:
        return pick(plain, np.where(values, 0, 1))
    dialect = rng.integers(0, len(YES), len(values))
    return pick(YES + NO, np.where(values, dialect, len(YES) + dialect))


# -- account names as each report spells them -----------------------------------------------------


def name_forms(names: np.ndarray, bases: np.ndarray) -> list[np.ndarray]:
    """Per account: the CRM's name, then spellings that still match on the account key."""
    base = pd.Series(bases, dtype=object)
    return [
        names,
        base.str.upper().to_numpy(dtype=object),  # ACME ORG
        (base + ".").to_numpy(dtype=object),  # Acme Org.
        (" " + base.str.lower() + " inc ").to_numpy(dtype=object),  # " acme org inc "
        (base + ", Inc.").to_numpy(dtype=object),  # Acme Org, Inc.
        base.str.lower().str.replace(" ", "-", regex=False).to_numpy(dtype=object),  # acme-org
    ]


EXACT, UPPER, DOTTED, SPACED, COMMA_INC, SLUG = range(6)


def spelled(
    rng: np.random.Generator,
    forms: list[np.ndarray],
    acc: np.ndarray,
    p: Sequence[float],
    messy: bool,
) -> pa.Array:
    """Each row's account name, spelled form ``k`` with probability ``p[k]`` (row by row)."""
    if not messy:
        return names_of(forms[EXACT], acc)
    flat = np.stack(forms, axis=1).ravel()  # account a's form k is at a * len(forms) + k
    return names_of(flat, acc * len(forms) + choose(rng, len(acc), p))


def names_of(names: np.ndarray, idx: np.ndarray) -> pa.Array:
    """``names[idx]`` for a big ``idx`` (each name converted once)."""
    return pick(names, idx)


def typo(name: str, rng: np.random.Generator) -> str:
    """A name as a person mistyped it in another system (two letters swapped)."""
    letters = [i for i in range(len(name) - 1) if name[i].isalpha() and name[i + 1].isalpha()]
    if not letters:
        return name
    i = letters[int(rng.integers(len(letters)))]
    return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
