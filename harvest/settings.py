"""Harvest settings: where the reports come from and what each must look like."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from democrm.catalog import REPORTS as DEMO_REPORTS


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ReportSpec(_Strict):
    """One report to download, and the expectations its download must meet."""

    report_id: str = Field(
        description="The CRM's id of the saved report, as it appears in its URL."
    )
    required: bool = Field(
        True, description="Whether the run fails when this report cannot be had."
    )
    required_columns: list[str] = Field(
        default_factory=list,
        description="Column headers the export must contain; a download without them is rejected.",
    )
    min_rows: int = Field(1, ge=0, description="Fewest data rows a good export can have.")


class DemoSettings(_Strict):
    """The bundled demo CRM that ``source = "demo"`` starts for the run."""

    accounts: int = Field(300, ge=1, description="How many synthetic accounts the demo CRM holds.")
    seed: int = Field(
        7, description="Seed of the synthetic data: the same seed gives the same data."
    )


def _demo_reports() -> dict[str, ReportSpec]:
    return {
        key: ReportSpec(report_id=r.report_id, required_columns=list(r.columns[:4]))
        for key, r in DEMO_REPORTS.items()
    }


class HarvestSettings(_Strict):
    """How ``hcportal harvest`` reaches the CRM and downloads its reports."""

    source: Literal["demo", "crm"] = Field(
        "demo",
        description=(
            '"demo" starts the bundled demo CRM for the run and harvests it; "crm" harvests the CRM '
            "at `base_url`."
        ),
    )
    base_url: str = Field(
        "", description='The CRM\'s address, e.g. "https://acme.my.salesforce.com".'
    )
    profile: str = Field(
        "democrm",
        description="A bundled CRM profile name (`democrm`) or the path of a profile TOML file.",
    )
    username_env: str = Field(
        "HCPORTAL_CRM_USERNAME", description="Environment variable holding the CRM username."
    )
    password_env: str = Field(
        "HCPORTAL_CRM_PASSWORD", description="Environment variable holding the CRM password."
    )
    browser: str = Field(
        "",
        description=(
            "Path of a Chromium-family browser. Blank: `HCPORTAL_BROWSER`, then Playwright's own "
            "browser, then chromium, chromium-browser or google-chrome on the PATH."
        ),
    )
    headless: bool = Field(
        True, description="Run the browser without a window (`--headed` overrides)."
    )
    timeout_seconds: float = Field(
        60, gt=0, description="Longest wait for any one page, dialog or download."
    )
    demo: DemoSettings = Field(default_factory=DemoSettings)
    reports: dict[str, ReportSpec] = Field(
        default_factory=_demo_reports,
        description=(
            "The reports to download, by name (`activities`, `accounts`, `contracts`, and optional "
            "`surveys`, `tickets`, `invoices`, `usage`). Defaults to the demo CRM's three reports."
        ),
    )
