"""The events table: every dated fact of every report, one row each, in time order per account.

Seed 003 asks for the customer's journey across systems in one structure; this is its table form,
what the customer object's ``events``, the X-Ray's timeline, the health score and the journeys read.
Each row says when (``at``), what (``type``), where it comes from (``source``: the report) and the
row that made it (``line``: its line in the raw file), plus the values of its kind (a ticket's
priority, an invoice's days late, a survey answer's rating, ...); a column that does not apply to a
kind is null there. Health-check occasions come from the policy's occasions table, with their
outcome, traced to the contract row that made them.

Built without a loop over rows: each source is a block of typed columns (text as codes into its
distinct values); the blocks are concatenated column by column into shared typed columns (text as
categoricals over the union of the blocks' values), and one stable sort by (account, time) orders
them, ties in source, type and line order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from hcportal.transform import memory
from hcportal.transform.load import factorize
from hcportal.transform.steps import Context, Frames, Step

# The sources in their tie-break order, and each event type with its source and meaning. The
# order of the types is also their tie-break order within a source.
SOURCES = ("activities", "contracts", "tickets", "invoices", "surveys", "usage")
TYPES: dict[str, tuple[str, str]] = {
    "activity": ("activities", "an activity logged on the account (at: its timestamp)"),
    "health_check": (
        "activities",
        "an activity whose Subject matches `evidence_subject`: a logged health check",
    ),
    "contract_start": ("contracts", "a contract's first day"),
    "contract_end": ("contracts", "a contract's last day (none for an evergreen contract)"),
    "health_check_due": (
        "contracts",
        "a health-check occasion's due date (policy.md), with its outcome as of the as-of date "
        "in `status`; `line` is the contract's",
    ),
    "ticket_opened": ("tickets", "a support case opened"),
    "ticket_closed": ("tickets", "a support case closed"),
    "invoice_issued": ("invoices", "an invoice issued"),
    "invoice_due": ("invoices", "an invoice's due date"),
    "invoice_paid": ("invoices", "an invoice paid"),
    "survey_answer": ("surveys", "a survey question answered (its rating)"),
    "survey_no_answer": ("surveys", "a survey question sent and not answered (empty rating)"),
    "usage": ("usage", "a month of product usage (at: the month's first day)"),
}
# Types whose `at` is a day (no time of day is known): the customer object writes them as dates.
DATED = frozenset(TYPES) - {"activity", "health_check", "ticket_opened", "ticket_closed"}

TEXT, FLOAT, BOOL = "text", "float", "bool"
# The value columns after account_key, at, type, source and line: name -> (kind, meaning).
VALUES: dict[str, tuple[str, str]] = {
    "ref": (TEXT, "The record's id in its system: the case number (tickets), the invoice number "
            "(invoices)."),
    "subject": (TEXT, "The activity's or the case's Subject."),
    "description": (TEXT, "The activity's notes (Description)."),
    "contact": (TEXT, "Who at the customer: the activity's Contact, the survey's Contact."),
    "role": (TEXT, "The survey contact's Role."),
    "direction": (TEXT, "The activity's Direction (Inbound, Outbound)."),
    "activity_type": (TEXT, "The activity's Type (Email, Call, Meeting)."),
    "logged_by": (TEXT, "Who logged the activity (its Name: the seller)."),
    "opportunity": (TEXT, "The activity's Opportunity."),
    "attachment": (BOOL, "The activity has an attachment."),
    "product": (TEXT, "The contract's Product (contract and health-check events)."),
    "occasion": (TEXT, "The health-check occasion: `onboarding`, `renewal` or `periodic`."),
    "status": (TEXT, "The occasion's outcome (`done`, `missed`, `overdue`, `pending`, "
               "`upcoming`, `later`), the case's Status, the invoice's Status."),
    "priority": (TEXT, "The case's Priority."),
    "escalated": (BOOL, "The case was escalated."),
    "amount": (FLOAT, "The contract's Amount, the invoice's Amount, the activity's Revenue "
               "(in the book's currency)."),
    "paid": (BOOL, "The invoice has a paid date."),
    "days_late": (FLOAT, "Days from the invoice's due date to its payment (negative: early)."),
    "questionnaire": (TEXT, "The survey's Questionnaire."),
    "wave": (TEXT, "The survey's Wave."),
    "question": (TEXT, "The survey's Question."),
    "rating": (FLOAT, "The survey answer's Rating."),
    "active_users": (FLOAT, "Users active in the usage month."),
    "licensed_users": (FLOAT, "Seats licensed in the usage month."),
    "usage_events": (FLOAT, "Product events recorded in the usage month."),
}  # fmt: skip
COLUMNS = ("account_key", "at", "type", "source", "line", *VALUES)


@dataclass
class Block:
    """The events of one type from one source: equal-length columns, rows in the source's order."""

    type: str
    account_key: object  # a categorical or string column
    at: np.ndarray  # datetime64[s]
    line: np.ndarray  # int64
    values: dict[str, object] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.at)


def events_step(t: Frames, ctx: Context) -> Frames:
    table = events(t)
    # Building the table freed about 2 GB of temporaries at 100,000 accounts; given back, the
    # steps after it (Arrow strings among them) do not stack their memory on top of that heap.
    memory.release_free_memory()
    return {"events": table}


STEP = Step(
    "events",
    events_step,
    makes=("events",),
    needs=("activities", "contracts", "occasions"),
    uses=("tickets", "invoices", "surveys", "usage"),
)


def events(t: Frames) -> pd.DataFrame:
    """The events of every report in ``t`` (an optional report's table may be absent)."""
    blocks = [
        *_activities(t["activities"]),
        *_contracts(t["contracts"], t["occasions"]),
        *(_tickets(t["tickets"]) if "tickets" in t else []),
        *(_invoices(t["invoices"]) if "invoices" in t else []),
        *(_surveys(t["surveys"]) if "surveys" in t else []),
        *(_usage(t["usage"]) if "usage" in t else []),
    ]
    return assemble(blocks)


# -- one block per event type -----------------------------------------------------------------------


def _subset(df: pd.DataFrame, rows: np.ndarray | None) -> pd.DataFrame:
    return df if rows is None else df.iloc[np.flatnonzero(rows)]


def _block(kind: str, df: pd.DataFrame, at: str, line: str, values: dict[str, str],
           rows: np.ndarray | None = None) -> Block:  # fmt: skip
    """The rows ``rows`` (a mask; None: all) of ``df`` as events of type ``kind``, dated by its
    column ``at``, with value column -> ``df``'s column."""
    # only the columns the events take are cut (a copy of every column of 5 million activities
    # would be memory for nothing)
    wanted = list(dict.fromkeys(["account_key", at, line, *values.values()]))
    part = _subset(df[wanted], rows)
    return Block(
        kind,
        part["account_key"],
        part[at].to_numpy(dtype="datetime64[s]"),
        part[line].to_numpy(dtype=np.int64),
        {name: part[column] for name, column in values.items()},
    )


def _activities(act: pd.DataFrame) -> list[Block]:
    values = {
        "subject": "subject", "description": "description", "contact": "contact",
        "direction": "direction", "activity_type": "type", "logged_by": "owner",
        "opportunity": "opportunity", "attachment": "attachment", "amount": "revenue",
    }  # fmt: skip
    values = {k: v for k, v in values.items() if v in act}
    hc = act["is_hc"].to_numpy(dtype=bool)
    return [
        _block("activity", act, "timestamp", "_line", values, ~hc),
        _block("health_check", act, "timestamp", "_line", values, hc),
    ]


def _contracts(con: pd.DataFrame, occ: pd.DataFrame) -> list[Block]:
    values = {"product": "product", "amount": "amount"}
    due = _block("health_check_due", occ, "due", "contract_id",
                 {"product": "product", "occasion": "occasion", "status": "status"})  # fmt: skip
    return [
        _block("contract_start", con, "start", "_line", values),
        _block("contract_end", con, "end", "_line", values, con["end"].notna().to_numpy()),
        due,
    ]


def _tickets(tickets: pd.DataFrame) -> list[Block]:
    values = {
        "ref": "case_number", "priority": "priority", "status": "status",
        "escalated": "escalated", "subject": "subject",
    }  # fmt: skip
    return [
        _block("ticket_opened", tickets, "opened", "_line", values),
        _block("ticket_closed", tickets, "closed", "_line", values,
               tickets["closed"].notna().to_numpy()),
    ]  # fmt: skip


def _invoices(inv: pd.DataFrame) -> list[Block]:
    values = {
        "ref": "invoice_number", "amount": "amount", "status": "status", "paid": "paid",
        "days_late": "days_late",
    }  # fmt: skip
    return [
        _block("invoice_issued", inv, "invoice_date", "_line", values),
        _block("invoice_due", inv, "due_date", "_line", values, inv["due_date"].notna().to_numpy()),
        _block("invoice_paid", inv, "paid_date", "_line", values, inv["paid"].to_numpy()),
    ]


def _surveys(surveys: pd.DataFrame) -> list[Block]:
    values = {c: c for c in ("contact", "role", "questionnaire", "wave", "question", "rating")}
    answered = surveys["responded"].to_numpy(dtype=bool)
    return [
        _block("survey_answer", surveys, "date", "_line", values, answered),
        _block("survey_no_answer", surveys, "date", "_line", values, ~answered),
    ]


def _usage(usage: pd.DataFrame) -> list[Block]:
    values = {"active_users": "active_users", "licensed_users": "licensed_users",
              "usage_events": "events"}  # fmt: skip
    return [_block("usage", usage, "month", "_line", values)]


# -- the blocks as one table ------------------------------------------------------------------------


def assemble(blocks: list[Block]) -> pd.DataFrame:
    """One typed table of the blocks, ordered by (account key, at); ties keep the order of the
    blocks (source, type) and of their rows (line)."""
    blocks = [b for b in blocks if len(b)]
    n = sum(len(b) for b in blocks)
    key_codes, keys = _text(blocks, lambda b: b.account_key, sort=True)
    at = np.concatenate([b.at for b in blocks]) if blocks else np.zeros(0, "datetime64[s]")
    order = _time_order(key_codes, at)
    columns: dict[str, object] = {
        "account_key": pd.Categorical.from_codes(key_codes[order], categories=keys, validate=False),
        "at": at[order],
    }
    del key_codes, at
    kind = np.concatenate([np.full(len(b), list(TYPES).index(b.type), np.int8) for b in blocks])
    source = np.array([SOURCES.index(s) for s, _ in TYPES.values()], np.int8)[kind]
    columns["type"] = pd.Categorical.from_codes(kind[order], categories=list(TYPES), validate=False)
    columns["source"] = pd.Categorical.from_codes(source[order], categories=list(SOURCES),
                                                  validate=False)  # fmt: skip
    columns["line"] = np.concatenate([b.line for b in blocks] or [np.zeros(0, np.int64)])[order]
    # Where each block's rows land in the table: a value column is scattered from the blocks
    # that have it, not gathered over every row (most value columns belong to one report).
    where = np.empty(n, dtype=np.int64)
    where[order] = np.arange(n, dtype=np.int64)
    del order
    for name, (kind_of, _) in VALUES.items():
        columns[name] = _column(blocks, name, kind_of, n, where)
        for b in blocks:  # the blocks' copy of a column is let go once the table has it
            b.values.pop(name, None)
    return pd.DataFrame(columns, copy=False)


def _time_order(key_codes: np.ndarray, at: np.ndarray) -> np.ndarray:
    """The stable order of (key code, at): packed into one int64 when both fit (they do for any
    real data: 2 million accounts and 139,000 years of seconds), else a lexical sort."""
    if len(at) == 0:
        return np.zeros(0, dtype=np.int64)
    seconds = at.view(np.int64)
    base = int(seconds.min())
    span = int(seconds.max()) - base
    if int(key_codes.max(initial=0)) < (1 << 21) and span < (1 << 42):
        packed = (key_codes.astype(np.int64) << 42) | (seconds - base)
        return np.argsort(packed, kind="stable")
    return np.lexsort((seconds, key_codes))


def _codes_of(values: object) -> tuple[np.ndarray, pd.Index]:
    """A text column as (codes, distinct values): a categorical's own, else factorised (by
    Arrow, in order of first appearance; a missing value is -1)."""
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.codes.to_numpy(), values.cat.categories  # one object per source column
    codes, uniques = factorize(pa.chunked_array([_arrow(values)]))
    return codes, _index(uniques)


def _arrow(values: object) -> pa.Array:
    """Text values (a str Series or Index, or any sequence) as one Arrow ``large_string`` array:
    pandas' own ``str`` arrays are Arrow already, so nothing is copied for them."""
    return pa.array(pd.array(values, dtype="str")).cast(pa.large_string())


def _index(values: pa.Array) -> pd.Index:
    return pd.Index(pa.chunked_array([values]).to_pandas(), dtype="str")


def _small_int(n: int) -> type:
    return np.int8 if n < 127 else np.int16 if n < 32_767 else np.int32


def _text(blocks: list[Block], get, sort: bool = False,
          where: np.ndarray | None = None) -> tuple[np.ndarray, pd.Index]:  # fmt: skip
    """One text column over the blocks as codes into the union of their values (-1: none), row
    ``where[i]`` for the blocks' concatenated row ``i`` (None: in the blocks' order)."""
    parts = [(i, *_codes_of(get(b))) for i, b in enumerate(blocks) if get(b) is not None]
    # Blocks cut from one table share its column's categories: a union of several distinct
    # category lists is only needed when sources differ, and is built from the distinct lists.
    distinct: list[pd.Index] = []
    for _, _, cats in parts:
        if not any(cats is d for d in distinct):
            distinct.append(cats)
    recoded: dict[int, np.ndarray] = {}
    if len(distinct) == 1 and not sort:
        categories = distinct[0] = distinct[0].astype("str")
        parts = [(i, codes, categories) for i, codes, _ in parts]
    elif distinct:
        # The union in order of first appearance (or sorted), and each list's codes into it,
        # from one factorisation of the lists end to end (no index looked up list by list).
        # Arrow's, on the lists as they are: no Python string is made for millions of values.
        union_codes, union = factorize(pa.chunked_array([_arrow(c) for c in distinct]))
        if sort:  # by code point, as Python compares strings (UTF-8 bytes sort the same)
            order = pc.array_sort_indices(union).to_numpy()
            rank = np.empty(len(order), dtype=np.int32)
            rank[order] = np.arange(len(order), dtype=np.int32)
            union_codes, union = rank[union_codes], union.take(pa.array(order))
        categories = _index(union)
        bounds = np.cumsum([0, *(len(c) for c in distinct)])
        for j, cats in enumerate(distinct):
            recoded[id(cats)] = union_codes[bounds[j] : bounds[j + 1]]
    else:
        categories = pd.Index([], dtype="str")
    out = np.full(sum(len(b) for b in blocks), -1, dtype=_small_int(len(categories)))
    starts = np.cumsum([0, *(len(b) for b in blocks)])
    for i, codes, cats in parts:
        at = slice(starts[i], starts[i + 1]) if where is None else where[starts[i] : starts[i + 1]]
        if cats is categories:
            out[at] = codes
            continue
        recode = recoded[id(cats)].astype(out.dtype)
        out[at] = np.where(codes >= 0, recode[codes], -1) if len(recode) else -1
    return out, categories


def _column(blocks: list[Block], name: str, kind: str, n: int, where: np.ndarray) -> object:
    """The value column ``name`` over the blocks (null where a block has none), the blocks'
    concatenated row ``i`` at row ``where[i]``."""
    if kind == TEXT:
        codes, categories = _text(blocks, lambda b: b.values.get(name), where=where)
        if len(categories) == 0:  # no source has it: plain nulls (Parquet keeps their type)
            return pd.array(np.full(n, np.nan, dtype=object), dtype="str")
        return pd.Categorical.from_codes(codes, categories=categories, validate=False)
    starts = np.cumsum([0, *(len(b) for b in blocks)])
    if kind == FLOAT:
        out = np.full(n, np.nan)
        for i, b in enumerate(blocks):
            if name in b.values:
                out[where[starts[i] : starts[i + 1]]] = b.values[name].to_numpy(dtype="float64")
        return out
    value, known = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    for i, b in enumerate(blocks):
        if name in b.values:
            at = where[starts[i] : starts[i + 1]]
            value[at] = b.values[name].to_numpy(dtype=bool)
            known[at] = True
    return pd.arrays.BooleanArray(value, ~known)
