"""Journey settings: which events are which journey stage, and the three scenarios' thresholds.

Seed 003 draws the customer's journey as a state chart (onboarding, adoption, support, renewal,
expansion, ...). Here a journey stage is a name given to events of the events table by ordered
rules: the first rule an event matches names its stage; an event no rule matches is not a stage.
Two stages are derived, not mapped: ``churn`` (no contract is active on the as-of date) and
``silence`` (still a customer, and nothing came from the account for ``silence_days``).
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

CHURN, SILENCE = "churn", "silence"
TERMINALS = (CHURN, SILENCE)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StageRule(_Strict):
    """One rule: events of these types (and, optionally, with these values) are this stage."""

    stage: str = Field(description="The stage's name (`onboarding`, `support`, ...).")
    types: list[str] = Field(
        description="Event types it applies to (the `type` of the events table: `ticket_opened`, "
        "`contract_start`, `usage`, ...; see docs/data.md)."
    )
    subject: str = Field(
        "", description="If set, a regular expression (case-insensitive) the Subject must match."
    )
    escalated: bool | None = Field(
        None, description="If set, the support case must be escalated (true) or not (false)."
    )
    contract: Literal["first", "renewal", "expansion", ""] = Field(
        "",
        description="For `contract_start`: the account's `first` contract, a `renewal` (a later "
        "contract for a product it already had) or an `expansion` (a product it did not have).",
    )
    min_active_share: float | None = Field(
        None, ge=0, le=1,
        description="For `usage`: active users at least this share of licensed users.",
    )  # fmt: skip

    @field_validator("stage")
    @classmethod
    def _not_terminal(cls, v: str) -> str:
        if v in TERMINALS:
            raise ValueError(f"{v!r} is derived (see silence_days), not mapped from events")
        if not v.strip() or ">" in v:
            raise ValueError("a stage needs a name without '>'")
        return v

    @field_validator("subject")
    @classmethod
    def _compiles(cls, v: str) -> str:
        try:
            re.compile(v)
        except re.error as e:
            raise ValueError(f"not a valid regular expression: {e}") from None
        return v


def _default_rules() -> list[StageRule]:
    R = StageRule
    return [
        # The product event first: an upgrade's planning meeting and its planning case are the
        # upgrade, not support (the cases about what it broke after are support).
        R(stage="upgrade", types=["activity", "ticket_opened"],
          subject=r"upgrade.*planning|planning.*upgrade"),
        R(stage="onboarding", types=["contract_start"], contract="first"),
        R(stage="renewal", types=["contract_start"], contract="renewal"),
        R(stage="expansion", types=["contract_start"], contract="expansion"),
        R(stage="health_check", types=["health_check"]),
        R(stage="escalation", types=["ticket_opened"], escalated=True),
        R(stage="support", types=["ticket_opened"]),
        R(stage="adoption", types=["usage"], min_active_share=0.5),
        R(stage="renewal_risk", types=["activity"], subject=r"non[\s-]*renewal|will not renew"),
    ]  # fmt: skip


class JourneySettings(_Strict):
    """Journey stages and seed 003's three scenarios (docs/journeys.md)."""

    stages: list[StageRule] = Field(
        default_factory=_default_rules,
        description="Ordered rules from events to stages: the first rule an event matches names "
        'its stage (e.g. `[[transform.journeys.stages]]` with `stage = "support"`, '
        '`types = ["ticket_opened"]`). The defaults fit the demo CRM and seed 003\'s journey.',
    )
    onboarding_days: int = Field(
        120, ge=0,
        description="Contracts starting within this many days of an account's first contract are "
        "its first purchase (`contract = \"first\"`), not an expansion.",
    )  # fmt: skip
    silence_days: int = Field(
        180, ge=1,
        description="An account still under contract with no event from it (activity, case, "
        "usage, survey answer, payment) for this many days before the as-of date has gone silent.",
    )  # fmt: skip
    support_stages: list[str] = Field(
        default_factory=lambda: ["support", "escalation"],
        description="The stages that are a support case (what `before support` looks ahead for).",
    )
    before_support_days: int = Field(
        30, ge=1,
        description="An event precedes a support case when the case opens within this many days "
        "after it.",
    )  # fmt: skip
    sequence_length: int = Field(
        2, ge=1, le=4,
        description="Stage sequences looked at before a support case: this many stages in a row "
        "(repeats of a stage counted once).",
    )  # fmt: skip
    min_accounts: int = Field(
        10, ge=1,
        description="A figure resting on fewer accounts than this is marked thin.",
    )  # fmt: skip
    paying_share: float = Field(
        0.25, gt=0, lt=1,
        description="Paths that pay: the accounts in this top share by revenue that are also in "
        "the bottom half by support cases per year, and still customers (not churned or silent), "
        "are the paying group; the rest are compared.",
    )  # fmt: skip
    variant_stages: list[str] = Field(
        default_factory=lambda: [
            "onboarding", "health_check", "adoption", "upgrade", "expansion", "renewal",
            "renewal_risk",
        ],
        description="Paths that pay compare variants made of these stages only (then churn or "
        "silence): support cases are what the paying group has few of, so they are left out.",
    )  # fmt: skip
    tier_column: str = Field(
        "Tier", description="The accounts report's column the journeys page filters as tier."
    )
    segment_column: str = Field(
        "Industry",
        description="The accounts report's column the journeys page filters as segment "
        "(Industry, Segment, Type, ...).",
    )
    top_variants: int = Field(
        15, ge=1, description="How many of the most common paths (variants) the tables keep."
    )

    @model_validator(mode="after")
    def _support_stages_known(self) -> JourneySettings:
        names = {r.stage for r in self.stages}
        unknown = [s for s in self.support_stages if s not in names]
        if unknown:
            raise ValueError(
                f"support_stages {unknown} are not stages of any rule ({sorted(names)})"
            )
        return self

    @property
    def stage_names(self) -> list[str]:
        """Every stage in rule order (each once), then the derived ones."""
        return [*dict.fromkeys(r.stage for r in self.stages), *TERMINALS]
