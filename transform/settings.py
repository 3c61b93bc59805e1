"""Transform settings: the health-check policy (GUIDE section 4), column mapping and parsing."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PolicySettings(_Strict):
    """When a health check is due, what counts as one, and how far ahead to look."""

    after_start_days: int = Field(
        90, ge=0, description="An onboarding check is due this many days after a contract starts."
    )
    before_end_days: int = Field(
        90, ge=0, description="A renewal check is due this many days before a contract ends."
    )
    evergreen_every_days: int = Field(
        365, ge=1, description="A contract with no end date is due a periodic check this often."
    )
    window_before_days: int = Field(
        60, ge=0, description="A check counts from this many days before its due date..."
    )
    window_after_days: int = Field(60, ge=0, description="...to this many days after it.")
    horizon_days: int = Field(
        365, ge=0, description="Occasions due within this many days of the as-of date are upcoming."
    )
    evidence_subject: str = Field(
        r"health[\s_-]*check",
        description="Regular expression (case-insensitive) an activity's Subject must match.",
    )
    fiscal_year_start_month: int = Field(
        1, ge=1, le=12, description="First month of the fiscal year (FY named by its end year)."
    )

    @field_validator("evidence_subject")
    @classmethod
    def _compiles(cls, v: str) -> str:
        try:
            re.compile(v)
        except re.error as e:
            raise ValueError(f"not a valid regular expression: {e}") from None
        return v


class ActivityColumns(_Strict):
    """Headers of the Activities export."""

    owner: str = Field("Name", description="Who logged the activity.")
    account: str = Field("Account", description="The account it was logged on.")
    opportunity: str = Field("Opportunity", description="The opportunity it relates to, if any.")
    subject: str = Field("Subject", description="What it was; matched against evidence_subject.")
    revenue: str = Field("Revenue", description="The opportunity's revenue.")
    timestamp: str = Field("Timestamp", description="When it happened.")
    attachment: str = Field("Attachment", description="Whether a deliverable is attached.")


class AccountColumns(_Strict):
    """Headers of the Accounts export."""

    owner: str = Field("Owner", description="The account's owner (seller).")
    account: str = Field("Account", description="The account's name.")
    geo: str = Field("GEO", description="Its geography (AMS, EMEA, JAPAC, ...).")
    region: str = Field("Region", description="Its region within the geography.")


class ContractColumns(_Strict):
    """Headers of the Contracts export."""

    account: str = Field("Account", description="The account holding the contract.")
    product: str = Field("Product", description="What was sold.")
    start: str = Field("Start Date", description="First day of the term.")
    end: str = Field("End Date", description="Last day of the term; blank for evergreen contracts.")
    amount: str = Field("Amount", description="The contract's value.")


class ColumnSettings(_Strict):
    """Map your CRM's export headers to the fields hcportal reads (defaults: the seed's headers)."""

    activities: ActivityColumns = Field(default_factory=ActivityColumns)
    accounts: AccountColumns = Field(default_factory=AccountColumns)
    contracts: ContractColumns = Field(default_factory=ContractColumns)


class ParseSettings(_Strict):
    """How to read ambiguous values in the exports."""

    date_order: Literal["MDY", "DMY"] = Field(
        "MDY", description='How to read 5/3/2024: "MDY" (May 3, the default) or "DMY" (5 March).'
    )
    decimal_comma: bool = Field(
        False, description="Amounts use a decimal comma (€1.234,56) instead of a decimal point."
    )


class TransformSettings(_Strict):
    """How ``hcportal transform`` reads the reports and applies the policy."""

    policy: PolicySettings = Field(default_factory=PolicySettings)
    columns: ColumnSettings = Field(default_factory=ColumnSettings)
    parsing: ParseSettings = Field(default_factory=ParseSettings)
