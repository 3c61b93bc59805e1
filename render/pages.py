"""The site's pages: each is a template, the datasets it loads, and what else it shows.

Adding a page is one :class:`Page` in :data:`PAGES` plus its template (and, if it ships a new
table, one :class:`~render.datasets.Dataset`). A page whose tables are absent is skipped and not
linked. ``scope="owner"`` / ``"region"`` makes one page per owner / region, each loading only its
own rows: a seller's link transfers their accounts, not the world's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

from hcportal.render import health, healthmap, journeys, xray
from hcportal.render.datasets import (
    DATASETS,
    TARGET_STATUSES,
    Reads,
    available,
    labelled,
)
from hcportal.render.shards import slug
from hcportal.transform import Tables

Scope = Literal["site", "owner", "region"]
STATUSES = ("overdue", "pending", "upcoming", "done", "missed", "later")


@dataclass(frozen=True)
class Shard:
    """Which slice of the data a page shows: the whole site, or one owner's or region's rows."""

    kind: Scope = "site"
    name: str = ""

    @property
    def slug(self) -> str:
        return slug(self.name) if self.name else ""


@dataclass(frozen=True)
class Page:
    path: str  # "targets.html"; for a scoped page, "owners/{slug}.html"
    template: str
    title: str  # "{name}" is the owner's or region's name
    data: tuple[str, ...] = ()  # datasets loaded with <script src>, cut to the page's shard
    scope: Scope = "site"
    nav: str = ""  # label in the navigation bar; "" keeps the page out of it
    reads: Reads = field(default_factory=dict)  # what `context` reads, besides the datasets
    # Extra template values: context(tables, shard, memo); `memo` lasts the whole build, for
    # what the pages of one kind share (computed once, not once per owner).
    context: Callable[[Tables, Shard, dict], dict] | None = None
    # Per-account data written to data/<name>/<bucket>.js and loaded on demand by the page.
    account_data: Callable[[Tables], dict[str, pd.DataFrame]] | None = None
    # Datasets written whole but loaded only when the page asks (the X-Ray's account index,
    # shown when no account is): the template gets their paths as `lazy_files`.
    lazy: tuple[str, ...] = ()
    # Datasets loaded when the tables have them, the page built either way (what changed since
    # the previous run exists only when there was one): the template gets `optional`.
    optional: tuple[str, ...] = ()

    def all_reads(self) -> Reads:
        merged: dict[str, set[str]] = {}
        for reads in [self.reads, *(DATASETS[d].reads for d in self.data)]:
            for table, cols in reads.items():
                merged.setdefault(table, set()).update(cols)
        return {t: tuple(sorted(c)) for t, c in merged.items()}

    def is_available(self, tables: Tables) -> bool:
        return available(tables, self.all_reads())

    def href(self, shard: Shard = Shard()) -> str:
        return self.path.format(slug=shard.slug)

    def heading(self, shard: Shard = Shard()) -> str:
        return self.title.format(name=shard.name)


# -- page contexts --------------------------------------------------------------------------------

HOME_READS: Reads = {
    "accounts": ("owner", "region", "account_key"),
    "occasions": ("status", "amount", "region", "contract_id", "fiscal_quarter"),
}


def home(t: Tables, _: Shard, _memo: dict) -> dict:
    """Freshness per report, totals by status, and the way to every region and owner."""
    occ = labelled(
        t["occasions"][["status", "amount", "region", "contract_id", "fiscal_quarter"]].copy(),
        ("region",),
    )
    counts = occ["status"].value_counts()
    # Each contract once per status, as the targets page sums the rows it shows (data-sum-once):
    # "overdue" on both pages is the same occasions and the same amount.
    once = occ.drop_duplicates(["contract_id", "status"])
    amounts = once.groupby("status")["amount"].sum()
    contracts = once["status"].value_counts()
    totals = [
        {
            "status": s, "occasions": int(counts.get(s, 0)), "amount": float(amounts.get(s, 0.0)),
            "contracts": int(contracts.get(s, 0)),
        }
        for s in STATUSES
    ]  # fmt: skip
    due = occ[occ["status"].isin(TARGET_STATUSES)].drop_duplicates("contract_id")
    due_total = {"contracts": len(due), "amount": float(due["amount"].sum())}
    acc = labelled(t["accounts"][["owner", "region", "account_key"]].copy(), ("owner", "region"))
    targets = occ[occ["status"].isin(TARGET_STATUSES)]
    per_region = targets.pivot_table(
        index="region", columns="status", values="amount", aggfunc="size"
    )
    per_region = per_region.reindex(columns=list(TARGET_STATUSES), fill_value=0).fillna(0)
    region_names = sorted(set(acc["region"]) | set(targets["region"]), key=str.casefold)
    regions = [
        {
            "name": r,
            "slug": slug(r),
            "accounts": int((acc["region"] == r).sum()),
            **{s: int(per_region[s].get(r, 0)) for s in TARGET_STATUSES},
        }
        for r in region_names
    ]
    # The backlog chart's rows (and its table alternative): occasions per quarter, region, status.
    backlog = (
        targets.groupby(["fiscal_quarter", "region", "status"], observed=True).size()
        .unstack("status").reindex(columns=list(TARGET_STATUSES)).fillna(0).astype(int)
        .reset_index().sort_values(["fiscal_quarter", "region"], key=lambda s: s.str.casefold())
    )  # fmt: skip
    raw = t.meta.get("raw") or {}
    # A site cut for one region or owner (render/split.py) drops the whole CRM's row counts.
    reports = [
        {"name": r.get("name", "?"), "rows": r.get("rows"), "harvested": r.get("harvested")}
        for r in raw.get("reports") or []
    ]
    return {
        "totals": totals,
        "due_total": due_total,
        "backlog": backlog.to_dict("records"),
        "regions": regions,
        "owners_count": int(acc["owner"].nunique()),
        "accounts_count": int(acc["account_key"].nunique()),
        "quality_count": len(t.frames["data_quality"]) if "data_quality" in t.frames else 0,
        "reports": reports,
        "raw": raw,
    }


SCOPE_READS: Reads = {"accounts": ("owner", "region"), "occasions": ("owner", "region")}


EFFICACY_CHART_READS: Reads = {
    "efficacy": ("level", "name", "period", "closed", "done_on_time", "on_time_rate"),
}


def efficacy_chart(t: Tables, _: Shard, _memo: dict) -> dict:
    """The on-time rate by quarter per region and per owner: the chart's rows (and its table),
    only where a window has closed (an open one has no outcome yet)."""
    eff = labelled(t["efficacy"][list(EFFICACY_CHART_READS["efficacy"])].copy(), ("name",))
    eff = eff[eff["closed"] > 0].sort_values(["level", "name", "period"], kind="stable")
    return {"rates": eff.to_dict("records")}


def scope_context(t: Tables, shard: Shard, memo: dict) -> dict:
    """A region page lists its sellers; a seller's page names their regions."""
    if "pairs" not in memo:
        acc = labelled(t["accounts"][["owner", "region"]].copy(), ("owner", "region"))
        occ = labelled(t["occasions"][["owner", "region"]].copy(), ("owner", "region"))
        pairs = pd.concat([acc, occ], ignore_index=True).drop_duplicates()
        memo["pairs"] = {
            kind: pairs.groupby(kind)[other].agg(lambda s: sorted(set(s), key=str.casefold))
            for kind, other in (("owner", "region"), ("region", "owner"))
        }
    other = "region" if shard.kind == "owner" else "owner"
    names = memo["pairs"][shard.kind].get(shard.name, [])
    return {"related": [{"name": n, "slug": slug(n)} for n in names], "related_kind": other}


def owner_context(t: Tables, shard: Shard, memo: dict) -> dict:
    """A seller's page: their regions, and their health alerts when the tables hold alerts."""
    return {**scope_context(t, shard, memo), "owner_alerts": health.owner_alerts(t, shard.name, memo)}  # fmt: skip


def shard_names(t: Tables, kind: Scope) -> list[str]:
    """Every owner (or region) with a page: anyone in the accounts report or owning an occasion."""
    if kind == "site":
        return [""]
    names = set(labelled(t["accounts"][[kind]].copy(), (kind,))[kind])
    names |= set(labelled(t["occasions"][[kind]].copy(), (kind,))[kind])
    return sorted(names, key=str.casefold)


def reads_table() -> str:
    """The Markdown table of docs/site.md: what each page reads (a test keeps the two equal)."""
    lines = ["| page | table | columns |", "|---|---|---|"]
    for page in PAGES:
        for table, cols in page.all_reads().items():
            lines.append(f"| `{page.path}` | `{table}` | {', '.join(cols)} |")
        if page.account_data is not None:
            reads = {
                **xray.PIPELINE_READS,
                **healthmap.SURVEY_READS,
                **xray.HEALTH_READS,
                **xray.SOURCE_READS,
                **xray.JOURNEY_READS,
            }
            for table, cols in reads.items():
                cols = sorted(cols) if table.startswith("health") else cols
                lines.append(f"| `{page.path}` | `{table}` (if present) | {', '.join(cols)} |")
        if page.context is owner_context:
            cols = ", ".join(sorted(health.OWNER_ALERT_READS["alerts"]))
            lines.append(f"| `{page.path}` | `alerts` (if present) | {cols} |")
    return "\n".join(lines)


PAGES: list[Page] = [
    Page(
        "index.html", "home.html", "Overview", ("candidates",), nav="Overview", reads=HOME_READS,
        context=home,
    ),
    Page("targets.html", "targets.html", "Health-check targets worldwide", ("targets",), nav="Targets"),
    Page(
        "regions/{slug}.html", "targets.html", "Health-check targets in {name}", ("targets",),
        scope="region", reads=SCOPE_READS, context=scope_context,
    ),
    Page(
        "owners/{slug}.html", "targets.html", "Health-check targets of {name}", ("targets",),
        scope="owner", reads=SCOPE_READS, context=owner_context, optional=("changes",),
    ),
    Page("owners.html", "owners.html", "Owners", ("owners",), nav="Owners"),
    Page(
        "efficacy.html", "efficacy.html", "Health-check efficacy", ("efficacy",), nav="Efficacy",
        reads=EFFICACY_CHART_READS, context=efficacy_chart,
    ),
    Page(
        "healthmap.html", "healthmap.html", "Account Health Map", ("hm_accounts", "hm_responses"),
        nav="Health map", reads={"accounts": ("account_key",)}, context=healthmap.context,
    ),
    Page("health.html", "health.html", "Account health", ("health",), nav="Health"),
    Page("alerts.html", "alerts.html", "Health alerts", ("alerts",), nav="Alerts"),
    Page(
        "journeys.html", "journeys.html", "Customer journeys",
        ("journey_accounts", "journey_patterns"), nav="Journeys",
        reads={k: journeys.READS[k] for k in ("journey_dropoff", "journey_before_support")},
        context=journeys.context,
    ),
    Page("quality.html", "quality.html", "Data quality", ("quality",), nav="Data quality"),
    Page(
        "missed.html", "missed.html", "Missed health checks", ("missed",), nav="Missed",
        reads={"occasions": ("status",)},
    ),
    Page(
        "xray.html", "xray.html", "Account X-Ray", reads=xray.READS, context=xray.context,
        account_data=xray.tables, nav="Find an account", lazy=("accounts",),
    ),
]  # fmt: skip
