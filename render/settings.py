"""Site settings: how the static site presents itself."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class SiteSettings(BaseModel):
    """How ``hcportal build`` renders the site."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field("Health-check portal", description="Shown in every page's header and title.")
    currency: str = Field(
        "USD", description="ISO 4217 code used to display amounts (display only; no conversion)."
    )
