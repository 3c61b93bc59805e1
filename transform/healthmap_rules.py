"""The Account Health Map's rules (seed 002), as settings and pure functions.

Net score = (high ratings - low ratings) / responses x 100, per account and measure; a
non-responder (an empty rating) is not a response; no responses at all: ``Silent``. The band of a
net score comes from two thresholds, and the action from the pair (Success band, Experience band)
by the seed's table, :data:`ACTIONS`. The sentiment colour comes from the Success answers alone.

The browser recomputes the same numbers when a filter changes (``site_templates/static/js/
healthmap.js``); it gets these rules as data (:func:`browser_rules`, written into ``meta.json``
by the transform), never as a second copy typed in JavaScript, so the two cannot drift apart.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

SILENT = "Silent"
LOW, MID, HIGH = "Low", "Mid", "High"
BANDS = (LOW, MID, HIGH, SILENT)

# Seed 002's action table, row by row: (Success band = y axis, Experience band = x axis) -> action.
# The seed writes "Account at Risk:" with a no-break space before the ordinary one; one ordinary
# space here, as issue 13 writes it.
ACTIONS: dict[tuple[str, str], str] = {
    (LOW, LOW): "Account at Risk: Engage!",
    (LOW, MID): "Improve Customer Success (business outcomes)",
    (LOW, HIGH): "Improve Customer Success (business outcomes)",
    (MID, LOW): "Improve Experiences",
    (MID, MID): "Focus on Business Outcome KPIs",
    (MID, HIGH): "Focus on Business Outcome KPIs",
    (HIGH, LOW): "Improve Experiences",
    (HIGH, MID): "Expansion Opportunity!",
    (HIGH, HIGH): "Expansion Opportunity!",
    (SILENT, LOW): "Account at Risk: Engage!",
    (SILENT, MID): "Strengthen Relationships for Account Expansion",
    (SILENT, HIGH): "Strengthen Relationships for Account Expansion",
    (LOW, SILENT): "Improve Customer Success (business outcomes)",
    (MID, SILENT): "Strengthen Relationships",
    (HIGH, SILENT): "High Relationship Feedback: Expand!",
    (SILENT, SILENT): "Account at Risk: Engage!",
}

# The seed's names for the map's quadrants (Success up, Experience right).
QUADRANTS = {
    "upper_left": "Improve Experiences",
    "upper_right": "Expansion Opportunity!",
    "lower_left": "Account at Risk: Engage!",
    "lower_right": "Focus on Business Outcome KPIs",
}

SENTIMENTS = ("green", "yellow", "red", "gray")

# The demo CRM's questions (democrm/synthetic/words.py): the defaults, so no config runs the demo.
DEFAULT_SUCCESS = "How likely are you to recommend us to a colleague?"
DEFAULT_EXPERIENCE = "How satisfied are you with Technical Support?"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Scale(_Strict):
    """Which ratings of a question are high and which are low (the rest are neutral)."""

    high_from: float = Field(
        9, description="A rating at or above this is high (a promoter on an NPS question)."
    )
    low_to: float = Field(
        6, description="A rating at or below this is low (a detractor on an NPS question)."
    )

    @model_validator(mode="after")
    def _ordered(self) -> Scale:
        if not self.low_to < self.high_from:
            raise ValueError(
                f"low_to ({self.low_to:g}) must be below high_from ({self.high_from:g}), "
                "e.g. low_to = 6, high_from = 9 on a 0-10 scale"
            )
        return self


class HealthMapSettings(_Strict):
    """The Account Health Map (seed 002): which survey questions place an account, and how."""

    success_question: str = Field(
        DEFAULT_SUCCESS,
        description=(
            "The Success (relationship) question: NPS or an overall rating, as the surveys "
            "report writes it (case and surrounding spaces ignored). Its net score is the map's "
            "y axis, and its answers give each account's sentiment colour."
        ),
    )
    experience_question: str = Field(
        DEFAULT_EXPERIENCE,
        description=(
            "The Experience (touchpoint) question, e.g. about Technical Support; it may come from "
            "another questionnaire than the Success question. Its net score is the map's x axis."
        ),
    )
    scale: Scale = Field(
        default_factory=Scale,
        description="High and low ratings of every question not listed in `question_scales` "
        "(0-10: high 9-10, low 0-6).",
    )
    question_scales: dict[str, Scale] = Field(
        default_factory=dict,
        description=(
            "Questions asked on another scale, by their text: e.g. "
            '`question_scales = { "Rate our onboarding (1-5)" = { high_from = 5, low_to = 2 } }`.'
        ),
    )
    mid_from: float = Field(
        0, description="A net score below this is in the Low band; from it, Mid."
    )
    high_from: float = Field(50, description="A net score from this up is in the High band.")
    min_responses: int = Field(
        3,
        ge=1,
        description=(
            "A measure with at least one response but fewer than this is marked thin (too little "
            "evidence to act on alone); an account's `thin` is true when either measure is."
        ),
    )

    @model_validator(mode="after")
    def _bands_ordered(self) -> HealthMapSettings:
        if not -100 <= self.mid_from < self.high_from <= 100:
            raise ValueError(
                "the bands need -100 <= mid_from < high_from <= 100 "
                f"(got mid_from = {self.mid_from:g}, high_from = {self.high_from:g})"
            )
        return self

    def scale_of(self, question: str) -> Scale:
        wanted = fold(question)
        for text, scale in self.question_scales.items():
            if fold(text) == wanted:
                return scale
        return self.scale


def fold(question: str) -> str:
    """A question as matched: case and surrounding spaces ignored."""
    return " ".join(str(question).split()).casefold()


def is_question(questions: pd.Series, question: str) -> np.ndarray:
    """Which rows ask ``question`` (folded): each distinct text folded once, not each row."""
    codes, uniques = pd.factorize(questions.astype(object), use_na_sentinel=True)
    hit = np.array([fold(u) == fold(question) for u in uniques] + [False], dtype=bool)
    return hit[codes]  # a missing question (code -1) takes the last entry: False


# -- the rules ------------------------------------------------------------------------------------


def net_scores(ratings: pd.Series, groups: pd.Series, scale: Scale) -> pd.DataFrame:
    """Per group (account): responses, high, low, neutral and the net score (NaN: no response).

    ``ratings`` may hold NaN (a non-responder): not counted.
    """
    r = pd.to_numeric(ratings, errors="coerce").to_numpy(dtype="float64")
    answered = ~np.isnan(r)
    high = answered & (r >= scale.high_from)
    low = answered & (r <= scale.low_to)
    df = pd.DataFrame(
        {
            "g": groups.to_numpy(),
            "responses": answered.astype(np.int64),
            "high": high.astype(np.int64),
            "low": low.astype(np.int64),
        }
    )
    out = df.groupby("g", sort=False, observed=True)[["responses", "high", "low"]].sum()
    out["neutral"] = out["responses"] - out["high"] - out["low"]
    out["net"] = net(out["high"], out["low"], out["responses"])
    return out


def net(high, low, responses):
    """(high - low) / responses x 100, NaN where there is no response (the browser's order too)."""
    high, low = np.asarray(high, dtype="float64"), np.asarray(low, dtype="float64")
    n = np.asarray(responses, dtype="float64")
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, (high - low) / n * 100, np.nan)


def band(score, settings: HealthMapSettings) -> np.ndarray:
    """Low below ``mid_from``, Mid from it to below ``high_from``, High from there; NaN: Silent."""
    s = np.asarray(score, dtype="float64")
    out = np.full(s.shape, SILENT, dtype=object)
    known = ~np.isnan(s)
    out[known & (s < settings.mid_from)] = LOW
    out[known & (s >= settings.mid_from) & (s < settings.high_from)] = MID
    out[known & (s >= settings.high_from)] = HIGH
    return out


def action(success_band: str, experience_band: str) -> str:
    return ACTIONS[(success_band, experience_band)]


def sentiment(promoters, passives, detractors) -> np.ndarray:
    """Green when promoters outnumber both others, red when detractors do, gray with no answer,
    yellow otherwise (they even each other out)."""
    p, m, d = (np.asarray(x, dtype=np.int64) for x in (promoters, passives, detractors))
    out = np.full(p.shape, "yellow", dtype=object)
    out[(p > m) & (p > d)] = "green"
    out[(d > p) & (d > m)] = "red"
    out[(p + m + d) == 0] = "gray"
    return out


def thin(responses, settings: HealthMapSettings) -> np.ndarray:
    """Some responses, but fewer than ``min_responses`` (a silent measure is Silent, not thin)."""
    n = np.asarray(responses, dtype=np.int64)
    return (n > 0) & (n < settings.min_responses)


def browser_rules(settings: HealthMapSettings) -> dict:
    """The rules as data for the page that recomputes the scores (written into meta.json)."""
    return {
        "success_question": settings.success_question,
        "experience_question": settings.experience_question,
        "scale": settings.scale.model_dump(),
        "question_scales": {fold(q): s.model_dump() for q, s in settings.question_scales.items()},
        "mid_from": settings.mid_from,
        "high_from": settings.high_from,
        "min_responses": settings.min_responses,
        "actions": [[s, e, a] for (s, e), a in ACTIONS.items()],
        "quadrants": QUADRANTS,
    }
