"""Harvest settings: where the reports come from, how to get them, and what each must look like."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Route = Literal["ui", "url", "api"]
DEFAULT_MAX_DROP = 0.8


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ReportSpec(_Strict):
    """One report to download, and the expectations its download must meet."""

    report_id: str = Field(
        "", description="The CRM's id of the saved report, as it appears in its URL."
    )
    required: bool = Field(
        True, description="Whether the run fails when this report cannot be had."
    )
    required_columns: list[str] = Field(
        default_factory=list,
        description="Column headers the export must contain; a download without them is rejected.",
    )
    min_rows: int = Field(
        1, ge=0, description="Fewest data rows a good, non-empty export can have."
    )
    allow_empty: bool = Field(
        False, description="Whether an export with no data rows at all is acceptable."
    )
    max_rows: int | None = Field(
        None, ge=1, description="Most data rows a good export can have (blank: no limit)."
    )
    suspicious_rows: list[int] = Field(
        default_factory=lambda: [2000],
        description=(
            "Row counts that mean a CRM's cap rather than the whole report (Salesforce's viewer "
            "stops at 2,000): such an export is rejected. `[]` accepts any count."
        ),
    )
    max_drop: float | None = Field(
        None,
        ge=0,
        le=1,
        description=(
            "Largest fall in rows since the last good harvest, as a fraction; a bigger drop is "
            "rejected. Blank: `harvest.max_row_drop`. 1 turns the check off."
        ),
    )
    file: str = Field(
        "",
        description=(
            "For the drop-folder source: the file name pattern (glob) of this report's file; "
            "the newest match is taken. Blank: `<name>*.csv`."
        ),
    )


class DemoSettings(_Strict):
    """The bundled demo CRM that ``source = "demo"`` starts for the run."""

    accounts: int = Field(300, ge=1, description="How many synthetic accounts the demo CRM holds.")
    seed: int = Field(
        7, description="Seed of the synthetic data: the same seed gives the same data."
    )
    look: Literal["classic", "lightning"] = Field(
        "classic",
        description=(
            '"lightning" serves reports the way Salesforce Lightning does (a "Report Viewer" '
            "iframe, Export under More Actions) and harvests them with the `salesforce` profile."
        ),
    )
    faults: list[str] = Field(
        default_factory=list,
        description=(
            "Misbehaviour and quirks to inject, to see the harvester cope: slow, http500-once, "
            "session-expires, export-renamed, export-in-menu, html-as-csv, truncated, empty, "
            "cap2000, bom, cp1252, footer, totp, no-record-count, details-no-footer, "
            "login-error-page, api-refused, api-token-expires, api-token-rejected; "
            '`"name:report"` limits one to a report (see docs/harvesting.md). Checked against '
            "the demo's own list when the config loads."
        ),
    )
    slow_seconds: float = Field(
        3,
        ge=0,
        description=(
            "How long report generation takes under the `slow` fault (20 for the report that "
            "takes 20 s of docs/harvesting.md)."
        ),
    )


class ApiSettings(_Strict):
    """The CRM's API, for the ``api`` route (list it in ``harvest.routes``): how to get a token."""

    token_env: str = Field(
        "HCPORTAL_CRM_API_TOKEN",
        description=(
            "Environment variable holding a ready API token (e.g. a Salesforce session id); "
            "else the keyring entry `<username>:api-token`. Without one, a token is asked from "
            "the profile's token endpoint with `grant`."
        ),
    )
    grant: Literal["password", "client_credentials"] = Field(
        "password",
        description=(
            'How to get a token from the CRM\'s OAuth 2.0 token endpoint: "password" (the CRM '
            "username and password, plus the client below if the CRM wants one) or "
            '"client_credentials" (the client alone).'
        ),
    )
    client_id: str = Field(
        "",
        description=(
            "The OAuth client id (a Salesforce connected app's consumer key); not a secret. "
            "Blank: none sent."
        ),
    )
    client_secret_env: str = Field(
        "HCPORTAL_CRM_CLIENT_SECRET",
        description=(
            "Environment variable holding the OAuth client secret; else the keyring entry "
            "`<username>:client-secret` (or `<client_id>:client-secret` without a username)."
        ),
    )


class HarvestSettings(_Strict):
    """How ``hcportal harvest`` reaches the CRM and downloads its reports."""

    source: Literal["demo", "crm", "folder"] = Field(
        "demo",
        description=(
            '"demo" starts the bundled demo CRM for the run and harvests it; "crm" harvests the CRM '
            'at `base_url`; "folder" takes the files another automation left in `folder`.'
        ),
    )
    base_url: str = Field(
        "",
        description='The CRM\'s address, e.g. "https://acme.my.salesforce.com" (no user name or '
        "password in it: they come from the environment or the keyring).",
    )
    folder: str = Field(
        "", description='The drop folder read when `source = "folder"` (or `--from-folder`).'
    )
    max_file_age_hours: float = Field(
        36,
        gt=0,
        description="Drop-folder files older than this are rejected (yesterday's file, again).",
    )
    profile: str = Field(
        "",
        description=(
            "A bundled CRM profile name (`democrm`, `salesforce`) or the path of a profile TOML "
            "file (relative to this file). Blank: `salesforce` for a `base_url` on "
            '`salesforce.com` or `force.com` and for the demo\'s "lightning" look, else `democrm`.'
        ),
    )
    username: str = Field(
        "",
        description=(
            "The CRM username, when it is not in the `username_env` variable (a username is not a "
            "secret; the password never goes in this file)."
        ),
    )
    username_env: str = Field(
        "HCPORTAL_CRM_USERNAME", description="Environment variable holding the CRM username."
    )
    password_env: str = Field(
        "HCPORTAL_CRM_PASSWORD", description="Environment variable holding the CRM password."
    )
    totp_secret_env: str = Field(
        "HCPORTAL_CRM_TOTP_SECRET",
        description=(
            "Environment variable holding the TOTP secret (base32) of the CRM user, if the "
            "harvester is to answer the verification-code prompt itself."
        ),
    )
    keyring_service: str = Field(
        "hcportal",
        description=(
            "System keyring service holding the password (entry: the username) and the TOTP "
            "secret (entry: `<username>:totp`) when the environment variables are not set."
        ),
    )
    session_dir: str = Field(
        ".hcportal",
        description=(
            "Folder (git-ignored, owner-only) where `hcportal login` saves the CRM session that "
            "nightly runs reuse."
        ),
    )
    login_timeout_seconds: float = Field(
        300, gt=0, description="How long `hcportal login` waits for a person to finish signing in."
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
        60,
        gt=0,
        description="Longest wait for any one page, report generation, dialog or download.",
    )
    control_timeout_seconds: float = Field(
        10,
        gt=0,
        description=(
            "Longest wait for a control (the Export button, a menu item) once the report page "
            "is ready: a control not there by then was renamed or moved."
        ),
    )
    routes: list[Route] = Field(
        default_factory=lambda: ["ui", "url"],
        min_length=1,
        description=(
            'Export routes, in the order tried: "ui" (the Export dialog), "url" (the direct '
            'export URL with the signed-in session) and "api" (the CRM\'s API with a token, no '
            'browser: see `[harvest.api]`). The next is tried when one fails; put "api" first '
            "to need no browser when the CRM grants API access."
        ),
    )
    attempts: int = Field(
        3, ge=1, description="Attempts per route for a passing fault (HTTP 5xx, time-out, ...)."
    )
    backoff_seconds: float = Field(
        2,
        ge=0,
        description="Wait before the second attempt; it doubles for each attempt after that.",
    )
    concurrency: int = Field(3, ge=1, description="How many reports download at the same time.")
    max_row_drop: float = Field(
        DEFAULT_MAX_DROP,
        ge=0,
        le=1,
        description=(
            "A report that lost more than this fraction of its rows since the last good harvest "
            "is rejected as implausible (a broken export), unless the report sets its own "
            "`max_drop`. The publish gate (`publish.gate.max_row_drop`) refuses smaller drops "
            "before anything is published."
        ),
    )
    trace: bool = Field(
        True,
        description=(
            "Record a Playwright trace of each report's attempt, kept (scrubbed of secrets) only "
            "when the attempt fails."
        ),
    )
    api: ApiSettings = Field(default_factory=ApiSettings)
    demo: DemoSettings = Field(default_factory=DemoSettings)
    reports: dict[str, ReportSpec] = Field(
        default_factory=dict,
        description=(
            "The reports to download, by name (`activities`, `accounts`, `contracts`, and optional "
            '`surveys`, `tickets`, `invoices`, `usage`). Blank with `source = "demo"`: every '
            "report the demo CRM holds."
        ),
    )

    @field_validator("base_url")
    @classmethod
    def _no_credentials_in_url(cls, value: str) -> str:
        from urllib.parse import urlsplit

        if urlsplit(value.strip()).username is not None:
            # A URL is logged, kept in manifests and shown in errors: credentials never ride in it.
            raise ValueError(
                "must not hold a user name or password (https://user:pw@host); give them in "
                "the environment (password_env, username_env) or the keyring"
            )
        return value.strip()

    @field_validator("routes")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("each route may appear once")
        return value

    def report_specs(self) -> dict[str, ReportSpec]:
        """The reports, each with its effective ``max_drop`` (its own, else ``max_row_drop``)."""
        return {
            name: spec
            if spec.max_drop is not None
            else spec.model_copy(update={"max_drop": self.max_row_drop})
            for name, spec in self.reports.items()
        }

    def profile_name(self) -> str:
        from urllib.parse import urlsplit

        if self.profile:
            return self.profile
        if self.source == "demo" and self.demo.look == "lightning":
            return "salesforce"
        host = (urlsplit(self.base_url).hostname or "") if self.source == "crm" else ""
        if host.endswith((".salesforce.com", ".force.com")):
            return "salesforce"  # a My Domain address: never the demo's classic profile
        return "democrm"
