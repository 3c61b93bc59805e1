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
    # Positions (ascending) of the events-table rows it read; None: not known (a hand-made one).
    rows: np.ndarray | None = None


@dataclass
class Events:
    """The events table prepared once: account positions, days before the as-of date, types.

    The measures read a few types each (a tenth of the table or less), so everything here works
    on row positions: :meth:`rows_of` finds a set of types' rows once, and a row's account
    (:meth:`acct_at`) and age (:meth:`age_at`) are worked out for the rows asked for only. No
    array as long as the table is made but the few row sets."""

    frame: pd.DataFrame
    key_codes: np.ndarray  # each row's account-key code (as the events table stores it)
    recode: np.ndarray | None  # key code -> position in the accounts list (-1: unknown); None: same
    type_code: np.ndarray
    types: list[str]
    n: int  # number of accounts
    as_of: pd.Timestamp
    sources: set[str] = field(default_factory=set)
    seconds: np.ndarray | None = None  # int64 seconds of each event's time (NaT: int64 min)
    line: np.ndarray | None = None  # int64 line of each event in its report
    # Row sets and text columns asked for again and again by the measures: computed once each.
    _memo: dict = field(default_factory=dict, repr=False)
    _accts: dict = field(default_factory=dict, repr=False)  # id(rows) -> (rows, their accounts)

    @property
    def size(self) -> int:
        """The number of events (rows of the table)."""
        return len(self.type_code)

    def acct_at(self, rows: np.ndarray) -> np.ndarray:
        """The position of each of ``rows``' account in the accounts list, -1: unknown."""
        known = self._known(rows)
        if known is not None:  # a row set of the memo: worked out once
            return known[1]
        # No account column as long as the table (120 MB at worldwide scale, a fresh mapping to
        # fault in): the rows' codes, then the small code -> position table.
        codes = self.key_codes[rows]
        return codes if self.recode is None else self.recode[codes]

    def forget_rows(self, keep: list[np.ndarray | None]) -> None:
        """Let go of the row sets found so far (each type's rows and their windows: about a
        gigabyte at worldwide scale) but ``keep`` (the rows the measures read), so that what
        comes after the measures reuses that memory instead of asking the system for more."""
        held = {id(r) for r in keep if r is not None}
        self._accts = {k: v for k, v in self._accts.items() if k in held}
        self._memo = {k: v for k, v in self._memo.items() if k[0] in ("span", "text")}

    def secs_at(self, rows: np.ndarray) -> np.ndarray:
        """The time of each of ``rows``' events as integer seconds (NaT: int64 min)."""
        known = self._known(rows)
        return known[2] if known is not None else self.seconds[rows]

    def _known(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        known = self._accts.get(id(rows))
        return known if known is not None and known[0] is rows else None

    def _keep(self, rows: np.ndarray, acct: np.ndarray, secs: np.ndarray) -> np.ndarray:
        """Remember the accounts and times of the row set ``rows`` (kept in the memo, so its
        ``id`` is not reused): the measures ask for them again and again."""
        self._accts[id(rows)] = (rows, acct, secs)
        return rows

    def age_at(self, rows: np.ndarray) -> np.ndarray:
        """Days from each of ``rows``' events to the end of the as-of date, less a nanosecond
        (float; negative: after it; NaN: no date)."""
        return self._age(self.secs_at(rows))

    def _end(self) -> tuple[int, int]:
        """The end of the as-of day (the day counts) as an integer in the unit numpy works the
        age out in, and how many of that unit make a second."""
        end = (self.as_of + pd.Timedelta(days=1)).to_datetime64()
        per_second = int(np.timedelta64(1, "s") / np.timedelta64(1, np.datetime_data(end.dtype)[0]))
        return int(end.astype(np.int64)), per_second

    def _age(self, secs: np.ndarray) -> np.ndarray:
        """``(as_of + 1 day - at) / 1 day - 1e-9`` exactly as numpy works it out on datetimes (in
        the finer unit of the two, divided as floats), on the integer seconds ``secs``."""
        end, per_second = self._end()
        diff = end - secs * per_second  # wraps where numpy's cast of the unit would
        return np.where(secs == NAT, np.nan, diff / float(86400 * per_second) - 1e-9)

    def _dated(self, secs: np.ndarray, days: float) -> np.ndarray:
        """Which of the times ``secs`` have ``0 <= age < days``. The age only falls as the time
        grows, so this is a range of seconds, found by working the age out near its two ends:
        two integer comparisons per row instead of the age of every row."""
        span = self._span(days)
        if span is None:  # times too far out to trust integer arithmetic: the ages themselves
            age = self._age(secs)
            return (age >= 0) & (age < days)
        return (secs >= span[0]) & (secs <= span[1])

    def _span(self, days: float) -> tuple[int, int] | None:
        """The first and last second with ``0 <= age < days``; None when the table holds times
        (other than NaT) too far out for the age's arithmetic to be monotonic, or a boundary is
        not where it should be."""
        key = ("span", days)
        if key not in self._memo:
            self._memo[key] = self._find_span(days) if self._plain() else None
        return self._memo[key]

    def _find_span(self, days: float) -> tuple[int, int] | None:
        end, per_second = self._end()
        end_s = end // per_second
        last = _last(lambda s: self._age(s) >= 0, end_s)
        if days == np.inf:
            return None if last is None else (NAT + 1, last)
        before = _last(lambda s: self._age(s) >= days, end_s - int(days) * 86400)
        return None if last is None or before is None else (before + 1, last)

    def _plain(self) -> bool:
        """Whether every time but NaT is near enough 1970 that ``secs * per_second`` cannot
        wrap (±292 years in nanoseconds, ±292,000 in microseconds)."""
        if ("plain",) not in self._memo:
            secs = self.seconds
            lo, hi = (int(secs.min()), int(secs.max())) if len(secs) else (0, 0)
            if lo == NAT:  # the earliest real time, then (a rare table with undated rows)
                real = secs[secs != NAT]
                lo = int(real.min()) if len(real) else 0
            safe = 2**62 // self._end()[1]
            self._memo[("plain",)] = -safe < lo and hi < safe
        return self._memo[("plain",)]

    def rows_of(self, *types: str) -> np.ndarray:
        """The positions (ascending) of the events of ``types``, of any account and date."""
        return self._typed(types)

    def is_type(self, rows: np.ndarray, kind: str) -> np.ndarray:
        """Which of ``rows`` are events of type ``kind``."""
        code = self.types.index(kind) if kind in self.types else -2  # -2: no code matches
        return self.type_code[rows] == code

    def rows_within(self, types: tuple[str, ...], days: float, known: bool = True) -> np.ndarray:
        """The positions (ascending) of the events of ``types`` dated within ``days`` up to the
        as-of date (``np.inf``: any age); only those of an account of the accounts list unless
        ``known`` is False."""
        key = ("within", types, days, known)
        if key not in self._memo:
            self._memo[key] = self._window(types, days, known)
        return self._memo[key]

    def rows_by(self, types: tuple[str, ...]) -> np.ndarray:
        """The positions (ascending) of the events of ``types`` of known accounts dated on or
        before the as-of date (any age)."""
        return self.rows_within(types, np.inf)

    def _window(self, types: tuple[str, ...], days: float, known: bool) -> np.ndarray:
        """The rows of ``types`` with ``0 <= age < days`` (of known accounts if ``known``), their
        accounts and times kept with them. The times and accounts are looked up for these rows
        only: the types' own rows are kept as positions alone, a third of the memory."""
        wider = self._wider(types, days, known)
        if wider is None:
            rows = self._typed(types)
            secs = self.seconds[rows]
            dated = self._dated(secs, days)
            rows, secs = rows[dated], secs[dated]
            acct = self.acct_at(rows)
        else:  # a window already found that holds this one: filter its rows, not the type's
            rows, acct, secs = self._known(wider)
            dated = self._dated(secs, days)
            rows, secs, acct = rows[dated], secs[dated], acct[dated]
        if known:
            mine = acct >= 0
            rows, secs, acct = rows[mine], secs[mine], acct[mine]
        return self._keep(rows, acct, secs)

    def _wider(self, types: tuple[str, ...], days: float, known: bool) -> np.ndarray | None:
        """The smallest window of ``types`` found so far that holds every row of this one (as
        long or longer; of all accounts unless only known ones are asked for), if any: the
        same test of the times on fewer rows gives the same rows."""
        found = [
            rows for k, rows in self._memo.items()
            if k[0] == "within" and k[1] == types and k[2] >= days and (known or not k[3])
        ]  # fmt: skip
        return min(found, key=len) if found else None

    def _typed(self, types: tuple[str, ...]) -> np.ndarray:
        """The rows of ``types`` (positions, ascending): found once per set of types (a
        comparison of the small type codes, cheaper than any sort), then filtered by each
        window."""
        key = ("typed", types)
        if key not in self._memo:
            hit = np.zeros(self.size, dtype=bool)
            for code in {self.types.index(t) for t in types if t in self.types}:
                hit |= self.type_code == code
            self._memo[key] = np.flatnonzero(hit)
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
        a = self.acct_at(rows)
        starts = np.flatnonzero(np.r_[True, a[1:] != a[:-1]])
        ufunc.at(out, a[starts], ufunc.reduceat(values, starts))
        return out


NAT = np.iinfo(np.int64).min  # numpy's NaT as int64: below every time


def _last(holds, guess: int) -> int | None:
    """The last second ``s`` near ``guess`` for which ``holds(s)`` (true up to a point, false
    after it), or None when the boundary is not within a few seconds of ``guess``."""
    probe = np.arange(guess - 4, guess + 5, dtype=np.int64)
    ok = holds(probe)
    if not ok[0] or ok[-1] or not np.all(ok[:-1] >= ok[1:]):
        return None
    return int(probe[ok][-1])


def prepare(events: pd.DataFrame, account_keys: pd.Index, as_of: date) -> Events:
    """Index ``events`` by the positions of their accounts in ``account_keys``."""
    key = events["account_key"]
    if isinstance(key.dtype, pd.CategoricalDtype):
        key_codes = key.cat.codes.to_numpy()
        # code -1 (no key) takes the appended -1
        recode = np.append(account_keys.get_indexer(key.cat.categories.astype("str")), -1)
    else:
        key_codes, recode = account_keys.get_indexer(key.astype("str")).astype(np.int64), None
    kind = events["type"]
    if isinstance(kind.dtype, pd.CategoricalDtype):
        type_code, types = kind.cat.codes.to_numpy(), [str(t) for t in kind.cat.categories]
    else:
        type_code, uniq = pd.factorize(kind.astype("str"))
        types = [str(t) for t in uniq]
    seconds = events["at"].to_numpy(dtype="datetime64[s]").view(np.int64)
    src = events["source"]
    if isinstance(src.dtype, pd.CategoricalDtype):  # the codes in use, not 14 million strings
        codes = src.cat.codes.to_numpy()
        present = [str(c) for i, c in enumerate(src.cat.categories) if (codes == i).any()]
    else:
        present = [str(x) for x in pd.unique(src.astype("str"))]
    return Events(
        events, key_codes, recode, type_code, types, len(account_keys), pd.Timestamp(as_of),
        set(present), seconds, events["line"].to_numpy(dtype=np.int64),
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
# ``rows`` below are always positions (ascending) of events of known accounts.


def _count(ev: Events, rows: np.ndarray) -> np.ndarray:
    return np.bincount(ev.acct_at(rows), minlength=ev.n).astype(np.float64)


def _sum(ev: Events, rows: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Per account, the sum of ``values`` (one per row of ``rows``), in row order."""
    return np.bincount(ev.acct_at(rows), weights=values, minlength=ev.n)


def _newest(ev: Events, rows: np.ndarray) -> np.ndarray:
    """The newest event's time per account among ``rows`` (NaT for none)."""
    return ev.reduce(np.maximum, rows, ev.secs_at(rows), NAT).view("datetime64[s]")  # NAT: NaT


def _used(ev: Events, rows: np.ndarray, raw: np.ndarray) -> Measured:
    count = np.bincount(ev.acct_at(rows), minlength=ev.n)
    return Measured(raw, _newest(ev, rows), count, rows)


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)


def _text(ev: Events, col: str, rows: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """A text column at ``rows`` as (codes, lower-cased stripped categories); -1 for null or
    blank. The categories are cleaned once per column; only the rows' codes are read."""
    key = ("text", col)
    if key not in ev._memo:
        ev._memo[key] = _text_of(ev, col)
    codes, cats, blank = ev._memo[key]
    at = codes[rows].astype(np.int64)
    return np.where(blank[at], -1, at), cats  # code -1 indexes the trailing True


def _text_of(ev: Events, col: str) -> tuple[np.ndarray, list[str], np.ndarray]:
    """A text column's codes (as stored), cleaned categories, and which codes are blank (the
    last entry, for code -1, is)."""
    s = ev.frame[col] if col in ev.frame else pd.Series([None] * len(ev.frame), dtype="str")
    if not isinstance(s.dtype, pd.CategoricalDtype):
        s = s.astype("category")
    cats = pd.Index(s.cat.categories.astype("str")).str.strip()
    if col != "contact":  # contacts are told apart by their codes: no need to fold 100,000s
        cats = cats.str.casefold()
    blank = np.append(np.asarray(cats == "", dtype=bool), True)
    return s.cat.codes.to_numpy(), cats.tolist(), blank


def _table(cats: list[str], test) -> np.ndarray:
    """``test`` of each category, and False for code -1 (the last entry): index it by codes."""
    return np.array([bool(test(c)) for c in cats] + [False], dtype=bool)


def _bool(ev: Events, col: str, rows: np.ndarray) -> np.ndarray:
    s = ev.frame.get(col, None)
    if s is None:
        return np.zeros(len(rows), dtype=bool)
    return s.iloc[rows].fillna(False).to_numpy(dtype=bool)


def _float(ev: Events, col: str, rows: np.ndarray) -> np.ndarray:
    if col not in ev.frame:
        return np.full(len(rows), np.nan)
    return ev.frame[col].iloc[rows].to_numpy(dtype=np.float64, na_value=np.nan)


def _report_present(ev: Events, source: str, raw: np.ndarray) -> np.ndarray:
    """A count is a value only when its report is present at all."""
    return raw if source in ev.sources else np.full(ev.n, np.nan)


def _closed(ev: Events, closing_type: str, rows: np.ndarray) -> np.ndarray:
    """Whether each of ``rows`` (opening events: a case opened, an invoice due) was closed (or
    paid) on or before the as-of date: its line has a closing event (of any account) by then.
    A table indexed by line, not a set of lines: one pass, no hashing."""
    closing = ev.rows_within((closing_type,), np.inf, known=False)
    if not len(closing) or not len(rows):
        return np.zeros(len(rows), dtype=bool)
    lines = ev.line[rows]
    table = np.zeros(max(int(ev.line[closing].max()), int(lines.max())) + 1, dtype=bool)
    table[ev.line[closing]] = True
    return table[lines]


# -- engagement -------------------------------------------------------------------------------------


def touches_per_month(ev: Events, w: int, _c: object, _s: object) -> Measured:
    r = ev.rows_within(ACTIVITY_TYPES, w)
    return _used(ev, r, _report_present(ev, "activities", _count(ev, r) / (w / 30)))


def days_since_touch(ev: Events, w: int, _c: object, _s: object) -> Measured:
    r = ev.rows_within(ACTIVITY_TYPES, w)
    youngest = ev.reduce(np.minimum, r, ev.age_at(r), np.inf)
    raw = np.where(np.isfinite(youngest), np.floor(youngest), np.nan)
    return _used(ev, r, raw)


def contacts_engaged(ev: Events, w: int, _c: object, _s: object) -> Measured:
    r = ev.rows_within(ACTIVITY_TYPES, w)
    codes, cats = _text(ev, "contact", r)
    k = codes >= 0
    # Whether the export says who at all (on any activity, of any date): asked of all the
    # activities only when none in the window says.
    if not k.any() and not (_text(ev, "contact", ev.rows_of(*ACTIVITY_TYPES))[0] >= 0).any():
        return _used(ev, r[:0], np.full(ev.n, np.nan))  # the export does not say who
    # Distinct (account, contact) pairs, each packed into one integer.
    pairs = np.unique(ev.acct_at(r[k]) * (len(cats) + 1) + codes[k])
    raw = np.bincount(pairs // (len(cats) + 1), minlength=ev.n).astype(np.float64)
    return _used(ev, r, _report_present(ev, "activities", raw))


def _directions(ev: Events, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which of ``rows`` are inbound (the customer wrote) and which outbound."""
    codes, cats = _text(ev, "direction", rows)
    inbound = _table(cats, lambda c: c.startswith("in"))[codes]
    outbound = _table(cats, lambda c: c.startswith("out"))[codes]
    return inbound, outbound


def response_rate(ev: Events, w: int, _c: object, _s: object) -> Measured:
    r = ev.rows_within(ACTIVITY_TYPES, w)
    inbound, outbound = _directions(ev, r)
    raw = np.minimum(_ratio(_count(ev, r[inbound]), _count(ev, r[outbound])), 1.0)
    return _used(ev, r[inbound | outbound], raw)


def response_hours(ev: Events, w: int, _c: object, _s: object) -> Measured:
    """Each inbound activity answers the latest outbound one before it on the account; only the
    first answer to an e-mail measures how fast the customer answered it."""
    r = ev.rows_within(ACTIVITY_TYPES, w)
    inbound, outbound = _directions(ev, r)
    either = inbound | outbound
    read = r[either]
    is_in, is_out = inbound[either], outbound[either]
    secs, acct = ev.seconds[read], ev.acct_at(read)
    if not _in_order(acct, secs, is_out):
        order = np.lexsort((~is_out, secs, acct))  # an e-mail sent in the same second first
        is_in, is_out, secs, acct = is_in[order], is_out[order], secs[order], acct[order]
    pos = np.arange(len(read))
    last_out = np.maximum.accumulate(np.where(is_out, pos, -1)) if len(read) else pos
    answer = is_in & (last_out >= 0)
    answer &= acct[np.maximum(last_out, 0)] == acct  # an e-mail to the same account
    sent, got = last_out[answer], pos[answer]
    # The first answer to each e-mail: ``sent`` never decreases (a running maximum), so each
    # e-mail's answers come together and its first is where ``sent`` changes (no sort).
    first = np.flatnonzero(np.r_[True, sent[1:] != sent[:-1]]) if len(sent) else sent
    hours = (secs[got[first]] - secs[sent[first]]) / 3600.0
    raw = np.full(ev.n, np.nan)
    if len(hours):
        med = pd.Series(hours).groupby(acct[got[first]]).median()
        raw[med.index.to_numpy()] = med.to_numpy()
    return _used(ev, read, raw)


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
    if calls is None:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    r = ev.rows_within(measure_types("tone"), w)
    text = calls.text_of_row[r]
    has = text >= 0
    return r[has], text[has]


def tone(ev: Events, w: int, calls: TextCalls | None, _s: object) -> Measured:
    rows, text = _text_rows(ev, w, calls)
    raw = np.full(ev.n, np.nan)
    if len(rows):
        signal = calls.signal[text]
        rows, text = rows[signal], text[signal]
        raw = _ratio(
            np.bincount(ev.acct_at(rows), weights=calls.compound[text], minlength=ev.n),
            np.bincount(ev.acct_at(rows), minlength=ev.n),
        )
    return _used(ev, rows, raw)


def risk_share(ev: Events, w: int, calls: TextCalls | None, _s: object) -> Measured:
    rows, text = _text_rows(ev, w, calls)
    raw = np.full(ev.n, np.nan)
    if len(rows):
        raw = _ratio(
            np.bincount(ev.acct_at(rows), weights=calls.risk[text].astype(float), minlength=ev.n),
            np.bincount(ev.acct_at(rows), minlength=ev.n),
        )
    return _used(ev, rows, raw)


# -- support ----------------------------------------------------------------------------------------


def tickets_per_month(ev: Events, w: int, _c: object, _s: object) -> Measured:
    r = ev.rows_within(("ticket_opened",), w)
    return _used(ev, r, _report_present(ev, "tickets", _count(ev, r) / (w / 30)))


def high_priority_share(ev: Events, w: int, _c: object, s: object) -> Measured:
    r = ev.rows_within(("ticket_opened",), w)
    codes, cats = _text(ev, "priority", r)
    wanted = {p.replace(" ", "").casefold() for p in s.high_priorities}  # type: ignore[attr-defined]
    high = _table(cats, lambda c: c.replace(" ", "") in wanted)[codes]
    return _used(ev, r, _ratio(_count(ev, r[high]), _count(ev, r)))


def open_case_age(ev: Events, w: int, _c: object, _s: object) -> Measured:
    r = ev.rows_within(("ticket_opened",), w)
    still_open = r[~_closed(ev, "ticket_closed", r)]
    oldest = ev.reduce(np.maximum, still_open, np.floor(ev.age_at(still_open)), 0.0)
    had = _count(ev, ev.rows_by(("ticket_opened",))) > 0
    return _used(ev, still_open, np.where(had, oldest, np.nan))


def escalations(ev: Events, w: int, _c: object, _s: object) -> Measured:
    r = ev.rows_within(("ticket_opened",), w)
    r = r[_bool(ev, "escalated", r)]
    return _used(ev, r, _report_present(ev, "tickets", _count(ev, r)))


# -- billing ----------------------------------------------------------------------------------------


def _invoices_due(ev: Events, w: int) -> tuple[np.ndarray, np.ndarray]:
    """Invoices due in the window (their ``invoice_due`` rows), and which were paid by the as-of
    date (a payment made later was not known then)."""
    r = ev.rows_within(("invoice_due",), w)
    key = ("paid", w)
    if key not in ev._memo:
        ev._memo[key] = _closed(ev, "invoice_paid", r)
    return r, ev._memo[key]


def days_late(ev: Events, w: int, _c: object, _s: object) -> Measured:
    r, paid = _invoices_due(ev, w)
    age = ev.age_at(r)
    late = np.where(paid, np.maximum(_float(ev, "days_late", r), 0), np.floor(np.maximum(age, 0)))
    late = np.where(np.isnan(late), 0.0, late)
    return _used(ev, r, _ratio(_sum(ev, r, late), _count(ev, r)))


def unpaid_amount(ev: Events, w: int, _c: object, _s: object) -> Measured:
    r, paid = _invoices_due(ev, w)
    amount = np.nan_to_num(_float(ev, "amount", r))
    owed = ~paid & (ev.age_at(r) >= 1)  # past its due day
    raw = np.where(_count(ev, r) > 0, _sum(ev, r[owed], amount[owed]), np.nan)
    return _used(ev, r, raw)


# -- usage ------------------------------------------------------------------------------------------


@dataclass
class _Months:
    """Usage months in a window, newest first per account, with their rank (0: newest)."""

    a: np.ndarray
    active: np.ndarray
    licensed: np.ndarray
    row: np.ndarray
    rank: np.ndarray


def _usage_months(ev: Events, w: int) -> _Months:
    key = ("months", w)
    if key not in ev._memo:
        r = ev.rows_within(("usage",), w)
        a = ev.acct_at(r)
        order = np.lexsort((ev.age_at(r), a))  # by account, then newest first (stable)
        r, a = r[order], a[order]
        starts = np.flatnonzero(np.r_[True, a[1:] != a[:-1]]) if len(a) else np.zeros(0, np.int64)
        rank = np.arange(len(a)) - np.repeat(starts, np.diff(np.r_[starts, len(a)]))
        active, licensed = _float(ev, "active_users", r), _float(ev, "licensed_users", r)
        ev._memo[key] = _Months(a, active, licensed, r, rank)
    return ev._memo[key]


def adoption(ev: Events, w: int, _c: object, _s: object) -> Measured:
    u = _usage_months(ev, w)
    newest = (u.rank == 0) & (u.licensed > 0)
    raw = np.full(ev.n, np.nan)
    raw[u.a[newest]] = u.active[newest] / u.licensed[newest]
    return _used(ev, np.sort(u.row[newest]), raw)


def usage_trend(ev: Events, w: int, _c: object, _s: object) -> Measured:
    u = _usage_months(ev, w)
    last6 = u.rank < 6
    a, rank, active = u.a[last6], u.rank[last6], np.nan_to_num(u.active[last6])
    recent = np.bincount(a, weights=active * (rank < 3), minlength=ev.n)
    before = np.bincount(a, weights=active * (rank >= 3), minlength=ev.n)
    months = np.bincount(a, minlength=ev.n)
    raw = np.where(months >= 6, _ratio(recent, before) - 1, np.nan)
    return _used(ev, np.sort(u.row[last6]), raw)


# -- surveys ----------------------------------------------------------------------------------------


def nps(ev: Events, w: int, _c: object, s: object) -> Measured:
    r = ev.rows_within(("survey_answer",), w)
    codes, cats = _text(ev, "question", r)
    needle = s.nps_question.casefold()  # type: ignore[attr-defined]
    rating = _float(ev, "rating", r)
    keep = _table(cats, lambda c: needle in c)[codes] & ~np.isnan(rating)
    r, rating = r[keep], rating[keep]
    promoters = _count(ev, r[rating >= 9])
    detractors = _count(ev, r[rating <= 6])
    return _used(ev, r, 100 * _ratio(promoters - detractors, _count(ev, r)))


def survey_response_rate(ev: Events, w: int, _c: object, _s: object) -> Measured:
    r = ev.rows_within(("survey_answer", "survey_no_answer"), w)
    answered = r[ev.is_type(r, "survey_answer")]
    return _used(ev, r, _ratio(_count(ev, answered), _count(ev, r)))


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
