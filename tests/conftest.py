"""Shared fixtures: a real browser for pytest-playwright, a real demo CRM, a fixed clock."""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

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


def built_once(
    tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], object]
) -> Path:
    """A folder that ``build`` fills once per test run, however many pytest-xdist workers ask.

    Each worker is a process with its own module fixtures, so an expensive one (a whole pipeline
    run, a site split per region and owner) would be built once per worker. The first worker to
    ask builds it under a file lock in the run's own temporary folder; the others wait for it and
    share it, read-only. A build that fails leaves no mark, so the next to ask tries again.
    """
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the run's folder; each worker's basetemp is a folder in it
    folder, done = root / f"shared-{name}", root / f"shared-{name}.done"
    with (root / f"shared-{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            build(folder)
            done.touch()
    return folder


def cli_env(now: datetime | None = None, **extra: str) -> dict[str, str]:
    """The environment of a real ``hcportal`` command run by a test: none of the developer's own
    ``HCPORTAL_`` settings leak in; ``now`` pins its clock (``HCPORTAL_NOW``)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HCPORTAL_")}
    if now is not None:
        env["HCPORTAL_NOW"] = now.isoformat()
    return {**env, **extra}


def run_cli(
    *args: str,
    cwd: Path,
    now: datetime | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 300,
) -> subprocess.CompletedProcess:
    """The real ``hcportal`` command in a process of its own, as cron would run it (see
    :func:`cli_env`; ``env`` adds to it)."""
    return subprocess.run(
        [sys.executable, "-m", "hcportal", *args], cwd=cwd, env=cli_env(now, **(env or {})),
        capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip


def ctrl_c_as_at_a_terminal() -> None:
    """``preexec_fn`` for a child the test interrupts: a shell starts background jobs with SIGINT
    ignored and children inherit that (a test run started with `make test &` would never see the
    Ctrl-C); give the child SIGINT as a terminal would."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
