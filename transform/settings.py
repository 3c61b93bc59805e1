"""Transform settings: the health-check policy (GUIDE section 4), column mapping and parsing."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator, model_validator

from hcportal.transform.clean import LEGAL_SUFFIXES
from hcportal.transform.healthmap_rules import HealthMapSettings
from hcportal.transform.inventory_settings import InventorySettings
from hcportal.transform.journey_settings import JourneySettings
from hcportal.transform.reports import REPORTS
from hcportal.transform.score_settings import ScoreSettings


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
    evidence_label: str | None = Field(
        None,
        min_length=1,
        description=(
            "What sellers call the activity to log, in each target's next-action sentence (\"log "
            'a Health Check with its report attached by ..."). When set, it must match '
            "`evidence_subject` (an activity logged with this subject counts). Unset: `Health "
            "Check` if that matches `evidence_subject`, else the pattern itself is quoted."
        ),
    )
    fiscal_year_start_month: int = Field(
        1, ge=1, le=12, description="First month of the fiscal year (FY named by its end year)."
    )
    influence_days: int = Field(
        90,
        ge=0,
        description=(
            "An opportunity logged on the account this many days after a done check (or on its "
            "day) counts as pipeline the check influenced."
        ),
    )

    @field_validator("evidence_subject")
    @classmethod
    def _compiles(cls, v: str) -> str:
        try:
            re.compile(v)
        except re.error as e:
            raise ValueError(f"not a valid regular expression: {e}") from None
        return v

    @model_validator(mode="after")
    def _label_counts(self) -> PolicySettings:
        # A seller who follows the sentence must log a check that counts. Unset, the label is
        # derived, so a user who only changes the pattern is not asked for a label too.
        if self.evidence_label is None:
            fits = re.search(self.evidence_subject, "Health Check", re.IGNORECASE)
            self.evidence_label = (
                "Health Check"
                if fits
                else f"check activity (Subject matching {self.evidence_subject})"
            )
        elif not re.search(self.evidence_subject, self.evidence_label, re.IGNORECASE):
            raise ValueError(
                f"evidence_label {self.evidence_label!r} does not match evidence_subject "
                f"{self.evidence_subject!r}: an activity logged as the next action says would "
                "not count"
            )
        return self


# One section per input report, each the report's own mapping class: derived from the registry
# (transform/reports.py), so adding a report there adds its section here.
_SECTIONS: dict = {r.name: (r.columns, Field(default_factory=r.columns)) for r in REPORTS.values()}
ColumnSettings = create_model(
    "ColumnSettings",
    __base__=_Strict,
    __doc__="Map your CRM's export headers to the fields hcportal reads (defaults: the seed's headers).",
    **_SECTIONS,
)


class ParseSettings(_Strict):
    """How to read ambiguous values in the exports."""

    date_order: Literal["MDY", "DMY"] = Field(
        "MDY", description='How to read 5/3/2024: "MDY" (May 3, the default) or "DMY" (5 March).'
    )
    decimal_comma: bool = Field(
        False, description="Amounts use a decimal comma (€1.234,56) instead of a decimal point."
    )
    delimiter: str = Field(
        ",", min_length=1, max_length=1, description='Field separator of the exports ("," or ";").'
    )
    legal_suffixes: list[str] = Field(
        default_factory=lambda: list(LEGAL_SUFFIXES),
        description=(
            "Words dropped from the end of account names before matching them across reports "
            "(case and dots ignored), so that Acme Inc and ACME match."
        ),
    )
    currency: str = Field(
        "USD",
        pattern=r"^[A-Z]{3}$",
        description=(
            "The book's currency (ISO 4217 code): every amount is summed in it. An amount written "
            "in another (€, £, EUR 1200, or a currency column that says so) is converted with "
            "`rates`, or else listed in data_quality.csv and not counted. A bare $ is this "
            "currency when it is a dollar, else USD."
        ),
    )
    rates: dict[str, float] = Field(
        default_factory=dict,
        description=(
            "Conversion into `currency`: what one unit of another currency is worth in it, e.g. "
            "`rates = { EUR = 1.08, GBP = 1.27 }`. Amounts in a currency with no rate are never "
            "summed with the others."
        ),
    )

    rating_scale: tuple[float, float] = Field(
        (0, 10),
        description=(
            "The lowest and highest answer a survey's Rating may hold, e.g. `[1, 5]` for a "
            "five-point scale. A rating outside it (or not a number) is listed in "
            "data_quality.csv and its row is not used; an empty rating is an invitation that "
            "was not answered."
        ),
    )

    @field_validator("rating_scale")
    @classmethod
    def _scale_is_ordered(cls, v: tuple[float, float]) -> tuple[float, float]:
        if not v[0] < v[1]:
            raise ValueError("the lowest rating must be below the highest, e.g. [0, 10]")
        return v

    @field_validator("rates")
    @classmethod
    def _rates_are_codes(cls, v: dict[str, float]) -> dict[str, float]:
        for code, rate in v.items():
            if not re.fullmatch(r"[A-Z]{3}", code):
                raise ValueError(f"{code!r} is not a currency code like EUR")
            if not rate > 0:
                raise ValueError(f"the rate for {code} must be a positive number")
        return v


class TransformSettings(_Strict):
    """How ``hcportal transform`` reads the reports and applies the policy."""

    policy: PolicySettings = Field(default_factory=PolicySettings)
    columns: ColumnSettings = Field(default_factory=ColumnSettings)
    parsing: ParseSettings = Field(default_factory=ParseSettings)
    aliases: dict[str, str] = Field(
        default_factory=dict,
        description=(
            "Account names a report uses mapped to the account of the accounts report they mean, "
            'e.g. `"Acme Holdings" = "ACME ORG"` under `[transform.aliases]`: rows naming the '
            "first join the second. Names are compared normalised (case, accents, punctuation and "
            "legal suffixes ignored). The `alias` column of unmatched.csv suggests lines to add."
        ),
    )
    health_map: HealthMapSettings = Field(default_factory=HealthMapSettings)
    score: ScoreSettings = Field(default_factory=ScoreSettings)
    journeys: JourneySettings = Field(default_factory=JourneySettings)
    inventory: InventorySettings = Field(default_factory=InventorySettings)
    strict: bool = Field(
        False,
        description=(
            "Fail (and keep the previous output) if any input row cannot be used as is, instead "
            "of listing it in data_quality.csv. `hcportal transform --strict` sets it too."
        ),
    )
