"""Inventory settings: the weighted values that score a systems inventory (seed 003).

The seed's scoring process: "assign weighted values to the Business Impact, Customer Impact, and
Number of Customers Impacted for each row ... to calculate this entry's Overall Impact Score", the
same for Implementation Profile, Integration Profile and Product Dependency into a Complexity
Score, and from both a disposition. Every value, weight and threshold is here.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _scale(**values: float):
    return Field(
        default_factory=lambda: dict(values),
        description="The value of each allowed answer (higher: more impact, or more complex). "
        "Answers match ignoring case, spaces and hyphens; a unique first word is enough (`Fully`).",
    )


class InventorySettings(_Strict):
    """How `hcportal inventory score` scores a systems inventory (docs/inventory.md)."""

    business_impact: dict[str, float] = _scale(Critical=3, Supportive=2, Redundant=1)
    customer_impact: dict[str, float] = _scale(
        **{"All Customers": 4, "Most Customers": 3, "Some Customers": 2, "Few Customers": 1}
    )
    customers_bands: list[int] = Field(
        default_factory=lambda: [100, 1_000, 10_000, 100_000],
        description="Approx. Number of Customers Impacted Annually, in bands: its value is 1 plus "
        "the number of these thresholds it reaches (0-99: 1, 100-999: 2, ..., 100,000 and more: 5).",
    )
    implementation_profile: dict[str, float] = _scale(
        **{"Licensed Service": 1, "Licensed System": 2, "Custom System": 3}
    )
    integration_profile: dict[str, float] = _scale(
        **{"Fully-Accessible": 1, "Partially-Accessible": 2, "Inaccessible": 3}
    )
    product_dependency: dict[str, float] = _scale(
        **{"Uncoupled": 1, "Loosely-Coupled": 2, "Tightly-Coupled": 3}
    )
    impact_weights: dict[Literal["business_impact", "customer_impact", "customers"], float] = Field(
        default_factory=lambda: {"business_impact": 0.5, "customer_impact": 0.3, "customers": 0.2},
        description="Weights of the Impact Score: each field's value is put on 0-1 within its "
        "scale, weighted, and the sum scaled to 0-100.",
    )
    complexity_weights: dict[
        Literal["implementation_profile", "integration_profile", "product_dependency"], float
    ] = Field(
        default_factory=lambda: {
            "implementation_profile": 0.3, "integration_profile": 0.4, "product_dependency": 0.3,
        },
        description="Weights of the Complexity Score, the same way.",
    )  # fmt: skip
    high: float = Field(
        50, ge=0, le=100,
        description="A score at or above this is high (the quadrants of the disposition).",
    )  # fmt: skip
    retire: list[str] = Field(
        default_factory=lambda: ["Redundant"],
        description="Business Impact answers whose systems are retired rather than integrated.",
    )
    strategy: Literal["impact-first", "complexity-first"] = Field(
        "impact-first",
        description="Integration order: `impact-first` (seed 003's Highest-Impact/Least-Complexity "
        "First) or `complexity-first` (Lowest-Impact/Highest-Complexity First). "
        "`--strategy` overrides it.",
    )

    @field_validator(
        "business_impact", "customer_impact", "implementation_profile", "integration_profile",
        "product_dependency",
    )  # fmt: skip
    @classmethod
    def _two_answers(cls, v: dict[str, float]) -> dict[str, float]:
        if len(set(v.values())) < 2:
            raise ValueError("needs at least two answers with different values")
        return v

    @field_validator("customers_bands")
    @classmethod
    def _ascending(cls, v: list[int]) -> list[int]:
        if not v or sorted(set(v)) != v:
            raise ValueError("needs thresholds in ascending order, each once")
        return v

    @model_validator(mode="after")
    def _weights(self) -> InventorySettings:
        for name in ("impact_weights", "complexity_weights"):
            w = getattr(self, name)
            if any(x < 0 for x in w.values()) or sum(w.values()) <= 0:
                raise ValueError(f"{name}: weights must be non-negative with a positive sum")
        unknown = [r for r in self.retire if r not in self.business_impact]
        if unknown:
            raise ValueError(f"retire: {unknown} are not business_impact answers")
        return self
