"""The health-score step: measures from the events, scores with their explanation, change, alerts.

:func:`compute` is the pure core: ``(events, accounts, settings, as_of) -> Result`` with the
``health_scores``, ``health_explain`` and ``health_texts`` tables. The step adds what needs the
previous run (``Context.previous``, read from the history by the pipeline: the I/O stays at the
edge): each score's change, split per measure into what new data moved and what a changed
configuration moved (:mod:`score_change`), and the alerts (:mod:`alerts`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from hcportal.transform import alerts as alert_rules
from hcportal.transform import measures as ms
from hcportal.transform import score_change, score_sources, scoring, tone
from hcportal.transform.score_settings import GROUPS, MEASURES, ScoreSettings
from hcportal.transform.steps import Context, Frames, Step

SCORE_COLUMNS = [
    "account", "owner", "geo", "region", "segment", "state", "score", "band", "coverage",
    "previous_score", "change", "change_data", "change_config", "change_cause", "weakest",
    "missing", "newest_event", "last_heard", "account_key",
]  # fmt: skip
EXPLAIN_COLUMNS = [
    "account_key", "group", "measure", "raw", "points", "weight", "contribution", "newest_event",
    "events", "window_start", "window_days", "event_types", "source_rows",
    "previous_contribution", "data_change", "config_change",
]  # fmt: skip
TEXT_COLUMNS = [
    "account_key", "at", "source", "line", "text", "tone", "compound", "decided_by", "themes",
    "theme_words",
]  # fmt: skip
CUSTOMER_TYPES = ("activity", "health_check", "ticket_opened", "survey_answer")


@dataclass
class Result:
    scores: pd.DataFrame
    explain: pd.DataFrame
    texts: pd.DataFrame
    sources: pd.DataFrame  # per event read: the measures that read it (health_sources)


def score_step(t: Frames, ctx: Context) -> Frames:
    settings = ctx.settings.score
    now = compute(t["events"], t["accounts"], settings, ctx.as_of)
    prev = getattr(ctx, "previous", None)
    scores, explain = now.scores, now.explain
    prev_scores = None
    if prev is not None and "health_scores" in prev.frames and "health_explain" in prev.frames:
        prev_scores = prev.frames["health_scores"]
        rescored = None
        if "events" in prev.frames and "accounts" in prev.frames:
            rescored = compute(
                prev.frames["events"], prev.frames["accounts"], settings, prev.as_of,
                texts=False, sources=False,
            )  # fmt: skip
        scores, explain = score_change.attach(
            scores, explain, prev_scores, prev.frames["health_explain"],
            None if rescored is None else (rescored.scores, rescored.explain),
        )  # fmt: skip
    occ = t.get("occasions")
    found = alert_rules.alerts(
        scores, prev_scores, occ, settings.alerts, ctx.as_of, [b.name for b in settings.bands]
    )
    return {
        "health_scores": scores,
        "health_explain": explain,
        "health_texts": now.texts,
        "health_sources": now.sources,
        "alerts": found,
    }


STEP = Step(
    "score",
    score_step,
    makes=("health_scores", "health_explain", "health_texts", "health_sources", "alerts"),
    needs=("events", "accounts"),
    uses=("occasions",),
)


def compute(
    events: pd.DataFrame,
    accounts: pd.DataFrame,
    settings: ScoreSettings,
    as_of: date,
    *,
    calls: tone.TextCalls | None = None,
    texts: bool = True,
    sources: bool = True,
) -> Result:
    """Score every account of ``accounts`` from ``events`` as of ``as_of``.

    ``calls``: the texts of ``events`` already judged (:func:`tone.analyse`; they do not depend
    on the date, so a replay judges them once); ``texts``: make the ``health_texts`` table;
    ``sources``: name the source rows behind each measure (``health_explain.source_rows`` and
    the ``health_sources`` table; a replay that only needs the points does without)."""
    accounts = accounts.drop_duplicates("account_key")
    keys = pd.Index(accounts["account_key"].astype("str").to_numpy(), dtype="str")
    ev = ms.prepare(events, keys, as_of)
    silent, last_heard = _heard(ev, settings.silent_days)
    segment = _segments(accounts, settings)
    cards = {seg: settings.card(seg) for seg in pd.unique(segment)}
    # The texts the tone measures read today: those of their longest window on any scorecard.
    tone_days = max(c[1][m].window_days for c in cards.values() for m in ("tone", "risk_share"))
    if calls is None:
        calls = judge(events, settings, ev.rows_within(ms.measure_types("tone"), tone_days, False))
    # Each set of types' widest window first: the narrower ones are then cut from its rows
    # instead of from all the rows of those types.
    for types, days in _widest(cards).items():
        ev.rows_within(types, days)
    measured = {}
    for name in MEASURES:
        # A scorecard may give a measure its own window: measure once per distinct window.
        windows = {seg: card[1][name].window_days for seg, card in cards.items()}
        parts = {w: ms.FUNCTIONS[name](ev, w, calls, settings) for w in set(windows.values())}
        if len(parts) == 1:
            measured[name] = next(iter(parts.values()))
        else:
            measured[name] = _pick(parts, windows, segment, ev)
    ev.forget_rows([m.rows for m in measured.values()])
    result = scoring.score(measured, segment, silent, settings)
    window = _windows(cards, segment)
    read = {name: measured[name].rows for name in MEASURES}
    reads = score_sources.reads(ev, read) if sources else None
    spelt = score_sources.source_rows(ev, reads) if reads else None
    explain = _explain(keys, measured, result, window, as_of, spelt)
    scores = _scores(accounts, keys, segment, measured, result, settings)
    scores["last_heard"] = last_heard
    scores = scores[SCORE_COLUMNS]
    made = _texts(ev, calls, tone_days) if texts else pd.DataFrame(columns=TEXT_COLUMNS)
    by_event = (
        score_sources.event_measures(ev, reads) if reads
        else pd.DataFrame(columns=score_sources.SOURCE_COLUMNS)
    )  # fmt: skip
    return Result(scores, explain, made, by_event)


def _widest(cards: dict) -> dict[tuple[str, ...], int]:
    """The widest window of any measure on any scorecard, per set of event types measured."""
    widest: dict[tuple[str, ...], int] = {}
    for _, measures in cards.values():
        for name, m in measures.items():
            types = ms.measure_types(name)
            widest[types] = max(widest.get(types, 0), m.window_days)
    return widest


def _heard(ev: ms.Events, silent_days: int) -> tuple[np.ndarray, np.ndarray]:
    """Per account, whether it is silent (no activity, case or survey answer within
    ``silent_days``) and when it was last heard from (NaT: never). Worked out first, while
    little else is held, and its rows let go at once: the customer's rows are most of the table."""
    customer = ev.rows_within(CUSTOMER_TYPES, silent_days)
    silent = np.bincount(ev.acct_at(customer), minlength=ev.n) == 0
    last_heard = ms._newest(ev, ev.rows_by(CUSTOMER_TYPES))
    ev.forget_rows([])
    return silent, last_heard


def judge(
    events: pd.DataFrame, settings: ScoreSettings, rows: np.ndarray | None = None
) -> tone.TextCalls:
    """The tone and themes of the texts the tone measures read (each distinct text once), of the
    rows ``rows`` (positions, ascending, of events of the tone measures' types; None: all of
    them, of every date, as a replay of past dates needs)."""
    if rows is None:
        rows = np.flatnonzero(events["type"].isin(ms.measure_types("tone")).to_numpy())
    return tone.analyse(events, rows, settings)


def _segments(accounts: pd.DataFrame, settings: ScoreSettings) -> np.ndarray:
    if not settings.segment_by:
        return np.full(len(accounts), "", dtype=object)
    by = {str(c).casefold(): c for c in accounts.columns}
    col = by.get(settings.segment_by.casefold())
    if col is None:
        return np.full(len(accounts), "", dtype=object)
    return accounts[col].astype("object").fillna("").astype(str).str.strip().to_numpy(dtype=object)


def _windows(cards: dict, segment: np.ndarray) -> np.ndarray:
    """Each account's window of each measure (accounts x measures): its scorecard's, looked up
    once per segment and spread by the segment's position (no Python loop over accounts)."""
    if not len(segment):
        return np.zeros((0, len(MEASURES)), dtype=np.int64)
    segs, at = np.unique(segment, return_inverse=True)
    table = np.array([[cards[s][1][m].window_days for m in MEASURES] for s in segs.tolist()])
    return table[at.reshape(-1)]


def _pick(parts: dict, windows: dict, segment: np.ndarray, ev: ms.Events) -> ms.Measured:
    """Each account's measure from the window of its segment's scorecard (its rows read too)."""
    first = next(iter(parts.values()))
    out = ms.Measured(first.raw.copy(), first.newest.copy(), first.events.copy())
    read = []
    for seg, w in windows.items():
        rows = segment == seg
        out.raw[rows], out.newest[rows], out.events[rows] = (
            parts[w].raw[rows], parts[w].newest[rows], parts[w].events[rows],
        )  # fmt: skip
        if parts[w].rows is not None:  # the rows of this segment's accounts (all known)
            read.append(parts[w].rows[segment[ev.acct_at(parts[w].rows)] == seg])
    out.rows = np.sort(np.concatenate(read)) if read else np.zeros(0, np.int64)
    return out


def _explain(
    keys: pd.Index,
    measured: dict,
    s: scoring.Scored,
    window: np.ndarray,
    as_of: date,
    spelt: dict | None = None,
) -> pd.DataFrame:
    n, m = s.raw.shape
    names = list(MEASURES)
    groups = [MEASURES[x][0] for x in names]
    newest = np.column_stack([measured[x].newest for x in names]) if n else np.zeros((0, m), "datetime64[s]")  # fmt: skip
    count = np.column_stack([measured[x].events for x in names]) if n else np.zeros((0, m), np.int64)  # fmt: skip
    start = np.datetime64(pd.Timestamp(as_of), "s") - (window.astype(np.int64) - 1) * np.timedelta64(1, "D")  # fmt: skip
    nan = np.full(n * m, np.nan)
    type_codes, type_names = pd.factorize(np.array([" ".join(ms.SOURCE_TYPES[x]) for x in names]))
    df = pd.DataFrame(
        {
            "account_key": pd.Categorical.from_codes(np.repeat(np.arange(n), m), categories=keys),
            "group": pd.Categorical.from_codes(
                np.tile([GROUPS.index(g) for g in groups], n), categories=list(GROUPS)
            ),
            "measure": pd.Categorical.from_codes(np.tile(np.arange(m), n), categories=names),
            "raw": np.round(s.raw.ravel(), 4),
            "points": np.round(s.points.ravel(), 1),
            "weight": np.round(s.weight.ravel(), 4),
            "contribution": s.contribution.ravel() / 10.0,
            "newest_event": newest.ravel().astype("datetime64[s]"),
            "events": count.ravel().astype(np.int64),
            "window_start": start.ravel().astype("datetime64[s]"),
            "window_days": window.ravel().astype(np.int64),
            "event_types": pd.Categorical.from_codes(np.tile(type_codes, n), type_names),
            "source_rows": (
                score_sources.interleave([spelt[x] for x in names], n)
                if spelt
                else np.full(n * m, "", dtype=object)
            ),
            "previous_contribution": nan,
            "data_change": nan.copy(),
            "config_change": nan.copy(),
        },
        copy=False,  # fresh arrays: no copy, no consolidation into blocks
    )
    # Every measure, those a scorecard leaves out (weight 0) too: a change of configuration that
    # drops one still shows what it did, and the per-measure changes add up to the score's.
    return df[EXPLAIN_COLUMNS]


def _scores(
    accounts: pd.DataFrame, keys: pd.Index, segment: np.ndarray, measured: dict,
    s: scoring.Scored, settings: ScoreSettings,
) -> pd.DataFrame:  # fmt: skip
    newest = np.column_stack([measured[x].newest for x in MEASURES]) if len(keys) else np.zeros((0, 1), "datetime64[s]")  # fmt: skip
    # NaT is the smallest int64: the newest of each row, NaT only when it has none at all
    newest_any = newest.view(np.int64).max(axis=1).view("datetime64[s]") if len(keys) else np.zeros(0, "datetime64[s]")  # fmt: skip
    scored = s.state == scoring.SCORED
    df = pd.DataFrame(
        {
            "account": accounts["account"].astype("str").reset_index(drop=True),
            "owner": accounts["owner"].astype("str").reset_index(drop=True),
            "geo": accounts["geo"].astype("str").reset_index(drop=True),
            "region": accounts["region"].astype("str").reset_index(drop=True),
            "segment": segment.astype(str),
            "state": s.state.astype(str),
            "score": s.score,
            "band": s.band.astype(str),
            "coverage": np.round(s.coverage, 4),
            "previous_score": np.nan,
            "change": np.nan,
            "change_data": np.nan,
            "change_config": np.nan,
            "change_cause": "",
            "weakest": np.where(scored, scoring.weakest(s, settings.alerts.top_measures), ""),
            "missing": scoring.missing(s),
            "newest_event": newest_any,
            "account_key": pd.Series(keys, dtype="str"),
        },
        copy=False,  # fresh arrays: no copy, no consolidation into blocks
    )
    for c in ("segment", "state", "band", "change_cause", "weakest", "missing"):
        df[c] = df[c].astype("str")
    return df[[c for c in SCORE_COLUMNS if c != "last_heard"]]


def _texts(ev: ms.Events, calls: tone.TextCalls, days: int) -> pd.DataFrame:
    """One row per event of a known account with a text in the tone window (``days``): its tone
    call and themes. Each column is a categorical over the distinct texts' values: no string is
    made per row."""
    rows = np.flatnonzero(calls.text_of_row >= 0)
    age = ev.age_at(rows)
    rows = rows[(ev.acct_at(rows) >= 0) & (age >= 0) & (age < days)]
    tid = calls.text_of_row[rows]
    f = ev.frame
    per_text = {
        "text": calls.texts,
        "tone": [c.tone for c in calls.calls],
        "decided_by": [" ".join(c.words) for c in calls.calls],
        "themes": ["; ".join(c.themes) for c in calls.calls],
        "theme_words": [" ".join(c.theme_words) for c in calls.calls],
    }
    out = pd.DataFrame(
        {
            "account_key": _text_column(f["account_key"], rows),
            "at": ev.seconds[rows].view("datetime64[s]"),
            "source": _text_column(f["source"], rows),
            "line": ev.line[rows],
            "compound": np.round(calls.compound, 4)[tid],
        },
        copy=False,  # fresh arrays: no copy, no consolidation into blocks
    )
    for c, values in per_text.items():
        codes, uniques = pd.factorize(np.asarray(values, dtype=object))
        out[c] = pd.Categorical.from_codes(codes[tid], categories=pd.Index(uniques, dtype="str"))
    return out[TEXT_COLUMNS]


def _text_column(s: pd.Series, rows: np.ndarray) -> pd.Series:
    """``s`` at ``rows``, categorical as the events table keeps it (its codes taken, the
    categories shared), else as text."""
    part = s.iloc[rows].reset_index(drop=True)
    return part if isinstance(part.dtype, pd.CategoricalDtype) else part.astype("str")
