"""The input reports: each is one entry of :data:`REPORTS`.

An :class:`InputReport` says everything the pipeline needs to know about one export: its name
(``<name>.csv`` in the raw folder), its column mapping (a :class:`ColumnMapping` whose fields carry
the default headers and their docs; it becomes ``[transform.columns.<name>]`` in the config),
whether a run needs it, how it is read and its cleaning function (the raw export to a tidy table,
every row it cannot use listed in the data-quality report). Each report gets a load step that makes
the table of the same name (declared in the catalogue); a drop folder's expected reports and
``docs/data.md``'s input table are derived from the same entries.

Adding a report (surveys, tickets, ...) is one entry here, with its mapping class and its cleaning
function, plus its table in the catalogue. An optional report missing from the raw folder is not an
error: its load step is skipped, and so is every step that needs its table (``meta.json`` says so).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

from hcportal.transform.frames import isin, values_at
from hcportal.transform.load import (
    Quality,
    Report,
    clean_accounts,
    clean_activities,
    clean_contracts,
    read_report,
)
from hcportal.transform.steps import Context, Frames, Step

if TYPE_CHECKING:
    from hcportal.transform.settings import TransformSettings

_OPTIONAL = ' Optional: set it to "" if your export has no such column.'


class ColumnMapping(BaseModel):
    """A report's header mapping. Fields listed in ``OPTIONAL`` may be mapped to "" (absent)."""

    model_config = ConfigDict(extra="forbid")
    OPTIONAL: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="after")
    def _required_are_named(self) -> ColumnMapping:
        for name, header in self.model_dump().items():
            if not header.strip() and name not in self.OPTIONAL:
                raise ValueError(f"{name}: this column is required; name its header")
        return self

    def required_headers(self) -> list[str]:
        """The headers an export must have for the fields that are not optional."""
        return [h for f, h in self.model_dump().items() if h and f not in self.OPTIONAL]


class ActivityColumns(ColumnMapping):
    """Headers of the Activities export."""

    OPTIONAL = frozenset({"owner", "opportunity", "revenue", "currency"})

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
    """Read one export through its mapping, clean it, and list names no account has."""
    with ctx.timed(f"read {report.name}"):
        raw = read_report(
            ctx.raw_dir / report.file,
            getattr(ctx.settings.columns, report.name),
            ctx.settings.parsing,
            report.dictionary,
            report.keep_extra,
        )
    with ctx.timed(f"clean {report.name}"):
        df = report.clean(raw, ctx.quality, ctx.settings)
    del raw  # the raw strings: memory back before the next report is read
    if report.matched:
        with ctx.timed(f"match {report.name}"):
            # Names that still match no account after normalising: listed, and kept (shown with
            # the report's own spelling, and no owner).
            stray = ~isin(df["account_key"], tables["accounts"]["account_key"])
            ctx.quality.add(report.file, df["_line"].to_numpy()[stray], "account",
                            values_at(df["account"], stray), "account not in the accounts report")  # fmt: skip
    return {report.name: df}


REPORTS: dict[str, InputReport] = {
    r.name: r
    for r in (
        InputReport(
            "activities",
            ActivityColumns,
            clean_activities,
            # Only the timestamps, nearly all distinct, are read as plain strings.
            dictionary=("owner", "account", "opportunity", "subject", "revenue", "attachment"),
        ),
        InputReport(
            "accounts", AccountColumns, clean_accounts, dictionary=("account",), keep_extra=True,
            matched=False,
        ),
        InputReport(
            "contracts", ContractColumns, clean_contracts,
            dictionary=("account", "product", "start", "end", "amount"),
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
