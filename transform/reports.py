"""The input reports: each is one entry of :data:`REPORTS`.

An :class:`InputReport` says everything the pipeline needs to know about one export: its name
(``<name>.csv`` in the raw folder), its column mapping (a :class:`ColumnMapping` whose fields carry
the default headers and their docs; it becomes ``[transform.columns.<name>]`` in the config),
whether a run needs it, how it is read and its cleaning function (the raw export to a tidy table,
every row it cannot use listed in the data-quality report). Each report gets a load step that makes
the table of the same name (declared in the catalogue); a drop folder's expected reports and
``docs/data.md``'s input table are derived from the same entries.

Adding a report is one entry here, with its mapping class and its cleaning function, plus its table
in the catalogue. An optional report missing from the raw folder is not an error: its load step is
skipped, and so is every step that needs its table (``meta.json`` says so). Nor is an optional
report that cannot be used (empty, or lacking a required column): it is listed in the data-quality
report and skipped the same way, so it never stops the others.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

from hcportal.core.errors import TransformError
from hcportal.transform import clean
from hcportal.transform.customer_reports import (
    clean_invoices,
    clean_surveys,
    clean_tickets,
    clean_usage,
)
from hcportal.transform.frames import isin, values_at
from hcportal.transform.load import (
    Quality,
    Report,
    clean_accounts,
    clean_activities,
    clean_contracts,
    read_report,
)
from hcportal.transform.steps import Context, Frames, Skipped, Step

if TYPE_CHECKING:
    from hcportal.transform.settings import TransformSettings

_OPTIONAL = ' Optional: set it to "" if your export has no such column.'
_IF_PRESENT = (
    " Optional: read when the export has this column (else left blank, and meta.json says so);"
    ' set it to "" to ignore it.'
)


class ColumnMapping(BaseModel):
    """A report's header mapping. Fields listed in ``OPTIONAL`` may be mapped to "" (absent);
    those also in ``IF_PRESENT`` are read when the export has their default header and are blank
    otherwise (a header the user names in the config must be there)."""

    model_config = ConfigDict(extra="forbid")
    OPTIONAL: ClassVar[frozenset[str]] = frozenset()
    IF_PRESENT: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="after")
    def _required_are_named(self) -> ColumnMapping:
        for name, header in self.model_dump().items():
            if not header.strip() and name not in self.OPTIONAL:
                raise ValueError(f"{name}: this column is required; name its header")
        return self

    def required_headers(self) -> list[str]:
        """The headers an export must have for the fields that are not optional."""
        return [h for f, h in self.model_dump().items() if h and f not in self.OPTIONAL]

    def if_present(self) -> frozenset[str]:
        """The fields read only when the export has their header: those left at their default."""
        return self.IF_PRESENT - self.model_fields_set


class ActivityColumns(ColumnMapping):
    """Headers of the Activities export."""

    IF_PRESENT = frozenset({"contact", "direction", "type", "description"})
    OPTIONAL = frozenset({"owner", "opportunity", "revenue", "currency"}) | IF_PRESENT

    owner: str = Field("Name", description="Who logged the activity." + _OPTIONAL)
    account: str = Field("Account", description="The account it was logged on.")
    opportunity: str = Field(
        "Opportunity", description="The opportunity it relates to, if any." + _OPTIONAL
    )
    subject: str = Field("Subject", description="What it was; matched against evidence_subject.")
    revenue: str = Field("Revenue", description="The opportunity's revenue." + _OPTIONAL)
    currency: str = Field(
        "",
        description='The revenue\'s currency, if the export has such a column (e.g. "Currency").',
    )
    timestamp: str = Field("Timestamp", description="When it happened.")
    attachment: str = Field(
        "Attachment",
        description="Whether a deliverable is attached (yes/no, or a count of attachments).",
    )
    contact: str = Field("Contact", description="Who at the customer it was with." + _IF_PRESENT)
    direction: str = Field(
        "Direction", description="Which way it went (Inbound, Outbound)." + _IF_PRESENT
    )
    type: str = Field("Type", description="How (Email, Call, Meeting, ...)." + _IF_PRESENT)
    description: str = Field(
        "Description", description="Its notes (the activity's comments)." + _IF_PRESENT
    )


class AccountColumns(ColumnMapping):
    """Headers of the Accounts export. Its other columns (Tier, Industry, ...) are kept as they are."""

    OPTIONAL = frozenset({"owner", "geo", "region"})

    owner: str = Field("Owner", description="The account's owner (seller)." + _OPTIONAL)
    account: str = Field("Account", description="The account's name.")
    geo: str = Field("GEO", description="Its geography (AMS, EMEA, JAPAC, ...)." + _OPTIONAL)
    region: str = Field("Region", description="Its region within the geography." + _OPTIONAL)


class ContractColumns(ColumnMapping):
    """Headers of the Contracts export."""

    OPTIONAL = frozenset({"product", "end", "amount", "currency"})

    account: str = Field("Account", description="The account holding the contract.")
    product: str = Field("Product", description="What was sold." + _OPTIONAL)
    start: str = Field("Start Date", description="First day of the term.")
    end: str = Field(
        "End Date",
        description="Last day of the term; blank for evergreen contracts." + _OPTIONAL,
    )
    amount: str = Field("Amount", description="The contract's value." + _OPTIONAL)
    currency: str = Field(
        "", description='The amount\'s currency, if the export has such a column (e.g. "Currency").'
    )


class SurveyColumns(ColumnMapping):
    """Headers of the Surveys export: one row per contact, question and sending (wave); an invited
    contact who did not answer is a row with an empty Rating."""

    IF_PRESENT = frozenset({"contact", "role", "questionnaire", "wave", "question"})
    OPTIONAL = IF_PRESENT

    account: str = Field("Account", description="The account the contact belongs to.")
    contact: str = Field(
        "Contact", description="Who was asked (an e-mail or a name)." + _IF_PRESENT
    )
    role: str = Field(
        "Role", description="The contact's role (Decision Maker, Influencer, ...)." + _IF_PRESENT
    )
    questionnaire: str = Field(
        "Questionnaire", description="Which survey (Relationship Survey, ...)." + _IF_PRESENT
    )
    wave: str = Field("Wave", description="Which sending of it (2025 H1, ...)." + _IF_PRESENT)
    date: str = Field("Date", description="When it was sent or answered.")
    question: str = Field("Question", description="The question asked." + _IF_PRESENT)
    rating: str = Field(
        "Rating",
        description="The answer, a number on `parsing.rating_scale`; empty: invited, no answer.",
    )


class TicketColumns(ColumnMapping):
    """Headers of the support cases export (Salesforce's Cases report)."""

    IF_PRESENT = frozenset({"number", "closed", "priority", "status", "escalated", "subject"})
    OPTIONAL = IF_PRESENT

    number: str = Field("Case Number", description="The case's id." + _IF_PRESENT)
    account: str = Field("Account Name", description="The account that opened it.")
    opened: str = Field("Date/Time Opened", description="When it was opened.")
    closed: str = Field(
        "Date/Time Closed", description="When it was closed; blank while open." + _IF_PRESENT
    )
    priority: str = Field("Priority", description="Low, Medium, High, Critical, ..." + _IF_PRESENT)
    status: str = Field("Status", description="New, Escalated, Closed, ..." + _IF_PRESENT)
    escalated: str = Field(
        "Escalated", description="Whether it was escalated (1/0, yes/no, ...)." + _IF_PRESENT
    )
    subject: str = Field("Subject", description="What it was about." + _IF_PRESENT)


class InvoiceColumns(ColumnMapping):
    """Headers of the Invoices export (billing)."""

    IF_PRESENT = frozenset({"number", "due", "paid", "amount", "status"})
    OPTIONAL = IF_PRESENT | {"currency"}

    number: str = Field("Invoice Number", description="The invoice's id." + _IF_PRESENT)
    account: str = Field("Account", description="The account billed (its legal name, often).")
    issued: str = Field("Invoice Date", description="When it was issued.")
    due: str = Field("Due Date", description="When payment was due." + _IF_PRESENT)
    paid: str = Field("Paid Date", description="When it was paid; blank if unpaid." + _IF_PRESENT)
    amount: str = Field("Amount", description="What it bills." + _IF_PRESENT)
    status: str = Field("Status", description="Paid, Open, Overdue, ..." + _IF_PRESENT)
    currency: str = Field(
        "", description='The amount\'s currency, if the export has such a column (e.g. "Currency").'
    )


class UsageColumns(ColumnMapping):
    """Headers of the product usage export: one row per account and month."""

    IF_PRESENT = frozenset({"active", "licensed", "events"})
    OPTIONAL = IF_PRESENT

    account: str = Field("Account", description="The account (or the tenant named after it).")
    month: str = Field("Month", description="Which month (2025-05, May 2025, 5/1/2025, ...).")
    active: str = Field("Active Users", description="Users active that month." + _IF_PRESENT)
    licensed: str = Field("Licensed Users", description="Seats licensed." + _IF_PRESENT)
    events: str = Field("Events", description="Product events recorded that month." + _IF_PRESENT)


Cleaner = Callable[[Report, Quality, "TransformSettings"], pd.DataFrame]


@dataclass(frozen=True)
class InputReport:
    """One input report: what it is called, how its columns are found, how it is cleaned."""

    name: str  # <name>.csv in the raw folder; its load step makes the table <name>
    columns: type[ColumnMapping]
    clean: Cleaner
    required: bool = True
    # Fields read dictionary-encoded (the reader builds the dictionaries in its threads): every
    # column that repeats.
    dictionary: tuple[str, ...] = ()
    keep_extra: bool = False  # keep the export's unmapped columns, under their own headers
    # Its account names are matched with the accounts report's; names matching none are listed.
    matched: bool = True
    # Without one usable row the run stops: the steps after it would have nothing to join.
    needs_rows: bool = False

    @property
    def file(self) -> str:
        return f"{self.name}.csv"

    @property
    def step(self) -> Step:
        return Step(
            name=f"load {self.name}",
            run=functools.partial(load, self),
            makes=(self.name,),
            needs=("accounts",) if self.matched else (),
            reports=(self.name,),
        )


def load(report: InputReport, tables: Frames, ctx: Context) -> Frames:
    """Read one export through its mapping, clean it, and list names no account has.

    An optional report that cannot be used at all (an empty file, a required column missing) is
    listed in the data-quality report and its step skipped: it never stops the other reports."""
    facts = ctx.reports.setdefault(report.name, {})
    facts["present"] = True
    with ctx.timed(f"read {report.name}"):
        try:
            raw = read_report(
                ctx.raw_dir / report.file,
                getattr(ctx.settings.columns, report.name),
                ctx.settings.parsing,
                report.dictionary,
                report.keep_extra,
            )
        except TransformError as e:
            if report.required:
                raise
            ctx.quality.add(report.file, np.array([1]), "", [""], f"report not used: {e}")
            facts.update(used=False, problem=str(e))
            raise Skipped(f"{report.file} cannot be used: {e}") from None
    facts["used"] = True
    facts["fields_absent"] = [name for name, header in raw.fields.items() if not header]
    with ctx.timed(f"clean {report.name}"):
        df = report.clean(raw, ctx.quality, ctx.settings)
    facts["rows_read"] = ctx.quality.rows_read.get(report.file, raw.export.rows)
    facts["rows_accepted"] = len(df)
    if report.needs_rows and df.empty:
        raise TransformError(_no_accounts(report.file, facts["rows_read"], ctx.quality))
    del raw  # the raw strings: memory back before the next report is read
    if report.matched:
        with ctx.timed(f"match {report.name}"):
            if ctx.settings.aliases:
                df["account_key"] = aliased(
                    df["account_key"], tables["accounts"]["account_key"], ctx.settings
                )
            # Names that still match no account after normalising: listed, and kept (shown with
            # the report's own spelling, and no owner).
            stray = ~isin(df["account_key"], tables["accounts"]["account_key"])
            ctx.quality.add(report.file, df["_line"].to_numpy()[stray], "account",
                            values_at(df["account"], stray), "account not in the accounts report")  # fmt: skip
    return {report.name: df}


def _no_accounts(file: str, rows_read: int, quality: Quality) -> str:
    """Why there is no account to report on: a header-only export, or every row unusable (a
    broken export, not a quiet night; the steps after it have nothing to join)."""
    reasons = quality.table()
    reasons = sorted(set(reasons.loc[reasons["file"] == file, "reason"].astype(str)))
    why = f", none usable: {'; '.join(reasons)}" if rows_read else ""
    return f"{file} holds no account ({rows_read} rows read{why}); nothing to report on"


def aliased(keys: pd.Series, known: pd.Series, settings: TransformSettings) -> pd.Series:
    """``keys`` with every alias's key replaced by its account's (``transform.aliases``); an
    alias whose account the accounts report lacks is an error (it would join nothing)."""
    suffixes = settings.parsing.legal_suffixes
    names = pd.Series(list(settings.aliases), dtype=object)
    targets = pd.Series(list(settings.aliases.values()), dtype=object)
    source_keys = clean.account_key(names, suffixes).tolist()
    target_keys = clean.account_key(targets, suffixes).tolist()
    known_keys = set(known.astype(str))
    for name, target, key in zip(names, targets, target_keys, strict=True):
        if key not in known_keys:
            raise TransformError(
                f"transform.aliases: {name!r} = {target!r}: no account of accounts.csv is named "
                f"{target!r} (compared normalised, as {key!r})"
            )
    mapping = dict(zip(source_keys, target_keys, strict=True))
    if isinstance(keys.dtype, pd.CategoricalDtype):  # per distinct key, not per row
        cats = [mapping.get(c, c) for c in keys.cat.categories.astype(str)]
        codes, uniques = pd.factorize(pd.Series(cats, dtype=object))
        old = keys.cat.codes.to_numpy()
        new = np.where(old >= 0, codes[np.maximum(old, 0)], -1)
        return pd.Series(
            pd.Categorical.from_codes(new, categories=pd.Index(uniques, dtype="str")),
            index=keys.index,
        )
    return keys.astype(str).map(lambda k: mapping.get(k, k)).astype(keys.dtype)


REPORTS: dict[str, InputReport] = {
    r.name: r
    for r in (
        InputReport(
            "activities",
            ActivityColumns,
            clean_activities,
            # Only the timestamps, nearly all distinct, are read as plain strings.
            dictionary=(
                "owner", "account", "opportunity", "subject", "revenue", "attachment", "contact",
                "direction", "type", "description",
            ),
        ),
        InputReport(
            "accounts", AccountColumns, clean_accounts, dictionary=("account",), keep_extra=True,
            needs_rows=True,
            matched=False,
        ),
        InputReport(
            "contracts", ContractColumns, clean_contracts,
            dictionary=("account", "product", "start", "end", "amount"),
        ),
        # The four optional reports (issue 11): what the health score, the health map, the
        # journeys and the customer object read besides the health-check policy's three.
        InputReport(
            "surveys", SurveyColumns, clean_surveys, required=False,
            dictionary=("account", "contact", "role", "questionnaire", "wave", "date", "question",
                        "rating"),
        ),
        InputReport(
            "tickets", TicketColumns, clean_tickets, required=False,
            # Case numbers and times are nearly all distinct: read as plain strings.
            dictionary=("account", "priority", "status", "escalated", "subject"),
        ),
        InputReport(
            "invoices", InvoiceColumns, clean_invoices, required=False,
            dictionary=("account", "issued", "due", "paid", "amount", "status", "currency"),
        ),
        InputReport(
            "usage", UsageColumns, clean_usage, required=False,
            dictionary=("account", "month", "active", "licensed", "events"),
        ),
    )
}  # fmt: skip
LOAD_STEPS = tuple(r.step for r in REPORTS.values())


def reference() -> str:
    """The Markdown table of the input reports, for docs/data.md."""
    lines = [
        "| file | default columns (map yours in `[transform.columns.<report>]`) | required |",
        "|---|---|---|",
    ]
    for r in REPORTS.values():
        headers = ", ".join(
            f.default if f.default.casefold() == name else f"{f.default} ({name})"
            for name, f in r.columns.model_fields.items()
        )
        if r.keep_extra:
            headers += " (any other column is kept: Tier, Industry, ...)"
        lines.append(f"| `{r.file}` | {headers} | {'yes' if r.required else 'no'} |")
    return "\n".join(lines)
