"""The tables the pages ship to the browser, each built from the transform's tables.

The tables arrive typed (dates, numbers, flags, account keys: as the transform's catalogue declares
them), so a dataset selects, labels and sorts; it never parses or re-derives a value. Each
:class:`Dataset` says exactly which tables and columns it reads (``reads``), so that a caller who
filters the tables (publishing one site per region or owner) knows what to filter, and so that a
dataset whose table is absent (an optional table, or one a caller left out) is simply skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from hcportal.render import healthmap, journeys
from hcportal.render.shards import UNASSIGNED
from hcportal.transform import Tables
from hcportal.transform.changes import CHANGE_COLUMNS

TARGET_STATUSES = ("overdue", "pending", "upcoming")
BLANK = "(blank)"

Reads = dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class Dataset:
    """A table for the browser: ``build(tables)`` from the ``reads`` it declares."""

    name: str
    build: Callable[[Tables], pd.DataFrame]
    reads: Reads
    # Columns whose values are owners or regions: each value carries its page's slug.
    links: tuple[str, ...] = ()
    # {"account": "account_key"}: the key travels with each account name (datafiles.Encoded).
    keys: dict[str, str] = field(default_factory=dict)


def available(tables: Tables, reads: Reads) -> bool:
    """Whether every table in ``reads`` is present with every column it names."""
    return all(
        name in tables.frames and set(cols) <= set(tables.frames[name].columns)
        for name, cols in reads.items()
    )


# -- helpers --------------------------------------------------------------------------------------


def labelled(df: pd.DataFrame, cols: tuple[str, ...], label: str = UNASSIGNED) -> pd.DataFrame:
    """Blank owner/region/... shown (and filterable) as a visible label, not as nothing."""
    for col in cols:
        df[col] = df[col].astype(object).where(df[col].notna(), "").astype(str).str.strip()
        df[col] = df[col].mask(df[col] == "", label)
    return df


def target_occasions(t: Tables) -> pd.DataFrame:
    occ = t["occasions"]
    return occ[occ["status"].isin(TARGET_STATUSES)]


# -- the datasets ---------------------------------------------------------------------------------

TARGET_READS: Reads = {
    "occasions": (
        "account", "account_key", "owner", "geo", "region", "product", "occasion", "due",
        "window_start", "window_end", "status", "fiscal_quarter", "amount", "unattached_hc",
        "contract_id", "days_overdue", "days_to_due", "days_to_close", "urgency", "next_action",
    ),
}  # fmt: skip


def targets(t: Tables) -> pd.DataFrame:
    """Occasions overdue, pending or upcoming (targets.csv plus the account key and contract),
    most urgent first: the transform's own rank (transform/urgency.py)."""
    df = target_occasions(t)[list(TARGET_READS["occasions"])].copy()
    df = labelled(df, ("owner", "geo", "region"))
    df = labelled(df, ("product", "fiscal_quarter"), BLANK)
    df = df.sort_values(["urgency", "account"], kind="stable")
    return df.reset_index(drop=True)


CANDIDATE_READS: Reads = {
    "candidates": (
        "account", "owner", "geo", "region", "status", "next_due", "amount", "occasions",
        "urgency", "next_action", "account_key",
    ),
}  # fmt: skip


def candidates(t: Tables) -> pd.DataFrame:
    """One row per account due a check (candidates.csv, with its account key), largest amount
    first."""
    df = t["candidates"][list(CANDIDATE_READS["candidates"])].copy()
    df = labelled(df, ("owner", "geo", "region"))
    df = df.sort_values(["amount", "account"], ascending=[False, True], kind="stable")
    return df.reset_index(drop=True)


OWNER_READS: Reads = {
    "accounts": ("owner", "geo", "region", "account_key"),
    "occasions": ("owner", "status", "contract_id", "amount", "due"),
}


def owners(t: Tables) -> pd.DataFrame:
    """One row per owner: where they sell, their accounts, their target occasions by status."""
    acc = labelled(t["accounts"][list(OWNER_READS["accounts"])].copy(), ("owner", "geo", "region"))
    by = acc.groupby("owner", sort=True)
    out = pd.DataFrame(
        {
            "geo": by["geo"].agg(_most_common),
            "region": by["region"].agg(_most_common),
            "accounts": by["account_key"].nunique(),
        }
    )
    occ = labelled(target_occasions(t)[list(OWNER_READS["occasions"])].copy(), ("owner",))
    counts = occ.pivot_table(index="owner", columns="status", values="due", aggfunc="size")
    counts = counts.reindex(columns=list(TARGET_STATUSES), fill_value=0)
    amount = occ.drop_duplicates("contract_id").groupby("owner")["amount"].sum()
    out = out.join(counts, how="outer").join(amount.rename("amount"), how="left")
    out = out.join(occ.groupby("owner")["due"].min().rename("next_due"), how="left")
    out[list(TARGET_STATUSES)] = out[list(TARGET_STATUSES)].fillna(0).astype(int)
    out["accounts"] = out["accounts"].fillna(0).astype(int)
    out["amount"] = out["amount"].fillna(0.0)
    out = labelled(out.reset_index(names="owner"), ("geo", "region"))
    return out[
        ["owner", "geo", "region", "accounts", *TARGET_STATUSES, "next_due", "amount"]
    ].sort_values(["overdue", "amount"], ascending=False, kind="stable")


def _most_common(s: pd.Series) -> str:
    counts = s.value_counts()
    return str(counts.index[0]) if len(counts) else ""


EFFICACY_COUNTS = (
    "due", "closed", "done_on_time", "done_late", "missed", "unattached", "open", "open_done",
)  # fmt: skip
EFFICACY_READS: Reads = {
    "efficacy": ("level", "name", "geo", "period", *EFFICACY_COUNTS, "on_time_rate")
}


def efficacy(t: Tables) -> pd.DataFrame:
    """Per owner and per region and fiscal quarter: checks due, done on time or late, missed."""
    df = t["efficacy"][list(EFFICACY_READS["efficacy"])].copy()
    df = labelled(df, ("name",))
    df = df.sort_values(["period", "level", "name"], ascending=[False, True, True], kind="stable")
    return df.reset_index(drop=True)


MISSED_READS: Reads = {
    "occasions": (
        "account", "account_key", "owner", "geo", "region", "product", "occasion", "due",
        "window_start", "window_end", "status", "fiscal_quarter", "amount", "unattached_hc",
        "contract_id",
    ),
}  # fmt: skip


def missed(t: Tables) -> pd.DataFrame:
    """Occasions whose window closed with no check logged: the latest window first."""
    occ = t["occasions"]
    df = occ[occ["status"] == "missed"][list(MISSED_READS["occasions"])].copy()
    df = labelled(df, ("owner", "geo", "region"))
    df = labelled(df, ("product", "fiscal_quarter"), BLANK)
    df = df.sort_values(["window_end", "account"], ascending=[False, True], kind="stable")
    return df.reset_index(drop=True)


ACCOUNT_READS: Reads = {
    "accounts": ("account", "account_key", "owner", "geo", "region"),
    "candidates": ("account_key", "status", "next_due", "next_action"),
}
NOT_DUE = "not due"


def accounts(t: Tables) -> pd.DataFrame:
    """Every account, due a check or not, to search by name: the X-Ray's index."""
    acc = t["accounts"][list(ACCOUNT_READS["accounts"])].drop_duplicates("account_key")
    due = t["candidates"][list(ACCOUNT_READS["candidates"])]
    df = acc.merge(due, on="account_key", how="left")
    df["status"] = df["status"].astype(object).where(df["status"].notna(), NOT_DUE).astype(str)
    df["next_action"] = df["next_action"].astype(object).where(df["next_action"].notna(), "")
    df = labelled(df, ("owner", "geo", "region"))
    df = df.sort_values(["account", "account_key"], key=lambda s: s.str.casefold(), kind="stable")
    return df.reset_index(drop=True)


CHANGE_READS: Reads = {"changes": tuple(CHANGE_COLUMNS)}


def changes(t: Tables) -> pd.DataFrame:
    """What changed since the previous published run (transform/changes.py), as computed."""
    df = t["changes"][list(CHANGE_READS["changes"])].copy()
    return labelled(df, ("owner", "geo", "region")).reset_index(drop=True)


QUALITY_READS: Reads = {"data_quality": ("file", "line", "column", "value", "reason")}


def quality(t: Tables) -> pd.DataFrame:
    """Every input row or value the transform could not use as is, with its reason."""
    return t["data_quality"][list(QUALITY_READS["data_quality"])].reset_index(drop=True)


# The health score's datasets live in their own module, which uses the helpers above.
from hcportal.render import health as _health  # noqa: E402


def per_account(name: str, build: Callable[[Tables], pd.DataFrame], reads: Reads) -> Dataset:
    """A dataset of account rows: owners and regions link to their pages, the key travels with
    each account name."""
    return Dataset(name, build, reads, links=("owner", "region"), keys={"account": "account_key"})


DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in (
        per_account("targets", targets, TARGET_READS),
        per_account("candidates", candidates, CANDIDATE_READS),
        per_account("missed", missed, MISSED_READS),
        per_account("accounts", accounts, ACCOUNT_READS),
        per_account("changes", changes, CHANGE_READS),
        Dataset("owners", owners, OWNER_READS, links=("owner", "region")),
        Dataset("efficacy", efficacy, EFFICACY_READS, links=("name",)),
        Dataset("quality", quality, QUALITY_READS),
        Dataset("hm_accounts", healthmap.accounts, healthmap.ACCOUNT_READS),
        Dataset("hm_responses", healthmap.responses, healthmap.RESPONSE_READS),
        per_account("health", _health.health, _health.HEALTH_READS),
        per_account("alerts", _health.alerts, _health.ALERT_READS),
        Dataset("journey_accounts", journeys.accounts,
                {"journey_accounts": journeys.READS["journey_accounts"]}),
        Dataset("journey_patterns", journeys.patterns,
                {k: journeys.READS[k] for k in ("journey_accounts", "journey_account_patterns")}),
    )
}  # fmt: skip
