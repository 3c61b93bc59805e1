"""What a CRM harvest is given: where and as whom (:class:`CrmTarget`), how to drive the browser
(:class:`BrowserOptions`) and how hard to try (:class:`RetryPolicy`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from hcportal.harvest.api import ApiAccess
from hcportal.harvest.auth import Credentials
from hcportal.harvest.profile import Profile


@dataclass(frozen=True)
class CrmTarget:
    """Where and how to harvest: the CRM's address, its profile and who signs in."""

    base_url: str
    profile: Profile
    credentials: Credentials | None = None
    source: str = "crm"
    session_file: Path | None = None  # a saved session to reuse, refreshed after a sign-in
    why_no_credentials: str = ""
    api: ApiAccess = field(default_factory=ApiAccess)  # the API route's token and client


@dataclass(frozen=True)
class BrowserOptions:
    executable: str = ""
    headless: bool = True
    timeout_seconds: float = 60
    control_timeout_seconds: float = 10
    concurrency: int = 3
    trace: bool = True


@dataclass(frozen=True)
class RetryPolicy:
    routes: tuple[str, ...] = ("ui", "url")
    attempts: int = 3  # per route
    backoff_seconds: float = 2.0  # before the 2nd attempt; doubles after
