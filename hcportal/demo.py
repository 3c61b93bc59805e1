"""The bundled demo CRM, started for a harvest when ``harvest.source = "demo"``.

The harvester knows no demo: it is handed the address and the one user of a CRM that happens to
run on a loopback port for the length of the harvest, and drives it like any other. The demo's
reports (ids and columns) come from the demo itself, unless the config names its own.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

from hcportal.core.clock import Clock
from hcportal.harvest import HarvestSettings, ReportSpec, Served
from hcportal.harvest.auth import Credentials

log = logging.getLogger(__name__)


def check_faults(settings: HarvestSettings) -> None:
    """Raise ``ValueError`` naming a fault the demo CRM does not know."""
    from hcportal.democrm.faults import Faults

    try:
        Faults.parse(settings.demo.faults)
    except ValueError as e:
        raise ValueError(f"harvest.demo.faults: {e}") from None


def demo_reports() -> dict[str, ReportSpec]:
    """The demo CRM's reports, as a user would list them in ``[harvest.reports]``: the three the
    transform needs are required, the others (surveys, tickets, invoices, usage) optional."""
    from hcportal import democrm

    return {
        key: ReportSpec(
            report_id=r.report_id, required=r.required, required_columns=list(r.columns[:4])
        )
        for key, r in democrm.REPORTS.items()
    }


@contextlib.contextmanager
def serving(
    settings: HarvestSettings, clock: Clock, *, needed: bool = True
) -> Iterator[tuple[HarvestSettings, Served | None]]:
    """Start the demo CRM for the ``with`` block when the settings ask for it (and ``needed``:
    a drop-folder harvest needs none); yield the settings to harvest with, and where it serves."""
    if settings.source != "demo" or not needed:
        yield settings, None
        return
    from hcportal import democrm
    from hcportal.democrm.faults import Faults
    from hcportal.democrm.server import DemoCRM

    demo = settings.demo
    crm = DemoCRM.with_synthetic_data(
        accounts=demo.accounts,
        seed=demo.seed,
        clock=clock,
        look=demo.look,
        faults=Faults.parse(demo.faults, demo.slow_seconds),
    )
    if demo.faults:
        log.warning("demo CRM faults on: %s", ", ".join(crm.faults.names()))
    reports = settings.reports or demo_reports()
    with democrm.running(crm) as served:
        # The harvester acts for the demo's one user, who also holds its TOTP secret.
        creds = Credentials(served.username, served.password, served.totp_secret)
        yield settings.model_copy(update={"reports": reports}), Served(served.url, creds)
