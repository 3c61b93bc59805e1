"""The account X-Ray's data: one account's contracts, occasions, checks and every other activity.

There is one X-Ray page; it takes the account key from its URL and loads the one file holding that
account (``data/xray/<bucket>.<hash>.js``, see :func:`render.shards.bucket`). 100,000 accounts make a few
thousand files, not 100,000 pages.

Each health-check activity shows its verdict: whether it counted (for which occasion) or not, and
why. The transform decides (its ``check_verdicts`` table: one row per check and occasion, with the
rule that decided) and words each rule (:data:`hcportal.transform.RULES`); this page shows them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hcportal.render import healthmap
from hcportal.render.datasets import Reads, available, labelled
from hcportal.render.shards import bucket
from hcportal.transform import DONE_BY, RULES, Tables

READS: Reads = {
    "accounts": ("account_key", "account", "owner", "geo", "region"),
    "contracts": ("account_key", "account", "contract_id", "product", "start", "end", "amount"),
    "occasions": (
        "account_key", "contract_id", "occasion", "k", "due", "window_start", "window_end",
        "status", "evidence_date", "unattached_date", "fiscal_quarter", "product", "amount",
        "urgency", "next_action",
    ),
    "activities": (
        "account_key", "owner", "subject", "opportunity", "revenue", "timestamp", "attachment",
        "is_hc", "_line",
    ),
    "check_verdicts": (
        "line", "check_date", "rule", "counts", "occasion", "k", "due", "evidence_date",
    ),
    "events": (
        "account_key", "at", "type", "source", "line", "ref", "subject", "contact", "logged_by",
        "product", "occasion", "status", "priority", "escalated", "amount", "days_late",
        "question", "rating", "active_users", "licensed_users", "usage_events", "activity_type",
        "direction",
    ),
}  # fmt: skip
# The ids an account is known by in each source, shown in the X-Ray's header: events column ->
# what the ids are.
IDS = {("tickets", "ref"): "case numbers", ("invoices", "ref"): "invoice numbers",
       ("surveys", "contact"): "survey contacts", ("activities", "contact"): "contacts"}  # fmt: skip
# Shown when present (the credit step's table; a caller's own tables may lack it).
PIPELINE_READS: Reads = {
    "influenced_pipeline": (
        "account", "owner", "check_date", "opportunity", "activity_date", "revenue", "account_key",
    )
}  # fmt: skip

# The health score's explanation and the tone of the texts, shown when present (docs/health-score.md).
HEALTH_READS: Reads = {
    "health_scores": ("account_key", "state", "score", "band", "coverage", "change", "change_cause"),
    "health_explain": (
        "account_key", "group", "measure", "raw", "points", "weight", "contribution",
        "newest_event", "events", "window_start", "event_types", "source_rows", "data_change",
        "config_change",
    ),
    "health_texts": ("account_key", "at", "source", "text", "tone", "decided_by", "themes",
                     "theme_words"),
}  # fmt: skip
# Which measures read each event: the timeline's "Score measure" filter, the measures' links.
SOURCE_READS: Reads = {"health_sources": ("source", "line", "type", "measures")}
# The account's journey (issue 14), shown when the transform made the journey tables.
JOURNEY_READS: Reads = {
    "journey_accounts": ("account_key", "path", "last_stage", "terminal", "terminal_date"),
    "journey_cases": ("account_key", "opened", "stage", "preceding", "days_before"),
}
COMMON_PATHS = 5

# Columns whose values link to an owner's or region's page.
LINKS = {"accounts": ("owner", "region")}
COUNTED, NOT_COUNTED = "counted", "not counted"


def tables(t: Tables) -> dict[str, pd.DataFrame]:
    """The X-Ray tables, each with an ``account_key`` column to cut them by."""
    contracts = t["contracts"][list(READS["contracts"])].copy()
    occasions = t["occasions"][list(READS["occasions"])].copy()
    accounts = _accounts(t["accounts"], contracts)
    contracts = contracts.drop(columns="account")
    occasions["label"] = occasion_names(occasions)
    activities = t["activities"][list(READS["activities"])].reset_index(drop=True)
    verdict, why = check_verdicts(activities, t["check_verdicts"], str(t.meta["as_of"]))
    activities = activities.assign(verdict=verdict, why=why)
    events = t["events"][list(READS["events"])]
    out = {
        "accounts": accounts,
        "contracts": _in_key_order(contracts, "start"),
        "occasions": _in_key_order(occasions, "due"),
        "activities": _in_key_order(activities.drop(columns="_line"), "timestamp"),
        "events": timeline(
            events, activities, t["health_sources"] if available(t, SOURCE_READS) else None
        ),
        "ids": ids(events),
    }
    if "influenced_pipeline" in t.frames:
        out["pipeline"] = _pipeline(t["influenced_pipeline"])
    # The health map's per-contact view (issue 13): who answered, per role, non-responders kept.
    if available(t, healthmap.SURVEY_READS):
        out["contacts"] = healthmap.contacts(t)
        out["roles"] = healthmap.role_rates(out["contacts"])
    if available(t, HEALTH_READS):
        out.update(_health(t))
    if available(t, JOURNEY_READS):
        journey = t["journey_accounts"][list(JOURNEY_READS["journey_accounts"])]
        out["journey"] = _in_key_order(journey.copy(), "path")
        cases = t["journey_cases"][list(JOURNEY_READS["journey_cases"])]
        out["journey_cases"] = _in_key_order(cases.copy(), "opened")
    return out


def _health(t: Tables) -> dict[str, pd.DataFrame]:
    """Per account: its score or state, each measure's share of it, and its texts' tone."""
    s = t["health_scores"][list(HEALTH_READS["health_scores"])].copy()
    s["change_cause"] = s["change_cause"].astype(object).fillna("").astype(str)
    e = t["health_explain"][list(HEALTH_READS["health_explain"])].copy()
    e = e[e["weight"] > 0]  # measures the account's scorecard leaves out are not shown
    texts = t["health_texts"][list(HEALTH_READS["health_texts"])].copy()
    for c in ("themes", "theme_words", "decided_by"):
        texts[c] = texts[c].astype(object).fillna("").astype(str)
    return {
        "health": _in_key_order(s, "state"),
        "measures": _in_key_order(e, "group"),
        "texts": _in_key_order(texts, "at"),
    }


def context(t: Tables, _shard: object, _memo: dict) -> dict:
    # The optional reports this run did not have (or could not use): the timeline says so.
    absent = [
        n for n, r in t.meta.get("reports", {}).items() if not r.get("used", r.get("present"))
    ]
    return {
        "has_pipeline": available(t, PIPELINE_READS),
        "has_surveys": available(t, healthmap.SURVEY_READS),
        "absent_reports": absent,
        "has_health": available(t, HEALTH_READS),
        "common_paths": common_paths(t),
    }


def common_paths(t: Tables) -> list[dict]:
    """The most common journey paths of all accounts, with how many took each (the X-Ray sets
    the account's own path against them)."""
    if not available(t, JOURNEY_READS):
        return []
    paths = t["journey_accounts"]["path"].astype(str)
    counts = paths.value_counts()
    top = counts.sort_index().sort_values(ascending=False, kind="stable").head(COMMON_PATHS)
    return [{"path": p, "accounts": int(n), "share": n / max(len(paths), 1)}
            for p, n in top.items()]  # fmt: skip


def _accounts(accounts: pd.DataFrame, contracts: pd.DataFrame) -> pd.DataFrame:
    """Every account of the accounts report, plus those only a contract names (no owner)."""
    acc = accounts[list(READS["accounts"])].drop_duplicates("account_key")
    stray = contracts.loc[~contracts["account_key"].isin(acc["account_key"]), ["account_key"]]
    stray = stray.assign(account=contracts["account"]).drop_duplicates("account_key")
    acc = pd.concat([acc, stray], ignore_index=True)
    return labelled(acc, ("owner", "geo", "region"))


def timeline(
    events: pd.DataFrame, activities: pd.DataFrame, sources: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The events as the X-Ray's timeline: when, what kind, the report and line it comes from,
    what it was about, who, its amount, and the rest of its values in words (a health check's
    verdict among them). Already in (account, time) order, as the transform writes them.

    ``sources``: the score's ``health_sources``; each event then says which measures read it."""
    ev = events.reset_index(drop=True)
    text = lambda c: ev[c].astype(object).where(ev[c].notna(), "").astype(str)  # noqa: E731
    what = text("subject")
    for c in ("question", "product", "ref"):
        what = what.where(what != "", text(c))
    who = text("logged_by").where(text("logged_by") != "", text("contact"))
    parts = [
        ("", text("occasion")),
        ("", text("status")),
        ("priority ", text("priority")),
        ("", ev["escalated"].astype(object).map({True: "escalated"}).fillna("").astype(str)),
        ("", _number(ev["days_late"], "{:+,.0f} days late")),
        ("rating ", _number(ev["rating"], "{:g}")),
        ("", _number(ev["active_users"], "{:,.0f} active users")),
        ("", _number(ev["licensed_users"], "{:,.0f} licensed")),
        ("", _number(ev["usage_events"], "{:,.0f} events")),
        ("", text("activity_type")),
        ("", text("direction")),
    ]
    if ev["ref"].notna().any():
        parts.append(("ref ", text("ref").where(text("subject") != "", "")))
    detail = pd.Series("", index=ev.index, dtype=object)
    for prefix, value in parts:
        piece = (prefix + value).where(value != "", "")
        detail = detail.where(piece == "", detail.where(detail == "", detail + "; ") + piece)
    hc = (ev["type"] == "health_check").to_numpy()
    if hc.any():  # a health check's verdict, as its own table says it
        by_line = activities.set_index("_line")
        verdicts = by_line["verdict"].reindex(ev.loc[hc, "line"]).fillna("").to_numpy()
        whys = by_line["why"].reindex(ev.loc[hc, "line"]).fillna("").to_numpy()
        said = np.where(
            verdicts == COUNTED, whys, np.where(verdicts == "", "", "not counted: " + whys)
        )
        detail[hc] = said
    out = pd.DataFrame(
        {
            "account_key": ev["account_key"],
            "when": ev["at"],
            "event": ev["type"].astype(str).str.replace("_", " "),
            "source": ev["source"].astype(str),
            "line": ev["line"],
            "what": what,
            "who": who,
            "amount": ev["amount"],
            "detail": detail,
        }
    )
    if sources is not None:
        out["measures"] = read_by(ev, sources)
    return out


def read_by(events: pd.DataFrame, sources: pd.DataFrame) -> pd.Series:
    """Per event, the measures that read it ("" for none), matched on (report, type, line): a
    report line is one event of each type. Matched as one integer per event, not as text."""
    if not len(sources):
        return pd.Series(pd.Categorical.from_codes(np.zeros(len(events), np.int64), [""]))
    names = {
        c: sorted(set(_values(sources[c])) | set(_values(events[c]))) for c in ("source", "type")
    }

    def key(df: pd.DataFrame) -> np.ndarray:
        src = pd.Categorical(df["source"], categories=names["source"]).codes.astype(np.int64)
        kind = pd.Categorical(df["type"], categories=names["type"]).codes.astype(np.int64)
        line = df["line"].to_numpy(dtype=np.int64)
        return ((src * 256 + kind) << 40) | line

    at = pd.Index(key(sources)).get_indexer(key(events))
    said = sources["measures"].astype("category")
    codes = np.where(at >= 0, said.cat.codes.to_numpy()[np.maximum(at, 0)], -1)
    cats = [*said.cat.categories.astype("str"), ""]
    return pd.Series(pd.Categorical.from_codes(np.where(codes < 0, len(cats) - 1, codes), cats))


def _values(s: pd.Series) -> list[str]:
    """The distinct values of a text column (its categories when categorical)."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        return [str(c) for c in s.cat.categories]
    return [str(v) for v in pd.unique(s.dropna())]


def _number(s: pd.Series, fmt: str) -> pd.Series:
    """A number column in words (``fmt``), blank where it is."""
    out = pd.Series("", index=s.index, dtype=object)
    known = s.notna().to_numpy()
    out[known] = [fmt.format(v) for v in s.to_numpy()[known]]
    return out


def ids(events: pd.DataFrame) -> pd.DataFrame:
    """Per account and source, the distinct ids it is known by there (:data:`IDS`)."""
    parts = []
    for (source, column), what in IDS.items():
        values = events[column].astype(object)
        mine = events[
            (events["source"] == source).to_numpy() & (values.notna() & (values != "")).to_numpy()
        ]
        pairs = pd.DataFrame(
            {"account_key": mine["account_key"].astype(str), "id": mine[column].astype(str)}
        ).drop_duplicates()
        joined = pairs.groupby("account_key", sort=True)["id"].agg(", ".join)
        parts.append(
            pd.DataFrame(
                {
                    "account_key": joined.index,
                    "source": source,
                    "what": what,
                    "ids": joined.to_numpy(),
                }
            )
        )
    return pd.concat(parts, ignore_index=True).sort_values(["account_key", "source"], kind="stable")


def _pipeline(pipeline: pd.DataFrame) -> pd.DataFrame:
    """Opportunities logged after a done check, keyed by the account's key."""
    df = pipeline[list(PIPELINE_READS["influenced_pipeline"])].copy()
    return df.drop(columns="account").sort_values(["account_key", "activity_date"], kind="stable")


def occasion_names(occ: pd.DataFrame) -> pd.Series:
    """``onboarding``, ``renewal``, ``periodic #2``: periodic occasions are numbered."""
    name = occ["occasion"].astype(str)
    k = pd.to_numeric(occ["k"], errors="coerce").fillna(1).astype(int).astype(str)
    return name.where(occ["occasion"] != "periodic", "periodic #" + k)


def _in_key_order(df: pd.DataFrame, then: str) -> pd.DataFrame:
    """Rows by account key, then ``then``. A categorical key (the transform's in-memory tables)
    sorts by its text, as the plain strings read back from disk do, so both build the same site."""

    def as_text(s: pd.Series) -> pd.Series:
        if isinstance(s.dtype, pd.CategoricalDtype):
            return s.cat.reorder_categories(sorted(s.cat.categories, key=str), ordered=True)
        return s

    return df.sort_values(["account_key", then], kind="stable", key=as_text)


def check_verdicts(
    activities: pd.DataFrame, checks: pd.DataFrame, as_of: str
) -> tuple[pd.Series, pd.Series]:
    """Each activity's verdict (counted / not counted) and why, in the words of the transform's
    rules: the occasions a check counted for, or was in the window of, are named; an occasion whose
    evidence is another check says so. Empty strings for activities that are not health checks.

    ``checks``: the transform's ``check_verdicts`` rows (one per check and occasion, in the
    occasions' order), matched to ``activities`` by their line in activities.csv.
    """
    verdict = pd.Series("", index=activities.index, dtype=object)
    why = pd.Series("", index=activities.index, dtype=object)
    if checks.empty:
        return verdict, why
    checks = checks.reset_index(drop=True)
    with_occasion = checks[checks["occasion"].notna()]
    label = occasion_names(with_occasion) + " due " + with_occasion["due"].dt.strftime("%Y-%m-%d")
    evidence = with_occasion["evidence_date"]
    other = evidence.notna() & (evidence != with_occasion["check_date"])
    before, after = DONE_BY.split("{date}")
    label = label.where(
        ~other, label + " (" + before + evidence.dt.strftime("%Y-%m-%d") + after + ")"
    )
    named = label.groupby(with_occasion["line"].to_numpy(), sort=False).agg("; ".join)
    per_check = checks.groupby("line", sort=False).agg(
        rule=("rule", "first"), counts=("counts", "any")
    )
    rule = per_check["rule"].astype(str)
    text = pd.Series("", index=per_check.index, dtype=object)
    for code, r in RULES.items():
        mine = (rule == code).to_numpy()
        if not mine.any():
            continue
        says = r.says.replace("{as_of}", as_of)
        if "{occasions}" in says:
            before, after = says.split("{occasions}")
            names = named.reindex(per_check.index[mine]).fillna("")
            text[mine] = (before + names + after).to_numpy(dtype=object)
        else:
            text[mine] = says
    line = activities["_line"]
    shown = line.isin(per_check.index).to_numpy()
    verdict[shown] = np.where(
        per_check["counts"].reindex(line[shown]).to_numpy(), COUNTED, NOT_COUNTED
    )
    why[shown] = text.reindex(line[shown]).to_numpy()
    return verdict, why


def bucket_rows(frames: dict[str, pd.DataFrame], buckets: int) -> dict[str, list[np.ndarray]]:
    """For every X-Ray table, the positions of its rows in each bucket: ``{table: [rows, ...]}``."""
    keys = pd.unique(pd.concat([f["account_key"] for f in frames.values()], ignore_index=True))
    of_key = {k: bucket(str(k), buckets) for k in keys}
    out: dict[str, list[np.ndarray]] = {}
    for name, frame in frames.items():
        b = frame["account_key"].map(of_key).to_numpy(dtype=np.int64)
        order = np.argsort(b, kind="stable")
        bounds = np.searchsorted(b[order], np.arange(buckets + 1))
        out[name] = [order[bounds[i] : bounds[i + 1]] for i in range(buckets)]
    return out
