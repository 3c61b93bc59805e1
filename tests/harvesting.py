"""Helpers for the harvester's tests: a demo CRM with faults, a harvest with test-sized waits."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from hcportal import democrm
from hcportal.core.clock import fixed
from hcportal.demo import demo_reports
from hcportal.democrm.faults import Faults
from hcportal.democrm.server import DemoCRM, Running
from hcportal.harvest.auth import Credentials
from hcportal.harvest.crm import BrowserOptions, CrmTarget, RetryPolicy, harvest_crm
from hcportal.harvest.profile import load_profile
from hcportal.harvest.settings import ReportSpec
from tests.conftest import NOW

# Short waits: a missing control is declared missing after 2 s, retries back off 0.1 s.
FAST = BrowserOptions(timeout_seconds=30, control_timeout_seconds=2)
QUICK_RETRY = RetryPolicy(attempts=2, backoff_seconds=0.1)


@contextlib.contextmanager
def crm_with(
    data: dict, faults: list[str] = (), look: str = "classic", slow_seconds: float = 1.5
) -> Iterator[Running]:
    crm = DemoCRM(data=data, faults=Faults.parse(faults, slow_seconds), look=look)
    with democrm.running(crm) as served:
        yield served


def target(
    crm: Running,
    *,
    password: str | None = None,
    totp: bool = True,
    credentials: bool = True,
    session_file: Path | None = None,
    profile: str | None = None,
) -> CrmTarget:
    creds = (
        Credentials(crm.username, password or crm.password, crm.totp_secret if totp else None)
        if credentials
        else None
    )
    return CrmTarget(
        base_url=crm.url,
        profile=load_profile(
            profile or ("salesforce" if crm.crm.look == "lightning" else "democrm")
        ),
        credentials=creds,
        session_file=session_file,
        why_no_credentials="" if credentials else "set HCPORTAL_CRM_PASSWORD",
    )


def reports(*names: str, **changes: object) -> dict[str, ReportSpec]:
    """The default report specs (every report of the demo CRM when no names), with ``changes``
    applied to each."""
    every = demo_reports()
    return {n: every[n].model_copy(update=changes) for n in (names or every)}


def harvest(
    crm: Running,
    out: Path,
    specs: dict[str, ReportSpec] | None = None,
    *,
    browser: BrowserOptions = FAST,
    retry: RetryPolicy = QUICK_RETRY,
    now=NOW,
    **target_kw: object,
):
    return harvest_crm(
        target(crm, **target_kw), specs or reports("accounts"), out, fixed(now), browser, retry
    )
