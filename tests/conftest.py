"""Shared fixtures: a real browser for pytest-playwright, a real demo CRM, a fixed clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from hcportal import democrm
from hcportal.core import clock
from hcportal.democrm.server import DemoCRM, Running
from hcportal.harvest.browser import find_browser

# Tests run on a fixed day so that every computed status is reproducible.
TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
CLOCK = clock.fixed(NOW)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """pytest-playwright has no executable-path option: point it at the browser we find."""
    return {**browser_type_launch_args, "executable_path": find_browser()}


@pytest.fixture(scope="session")
def demo_data() -> dict:
    return democrm.generate(accounts=120, seed=3, today=TODAY)


@pytest.fixture
def demo_crm(demo_data: dict) -> Iterator[Running]:
    """A demo CRM serving on a free loopback port for one test (fresh sessions every time)."""
    with democrm.running(DemoCRM(data=demo_data)) as crm:
        yield crm
