"""The health score's measures, computed from the events table for every account at once.

Each measure reads the events of its window (``window_days`` before the as-of date, up to and
including it) and gives, per account, its raw value (NaN: no data), its newest event and how many
events it read. Everything is vectorised over integer account codes (``np.bincount``, grouped
medians): no loop over accounts. The definitions (docs/health-score.md) are:

- a *count* (touches, cases, escalations) is 0 for an account with no such event, as long as its
  report is present at all: no case in six months is a fact about the account;
- a *rate* or *mean* (response rate, tone, priority share, days late, NPS, adoption) has no value
  without its denominator: an account nobody surveyed has no NPS, not an NPS of 0.

Events dated after the as-of date are ignored, and a case or invoice counts as closed or paid only
by a ``ticket_closed`` or ``invoice_paid`` event on or before it, so replaying an old as-of date
(the backtest) sees exactly what was known then.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from hcportal.transform.score_settings import DEFAULT_MEASURES, MEASURES, MeasureSettings
from hcportal.transform.tone import TextCalls

DAY = np.timedelta64(1, "D")
ACTIVITY_TYPES = ("activity", "health_check")
DEFAULT_TONE = DEFAULT_MEASURES["tone"]
# The sources a measure reads, for the X-Ray's link from a measure to its events.
SOURCE_TYPES: dict[str, tuple[str, ...]] = {
    "touches_per_month": ACTIVITY_TYPES,
    "days_since_touch": ACTIVITY_TYPES,
    "contacts_engaged": ACTIVITY_TYPES,
    "response_rate": ACTIVITY_TYPES,
    "response_hours": ACTIVITY_TYPES,
    "tone": (*ACTIVITY_TYPES, "ticket_opened"),
    "risk_share": (*ACTIVITY_TYPES, "ticket_opened"),
    "tickets_per_month": ("ticket_opened",),
    "high_priority_share": ("ticket_opened",),
    "open_case_age": ("ticket_opened",),
    "escalations": ("ticket_opened",),
    "days_late": ("invoice_due",),
    "unpaid_amount": ("invoice_due",),
    "adoption": ("usage",),
    "usage_trend": ("usage",),
    "nps": ("survey_answer",),
    "survey_response_rate": ("survey_answer", "survey_no_answer"),
}


@dataclass
class Measured:
    """One measure for every account: raw value, newest event read, events read (by position),
    and which rows of the events table it read (the explanation's source rows)."""

    raw: np.ndarray
    newest: np.ndarray  # datetime64[s], NaT without events
    events: np.ndarray  # int64
    rows: np.ndarray | None = None  # bool per event row; None: not known (a hand-made measure)


@dataclass
class Events:
    """The events table prepared once: account positions, days before the as-of date, types."""

    frame: pd.DataFrame
    acct: np.ndarray  # position of each event's account in the accounts list, -1: unknown
    age: np.ndarray  # days from the event to the as-of date (float; negative: after it)
    type_code: np.ndarray
    types: list[str]
    n: int  # number of accounts
    as_of: pd.Timestamp
    sources: set[str] = field(default_factory=set)
    seconds: np.ndarray | None = None  # int64 seconds of each event's time
    line: np.ndarray | None = None  # int64 line of each event in its report
    # Masks and text columns asked for again and again by the measures: computed once each.
    _memo: dict = field(default_factory=dict, repr=False)

    def known(self) -> np.ndarray:
        """The events of an account of the accounts list."""
        if "known" not in self._memo:
            self._memo["known"] = self.acct >= 0
        return self._memo["known"]

    def of(self, *types: str) -> np.ndarray:
        key = ("of", types)
        if key not in self._memo:
            codes = [self.types.index(t) for t in types if t in self.types]
            hit = np.zeros(max(len(self.types), 1), dtype=bool)
            hit[codes] = True
            self._memo[key] = hit[self.type_code] if len(self.type_code) else hit[:0]
        return self._memo[key]

    def within(self, days: int) -> np.ndarray:
        key = ("within", days)
        if key not in self._memo:
            self._memo[key] = (self.age >= 0) & (self.age < days)
        return self._memo[key]

    def reduce(
        self, ufunc: np.ufunc, rows: np.ndarray, values: np.ndarray, empty: float | int
    ) -> np.ndarray:
        """Per account, ``ufunc`` (np.maximum, np.minimum) over the ``values`` of the event
        ``rows`` (positions, ascending, of events of known accounts); ``empty`` for an account
        without any. The rows of one account come in runs (one, as the events step writes
        them): one reduceat over the runs, then a ufunc.at over the few runs, not the events."""
        out = np.full(self.n, empty, dtype=values.dtype)
        if not len(rows):
            return out
        a = self.acct[rows]
        starts = np.flatnonzero(np.r_[True, a[1:] != a[:-1]])
        ufunc.at(out, a[starts], ufunc.reduceat(values, starts))
        return out


def prepare(events: pd.DataFrame, account_keys: pd.Index, as_of: date) -> Events:
    """Index ``events`` by the positions of their accounts in ``account_keys``."""
    key = events["account_key"]
    if isinstance(key.dtype, pd.CategoricalDtype):
        recode = account_keys.get_indexer(key.cat.categories.astype("str"))
        codes = key.cat.codes.to_numpy()
        acct = np.where(codes >= 0, recode[codes], -1)
    else:
        acct = account_keys.get_indexer(key.astype("str"))
    kind = events["type"]
    if isinstance(kind.dtype, pd.CategoricalDtype):
        type_code, types = kind.cat.codes.to_numpy(), [str(t) for t in kind.cat.categories]
    else:
        type_code, uniq = pd.factorize(kind.astype("str"))
        types = [str(t) for t in uniq]
    ts = pd.Timestamp(as_of) + pd.Timedelta(days=1)  # events of the as-of day count
    at = events["at"].to_numpy(dtype="datetime64[s]")
    seconds = at.view(np.int64)
    age = (ts.to_datetime64() - at) / DAY - 1e-9
    src = events["source"]
    if isinstance(src.dtype, pd.CategoricalDtype):  # the codes in use, not 14 million strings
        used = np.flatnonzero(np.bincount(src.cat.codes.to_numpy() + 1)[1:])
        present = [str(src.cat.categories[c]) for c in used]
    else:
        present = [str(x) for x in pd.unique(src.astype("str"))]
    return Events(
        events, acct.astype(np.int64), age, type_code, types, len(account_keys),
        pd.Timestamp(as_of), set(present), seconds, events["line"].to_numpy(dtype=np.int64),
    )  # fmt: skip


def measure_all(
    ev: Events, windows: dict[str, int], calls: TextCalls | None, settings: object
) -> dict[str, Measured]:
    """Every measure of :data:`MEASURES` for every account, each over its ``windows`` days."""
    out: dict[str, Measured] = {}
    for name in MEASURES:
        out[name] = FUNCTIONS[name](ev, windows[name], calls, settings)
    return out


# -- helpers ----------------------------------------------------------------------------------------


def _count(ev: Events, mask: np.ndarray) -> np.ndarray:
    return np.bincount(ev.acct[mask], minlength=ev.n).astype(np.float64)


def _sum(ev: Events, mask: np.ndarray, values: np.ndarray) -> np.ndarray:
    return np.bincount(ev.acct[mask], weights=values[mask], minlength=ev.n)


NAT = np.iinfo(np.int64).min  # numpy's NaT as int64: below every time


def _newest(ev: Events, mask: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
    """The newest event's time per account among ``mask`` (NaT for none); ``rows``: the
    positions of ``mask``'s events, when known."""
    rows = np.flatnonzero(mask & ev.known()) if rows is None else rows
    return ev.reduce(np.maximum, rows, ev.seconds[rows], NAT).view("datetime64[s]")  # NAT: NaT


def _used(ev: Events, mask: np.ndarray, raw: np.ndarray) -> Measured:
    mask = mask & ev.known()
    rows = np.flatnonzero(mask)
    count = np.bincount(ev.acct[rows], minlength=ev.n)
    return Measured(raw, _newest(ev, mask, rows), count, mask)


def _mask(ev: Events, types: tuple[str, ...], window: int) -> np.ndarray:
    key = ("mask", types, window)
    if key not in ev._memo:
        ev._memo[key] = ev.of(*types) & ev.within(window) & ev.known()
    return ev._memo[key]


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)


def _text(ev: Events, col: str) -> tuple[np.ndarray, list[str]]:
    """A text column as (codes, lower-cased stripped categories); -1 for null or blank."""
    key = ("text", col)
    if key not in ev._memo:
        ev._memo[key] = _text_of(ev, col)
    return ev._memo[key]


def _text_of(ev: Events, col: str) -> tuple[np.ndarray, list[str]]:
    s = ev.frame[col] if col in ev.frame else pd.Series([None] * len(ev.frame), dtype="str")
    if not isinstance(s.dtype, pd.CategoricalDtype):
        s = s.astype("category")
    cats = pd.Index(s.cat.categories.astype("str")).str.strip()
    if col != "contact":  # contacts are told apart by their codes: no need to fold 100,000s
        cats = cats.str.casefold()
    codes = s.cat.codes.to_numpy().astype(np.int64)
    blank = np.append(np.asarray(cats == "", dtype=bool), True)
    if blank.any():  # codes == -1 indexes the trailing True
        codes = np.where(blank[codes], -1, codes)
    return codes, cats.tolist()


def _bool(ev: Events, col: str) -> np.ndarray:
    s = ev.frame.get(col, None)
    if s is None:
        return np.zeros(len(ev.frame), dtype=bool)
    return s.fillna(False).to_numpy(dtype=bool)


def _float(ev: Events, col: str) -> np.ndarray:
    if col not in ev.frame:
        return np.full(len(ev.frame), np.nan)
    return ev.frame[col].to_numpy(dtype=np.float64, na_value=np.nan)


def _report_present(ev: Events, source: str, raw: np.ndarray) -> np.ndarray:
    """A count is a value only when its report is present at all."""
    return raw if source in ev.sources else np.full(ev.n, np.nan)


def _closed(ev: Events, closing_type: str, rows: np.ndarray) -> np.ndarray:
    """Whether each of ``rows`` (a mask of opening events: a case opened, an invoice due) was
    closed (or paid) on or before the as-of date: its line has a closing event by then. A table
    indexed by line, not a set of lines: one pass, no hashing."""
    m = ev.of(closing_type) & (ev.age >= 0)
    if not m.any() or not rows.any():
        return np.zeros(len(rows), dtype=bool)
    table = np.zeros(max(int(ev.line[m].max()), int(ev.line[rows].max())) + 1, dtype=bool)
    table[ev.line[m]] = True
    out = np.zeros(len(rows), dtype=bool)
    out[rows] = table[ev.line[rows]]
    return out


# -- engagement -------------------------------------------------------------------------------------


def touches_per_month(ev: Events, w: int, _c: object, _s: object) -> Measured:
    m = _mask(ev, ACTIVITY_TYPES, w)
    return _used(ev, m, _report_present(ev, "activities", _count(ev, m) / (w / 30)))


def days_since_touch(ev: Events, w: int, _c: object, _s: object) -> Measured:
    m = _mask(ev, ACTIVITY_TYPES, w)
    rows = np.flatnonzero(m)
    youngest = ev.reduce(np.minimum, rows, ev.age[rows], np.inf)
    raw = np.where(np.isfinite(youngest), np.floor(youngest), np.nan)
    return _used(ev, m, raw)


def contacts_engaged(ev: Events, w: int, _c: object, _s: object) -> Measured:
    m = _mask(ev, ACTIVITY_TYPES, w)
    codes, _ = _text(ev, "contact")
    if not (codes[ev.of(*ACTIVITY_TYPES)] >= 0).any():  # the export does not say who
        return _used(ev, m & False, np.full(ev.n, np.nan))
    k = m & (codes >= 0)
    pairs = pd.DataFrame({"a": ev.acct[k], "c": codes[k]}).drop_duplicates()
    raw = np.bincount(pairs["a"].to_numpy(), minlength=ev.n).astype(np.float64)
    return _used(ev, m, _report_present(ev, "activities", raw))


def _directions(ev: Events) -> tuple[np.ndarray, np.ndarray]:
    if "directions" not in ev._memo:
        codes, cats = _text(ev, "direction")
        inbound = np.array([c.startswith("in") for c in cats] + [False])[codes]
        outbound = np.array([c.startswith("out") for c in cats] + [False])[codes]
        ev._memo["directions"] = inbound, outbound
    return ev._memo["directions"]


def response_rate(ev: Events, w: int, _c: object, _s: object) -> Measured:
    m = _mask(ev, ACTIVITY_TYPES, w)
    inbound, outbound = _directions(ev)
    raw = np.minimum(_ratio(_count(ev, m & inbound), _count(ev, m & outbound)), 1.0)
    return _used(ev, m & (inbound | outbound), raw)


def response_hours(ev: Events, w: int, _c: object, _s: object) -> Measured:
    """Each inbound activity answers the latest outbound one before it on the account; only the
    first answer to an e-mail measures how fast the customer answered it."""
    m = _mask(ev, ACTIVITY_TYPES, w)
    inbound, outbound = _directions(ev)
    rows = np.flatnonzero(m & (inbound | outbound))
    secs, acct = ev.seconds[rows], ev.acct[rows]
    if not _in_order(acct, secs, outbound[rows]):
        order = np.lexsort((~outbound[rows], secs, acct))  # an e-mail sent in the same second first
        rows, secs, acct = rows[order], secs[order], acct[order]
    is_out = outbound[rows]
    pos = np.arange(len(rows))
    last_out = np.maximum.accumulate(np.where(is_out, pos, -1)) if len(rows) else pos
    answer = inbound[rows] & (last_out >= 0)
    answer &= acct[np.maximum(last_out, 0)] == acct  # an e-mail to the same account
    sent, got = last_out[answer], pos[answer]
    first = np.unique(sent, return_index=True)[1]  # in time order: the first answer to each
    hours = (secs[got[first]] - secs[sent[first]]) / 3600.0
    raw = np.full(ev.n, np.nan)
    if len(hours):
        med = pd.Series(hours).groupby(acct[got[first]]).median()
        raw[med.index.to_numpy()] = med.to_numpy()
    return _used(ev, m & (inbound | outbound), raw)


def _in_order(acct: np.ndarray, secs: np.ndarray, first: np.ndarray) -> bool:
    """Whether the rows already come grouped by account, in time order, the ``first`` rows
    first within a second (as the events step writes them): then there is nothing to sort."""
    if len(acct) < 2:
        return True
    same = acct[1:] == acct[:-1]
    if 1 + int((~same).sum()) != np.count_nonzero(np.bincount(acct)):
        return False  # an account in more than one run
    later = secs[1:] > secs[:-1]
    tie = (secs[1:] == secs[:-1]) & (first[1:] <= first[:-1])
    return bool(np.all(~same | later | tie))


# -- tone -------------------------------------------------------------------------------------------


def _text_rows(ev: Events, w: int, calls: TextCalls | None) -> tuple[np.ndarray, np.ndarray]:
    """The rows with a text in the window, and each one's text id in ``calls``."""
    m = _mask(ev, measure_types("tone"), w)
    if calls is None:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    rows = np.flatnonzero(m & (calls.text_of_row >= 0))
    return rows, calls.text_of_row[rows]


def tone(ev: Events, w: int, calls: TextCalls | None, _s: object) -> Measured:
    rows, text = _text_rows(ev, w, calls)
    raw = np.full(ev.n, np.nan)
    mask = np.zeros(len(ev.frame), dtype=bool)
    if len(rows):
        signal = calls.signal[text]
        rows, text = rows[signal], text[signal]
        mask[rows] = True
        raw = _ratio(
            np.bincount(ev.acct[rows], weights=calls.compound[text], minlength=ev.n),
            np.bincount(ev.acct[rows], minlength=ev.n),
        )
    return _used(ev, mask, raw)


def risk_share(ev: Events, w: int, calls: TextCalls | None, _s: object) -> Measured:
    rows, text = _text_rows(ev, w, calls)
    raw = np.full(ev.n, np.nan)
    mask = np.zeros(len(ev.frame), dtype=bool)
    if len(rows):
        mask[rows] = True
        raw = _ratio(
            np.bincount(ev.acct[rows], weights=calls.risk[text].astype(float), minlength=ev.n),
            np.bincount(ev.acct[rows], minlength=ev.n),
        )
    return _used(ev, mask, raw)


# -- support ----------------------------------------------------------------------------------------


def tickets_per_month(ev: Events, w: int, _c: object, _s: object) -> Measured:
    m = _mask(ev, ("ticket_opened",), w)
    return _used(ev, m, _report_present(ev, "tickets", _count(ev, m) / (w / 30)))


def high_priority_share(ev: Events, w: int, _c: object, s: object) -> Measured:
    m = _mask(ev, ("ticket_opened",), w)
    codes, cats = _text(ev, "priority")
    wanted = {p.replace(" ", "").casefold() for p in s.high_priorities}  # type: ignore[attr-defined]
    high = np.array([c.replace(" ", "") in wanted for c in cats] + [False])[codes]
    return _used(ev, m, _ratio(_count(ev, m & high), _count(ev, m)))


def open_case_age(ev: Events, w: int, _c: object, _s: object) -> Measured:
    m = _mask(ev, ("ticket_opened",), w)
    still_open = m & ~_closed(ev, "ticket_closed", m)
    rows = np.flatnonzero(still_open)
    oldest = ev.reduce(np.maximum, rows, np.floor(ev.age[rows]), 0.0)
    had = _count(ev, ev.of("ticket_opened") & (ev.age >= 0) & (ev.acct >= 0)) > 0
    return _used(ev, still_open, np.where(had, oldest, np.nan))


def escalations(ev: Events, w: int, _c: object, _s: object) -> Measured:
    m = _mask(ev, ("ticket_opened",), w) & _bool(ev, "escalated")
    return _used(ev, m, _report_present(ev, "tickets", _count(ev, m)))


# -- billing ----------------------------------------------------------------------------------------


def _invoices_due(ev: Events, w: int) -> tuple[np.ndarray, np.ndarray]:
    """Invoices due in the window (their ``invoice_due`` rows), and which were paid by the as-of
    date (a payment made later was not known then)."""
    m = _mask(ev, ("invoice_due",), w)
    key = ("paid", w)
    if key not in ev._memo:
        ev._memo[key] = _closed(ev, "invoice_paid", m)
    return m, ev._memo[key]


def days_late(ev: Events, w: int, _c: object, _s: object) -> Measured:
    m, paid = _invoices_due(ev, w)
    late = np.where(paid, np.maximum(_float(ev, "days_late"), 0), np.floor(np.maximum(ev.age, 0)))
    late = np.where(np.isnan(late), 0.0, late)
    return _used(ev, m, _ratio(_sum(ev, m, late), _count(ev, m)))


def unpaid_amount(ev: Events, w: int, _c: object, _s: object) -> Measured:
    m, paid = _invoices_due(ev, w)
    amount = np.nan_to_num(_float(ev, "amount"))
    owed = m & ~paid & (ev.age >= 1)  # past its due day
    raw = np.where(_count(ev, m) > 0, _sum(ev, owed, amount), np.nan)
    return _used(ev, m, raw)


# -- usage ------------------------------------------------------------------------------------------


def _usage_months(ev: Events, w: int) -> pd.DataFrame:
    """Usage months in the window, newest first per account, with their rank (0: newest)."""
    m = _mask(ev, ("usage",), w)
    rows = np.flatnonzero(m)
    df = pd.DataFrame(
        {"a": ev.acct[rows], "age": ev.age[rows], "active": _float(ev, "active_users")[rows],
         "licensed": _float(ev, "licensed_users")[rows], "row": rows}
    ).sort_values(["a", "age"], kind="stable")  # fmt: skip
    df["rank"] = df.groupby("a").cumcount()
    return df


def adoption(ev: Events, w: int, _c: object, _s: object) -> Measured:
    df = _usage_months(ev, w)
    newest = df[(df["rank"] == 0) & (df["licensed"] > 0)]
    raw = np.full(ev.n, np.nan)
    raw[newest["a"].to_numpy()] = (newest["active"] / newest["licensed"]).to_numpy()
    mask = np.zeros(len(ev.frame), dtype=bool)
    mask[newest["row"].to_numpy()] = True
    return _used(ev, mask, raw)


def usage_trend(ev: Events, w: int, _c: object, _s: object) -> Measured:
    df = _usage_months(ev, w)
    df = df[df["rank"] < 6]
    a = df["a"].to_numpy()
    recent = np.bincount(a, weights=np.nan_to_num(df["active"].to_numpy()) * (df["rank"] < 3), minlength=ev.n)  # fmt: skip
    before = np.bincount(a, weights=np.nan_to_num(df["active"].to_numpy()) * (df["rank"] >= 3), minlength=ev.n)  # fmt: skip
    months = np.bincount(a, minlength=ev.n)
    raw = np.where(months >= 6, _ratio(recent, before) - 1, np.nan)
    mask = np.zeros(len(ev.frame), dtype=bool)
    mask[df["row"].to_numpy()] = True
    return _used(ev, mask, raw)


# -- surveys ----------------------------------------------------------------------------------------


def nps(ev: Events, w: int, _c: object, s: object) -> Measured:
    codes, cats = _text(ev, "question")
    needle = s.nps_question.casefold()  # type: ignore[attr-defined]
    is_nps = np.array([needle in c for c in cats] + [False])[codes]
    m = _mask(ev, ("survey_answer",), w) & is_nps
    rating = _float(ev, "rating")
    m &= ~np.isnan(rating)
    promoters = _count(ev, m & (rating >= 9))
    detractors = _count(ev, m & (rating <= 6))
    return _used(ev, m, 100 * _ratio(promoters - detractors, _count(ev, m)))


def survey_response_rate(ev: Events, w: int, _c: object, _s: object) -> Measured:
    m = _mask(ev, ("survey_answer", "survey_no_answer"), w)
    return _used(ev, m, _ratio(_count(ev, m & ev.of("survey_answer")), _count(ev, m)))


FUNCTIONS = {
    "touches_per_month": touches_per_month, "days_since_touch": days_since_touch,
    "contacts_engaged": contacts_engaged, "response_rate": response_rate,
    "response_hours": response_hours, "tone": tone, "risk_share": risk_share,
    "tickets_per_month": tickets_per_month, "high_priority_share": high_priority_share,
    "open_case_age": open_case_age, "escalations": escalations, "days_late": days_late,
    "unpaid_amount": unpaid_amount, "adoption": adoption, "usage_trend": usage_trend, "nps": nps,
    "survey_response_rate": survey_response_rate,
}  # fmt: skip
assert set(FUNCTIONS) == set(MEASURES)


def measure_types(name: str) -> tuple[str, ...]:
    return SOURCE_TYPES[name]


def windows_of(measures: dict[str, MeasureSettings]) -> dict[str, int]:
    return {m: s.window_days for m, s in measures.items()}
