"""Journeys (seed 003's exploration): each account's path through the stages, and three scenarios.

- **drop-off**: per stage, how many accounts reached it and how many went no further before going
  silent or churning (the stages after which accounts most often drop off);
- **before support**: the stages and stage sequences that precede a support case within
  ``before_support_days``, with their lift over the base rate;
- **paths that pay**: the most common paths of the accounts with the most revenue and the fewest
  cases against those of the rest.

Everything is computed with array operations over the events table (sorted by account, then time),
never a loop over accounts: the stage of every event by the ordered rules of
:class:`~transform.journey_settings.JourneySettings`, each account's path as a row of stage codes
(each stage at its first occurrence, then the terminal stage), variants as the distinct rows, and
"is a case within N days after" by one binary search over (account, time) keys.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from hcportal.transform.journey_settings import CHURN, SILENCE, TERMINALS, JourneySettings
from hcportal.transform.steps import Context, Frames, Step

SEP = " > "
DAY_S = 86_400
LOW, HIGH = np.iinfo(np.int64).min, np.iinfo(np.int64).max
# Events that come from the account (or its use of the product): what silence is the absence of.
SIGNALS = (
    "activity", "health_check", "ticket_opened", "ticket_closed", "invoice_paid",
    "survey_answer", "usage",
)  # fmt: skip


@dataclass
class StageStream:
    """Every event that is a stage, in (account, time) order: account codes into ``accounts``,
    seconds since the epoch, and stage codes into ``names``."""

    acct: np.ndarray
    sec: np.ndarray
    stage: np.ndarray
    accounts: pd.Index
    names: list[str]
    line: np.ndarray | None = None  # each event's line in its report (the events table's `line`)

    def __len__(self) -> int:
        return len(self.acct)


# -- small helpers --------------------------------------------------------------------------------


def _codes(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """A text column as (codes, distinct values), without converting a categorical's values."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.codes.to_numpy(np.int64), pd.Index(values.cat.categories.astype(str))
    codes, uniques = pd.factorize(values.astype(str), sort=True)
    return codes.astype(np.int64), pd.Index(uniques)


def _matches(values: pd.Series, rows: np.ndarray, pattern: str) -> np.ndarray:
    """Whether the text at ``rows`` matches ``pattern`` (case-insensitive); a categorical is
    matched once per distinct value, then looked up by code."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        cats = pd.Series(values.cat.categories.astype(str))
        hit = np.append(cats.str.contains(pattern, case=False, regex=True).to_numpy(bool), False)
        return hit[values.cat.codes.to_numpy()[rows]]  # code -1 (blank) picks the appended False
    part = values.iloc[rows]
    text = part.astype(object).where(part.notna(), "")
    return text.astype(str).str.contains(pattern, case=False, regex=True).to_numpy(bool)


def _seconds(values: pd.Series | np.ndarray) -> np.ndarray:
    return np.asarray(values, dtype="datetime64[s]").view(np.int64)


def _per_account(acct: np.ndarray, values: np.ndarray, n: int, how: str, empty: int) -> np.ndarray:
    """The max (or min) of ``values`` per account code 0..n-1; ``empty`` for none. (A group-by:
    numpy's ``maximum.at`` is an order of magnitude slower on millions of rows.)"""
    out = np.full(n, empty, dtype=np.int64)
    if len(acct):
        g = pd.Series(values).groupby(acct).agg(how)
        out[g.index.to_numpy()] = g.to_numpy()
    return out


def _as_of_end(as_of: date) -> int:
    """The last second of the as-of date: events after it have not happened yet."""
    return int(np.datetime64(as_of, "s").astype(np.int64)) + DAY_S - 1


# -- stages ---------------------------------------------------------------------------------------


def contract_kinds(acct: np.ndarray, sec: np.ndarray, product: pd.Series, onboarding_days: int):
    """For contract starts in (account, time) order: ``first`` (within ``onboarding_days`` of the
    account's first start), ``renewal`` (a product the account had before) or ``expansion``."""
    n = len(acct)
    if n == 0:
        return np.zeros(0, dtype=object)
    new_acct = np.r_[True, acct[1:] != acct[:-1]]
    first_sec = np.maximum.accumulate(np.where(new_acct, np.arange(n), 0))
    first = sec <= sec[first_sec] + onboarding_days * DAY_S
    prod = pd.Series(np.asarray(product.astype(object).where(product.notna(), "")).astype(str))
    seen = pd.DataFrame({"a": acct, "p": prod.str.casefold()}).duplicated().to_numpy()
    return np.where(first, "first", np.where(seen, "renewal", "expansion"))


class _Types:
    """The rows of each event type, found once per type (a comparison of small integer codes)."""

    def __init__(self, types: pd.Series) -> None:
        self.codes, self.names = _codes(types)
        self.small = self.codes.astype(np.int16) if len(self.names) < 32_000 else self.codes
        self._rows: dict[str, np.ndarray] = {}

    def rows(self, wanted: list[str]) -> np.ndarray:
        """The rows of these types, in order."""
        for t in wanted:
            if t not in self._rows:
                at = self.names.get_indexer([t])[0]
                self._rows[t] = np.flatnonzero(self.small == at) if at >= 0 else np.zeros(0, int)
        parts = [self._rows[t] for t in dict.fromkeys(wanted)]
        return np.sort(np.concatenate(parts)) if len(parts) > 1 else parts[0]

    def mask(self, wanted: list[str]) -> np.ndarray:
        out = np.zeros(len(self.codes), dtype=bool)
        out[self.rows(wanted)] = True
        return out


@dataclass
class EventArrays:
    """The events table's account codes, seconds and types, taken out once."""

    acct: np.ndarray
    accounts: pd.Index
    sec: np.ndarray
    types: _Types

    @classmethod
    def of(cls, events: pd.DataFrame) -> EventArrays:
        acct, accounts = _codes(events["account_key"])
        return cls(acct, accounts, _seconds(events["at"]), _Types(events["type"]))

    @functools.cached_property
    def ordered(self) -> bool:
        """Rows in (account code, time) order, as the events table keeps them."""
        a, t = self.acct, self.sec
        return bool(np.all((a[1:] > a[:-1]) | ((a[1:] == a[:-1]) & (t[1:] >= t[:-1]))))


def stage_stream(
    events: pd.DataFrame, settings: JourneySettings, as_of: date, arrays: EventArrays | None = None
) -> StageStream:
    """The events that are stages (by the first rule each matches), up to the as-of date.
    ``events`` in (account, time) order, as the events table keeps them (:func:`journey_tables`
    puts any other table in that order).

    Columns are read only at the rows a rule looks at: the events table has millions of rows and
    some thirty columns, so it is never copied or filtered whole."""
    arrays = arrays or EventArrays.of(events)
    acct, accounts, sec, kind = arrays.acct, arrays.accounts, arrays.sec, arrays.types
    names = settings.stage_names
    stage = np.full(len(events), -1, dtype=np.int16)
    stage[sec > _as_of_end(as_of)] = -2  # not yet happened: no rule may take it
    starts = kind.rows(["contract_start"])
    starts = starts[stage[starts] == -1]
    kinds = np.full(len(events), "", dtype=object)
    if "product" in events and len(starts):
        kinds[starts] = contract_kinds(
            acct[starts], sec[starts], events["product"].iloc[starts], settings.onboarding_days
        )
    for rule in settings.stages:
        cand = kind.rows(rule.types)
        cand = cand[stage[cand] == -1]
        if not len(cand):
            continue
        ok = np.ones(len(cand), dtype=bool)
        if rule.subject:
            ok &= _matches(events["subject"], cand, rule.subject) if "subject" in events else False
        if rule.escalated is not None:
            esc = events["escalated"].iloc[cand] if "escalated" in events else pd.Series(False)
            ok &= esc.fillna(False).to_numpy(dtype=bool) == rule.escalated
        if rule.contract:
            ok &= kinds[cand] == rule.contract
        if rule.min_active_share is not None:
            active = events["active_users"].iloc[cand].to_numpy(dtype=float)
            licensed = events["licensed_users"].iloc[cand].to_numpy(dtype=float)
            with np.errstate(divide="ignore", invalid="ignore"):
                share = active / licensed
            ok &= np.nan_to_num(share, nan=-1.0) >= rule.min_active_share
        stage[cand[ok]] = names.index(rule.stage)
    hit = stage >= 0
    line = events["line"].to_numpy()[hit] if "line" in events else np.flatnonzero(hit)
    return StageStream(acct[hit], sec[hit], stage[hit], accounts, names, line.astype(np.int64))


def terminals(
    events: pd.DataFrame, contracts: pd.DataFrame, accounts: pd.Index, settings: JourneySettings,
    as_of: date, arrays: EventArrays | None = None,
) -> pd.DataFrame:  # fmt: skip
    """Per account (positions of ``accounts``): its terminal stage (``churn``: it had contracts and
    none is active on the as-of date; ``silence``: still a customer and no signal for
    ``silence_days``; blank otherwise) and when it began (seconds)."""
    n = len(accounts)
    end_of_day = _as_of_end(as_of)
    as_of_s = end_of_day - DAY_S + 1
    con_acct = accounts.get_indexer(contracts["account_key"].astype(str))
    ok = con_acct >= 0
    con_acct = con_acct[ok]
    start = _seconds(contracts["start"])[ok]
    end_dt = contracts["end"].to_numpy(dtype="datetime64[s]")[ok]
    evergreen = np.isnat(end_dt)
    end = np.where(evergreen, np.iinfo(np.int64).max, end_dt.astype(np.int64))
    has_contract = np.bincount(con_acct, minlength=n) > 0
    started = start <= end_of_day
    active = np.zeros(n, dtype=bool)
    active[con_acct[started & (end >= as_of_s)]] = True
    last_end = _per_account(con_acct, np.where(started, end, LOW), n, "max", LOW)
    first_start = _per_account(con_acct, start, n, "min", HIGH)

    arrays = arrays or EventArrays.of(events)
    # The events' codes are into their own categories: translate to positions of `accounts`.
    same = arrays.accounts.equals(accounts)
    acct = (
        arrays.acct if same else np.append(accounts.get_indexer(arrays.accounts), -1)[arrays.acct]
    )
    sec = arrays.sec
    signal = arrays.types.mask(list(SIGNALS)) & (sec <= end_of_day) & (acct >= 0)
    a_sig, s_sig = acct[signal], sec[signal]
    if same and arrays.ordered:  # in time order per account: its last signal is its last row
        last_signal = np.full(n, LOW, dtype=np.int64)
        ends = np.r_[a_sig[1:] != a_sig[:-1], True] if len(a_sig) else np.zeros(0, bool)
        last_signal[a_sig[ends]] = s_sig[ends]
    else:
        last_signal = _per_account(a_sig, s_sig, n, "max", LOW)
    since = np.maximum(last_signal, np.where(has_contract, first_start, last_signal))
    churn = has_contract & ~active & (last_end > np.iinfo(np.int64).min)
    quiet_from = since + settings.silence_days * DAY_S
    silence = ~churn & has_contract & (quiet_from <= end_of_day)
    terminal = np.where(churn, CHURN, np.where(silence, SILENCE, ""))
    at = np.where(churn, last_end, np.where(silence, quiet_from, np.iinfo(np.int64).min))
    return pd.DataFrame({"terminal": terminal, "terminal_sec": at})


# -- paths ----------------------------------------------------------------------------------------


def paths(stream: StageStream, term: pd.DataFrame, only: list[str] | None = None) -> pd.DataFrame:
    """Per account (positions of ``stream.accounts``): its path (each stage at its first
    occurrence, then its terminal; ``only``: just these stages), and its last stage before the
    terminal. Accounts with the same path share a variant: one row of stage codes each."""
    n, names = len(stream.accounts), stream.names
    acct, stage = stream.acct.astype(np.int64), stream.stage.astype(np.int64)
    if only is not None:
        keep = np.isin(stage, [names.index(x) for x in only if x in names])
        acct, stage = acct[keep], stage[keep]
    # Each (account, stage) at its first occurrence, order kept: a hash of one int64 per pair.
    once = ~pd.Series(acct * len(names) + stage).duplicated().to_numpy()
    first = np.column_stack([acct[once], stage[once]])
    t_code = np.array([names.index(x) if x else -1 for x in (*TERMINALS, "")])
    term_codes = np.select(
        [term["terminal"].to_numpy() == CHURN, term["terminal"].to_numpy() == SILENCE],
        [t_code[0], t_code[1]], -1,
    )  # fmt: skip
    has_t = np.flatnonzero(term_codes >= 0)
    rows = np.concatenate([first, np.column_stack([has_t, term_codes[has_t]])])
    rows = rows[np.argsort(rows[:, 0], kind="stable")]
    a, s = rows[:, 0], rows[:, 1]
    new = np.r_[True, a[1:] != a[:-1]] if len(a) else np.zeros(0, bool)
    pos = np.arange(len(a)) - np.maximum.accumulate(np.where(new, np.arange(len(a)), 0))
    width = int(pos.max()) + 1 if len(pos) else 1
    matrix = np.full((n, width), -1, dtype=np.int16)
    matrix[a, pos] = s
    variants, variant = _distinct_rows(matrix, len(names))
    labels = np.array([SEP.join(names[c] for c in row if c >= 0) for row in variants], dtype=object)
    nonterminal = np.where(np.isin(matrix, t_code[:2]), -1, matrix)
    length = (nonterminal >= 0).sum(axis=1)
    last = nonterminal[np.arange(n), np.maximum(length - 1, 0)]
    # Text as categoricals over the few distinct values: 100,000 accounts share a few thousand
    # paths, and a column of 100,000 strings costs more to build than everything else here.
    last_code = np.where(length > 0, last, len(names))
    return pd.DataFrame({
        "path": pd.Categorical.from_codes(variant, categories=pd.Index(labels.astype(str)),
                                          validate=False),
        "stages": (matrix >= 0).sum(axis=1),
        "last_stage": pd.Categorical.from_codes(last_code, categories=[*names, ""],
                                                validate=False),
        "terminal": pd.Categorical(term["terminal"].to_numpy(), categories=["", *TERMINALS]),
    })  # fmt: skip


def _distinct_rows(matrix: np.ndarray, codes: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of a matrix of stage codes (-1 for none), and each row's among them.
    A row packs into one int64 when its codes fit (the default 11 stages take 4 bits each, so a
    path of up to 15 stages does): one sort of integers instead of a sort of rows."""
    bits = max(int(codes).bit_length(), 1)  # codes + 1 fits in `bits` bits
    if matrix.shape[1] * bits <= 62:
        packed = np.zeros(len(matrix), dtype=np.int64)
        for k in range(matrix.shape[1]):
            packed = (packed << bits) | (matrix[:, k].astype(np.int64) + 1)
        _, first, inverse = np.unique(packed, return_index=True, return_inverse=True)
        return matrix[first], inverse.ravel()
    variants, inverse = np.unique(matrix, axis=0, return_inverse=True)
    return variants, inverse.ravel()


def dropoff(per_account: pd.DataFrame, names: list[str], min_accounts: int) -> pd.DataFrame:
    """Per stage: accounts that reached it, those whose last stage it was before going silent or
    churning, and the rate; ``rank`` 1 is the stage after which most accounts drop off."""
    stages = [s for s in names if s not in TERMINALS]
    at = {s: k for k, s in enumerate(stages)}
    # A path names each stage once, so counting its stages counts accounts. Accounts share a few
    # thousand distinct paths at most: each is split once and counted as often as it occurs.
    codes, distinct = pd.factorize(per_account["path"].astype(str))
    times = np.bincount(codes, minlength=len(distinct)) if len(codes) else np.zeros(0, np.int64)
    reached = np.zeros(len(stages), dtype=np.int64)
    position = np.zeros(len(stages))  # summed, for the mean place where a stage is reached
    for path, count in zip(distinct, times, strict=True):
        for k, stage in enumerate(str(path).split(SEP)):
            if stage in at:
                reached[at[stage]] += count
                position[at[stage]] += k * count
    # The journey's order: where in their paths accounts reach a stage, on average.
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_pos = np.where(reached > 0, position / np.maximum(reached, 1), np.inf)
    ended = per_account[per_account["terminal"].isin(TERMINALS)]
    pairs = ended.groupby(["last_stage", "terminal"], observed=True).size()
    silent = np.array([pairs.get((s, SILENCE), 0) for s in stages], dtype=np.int64)
    churned = np.array([pairs.get((s, CHURN), 0) for s in stages], dtype=np.int64)
    dropped = silent + churned
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(reached > 0, dropped / np.maximum(reached, 1), np.nan)
    out = pd.DataFrame({
        "stage": stages,
        "order": np.empty(len(stages), dtype=np.int64),
        "reached": reached.astype(np.int64),
        "dropped": dropped.astype(np.int64),
        "went_silent": silent.astype(np.int64),
        "churned": churned.astype(np.int64),
        "rate": rate.astype(float),
        "thin": reached < min_accounts,
    })  # fmt: skip
    by_place = np.lexsort((np.arange(len(stages)), mean_pos))
    out.loc[by_place, "order"] = np.arange(1, len(stages) + 1)
    out = out.sort_values("order").reset_index(drop=True)
    ranked = out.sort_values(["dropped", "rate", "order"], ascending=[False, False, True])
    out["rank"] = pd.Series(np.arange(1, len(out) + 1), index=ranked.index).astype(np.int64)
    return out


# -- before support -------------------------------------------------------------------------------


def _packed(acct: np.ndarray, sec: np.ndarray, base: int) -> np.ndarray:
    """(account, time) as one sortable int64: 2 million accounts and 139,000 years of seconds."""
    return (acct.astype(np.int64) << 42) | (sec - base)


@dataclass
class Precursors:
    """Every stage event that is not itself a support case (arrays in (account, time) order):
    its pattern as a stage (``stage``: code into the stage names) and as the sequence of
    ``sequence_length`` stages ending with it (``seq``: code into ``seq_labels``), and whether a
    support case opened on the account within ``before_support_days`` after it."""

    acct: np.ndarray
    sec: np.ndarray
    stage: np.ndarray
    seq: np.ndarray
    seq_labels: np.ndarray
    followed: np.ndarray

    def __len__(self) -> int:
        return len(self.acct)


def precursors(stream: StageStream, settings: JourneySettings) -> Precursors:
    """Each stage event that is not a support case, and whether a case followed it in time."""
    names = stream.names
    target_codes = [names.index(s) for s in settings.support_stages]
    is_target = np.isin(stream.stage, target_codes)
    ref = np.flatnonzero(~is_target)
    tgt = np.flatnonzero(is_target)
    base = int(stream.sec.min()) if len(stream) else 0
    tkeys = _packed(stream.acct[tgt], stream.sec[tgt], base)
    acct, sec, stage = stream.acct[ref], stream.sec[ref], stream.stage[ref]
    # The first case strictly after each event: it is on the same account when its key shares
    # the account's bits, and within the window when its seconds are close enough.
    nxt = np.searchsorted(tkeys, _packed(acct, sec, base), side="right")
    has = nxt < len(tgt)
    nxt_c = np.minimum(nxt, max(len(tgt) - 1, 0))
    case_acct = stream.acct[tgt][nxt_c] if len(tgt) else np.full(len(ref), -1)
    case_sec = stream.sec[tgt][nxt_c] if len(tgt) else np.full(len(ref), -1)
    followed = has & (case_acct == acct) & (case_sec - sec <= settings.before_support_days * DAY_S)
    seq, labels = _sequences(acct, stage, names, settings.sequence_length)
    return Precursors(acct, sec, stage, seq, labels, followed)


def _sequences(
    acct: np.ndarray, stage: np.ndarray, names: list[str], length: int
) -> tuple[np.ndarray, np.ndarray]:
    """For each event, the last ``length`` stages of its account up to it, repeats of a stage in a
    row counted once (``adoption > upgrade``); shorter at the start of an account's journey. As
    (codes, labels): the text is made once per distinct sequence."""
    n = len(acct)
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=object)
    new_run = np.r_[True, (acct[1:] != acct[:-1]) | (stage[1:] != stage[:-1])]
    run = np.cumsum(new_run) - 1
    run_acct, run_stage = acct[new_run], stage[new_run].astype(np.int64)
    # One integer per sequence: the stages' codes (+1) as digits in base len(names) + 1.
    radix = len(names) + 1
    code = run_stage + 1
    for back in range(1, length):
        prev = np.arange(len(run_acct)) - back
        ok = (prev >= 0) & (run_acct[np.maximum(prev, 0)] == run_acct)
        code = code + np.where(ok, run_stage[np.maximum(prev, 0)] + 1, 0) * radix**back
    distinct, inverse = np.unique(code, return_inverse=True)
    labels = []
    for c in distinct:
        parts = []
        while c:
            parts.append(names[c % radix - 1])
            c //= radix
        labels.append(SEP.join(reversed(parts)))
    return inverse.ravel()[run].astype(np.int64), np.asarray(labels, dtype=object)


def pattern_counts(pre: Precursors, names: list[str]) -> pd.DataFrame:
    """Per account and pattern (each stage, and each sequence of two stages or more): how many
    times it happened, and how many of those a case followed. Summed over any set of accounts,
    these give that set's rates and lift (the journeys page does so for its filters)."""
    n_stage = len(names)
    multi = np.char.find(pre.seq_labels.astype(str), SEP) >= 0 if len(pre.seq_labels) else (
        np.zeros(0, bool))  # fmt: skip
    # Pattern ids: stages 0..n_stage-1, then sequences of two stages or more.
    seq_id = np.full(len(pre.seq_labels), -1, dtype=np.int64)
    seq_id[multi] = n_stage + np.arange(int(multi.sum()))
    labels = np.concatenate([np.asarray(names, dtype=object), pre.seq_labels[multi]])
    sid = seq_id[pre.seq] if len(pre) else np.zeros(0, np.int64)
    pid = np.concatenate([pre.stage.astype(np.int64), sid[sid >= 0]])
    acct = np.concatenate([pre.acct, pre.acct[sid >= 0]])
    fol = np.concatenate([pre.followed, pre.followed[sid >= 0]]).astype(np.int64)
    width = len(labels) + 1
    keys, inverse = np.unique(acct.astype(np.int64) * width + pid, return_inverse=True)
    inverse = inverse.ravel()
    pids = keys % width
    return pd.DataFrame({
        "acct": keys // width,
        "kind": pd.Categorical(np.where(pids < n_stage, "stage", "sequence"),
                               categories=["stage", "sequence"]),
        # Stage names have no " > ", sequences do: the labels are distinct.
        "pattern": pd.Categorical.from_codes(pids, categories=pd.Index(labels.astype(str)),
                                             validate=False),
        "occurrences": np.bincount(inverse, minlength=len(keys)).astype(np.int64),
        "followed": np.bincount(inverse, weights=fol, minlength=len(keys)).astype(np.int64),
    })  # fmt: skip


def before_support(counts: pd.DataFrame, min_accounts: int) -> pd.DataFrame:
    """Per stage and per stage sequence: how often a support case followed it within the window,
    against the base rate (over every stage event that is not a case): lift = rate / base rate.
    ``counts``: :func:`pattern_counts`."""
    stage_rows = counts["kind"] == "stage"
    occ_all = int(counts.loc[stage_rows, "occurrences"].sum())
    base_rate = counts.loc[stage_rows, "followed"].sum() / occ_all if occ_all else float("nan")
    g = counts.assign(hit=counts["followed"] > 0).groupby(["kind", "pattern"], observed=True)
    out = g.agg(occurrences=("occurrences", "sum"), followed=("followed", "sum"),
                accounts=("acct", "size"), accounts_followed=("hit", "sum")).reset_index()  # fmt: skip
    out["kind"] = out["kind"].astype(str)
    out["pattern"] = out["pattern"].astype(str)
    out["rate"] = out["followed"] / out["occurrences"]
    out["base_rate"] = base_rate
    out["lift"] = out["rate"] / base_rate if base_rate > 0 else np.nan
    out["thin"] = out["accounts"] < min_accounts
    for c in ("occurrences", "followed", "accounts", "accounts_followed"):
        out[c] = out[c].astype(np.int64)
    out = out.sort_values(["kind", "thin", "lift", "occurrences", "pattern"],
                          ascending=[False, True, False, False, True], kind="stable")  # fmt: skip
    return out[["kind", "pattern", "occurrences", "followed", "rate", "base_rate", "lift",
                "accounts", "accounts_followed", "thin"]].reset_index(drop=True)  # fmt: skip


def support_cases(stream: StageStream, pre: Precursors, settings: JourneySettings):
    """Each support case with the stage sequence that preceded it (ending with the last stage event
    before it, if that came within ``before_support_days``) and how many days before."""
    names = stream.names
    target_codes = [names.index(s) for s in settings.support_stages]
    tgt = np.flatnonzero(np.isin(stream.stage, target_codes))
    acct, sec = stream.acct[tgt], stream.sec[tgt]
    base = int(stream.sec.min()) if len(stream) else 0
    rkeys = _packed(pre.acct, pre.sec, base)
    prev = np.searchsorted(rkeys, _packed(acct, sec, base), side="left") - 1
    p = np.maximum(prev, 0)
    if len(pre):
        same = (prev >= 0) & (pre.acct[p] == acct)
        gap = sec - pre.sec[p]
        ok = same & (gap <= settings.before_support_days * DAY_S)
        preceding = np.where(ok, pre.seq_labels[pre.seq[p]], "")
        days = np.where(ok, gap / DAY_S, np.nan)
    else:
        preceding, days = np.full(len(tgt), "", dtype=object), np.full(len(tgt), np.nan)
    return pd.DataFrame({
        "acct": acct, "sec": sec, "stage": np.asarray(names, dtype=object)[stream.stage[tgt]],
        "line": stream.line[tgt] if stream.line is not None else tgt,
        "preceding": preceding, "days_before": days,
    })  # fmt: skip


# -- paths that pay -------------------------------------------------------------------------------


def paying(
    revenue: np.ndarray, cases_per_year: np.ndarray, ended: np.ndarray, share: float
) -> np.ndarray:
    """The accounts in the top ``share`` by revenue that are in the bottom half by cases per year
    and still customers: an account that churned or went silent has few cases because it is gone,
    not because its path is a good one."""
    n = len(revenue)
    if n == 0:
        return np.zeros(0, dtype=bool)
    rich = pd.Series(revenue).rank(pct=True, method="min").to_numpy() > 1 - share
    calm = cases_per_year <= np.median(cases_per_year)
    return rich & calm & ~ended


def paths_that_pay(per_account: pd.DataFrame, settings: JourneySettings) -> pd.DataFrame:
    """The most common paths among the paying accounts and among the rest, each with its share of
    both groups and the ratio of the two shares."""
    pay = per_account["paying"].to_numpy(bool)
    n_pay, n_rest = int(pay.sum()), int((~pay).sum())
    counts = pd.crosstab(per_account["variant"].astype(str).to_numpy(), pay).reindex(
        columns=[True, False], fill_value=0
    )
    counts.columns = ["paying_accounts", "rest_accounts"]
    top = settings.top_variants
    keep = (
        counts["paying_accounts"]
        .nlargest(top)
        .index.union(counts["rest_accounts"].nlargest(top).index)
    )
    out = counts.loc[keep].reset_index().rename(columns={"index": "path"})
    out.columns = ["path", "paying_accounts", "rest_accounts"]
    out["paying_share"] = out["paying_accounts"] / max(n_pay, 1)
    out["rest_share"] = out["rest_accounts"] / max(n_rest, 1)
    # Blank (not infinite) when none of the rest took the path.
    out["ratio"] = out["paying_share"] / out["rest_share"].where(out["rest_share"] > 0)
    out["accounts"] = out["paying_accounts"] + out["rest_accounts"]
    out["thin"] = out["accounts"] < settings.min_accounts
    for c in ("paying_accounts", "rest_accounts", "accounts"):
        out[c] = out[c].astype(np.int64)
    out["stages"] = out["path"].str.count(SEP).astype(np.int64) + 1
    out = out.sort_values(["paying_accounts", "accounts", "path"], ascending=[False, False, True])
    return out[["path", "stages", "paying_accounts", "paying_share", "rest_accounts", "rest_share",
                "ratio", "accounts", "thin"]].reset_index(drop=True)  # fmt: skip


def _day(sec: np.ndarray, known: np.ndarray) -> np.ndarray:
    """Seconds since the epoch as days (datetime64[s] at midnight); NaT where not ``known``."""
    days = np.where(known, sec // DAY_S * DAY_S, 0).astype("datetime64[s]")
    days[~known] = np.datetime64("NaT")
    return days


# -- the step -------------------------------------------------------------------------------------


def journey_tables(
    events: pd.DataFrame, contracts: pd.DataFrame, settings: JourneySettings, as_of: date
) -> dict[str, pd.DataFrame]:
    """The journey tables from the events and contracts tables (see the catalogue)."""
    arrays = EventArrays.of(events)
    if not arrays.ordered:  # the events table is kept in (account, time) order; any other table
        events = events.iloc[np.lexsort((arrays.sec, arrays.acct))]  # is put in it first
        arrays = EventArrays.of(events)
    stream = stage_stream(events, settings, as_of, arrays)
    term = terminals(events, contracts, stream.accounts, settings, as_of, arrays)
    per = paths(stream, term)
    per["variant"] = paths(stream, term, settings.variant_stages)["path"]
    n = len(stream.accounts)
    # Revenue: every contract's amount (renewals and expansions are revenue too).
    con_acct = stream.accounts.get_indexer(contracts["account_key"].astype(str))
    ok = con_acct >= 0
    # float even with no contract: numpy's weighted bincount of nothing comes back int64.
    revenue = np.bincount(
        con_acct[ok], weights=contracts["amount"].fillna(0).to_numpy(float)[ok], minlength=n
    ).astype(np.float64)
    first = _per_account(stream.acct, stream.sec, n, "min", HIGH)
    target = np.isin(stream.stage, [stream.names.index(s) for s in settings.support_stages])
    cases = np.bincount(stream.acct[target], minlength=n)
    end = _as_of_end(as_of)
    years = np.maximum((end - np.minimum(first, end)) / (365.25 * DAY_S), 0.25)
    per_year = cases / years
    per.insert(0, "account_key", pd.Categorical.from_codes(
        np.arange(n), categories=pd.Index(stream.accounts.astype(str)), validate=False))  # fmt: skip
    per["first_date"] = _day(first, first < end)
    per["terminal_date"] = _day(term["terminal_sec"].to_numpy(), (per["terminal"] != "").to_numpy())
    per["revenue"] = revenue
    per["cases"] = cases.astype(np.int64)
    per["cases_per_year"] = per_year
    per["stages"] = per["stages"].astype(np.int64)
    customer = (per["stages"] > 0).to_numpy()
    per = per[customer].reset_index(drop=True)
    per["paying"] = paying(per["revenue"].to_numpy(), per["cases_per_year"].to_numpy(),
                           (per["terminal"] != "").to_numpy(), settings.paying_share)  # fmt: skip

    pre = precursors(stream, settings)
    cases_t = support_cases(stream, pre, settings)
    keys = stream.accounts.astype(str).to_numpy()
    case_rows = pd.DataFrame({
        "account_key": pd.Categorical.from_codes(cases_t["acct"].to_numpy(),
                                                 categories=pd.Index(keys), validate=False),
        "opened": cases_t["sec"].to_numpy(np.int64).astype("datetime64[s]"),
        "line": cases_t["line"].to_numpy(np.int64),
        "stage": pd.Categorical(cases_t["stage"].to_numpy()),
        "preceding": pd.Categorical(cases_t["preceding"].to_numpy()),
        "days_before": cases_t["days_before"].to_numpy(float),
    })  # fmt: skip
    counts = pattern_counts(pre, stream.names)
    account_patterns = counts.assign(
        account_key=pd.Categorical.from_codes(counts["acct"].to_numpy(),
                                              categories=stream.accounts.astype(str),
                                              validate=False),
    )[["account_key", "kind", "pattern", "occurrences", "followed"]]  # fmt: skip
    return {
        "journey_accounts": per[JOURNEY_ACCOUNT_COLUMNS],
        "journey_dropoff": dropoff(per, stream.names, settings.min_accounts).assign(
            min_accounts=np.int64(settings.min_accounts)
        ),
        "journey_before_support": before_support(counts, settings.min_accounts).assign(
            window_days=np.int64(settings.before_support_days)
        ),
        "journey_account_patterns": account_patterns,
        "journey_cases": case_rows,
        "journey_paths": paths_that_pay(per, settings),
    }


JOURNEY_ACCOUNT_COLUMNS = [
    "account_key", "path", "variant", "stages", "last_stage", "terminal", "terminal_date",
    "first_date", "revenue", "cases", "cases_per_year", "paying",
]  # fmt: skip
PROFILE = ("owner", "region", "tier", "segment")


def with_profile(per: pd.DataFrame, accounts: pd.DataFrame, settings: JourneySettings):
    """The accounts report's owner, region, tier and segment beside each account's journey (the
    page's filters); blank for an account the report lacks or a column it does not have."""
    cols = {"owner": "owner", "region": "region", "tier": settings.tier_column,
            "segment": settings.segment_column}  # fmt: skip
    acc = accounts.drop_duplicates("account_key")
    keys = acc["account_key"].astype(str).to_numpy()
    at = pd.Index(keys).get_indexer(per["account_key"].astype(str))
    found = at >= 0
    out = per.copy()
    for name, column in cols.items():
        values = np.full(len(per), "", dtype=object)
        if column in acc:
            text = acc[column].astype(object).where(acc[column].notna(), "").astype(str)
            values[found] = text.to_numpy(dtype=object)[at[found]]
        out[name] = pd.Categorical(values)
    return out


def _tidy(df: pd.DataFrame) -> pd.DataFrame:
    """Categoricals keep only the values they hold, and an empty table's text is plain text, so
    that a table reads back from Parquet exactly as it was written."""
    out = df.copy()
    for name in out.columns:
        col = out[name]
        if isinstance(col.dtype, pd.CategoricalDtype):
            out[name] = col.cat.remove_unused_categories() if len(col) else col.astype("str")
    return out


def journeys_step(t: Frames, ctx: Context) -> Frames:
    settings = ctx.settings.journeys
    made = journey_tables(t["events"], t["contracts"], settings, ctx.as_of)
    made["journey_accounts"] = with_profile(made["journey_accounts"], t["accounts"], settings)
    return {name: _tidy(df) for name, df in made.items()}


STEP = Step(
    "journeys",
    journeys_step,
    makes=(
        "journey_accounts", "journey_dropoff", "journey_before_support",
        "journey_account_patterns", "journey_cases", "journey_paths",
    ),
    needs=("events", "contracts", "accounts"),
)  # fmt: skip
