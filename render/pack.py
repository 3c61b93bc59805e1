"""The health-check pack's content: what each slide of an account's deck says, from the tables.

Pure: ``contents(tables, account_key, ...) -> Pack`` reads the transform's tables and returns the
slides as plain data (titles, lines, chart series, and a *slot* where data is missing); the deck
writers (``render.deck`` for PowerPoint) only lay them out. A section appears with its data when
its table exists and holds rows for the account; otherwise the slide says what is missing and
leaves a marked place for the seller to fill, never an empty chart (seed 000: a human in the loop
only where data is missing).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from hcportal.core.errors import RenderError
from hcportal.core.tables import Tables
from hcportal.transform.clean import account_key as normalise_key

MAX_SLIDES = 10
DUE_STATUSES = ("overdue", "pending", "upcoming")


class PackError(RenderError):
    """A pack cannot be made (unknown account, unusable template)."""


@dataclass
class Chart:
    """A native chart's data: one value per category per series."""

    kind: str  # "bar" (horizontal), "column", "line"
    title: str
    categories: list[str]
    series: list[tuple[str, list[float]]]


@dataclass
class Slide:
    title: str
    source: str  # which reports the slide's data comes from
    freshness: str  # how old that data is
    lines: list[str] = field(default_factory=list)
    chart: Chart | None = None
    slot: str = ""  # instructions for the seller where data is missing ("" when complete)


@dataclass
class Pack:
    account: str
    account_key: str
    owner: str
    region: str
    as_of: str
    slides: list[Slide]

    def digest(self) -> str:
        """A content hash of everything the deck shows: equal digests, equal decks."""
        text = json.dumps(asdict(self), sort_keys=True, default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def find_account(tables: Tables, name: str, suffixes: list[str] | None = None) -> str:
    """The account key of ``name`` (matched as the transform matches names: case, accents,
    punctuation and legal suffixes ignored), or a :class:`PackError` naming close ones."""
    accounts = tables["accounts"]
    args = (suffixes,) if suffixes is not None else ()
    key = str(normalise_key(pd.Series([name], dtype="str"), *args).iloc[0])
    keys = set(accounts["account_key"].astype("str"))
    if key in keys:
        return key
    near = sorted(k for k in keys if key and (key in k or k in key))[:3]
    hint = f"; did you mean {', '.join(near)}?" if near else ""
    raise PackError(f"no account {name!r} in the accounts report (key {key!r}){hint}")


# The tables a pack reads (rows per account). A deck depends on these rows and the run's facts
# only, so the nightly step hashes these alone to know which decks changed (``packs.input_hashes``);
# reading any other table is refused, so a new slide cannot forget to declare one.
PACK_TABLES = (
    "accounts", "alerts", "contracts", "health_explain", "health_map", "health_scores",
    "influenced_pipeline", "journey_accounts", "journey_cases", "occasions", "surveys", "targets",
    "tickets", "usage",
)  # fmt: skip


class Grouped:
    """Each table's rows per account, found once: making 1,000 packs must not scan every table
    1,000 times. One stable sort of a table by account when a pack first reads it; an account's
    rows are then a slice of it (no copy), with the table's own index."""

    def __init__(self, tables: Tables) -> None:
        self.tables = tables
        self._split: dict[str, tuple[pd.DataFrame, dict[str, tuple[int, int]]]] = {}

    def rows(self, name: str, key: str) -> pd.DataFrame:
        if name not in PACK_TABLES:
            raise AssertionError(f"a pack reads {name!r}: add it to PACK_TABLES")
        if name not in self._split:
            frame = self.tables[name]
            keys = frame["account_key"].astype("str").to_numpy()
            order = np.argsort(keys, kind="stable")
            found, starts = np.unique(keys[order], return_index=True)
            ends = [*starts[1:].tolist(), len(keys)][: len(starts)]
            spans = dict(zip(found.tolist(), zip(starts.tolist(), ends, strict=True), strict=True))
            self._split[name] = (frame.iloc[order], spans)
        frame, spans = self._split[name]
        start, end = spans.get(key, (0, 0))
        return frame.iloc[start:end]


def contents(
    tables: Tables,
    key: str,
    evidence_label: str = "Health Check",
    evidence_subject: str = "",
    grouped: Grouped | None = None,
) -> Pack:
    """The slides of account ``key``'s pack, from the tables (pure). ``grouped``: the tables'
    rows per account, shared by the packs of one run."""
    grouped = grouped or Grouped(tables)
    acc = grouped.rows("accounts", key)
    if acc.empty:
        raise PackError(f"no account with key {key!r} in the tables")
    a = acc.iloc[0]
    meta = tables.meta
    as_of = str(meta.get("as_of", ""))
    ctx = _Ctx(tables, key, meta, as_of, grouped)
    slides = [
        _glance(ctx, a),
        _score(ctx),
        _health_map(ctx),
        _support(ctx),
        _usage(ctx),
        _journey(ctx),
        _pipeline(ctx),
        _actions(ctx),
        _logging(ctx, evidence_label, evidence_subject),
    ]
    assert len(slides) + 1 <= MAX_SLIDES  # the deck's title slide is the +1
    return Pack(
        account=_s(a.get("account")),
        account_key=key,
        owner=_s(a.get("owner")) or "(unassigned)",
        region=_s(a.get("region")) or "(no region)",
        as_of=as_of,
        slides=slides,
    )


# -- helpers ------------------------------------------------------------------------------------


@dataclass
class _Ctx:
    tables: Tables
    key: str
    meta: dict
    as_of: str
    grouped: Grouped

    def rows(self, name: str) -> pd.DataFrame | None:
        """The account's rows of a table; None when the table is absent (its report missing)."""
        if name not in self.tables.frames:
            return None
        return self.grouped.rows(name, self.key)

    def found(self, name: str) -> pd.DataFrame | None:
        """The account's rows of a table; None when it has none (or the table is absent)."""
        rows = self.rows(name)
        return None if rows is None or rows.empty else rows

    def fresh(self, *reports: str) -> str:
        """When each report behind a slide was harvested (else the run's as-of date)."""
        facts = self.meta.get("reports") or {}
        parts = []
        for r in reports:
            f = facts.get(r) or {}
            if not f.get("present", True) or r not in self.tables.frames:
                parts.append(f"{r}: not harvested")
            else:
                parts.append(f"{r}: {str(f.get('harvested') or '')[:16] or 'as of ' + self.as_of}")
        return "; ".join(parts)


def _s(value: object) -> str:
    """Text of a cell; blank for a missing one."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    return str(value)


def _money(value: object) -> str:
    try:
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return ""
    return "" if np.isnan(v) else f"{v:,.0f}"


def _num(value: object) -> float:
    try:
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0
    return 0.0 if np.isnan(v) else round(v, 2)


def _months(stamps: pd.Series, as_of: str, months: int = 12) -> tuple[list[str], list[float]]:
    """Counts per calendar month over the ``months`` months up to the as-of date."""
    end = pd.Timestamp(as_of) if as_of else pd.Timestamp(stamps.max())
    periods = pd.period_range(end=end.to_period("M"), periods=months, freq="M")
    counts = pd.to_datetime(stamps).dt.to_period("M").value_counts()
    return [str(p) for p in periods], [float(counts.get(p, 0)) for p in periods]


# -- the slides ---------------------------------------------------------------------------------


def _records(frame: pd.DataFrame, columns: list[str]) -> list[dict]:
    """An account's few rows as plain records, only the columns a slide reads: cheaper than
    pandas operations on a handful of rows, repeated for 1,000 packs."""
    return frame[[c for c in columns if c in frame.columns]].to_dict("records")


def _missing(value: object) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def _glance(ctx: _Ctx, a: pd.Series) -> Slide:
    slide = Slide(
        "The account at a glance", "accounts, contracts", ctx.fresh("accounts", "contracts")
    )
    slide.lines.append(
        f"Owner: {_s(a.get('owner')) or '(unassigned)'} | {_s(a.get('geo'))} "
        f"{_s(a.get('region'))}".rstrip()
    )
    rows = ctx.rows("contracts")
    assert rows is not None
    contracts = _records(rows, ["product", "start", "end", "amount"])
    as_of = pd.Timestamp(ctx.as_of) if ctx.as_of else None
    if as_of is not None and contracts:
        value = sum(
            float(c["amount"])
            for c in contracts
            if not _missing(c["amount"]) and not _missing(c["start"]) and c["start"] <= as_of
            and (_missing(c["end"]) or c["end"] >= as_of)
        )  # fmt: skip
        slide.lines.append(f"Current value (contracts running on {ctx.as_of}): {_money(value)}")
    for c in contracts[:5]:
        end = _s(c["end"]) or "evergreen"
        slide.lines.append(
            f"Contract: {_s(c['product'])}, {_s(c['start'])} to {end}, {_money(c['amount'])}"
        )
    occ = ctx.rows("occasions")
    if occ is not None:
        cols = ["occasion", "product", "status", "due", "window_start", "window_end"]
        due = [o for o in _records(occ, cols) if _s(o["status"]) in DUE_STATUSES]
        due.sort(key=lambda o: (_missing(o["due"]), _s(o["due"])))  # ISO dates sort as text
        for o in due[:3]:
            slide.lines.append(
                f"Occasion: {_s(o['occasion'])} check of {_s(o['product'])}, {_s(o['status'])}, "
                f"due {_s(o['due'])}, window {_s(o['window_start'])} to {_s(o['window_end'])}"
            )
    if contracts:
        by: dict[str, float] = {}
        for c in contracts:
            name = _s(c["product"]) or "(no product)"
            by[name] = by.get(name, 0.0) + _num(c["amount"])
        names = sorted(by)
        slide.chart = Chart(
            "column",
            "Contract value by product",
            names,
            [("Amount", [round(by[n], 2) for n in names])],
        )
    else:
        slide.slot = "No contract in the contracts report: add the account's contracts and value."
    return slide


def _score(ctx: _Ctx) -> Slide:
    slide = Slide("Health score and why", "health score (all reports)", ctx.fresh("activities"))
    hs = ctx.found("health_scores")
    if hs is None:
        slide.slot = "No health score was computed: note your own view of the account's health."
        return slide
    h = hs.iloc[0]
    state = _s(h.get("state"))
    if state != "scored":
        slide.lines.append(f"State: {state}: no score (too little signal to score the account).")
        if state == "silent":
            slide.lines.append("A silent account: nothing heard recently. Silence is not health.")
        slide.slot = (
            f"The account is {state}: write what you know of its health, and who to contact."
        )
        return slide
    slide.lines.append(f"Score {_s(h.get('score'))} ({_s(h.get('band'))})")
    rows = ctx.found("health_explain")
    if rows is not None:
        cols = ["measure", "contribution", "data_change", "config_change"]
        ex = [m for m in _records(rows, cols) if not _missing(m["contribution"])]
        ex.sort(key=lambda m: (-float(m["contribution"]), _s(m["measure"])))  # ties: by name
        slide.chart = Chart(
            "bar",
            "Points each measure gives the score",
            [_words(m["measure"]) for m in ex[:6]],
            [("Contribution", [_num(m["contribution"]) for m in ex[:6]])],
        )
        if "data_change" in rows.columns:
            moves = [(m, _num(m.get("data_change")) + _num(m.get("config_change"))) for m in ex]
            moves = sorted((mv for mv in moves if abs(mv[1]) > 0.05), key=lambda mv: -abs(mv[1]))
            for m, move in moves[:3]:
                slide.lines.append(
                    f"Changed since the last run: {_words(m['measure'])} {move:+.1f}"
                )
    return slide


def _health_map(ctx: _Ctx) -> Slide:
    slide = Slide("Health map: Success and Experience", "surveys", ctx.fresh("surveys"))
    hm = ctx.found("health_map")
    surveys = ctx.rows("surveys")
    if hm is None or surveys is None:
        slide.slot = "No survey report was harvested: note how the customer rates its success."
        return slide
    m = hm.iloc[0]
    nets = {"Success": m.get("success_net"), "Experience": m.get("experience_net")}
    slide.lines.append(
        f"Success: {_s(m.get('success_band'))} ({_net(nets['Success'])}); "
        f"Experience: {_s(m.get('experience_band'))} ({_net(nets['Experience'])})"
    )
    slide.lines.append(f"Action: {_s(m.get('action'))}")
    if surveys.empty:
        slide.slot = "No contact of this account was surveyed: ask your contacts for a rating."
        return slide
    who = surveys.groupby(surveys["contact"].astype("str"), sort=True)["responded"].any()
    answered = [c for c, r in who.items() if r]
    silent = [c for c, r in who.items() if not r]
    slide.lines.append(f"Answered: {', '.join(answered[:8]) or 'nobody'}")
    slide.lines.append(f"Did not answer: {', '.join(silent[:8]) or 'nobody'}")
    if not answered:
        slide.slot = "A silent account: no contact answered. Ask them how they rate us."
        return slide
    # Only the dimensions someone answered: a bar at 0 would read as a neutral score.
    scored = [d for d, v in nets.items() if not _missing(v)]
    if scored:
        series = [("Net score", [float(round(float(nets[d]))) for d in scored])]
        slide.chart = Chart("column", "Net scores (-100 to 100)", scored, series)
    return slide


def _net(value: object) -> str:
    """A net score as a seller reads it: a whole number with its sign, or that nobody answered."""
    return "no answer" if _missing(value) else f"{round(float(value)):+d}"  # type: ignore[arg-type]


def _words(name: object) -> str:
    """An identifier (``days_since_touch``, ``health_check``) in words."""
    return _s(name).replace("_", " ")


def _support(ctx: _Ctx) -> Slide:
    slide = Slide("Support trend", "tickets", ctx.fresh("tickets"))
    t = ctx.rows("tickets")
    if t is None:
        slide.slot = "No support report was harvested: note open cases and escalations."
        return slide
    if t.empty:
        slide.lines.append("No support case on record.")
        slide.slot = "No case on record: confirm with the customer that support is quiet."
        return slide
    cats, values = _months(t["opened"], ctx.as_of)
    open_now = int(t["closed"].isna().sum())
    slide.lines.append(
        f"{len(t)} case(s) in all, {open_now} open, {int(t['escalated'].sum())} escalated"
    )
    slide.chart = Chart("column", "Cases opened per month", cats, [("Cases opened", values)])
    return slide


def _usage(ctx: _Ctx) -> Slide:
    slide = Slide("Usage trend", "usage", ctx.fresh("usage"))
    u = ctx.found("usage")
    if u is None:
        slide.slot = "No usage data for this account: note adoption as the customer reports it."
        return slide
    u = u.sort_values("month").tail(12)
    cats = [pd.Timestamp(m).strftime("%Y-%m") for m in u["month"]]
    slide.chart = Chart(
        "line",
        "Active and licensed users",
        cats,
        [
            ("Active users", [_num(v) for v in u["active_users"]]),
            ("Licensed users", [_num(v) for v in u["licensed_users"]]),
        ],
    )
    return slide


def _journey(ctx: _Ctx) -> Slide:
    slide = Slide("Journey and what preceded support cases", "all reports", ctx.fresh("activities"))
    j = ctx.found("journey_accounts")
    if j is None:
        slide.slot = "No journey stage was found: describe the account's path so far."
        return slide
    row = j.iloc[0]
    slide.lines.append(f"Path: {_words(row.get('path'))}")
    cases = ctx.found("journey_cases")
    if cases is not None:
        # Counted over the account's own cases: a category the account never had is no bar.
        before = Counter(_words(v) or "(nothing close before)" for v in cases["preceding"])
        top = sorted(before.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
        slide.chart = Chart(
            "bar", "Stages before its support cases", [k for k, _ in top],
            [("Cases", [float(v) for _, v in top])],
        )  # fmt: skip
    else:
        slide.lines.append("No support case to trace back.")
    return slide


def _pipeline(ctx: _Ctx) -> Slide:
    slide = Slide("Pipeline influenced by earlier checks", "activities", ctx.fresh("activities"))
    p = ctx.found("influenced_pipeline")
    if p is None:
        slide.slot = "No pipeline credited to an earlier check: list opportunities it led to."
        return slide
    by = p.groupby(p["check_date"].map(_s), sort=True)["revenue"].sum()
    slide.lines.append(f"{len(p)} opportunity activity(ies), {_money(p['revenue'].sum())} in all")
    slide.chart = Chart(
        "column",
        "Revenue influenced, by check",
        list(by.index),
        [("Revenue", [_num(v) for v in by])],
    )
    return slide


def _actions(ctx: _Ctx) -> Slide:
    slide = Slide(
        "Recommended next actions", "policy, health map, score alerts", ctx.fresh("activities")
    )
    occ = ctx.rows("targets")
    if occ is not None:
        for text in occ["next_action"].dropna().astype("str").head(3):
            slide.lines.append(text)
    hm = ctx.found("health_map")
    if hm is not None and _s(hm.iloc[0].get("action")):
        slide.lines.append(f"Health map: {_s(hm.iloc[0].get('action'))}")
    alerts = ctx.rows("alerts")
    if alerts is not None:
        for text in alerts["detail"].dropna().astype("str").head(3):
            slide.lines.append(f"Alert: {text}")
    if not slide.lines:
        slide.slot = "No rule recommends an action: agree the next steps with the customer."
    return slide


def _logging(ctx: _Ctx, label: str, pattern: str) -> Slide:
    slide = Slide("How to log this check so it counts", "policy", f"as of {ctx.as_of}")
    slide.lines.append(f'Log an activity on this account in the CRM with the Subject "{label}".')
    if pattern:
        slide.lines.append(
            f"Any Subject matching /{pattern}/ (capitals ignored) counts, e.g. "
            f'"{_example(label, pattern)}".'
        )
    slide.lines.append(
        "Attach this deck (Attachment = Yes): a check without attachment earns no credit."
    )
    occ = ctx.found("targets")
    if occ is not None:
        o = occ.sort_values("due_date").iloc[0]
        slide.lines.append(
            f"Date it within the window, {_s(o['window_start'])} to {_s(o['window_end'])}, "
            "and not in the future."
        )
    return slide


def _example(label: str, pattern: str) -> str:
    """A Subject the pattern accepts, for the words of the last slide."""
    for candidate in (f"{label} - review", label, "Health Check", "health-check"):
        if re.search(pattern, candidate, re.IGNORECASE):
            return candidate
    return label
