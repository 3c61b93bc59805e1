"""The four optional reports (surveys, support cases, invoices, product usage) as tidy tables.

Each cleaner is an input report's entry in ``transform/reports.py`` and follows the same rules as
the policy's three: values are parsed once per distinct value where a column repeats (names, dates,
amounts, flags), a row that cannot be used is dropped and listed in the data-quality report with
its file, line and reason (under the first reason that applies), and a value that cannot be read in
a row that can still be used is listed with what was done instead. A column the export lacks (an
optional field mapped to "", or absent) is blank throughout, and is not a data-quality row per line.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from hcportal.transform import clean
from hcportal.transform.load import (
    Coded,
    Quality,
    Report,
    _add_dates,
    _add_money,
    factorize,
    malformed,
)

if TYPE_CHECKING:
    from hcportal.transform.settings import ParseSettings, TransformSettings

# (rows, field, their values, reason, whether the field is a date): see _dropped.
Check = tuple[np.ndarray, str, Callable[[np.ndarray], list], str, bool]


def _trimmed(coded: Coded) -> Coded:
    """The column with surrounding spaces removed, re-coded so equal values share one code."""
    codes, uniques = factorize(pa.chunked_array([pc.utf8_trim_whitespace(coded.uniques)]))
    return Coded(codes[coded.codes], uniques)


def _days(coded: Coded, parsing: ParseSettings) -> tuple[np.ndarray, np.ndarray]:
    """A date column's days (``datetime64[s]`` at midnight, NaT if blank) and unreadable rows,
    parsed once per distinct value."""
    parsed, bad = clean.date_values(coded.uniques, parsing.date_order)
    days = parsed.astype("datetime64[D]").astype("datetime64[s]")
    return days[coded.codes], bad[coded.codes]


def _stamps(report: Report, name: str, parsing: ParseSettings) -> tuple[np.ndarray, np.ndarray]:
    """A timestamp column (nearly every value distinct: parsed whole) and its unreadable rows."""
    value, bad = clean.date_values(report.column(name), parsing.date_order)
    return value, bad


def _plain(report: Report, name: str) -> Callable[[np.ndarray], list]:
    column = report.column(name)
    return lambda rows: column.filter(pa.array(rows)).to_pylist()


def _dropped(
    dq: Quality, report: Report, parsing: ParseSettings, checks: list[Check]
) -> np.ndarray:
    """The rows that cannot be used, each listed once, under the first check that applies."""
    drop = np.zeros(report.export.rows, dtype=bool)
    for mask, field, values, reason, is_date in checks:
        mask = mask & ~drop
        if mask.any():
            lines = report.lines[mask]
            if is_date:
                _add_dates(dq, report.file, lines, field, values(mask), reason, parsing)
            else:
                dq.add(report.file, lines, field, values(mask), reason)
        drop |= mask
    return drop


def _noted(dq: Quality, report: Report, mask: np.ndarray, field: str,
           values: Callable[[np.ndarray], list], reason: str) -> None:  # fmt: skip
    """Rows kept with a caveat: a value that could not be used, and what was done instead."""
    if mask.any():
        dq.add(report.file, report.lines[mask], field, values(mask), reason)


def _blank_account(report: Report, parsing: ParseSettings) -> tuple[Coded, Coded, Check]:
    account = report.coded("account")
    key = account.keyed(parsing.legal_suffixes)
    blank = key.codes == key.code_of("")
    return _trimmed(account), key, (blank, "account", account.at, "blank account name", False)


def _first_of(dq: Quality, report: Report, df: pd.DataFrame, by: list[str], field: str,
              reason: str, only: np.ndarray | None = None) -> pd.DataFrame:  # fmt: skip
    """``df`` without rows repeating an earlier row's ``by`` values (among the rows ``only``),
    each listed: exports repeat rows when a report joins a child object."""
    dup = df.duplicated(by, keep="first").to_numpy(copy=True)
    if only is not None:
        dup &= only
    if dup.any():
        values = df[field].astype("str").to_numpy()[dup] if field in df else [""] * int(dup.sum())
        dq.add(report.file, df["_line"].to_numpy()[dup], field, values, reason)
    return df[~dup].reset_index(drop=True)


# -- surveys ----------------------------------------------------------------------------------------


def clean_surveys(report: Report, dq: Quality, settings: TransformSettings) -> pd.DataFrame:
    """One row per contact, question and sending; an empty rating is an invitation not answered
    (``responded`` false), so non-responders stay countable."""
    parsing = settings.parsing
    malformed(report, dq)
    account, key, no_account = _blank_account(report, parsing)
    date_raw = report.coded("date")
    day, bad_day = _days(date_raw, parsing)
    rating_raw = report.coded("rating")
    per_value, unreadable = clean.number_values(rating_raw.uniques, parsing.decimal_comma)
    rating, bad_rating = per_value[rating_raw.codes], unreadable[rating_raw.codes]
    low, high = parsing.rating_scale
    off_scale = ~np.isnan(rating) & ((rating < low) | (rating > high))
    drop = _dropped(dq, report, parsing, [
        no_account,
        (bad_day | np.isnat(day), "date", date_raw.at, "missing or unreadable date", True),
        (bad_rating, "rating", rating_raw.at, "unreadable rating (row not used)", False),
        (off_scale, "rating", rating_raw.at,
         f"rating off the {low:g} to {high:g} scale (parsing.rating_scale; row not used)", False),
    ])  # fmt: skip
    keep = ~drop
    text = {f: _trimmed(report.coded(f)) for f in ("contact", "role", "questionnaire", "wave",
                                                    "question")}  # fmt: skip
    df = pd.DataFrame(
        {
            "account": account.category(keep),
            "account_key": key.category(keep),
            **{f: c.category(keep) for f, c in text.items()},
            "date": day[keep],
            "rating": rating[keep],
            "responded": ~np.isnan(rating[keep]),
            "_line": report.lines[keep],
        }
    )
    if not report.has("contact"):  # without who answered, two equal rows may be two people
        return df
    by = ["account_key", "contact", "questionnaire", "wave", "question", "date", "rating"]
    return _first_of(dq, report, df, by, "contact", "duplicate survey row (counted once)")


# -- support cases ----------------------------------------------------------------------------------


def clean_tickets(report: Report, dq: Quality, settings: TransformSettings) -> pd.DataFrame:
    """One row per support case: opened (required), closed (blank while open), priority, status,
    escalated, subject. A case number seen again keeps its first row."""
    parsing = settings.parsing
    malformed(report, dq)
    account, key, no_account = _blank_account(report, parsing)
    opened, bad_opened = _stamps(report, "opened", parsing)
    closed, bad_closed = _stamps(report, "closed", parsing)
    drop = _dropped(dq, report, parsing, [
        no_account,
        (bad_opened | np.isnat(opened), "opened", _plain(report, "opened"),
         "missing or unreadable opening time", True),
    ])  # fmt: skip
    keep = ~drop
    _noted(dq, report, keep & bad_closed, "closed", _plain(report, "closed"),
           "unreadable closing time (case kept as not closed)")  # fmt: skip
    closed = np.where(bad_closed, np.datetime64("NaT"), closed)
    early = keep & (closed < opened)
    _noted(dq, report, early, "closed", _plain(report, "closed"),
           "closed before it was opened (case kept as not closed)")  # fmt: skip
    closed[early] = np.datetime64("NaT")
    flag = report.coded("escalated")
    yes, unreadable = clean.flag_values(flag.uniques)
    _noted(dq, report, keep & unreadable[flag.codes], "escalated", flag.at,
           "unreadable escalated flag (read as no)")  # fmt: skip
    number = _trimmed(report.coded("number"))
    df = pd.DataFrame(
        {
            "case_number": number.series(keep),
            "account": account.category(keep),
            "account_key": key.category(keep),
            "opened": opened[keep],
            "closed": closed[keep],
            "priority": _trimmed(report.coded("priority")).category(keep),
            "status": _trimmed(report.coded("status")).category(keep),
            "escalated": yes[flag.codes[keep]],
            "subject": _trimmed(report.coded("subject")).category(keep),
            "_line": report.lines[keep],
        }
    )
    numbered = (df["case_number"] != "").to_numpy()
    return _first_of(dq, report, df, ["case_number"], "case_number",
                     "duplicate case number (first row kept)", numbered)  # fmt: skip


# -- invoices ---------------------------------------------------------------------------------------


def clean_invoices(report: Report, dq: Quality, settings: TransformSettings) -> pd.DataFrame:
    """One row per invoice: issued (required), due, paid, amount in the book's currency, and how
    many days after its due date it was paid (negative: early). An invoice number seen again keeps
    its first row."""
    parsing = settings.parsing
    malformed(report, dq)
    account, key, no_account = _blank_account(report, parsing)
    raw = {f: report.coded(f) for f in ("issued", "due", "paid")}
    days = {f: _days(c, parsing) for f, c in raw.items()}
    issued, bad_issued = days["issued"]
    drop = _dropped(dq, report, parsing, [
        no_account,
        (bad_issued | np.isnat(issued), "issued", raw["issued"].at,
         "missing or unreadable invoice date", True),
    ])  # fmt: skip
    keep = ~drop
    dates = {"issued": issued}
    for f, what in (("due", "due date (left blank)"), ("paid", "paid date (read as unpaid)")):
        value, bad = days[f]
        if (keep & bad).any():
            _add_dates(dq, report.file, report.lines[keep & bad], f, raw[f].at(keep & bad),
                       f"unreadable {what}", parsing)  # fmt: skip
        dates[f] = np.where(bad, np.datetime64("NaT"), value)
    amount = _add_money(dq, report, "amount", parsing, lambda p: f"{p} (amount left blank)")
    due, paid = dates["due"][keep], dates["paid"][keep]
    late = (paid - due).view("int64") / 86_400  # both are days at midnight
    late[np.isnat(paid) | np.isnat(due)] = np.nan
    number = _trimmed(report.coded("number"))
    df = pd.DataFrame(
        {
            "invoice_number": number.series(keep),
            "account": account.category(keep),
            "account_key": key.category(keep),
            "invoice_date": issued[keep],
            "due_date": due,
            "paid_date": paid,
            "amount": amount[keep],
            "status": _trimmed(report.coded("status")).category(keep),
            "paid": ~np.isnat(paid),
            "days_late": late,
            "_line": report.lines[keep],
        }
    )
    numbered = (df["invoice_number"] != "").to_numpy()
    return _first_of(dq, report, df, ["invoice_number"], "invoice_number",
                     "duplicate invoice number (first row kept)", numbered)  # fmt: skip


# -- product usage ----------------------------------------------------------------------------------

_COUNTS = {"active": "active_users", "licensed": "licensed_users", "events": "events"}


def clean_usage(report: Report, dq: Quality, settings: TransformSettings) -> pd.DataFrame:
    """One row per account and month: active users, licensed users and events (blank where the
    export has none). A month repeated for an account keeps its first row."""
    parsing = settings.parsing
    malformed(report, dq)
    account, key, no_account = _blank_account(report, parsing)
    month_raw = report.coded("month")
    per_value, unreadable = clean.month_values(month_raw.uniques, parsing.date_order)
    month, bad_month = per_value[month_raw.codes], unreadable[month_raw.codes]
    drop = _dropped(dq, report, parsing, [
        no_account,
        (bad_month | np.isnat(month), "month", month_raw.at, "missing or unreadable month", False),
    ])  # fmt: skip
    keep = ~drop
    counts = {}
    for field, column in _COUNTS.items():
        raw = report.coded(field)
        value, bad = clean.number_values(raw.uniques, parsing.decimal_comma)
        _noted(dq, report, keep & bad[raw.codes], field, raw.at,
               f"unreadable number of {column.replace('_', ' ')} (left blank)")  # fmt: skip
        counts[column] = value[raw.codes][keep]
    df = pd.DataFrame(
        {
            "account": account.category(keep),
            "account_key": key.category(keep),
            "month": month[keep],
            **counts,
            "_line": report.lines[keep],
        }
    )
    return _first_of(dq, report, df, ["account_key", "month"], "account",
                     "duplicate month for the account (first row kept)")  # fmt: skip
