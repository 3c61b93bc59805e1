"""Site settings: how the static site presents itself and how its data is cut into files."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class SiteSettings(BaseModel):
    """How ``hcportal build`` renders the site."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field("Health-check portal", description="Shown in every page's header and title.")
    currency: str = Field(
        "USD", description="ISO 4217 code used to display amounts (display only; no conversion)."
    )
    crm_account_url: str = Field(
        "",
        description=(
            "Where an account's record opens in the CRM, `{account}` standing for the account's "
            "name (URL-encoded), e.g. `https://crm.example.com/accounts/{account}`: each target's "
            "next action and the X-Ray link to it, to log the check there. Blank: the address "
            "the harvest's CRM profile gives (`account_url`), else no link."
        ),
    )
    xray_accounts_per_file: int = Field(
        50,
        ge=1,
        description=(
            "Accounts per X-Ray data file. The X-Ray page loads the one file holding its account: "
            "fewer accounts per file means less to download per page and more files in the site."
        ),
    )
    pack_template: str = Field(
        "",
        description=(
            "The health-check packs' template: your own .pptx whose masters give the decks the "
            "company look (its slides are dropped). It must have the slide layouts `Title Slide` "
            "and `Title Only` (docs/pack.md). Blank: a plain built-in look."
        ),
    )
    pack_days: int = Field(
        30,
        ge=0,
        description=(
            "The nightly run makes a health-check pack for every account with a check pending or "
            "overdue, or upcoming with its due date within this many days of the as-of date."
        ),
    )
    pack_pdf: bool = Field(
        True,
        description=(
            "The nightly packs also as PDF (printed by the harvest's Chromium), beside each "
            ".pptx. A PDF that cannot be printed costs the PDFs only, never the decks."
        ),
    )
