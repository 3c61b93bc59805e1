"""Health-score settings (docs/health-score.md): measures, scales, weights, bands, scorecards, tone.

Every number that decides a score is here, with a default that makes sense for a B2B book: the
measures and their time windows, how each raw value maps to 0-100 points (a linear scale or
steps), the weights within each group and of the groups overall (any numbers: they are
normalised), the bands, one scorecard per segment, the coverage below which an account is
*Insufficient signal*, the tone analyser's domain overrides and the theme word families.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

GROUPS = ("engagement", "tone", "support", "billing", "usage", "surveys")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MeasureSettings(_Strict):
    """How one measure turns its raw value into 0-100 points, and how much it weighs."""

    weight: float = Field(
        1.0, ge=0, description="Its weight within its group (any number; normalised). 0: unused."
    )
    window_days: int = Field(
        180, ge=1, description="The events it reads: those of the last this many days."
    )
    scale: Literal["linear", "steps"] = Field(
        "linear",
        description=(
            "`linear`: 0 points at `bad`, 100 at `good`, straight in between, clamped "
            "(`bad` may be above `good`: lower is better). `steps`: the points of the last "
            "`[from, points]` pair of `steps` whose `from` is at most the value."
        ),
    )
    bad: float = Field(0.0, description="Linear scale: the raw value worth 0 points.")
    good: float = Field(1.0, description="Linear scale: the raw value worth 100 points.")
    steps: list[tuple[float, float]] = Field(
        default_factory=list,
        description=(
            "Steps scale: `[[from, points], ...]` in increasing `from`; a value below the first "
            "`from` gets the first pair's points. E.g. `[[0, 100], [1, 60], [3, 20]]`."
        ),
    )

    @model_validator(mode="after")
    def _scale_is_usable(self) -> MeasureSettings:
        if self.scale == "linear" and self.bad == self.good:
            raise ValueError("a linear scale needs `bad` and `good` to differ")
        if self.scale == "steps":
            if not self.steps:
                raise ValueError("a steps scale needs at least one [from, points] pair")
            froms = [f for f, _ in self.steps]
            if froms != sorted(froms):
                raise ValueError("steps must be in increasing `from` order")
            if any(not 0 <= p <= 100 for _, p in self.steps):
                raise ValueError("step points must be between 0 and 100")
        return self


def _m(**kw: object) -> MeasureSettings:
    return MeasureSettings(**kw)  # type: ignore[arg-type]


# name -> (group, what it measures, its default settings). The order is the explain table's.
MEASURES: dict[str, tuple[str, str]] = {
    "touches_per_month": ("engagement", "activities logged on the account per 30 days"),
    "days_since_touch": ("engagement", "days from the last activity to the as-of date"),
    "contacts_engaged": ("engagement", "distinct customer contacts on activities"),
    "response_rate": (
        "engagement",
        "inbound e-mails per outbound e-mail (capped at 1), where the export says the direction",
    ),
    "response_hours": (
        "engagement",
        "median hours from an outbound e-mail to the customer's next inbound one",
    ),
    "tone": (
        "tone",
        "mean sentiment (-1 to 1) of the distinct activity and case texts with a signal",
    ),
    "risk_share": ("tone", "share of texts with a signal that hit the `risk_themes` families"),
    "tickets_per_month": ("support", "cases opened per 30 days"),
    "high_priority_share": ("support", "share of the cases opened whose priority is high"),
    "open_case_age": ("support", "days the oldest case still open has been open"),
    "escalations": ("support", "cases opened and escalated"),
    "days_late": (
        "billing",
        "mean days invoices were paid after their due date (unpaid: until the as-of date)",
    ),
    "unpaid_amount": ("billing", "the amount of invoices past due and not paid"),
    "adoption": ("usage", "active users per licensed seat, in the newest usage month"),
    "usage_trend": (
        "usage",
        "active users of the last 3 usage months over the 3 before, minus 1 (-0.2: down 20%)",
    ),
    "nps": ("surveys", "Net Promoter Score (-100 to 100) of the `nps_question` answers"),
    "survey_response_rate": ("surveys", "share of survey questions sent that were answered"),
}

DEFAULT_MEASURES: dict[str, MeasureSettings] = {
    "touches_per_month": _m(window_days=180, bad=0, good=4),
    "days_since_touch": _m(window_days=365, bad=90, good=7),
    "contacts_engaged": _m(window_days=180, weight=0.5, bad=0, good=4),
    "response_rate": _m(window_days=180, bad=0.1, good=0.8),
    "response_hours": _m(window_days=180, weight=0.5, bad=96, good=4),
    "tone": _m(window_days=180, weight=2, bad=-0.3, good=0.4),
    "risk_share": _m(window_days=180, bad=0.4, good=0),
    "tickets_per_month": _m(
        window_days=180, scale="steps", steps=[(0, 100), (0.5, 70), (1.5, 40), (3, 10)]
    ),
    "high_priority_share": _m(window_days=180, bad=0.6, good=0.1),
    "open_case_age": _m(window_days=365, weight=0.5, bad=60, good=7),
    "escalations": _m(window_days=180, scale="steps", steps=[(0, 100), (1, 60), (3, 20)]),
    "days_late": _m(window_days=365, weight=2, bad=45, good=0),
    "unpaid_amount": _m(window_days=365, scale="steps", steps=[(0, 100), (0.01, 50), (10000, 10)]),
    "adoption": _m(window_days=120, weight=2, bad=0.2, good=0.8),
    "usage_trend": _m(window_days=240, bad=-0.3, good=0.1),
    "nps": _m(window_days=365, weight=2, bad=-50, good=60),
    "survey_response_rate": _m(window_days=365, bad=0.1, good=0.8),
}

DEFAULT_GROUPS = {
    "engagement": 3.0, "tone": 1.0, "support": 2.0, "billing": 1.5, "usage": 2.0, "surveys": 1.5,
}  # fmt: skip


class Band(_Strict):
    name: str = Field(description="The band's name, shown on the page (`At risk`).")
    min_score: float = Field(ge=0, le=100, description="The lowest score in this band.")


class Scorecard(_Strict):
    """A segment's own weights and scales, over the default ones."""

    groups: dict[str, float] = Field(
        default_factory=dict, description="Group weights that replace the default ones."
    )
    measures: dict[str, MeasureSettings] = Field(
        default_factory=dict, description="Measures whose settings replace the default ones."
    )

    @model_validator(mode="after")
    def _known(self) -> Scorecard:
        _check_names(self.groups, self.measures)
        return self


class ToneSettings(_Strict):
    """The sentiment of communication text: vaderSentiment's lexicon plus the domain's words."""

    overrides: dict[str, float] = Field(
        default_factory=lambda: {
            "escalation": -2.5,
            "escalated": -2.5,
            "outage": -3.0,
            "p1": -2.0,
            "sev1": -2.0,
            "down": -1.5,
            "churn": -2.5,
            "cancel": -2.5,
            "cancellation": -2.5,
            "competitor": -1.5,
            "pushback": -2.0,
            "non-renewal": -3.0,
            "overdue": -1.5,
            "late": -1.0,
            "bug": -1.5,
            "broken": -2.0,
            "support": 0.0,
            "renewal": 1.0,
            "expansion": 2.0,
            "upsell": 1.5,
            "adoption": 1.0,
            "kudos": 2.5,
            "resolved": 1.5,
        },
        description=(
            "Word -> valence (-4 to 4) replacing or adding to vaderSentiment's lexicon, because a "
            "generic lexicon reads business text wrong (it reads `support` as positive, so "
            '"Support escalation - P1 outage" would score positive). 0 removes a word\'s valence.'
        ),
    )
    positive_at: float = Field(
        0.05, ge=0, le=1, description="A compound score at or above this is `positive`..."
    )
    negative_at: float = Field(
        -0.05, ge=-1, le=0, description="...at or below this `negative`; in between `neutral`."
    )


class AlertSettings(_Strict):
    """Which changes raise an alert (alerts.csv, the alerts page, the owners' digests)."""

    band_down: bool = Field(True, description="Alert when an account falls into a lower band.")
    drop_points: float = Field(
        10, ge=0, description="Alert when a score drops by more than this since the last run."
    )
    quiet_days: int = Field(
        60,
        ge=1,
        description="An account with no activity, case or survey answer for this many days...",
    )
    renewal_within_days: int = Field(
        180,
        ge=0,
        description="...and a renewal check due within this many days raises a `silent_renewal`.",
    )
    top_measures: int = Field(
        3, ge=1, description="How many measures an alert names (those that cost the most points)."
    )


class ScoreSettings(_Strict):
    """The account health score (seed 001): measures, scales, weights, bands and alerts."""

    groups: dict[str, float] = Field(
        default_factory=lambda: dict(DEFAULT_GROUPS),
        description=(
            "Weight of each group of measures in the overall score (normalised). A group not "
            "named keeps its default weight; 0 leaves it out."
        ),
    )
    measures: dict[str, MeasureSettings] = Field(
        default_factory=lambda: {k: v.model_copy() for k, v in DEFAULT_MEASURES.items()},
        description=(
            "Each measure's window, scale and weight within its group (docs/health-score.md "
            "lists them). A measure given here replaces its default settings whole."
        ),
    )
    bands: list[Band] = Field(
        default_factory=lambda: [
            Band(name="Healthy", min_score=70),
            Band(name="Watch", min_score=45),
            Band(name="At risk", min_score=0),
        ],
        description="Bands from best to worst: a score gets the first band whose `min_score` it reaches.",
    )
    min_coverage: float = Field(
        0.5,
        ge=0,
        le=1,
        description=(
            "Below this share of the weight having data, an account is `insufficient signal`: "
            "no score, no band."
        ),
    )
    silent_days: int = Field(
        365,
        ge=1,
        description=(
            "An account with no activity, case or survey answer in this many days is `silent`: "
            "a red flag of its own, never a score."
        ),
    )
    segment_by: str = Field(
        "",
        description=(
            "An accounts-report column (lower case, e.g. `tier`) whose value picks a scorecard; "
            "blank: one scorecard for all."
        ),
    )
    scorecards: dict[str, Scorecard] = Field(
        default_factory=dict,
        description=(
            "Per segment value (e.g. `Enterprise`), the weights and measures that differ from the "
            "defaults. Accounts of other segments use the defaults."
        ),
    )
    high_priorities: list[str] = Field(
        default_factory=lambda: ["high", "urgent", "critical", "p1", "p2", "sev1", "sev2"],
        description="Case priorities that count as high (case and spaces ignored).",
    )
    nps_question: str = Field(
        "recommend",
        description="Survey questions containing this text (case ignored) are the NPS question.",
    )
    tone: ToneSettings = Field(default_factory=ToneSettings)
    themes: dict[str, list[str]] = Field(
        default_factory=lambda: {
            "Pricing": ["price", "pricing", "discount", "cost", "budget", "quote", "invoice"],
            "Discovery": ["discovery", "requirements", "use case", "evaluate", "demo", "workshop"],
            "Next Actions": ["next step", "follow up", "follow-up", "schedule", "action item"],
            "Risk": [
                "escalation",
                "outage",
                "churn",
                "cancel",
                "competitor",
                "non-renewal",
                "risk",
            ],
            "Objections": ["pushback", "concern", "too expensive", "not a priority", "objection"],
            "Deal Progression": [
                "renewal",
                "expansion",
                "upgrade",
                "signed",
                "proposal",
                "contract",
            ],
        },
        description=(
            "Theme -> its word family (words or phrases, case ignored, matched on word "
            "boundaries). A text hits a theme when any of its words appear; the hit keeps them."
        ),
    )
    risk_themes: list[str] = Field(
        default_factory=lambda: ["Risk", "Objections"],
        description="The themes the `risk_share` measure counts.",
    )
    alerts: AlertSettings = Field(default_factory=AlertSettings)

    @field_validator("groups")
    @classmethod
    def _groups_over_defaults(cls, v: dict[str, float]) -> dict[str, float]:
        return {**DEFAULT_GROUPS, **v}

    @model_validator(mode="after")
    def _consistent(self) -> ScoreSettings:
        _check_names(self.groups, self.measures)
        if not self.bands:
            raise ValueError("at least one band is needed")
        mins = [b.min_score for b in self.bands]
        if mins != sorted(mins, reverse=True) or mins[-1] != 0:
            raise ValueError("bands go from best to worst (min_score decreasing) and end at 0")
        unknown = [t for t in self.risk_themes if t not in self.themes]
        if unknown:
            raise ValueError(f"risk_themes names unknown theme(s): {', '.join(unknown)}")
        if not any(self.groups.get(g, 0) > 0 for g in GROUPS):
            raise ValueError("at least one group needs a positive weight")
        return self

    def card(self, segment: str) -> tuple[dict[str, float], dict[str, MeasureSettings]]:
        """The group weights and measure settings that apply to ``segment``."""
        groups = {g: self.groups.get(g, 0.0) for g in GROUPS}
        measures = {m: self.measures.get(m, DEFAULT_MEASURES[m]) for m in MEASURES}
        sc = self.scorecards.get(segment)
        if sc is not None:
            groups.update(sc.groups)
            measures.update(sc.measures)
        return groups, measures


def _check_names(groups: dict, measures: dict) -> None:
    bad = [g for g in groups if g not in GROUPS]
    if bad:
        raise ValueError(f"unknown group(s) {', '.join(bad)}; groups are {', '.join(GROUPS)}")
    bad = [m for m in measures if m not in MEASURES]
    if bad:
        raise ValueError(f"unknown measure(s) {', '.join(bad)}; see docs/health-score.md")
