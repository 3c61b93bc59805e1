"""Download reports from a CRM's web UI with Playwright, as a person would, several at a time.

Per report, two routes (:mod:`harvest.routes`, in the configured order, the next tried when one
fails): **ui** opens the report, waits for it to generate, clicks Export (a button, or an item of a
"More Actions" menu), chooses "Details Only" and CSV in the dialog and catches the download; **url**
asks the direct export URL through the context's own authenticated request (``context.request``).
A passing fault is retried with backoff in a fresh context; a route that cannot work hands over to
the next; wrong data is not retried.

Concurrency: Playwright's sync API is bound to one thread, and one page does one thing at a time.
The harvester therefore runs Playwright's *async* API on an event loop in a worker thread of its
own (pytest-playwright, Jupyter and schedulers keep a loop in the main thread), signs in once, and
gives each attempt at each report a fresh browser context made from the signed-in storage state.
Contexts are cheap and isolated (a failed attempt cannot poison another's page), downloads really
overlap, and a retry starts clean. A semaphore bounds how many run at once.

Secrets: the sign-in happens in a context that is never traced; report contexts are traced, and a
failed attempt's trace, screenshot and HTML are scrubbed of every secret before they are kept.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import datetime
from pathlib import Path

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page, async_playwright
from playwright.async_api import TimeoutError as PlaywrightTimeout

from hcportal.core.clock import Clock
from hcportal.core.errors import HarvestError, HcportalError
from hcportal.harvest.auth import Credentials, check_display
from hcportal.harvest.browser import find_browser
from hcportal.harvest.manifest import Attempt, Manifest, ReportFailure, accepted
from hcportal.harvest.options import BrowserOptions, CrmTarget, RetryPolicy
from hcportal.harvest.outcome import Outcome, conclude
from hcportal.harvest.postmortem import Secrets, capture
from hcportal.harvest.progress import LogProgress, Progress
from hcportal.harvest.routes import AttemptFailed, Routes, Steps
from hcportal.harvest.runs import POSTMORTEM, failed_dir, last_good, run_id_for, staged_run
from hcportal.harvest.session import SignedIn
from hcportal.harvest.settings import ReportSpec
from hcportal.harvest.validate import (
    FATAL,
    ROUTE,
    SESSION,
    TRANSIENT,
    ExportFacts,
    Rejected,
    accept_export,
)
from hcportal.harvest.worker import run_in_worker

__all__ = ["BrowserOptions", "Credentials", "CrmTarget", "RetryPolicy", "harvest_crm"]

log = logging.getLogger(__name__)

DEFAULT_BROWSER, DEFAULT_RETRY = BrowserOptions(), RetryPolicy()  # frozen: safe as defaults
HEAD_BYTES = 4096  # of a rejected download, kept in its post-mortem


def harvest_crm(
    target: CrmTarget,
    reports: dict[str, ReportSpec],
    out_root: Path,
    clock: Clock,
    browser: BrowserOptions = DEFAULT_BROWSER,
    retry: RetryPolicy = DEFAULT_RETRY,
    progress: Progress | None = None,
) -> tuple[Path, Manifest]:
    """Download every report into a new run folder under ``out_root``; return it and its manifest.

    A failure leaves ``out_root/latest`` as it was and raises :class:`HarvestError` naming each
    failed report, the step and the cause, and where its post-mortem is.
    """
    started = clock()
    run_id = run_id_for(started)
    previous = last_good(out_root)
    progress = progress or LogProgress()
    with staged_run(out_root, run_id) as staging:
        job = _Harvest(target, reports, staging, browser, retry, previous, progress, clock)
        try:
            outcomes = run_in_worker(job.run())
        except HcportalError as e:
            # A run stopped at sign-in: say where its post-mortem is, if it has one.
            if (staging / POSTMORTEM).exists():
                e.args = (f"{e} (post-mortem in {failed_dir(out_root, run_id)}/)",)
            raise
        manifest = conclude(
            staging=staging,
            out_root=out_root,
            run_id=run_id,
            source=target.source,
            crm=target.base_url,
            started=started,
            finished=clock(),
            outcomes=outcomes,
            previous=previous,
        )
    return out_root / run_id, manifest


class _Harvest:
    def __init__(
        self,
        target: CrmTarget,
        reports: dict[str, ReportSpec],
        staging: Path,
        opts: BrowserOptions,
        retry: RetryPolicy,
        previous: Manifest | None,
        progress: Progress,
        clock: Clock,
    ) -> None:
        self.clock = clock
        self.target, self.reports, self.staging = target, reports, staging
        self.opts, self.retry, self.previous, self.progress = opts, retry, previous, progress
        self.profile = target.profile
        self.secrets = Secrets()
        self.timeout_ms = opts.timeout_seconds * 1000
        self.routes = Routes(target.profile, target.base_url, opts.control_timeout_seconds * 1000)

    async def run(self) -> list[Outcome]:
        (self.staging / ".downloads").mkdir(exist_ok=True)
        check_display(self.opts.headless)
        async with async_playwright() as p:
            executable = find_browser(self.opts.executable, p)  # type: ignore[arg-type]
            log.info("harvest %s: browser %s", self.target.base_url, executable)
            self.browser = await p.chromium.launch(
                executable_path=executable, headless=self.opts.headless
            )
            try:
                self.session = SignedIn(self.browser, self.target, self.secrets, self.timeout_ms)
                try:
                    await self.session.start()
                except PlaywrightError as e:
                    raise HarvestError(
                        f"signing in to {self.target.base_url} failed: {_line(e)}"
                    ) from None
                limit = asyncio.Semaphore(self.opts.concurrency)
                try:
                    async with asyncio.TaskGroup() as group:
                        tasks = [
                            group.create_task(self._report(name, spec, limit))
                            for name, spec in self.reports.items()
                        ]
                except BaseExceptionGroup as eg:
                    # A sign-in that needs a person stops every report: raise that, plainly.
                    raise _first(eg) from None
                return [t.result() for t in tasks]
            finally:
                await self.browser.close()

    # -- one report: routes, attempts, backoff ---------------------------------------------------

    async def _report(self, name: str, spec: ReportSpec, limit: asyncio.Semaphore) -> Outcome:
        async with limit:
            started, t0 = self.clock(), time.monotonic()
            attempts: list[Attempt] = []
            last: AttemptFailed | None = None
            for route in self.retry.routes:
                for number in range(1, self.retry.attempts + 1):
                    begun, a0 = self.clock(), time.monotonic()
                    label = f"{route} route, attempt {number}/{self.retry.attempts}"
                    log.info("report %s: %s", name, label)
                    try:
                        url, facts, path = await self._attempt(name, spec, route, label, number)
                    except AttemptFailed as e:
                        attempts.append(_attempt_record(route, number, begun, a0, e))
                        last = e
                        log.warning("report %s: %s failed at %r: %s", name, label, e.step, e.cause)
                        if e.kind in (FATAL, ROUTE):
                            break
                        if e.kind == SESSION:
                            await self.session.renew(e.generation, name, e.step)
                        elif number < self.retry.attempts:
                            delay = self.retry.backoff_seconds * 2 ** (number - 1)
                            self.progress.update(name, f"{label} failed; retrying in {delay:g} s")
                            await asyncio.sleep(delay)
                        continue
                    attempts.append(
                        Attempt(
                            route=route,
                            number=number,
                            started=begun,
                            seconds=round(time.monotonic() - a0, 3),
                            ok=True,
                        )
                    )
                    self.progress.done(name, True, f"{facts.rows:,} rows via {route}")
                    return accepted(
                        name, url, facts, path, route, started, self.clock(), t0, attempts
                    )
                if last is not None and last.kind == FATAL:
                    break
            assert last is not None
            self.progress.done(name, False, f"failed at {last.step!r}: {last.cause}")
            tried = attempts[-1]
            return ReportFailure(
                name=name,
                required=spec.required,
                step=last.step,
                error=f"{last.cause} (route {tried.route}, attempt {tried.number}; "
                f"{len(attempts)} attempt(s) in all)",
                attempts=attempts,
                postmortem=f"{POSTMORTEM}/{name}"
                if (self.staging / POSTMORTEM / name).exists()
                else "",
            )

    async def _attempt(
        self, name: str, spec: ReportSpec, route: str, label: str, number: int
    ) -> tuple[str, ExportFacts, Path]:
        generation = self.session.generation
        context = await self.browser.new_context(
            storage_state=self.session.state, accept_downloads=True
        )
        context.set_default_timeout(self.timeout_ms)
        if self.opts.trace:
            await context.tracing.start(screenshots=True, snapshots=True, title=f"{name}: {label}")
        step = Steps(self.progress, name, label)
        page: Page | None = None
        download = self.staging / ".downloads" / f"{name}-{route}-{number}"
        try:
            try:
                if route == "ui":
                    page = await context.new_page()
                    url = await self.routes.via_ui(page, spec, download, step)
                else:
                    url = await self.routes.via_url(context, spec, download, step)
                step("validate")
                prev = self.previous.report(name) if self.previous else None
                facts = await asyncio.to_thread(
                    accept_export,
                    download,
                    self.staging / f"{name}.csv",
                    name,
                    spec,
                    previous_rows=prev.rows if prev else None,
                    previous_run=self.previous.run_id if self.previous else "",
                    expect_footer=self.profile.report.expect_footer,
                )
            except Rejected as e:
                raise AttemptFailed(
                    e.kind, step.now, str(e).removeprefix(f"report {name!r}: ")
                ) from None
            except PlaywrightTimeout as e:
                raise AttemptFailed(TRANSIENT, step.now, f"timed out: {_line(e)}") from None
            except PlaywrightError as e:
                raise AttemptFailed(
                    TRANSIENT, step.now, f"the browser failed: {_line(e)}"
                ) from None
        except AttemptFailed as e:
            e.generation = generation
            folder = self.staging / POSTMORTEM / name / f"attempt-{route}-{number}"
            if download.is_file():  # what was rejected, its start only: enough to see what it was
                folder.mkdir(parents=True, exist_ok=True)
                with download.open("rb") as f:
                    (folder / "download-head.txt").write_bytes(f.read(HEAD_BYTES))
            await capture(page, context, folder, self.secrets, self.opts.trace)
            raise
        else:
            if self.opts.trace:
                await context.tracing.stop()  # a good attempt's trace is not kept
            return url, facts, self.staging / f"{name}.csv"
        finally:
            await context.close()
            download.unlink(missing_ok=True)


def _attempt_record(
    route: str, number: int, begun: datetime, t0: float, e: AttemptFailed
) -> Attempt:
    return Attempt(
        route=route,
        number=number,
        started=begun,
        seconds=round(time.monotonic() - t0, 3),
        ok=False,
        step=e.step,
        error=e.cause,
    )


def _first(eg: BaseExceptionGroup) -> BaseException:
    """The error to report from a task group: a domain error before anything else."""
    leaves: list[BaseException] = []

    def walk(e: BaseException) -> None:
        if isinstance(e, BaseExceptionGroup):
            for sub in e.exceptions:
                walk(sub)
        else:
            leaves.append(e)

    walk(eg)
    return next((e for e in leaves if isinstance(e, HcportalError)), leaves[0])


def _line(e: Exception) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__
