"""Download reports from a CRM's web UI with Playwright, as a person would, several at a time.

Per report, up to three routes (in the configured order, the next tried when one fails): **ui**
opens the report, waits for it to generate, clicks Export (a button, or an item of a "More
Actions" menu), chooses "Details Only" and CSV in the dialog and catches the download; **url**
asks the direct export URL through the context's own authenticated request (``context.request``)
(both in :mod:`harvest.routes`); **api** asks the CRM's API with a token, no browser at all
(:mod:`harvest.api`). A passing fault is retried with backoff in a fresh context; a route that
cannot work hands over to the next at once; wrong data is not retried. The browser is started,
and the session signed in, only when a report first needs a browser route.

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

from playwright.async_api import Browser, Page, async_playwright
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeout

from hcportal.core.clock import Clock
from hcportal.core.errors import HarvestError, HcportalError
from hcportal.harvest.api import ApiSession
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
            # A run stopped at sign-in: say where its post-mortem is, if it has one, and keep a
            # manifest beside it (every failed run folder has one) saying what stopped it.
            if (staging / POSTMORTEM).exists():
                stopped_manifest(staging, target, reports, run_id, started, clock(), previous, e)
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
            account_url=account_url(target),
        )
    return out_root / run_id, manifest


def account_url(target: CrmTarget) -> str:
    """The full address of an account's record in the CRM (``{account}`` left in), or "".

    Not for the embedded demo CRM (source "demo"): it serves only during the harvest, on a port
    of the moment, so its links would be dead by morning (and the site would differ run to run
    by the port). A demo CRM left running (`hcportal demo-crm`) is a "crm" source, linked."""
    template = target.profile.account_url
    if not template or target.source == "demo":
        return ""
    return target.profile.url(target.base_url, template)


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
        self.routes = Routes(
            target.profile, target.base_url, opts.control_timeout_seconds * 1000, self.timeout_ms
        )
        self.browser: Browser | None = None
        self.session: SignedIn | None = None
        self.api: ApiSession | None = None
        self._starting = asyncio.Lock()
        self._start_error: HcportalError | None = None

    async def run(self) -> list[Outcome]:
        (self.staging / ".downloads").mkdir(exist_ok=True)
        async with async_playwright() as p:
            self.playwright = p
            try:
                if "api" in self.retry.routes:
                    self.api = ApiSession(
                        p,
                        self.profile,
                        self.target.base_url,
                        self.target.api,
                        self.target.credentials,
                        self.secrets,
                        self.timeout_ms,
                    )
                    await self.api.start()
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
                if self.browser is not None:
                    await self.browser.close()
                if self.api is not None:
                    await self.api.close()

    async def _signed_in(self) -> SignedIn:
        """The browser and the signed-in session, started by the first report that needs them
        (a night served wholly by the API starts no browser)."""
        async with self._starting:
            if self._start_error is not None:
                raise self._start_error  # signed in once, failed: never tried again tonight
            if self.session is not None:
                return self.session
            try:
                check_display(self.opts.headless)
                executable = find_browser(self.opts.executable, self.playwright)  # type: ignore[arg-type]
                log.info("harvest %s: browser %s", self.target.base_url, executable)
                self.browser = await self.playwright.chromium.launch(
                    executable_path=executable, headless=self.opts.headless
                )
                session = SignedIn(self.browser, self.target, self.secrets, self.timeout_ms)
                if self.api is not None:
                    session.signer.refuse_password = self.api.rejected_password
                try:
                    await session.start()
                except PlaywrightError as e:
                    raise HarvestError(
                        f"signing in to {self.target.base_url} failed: {_line(e)}"
                    ) from None
            except HcportalError as e:
                self._start_error = e
                raise
            self.session = session
            return session

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
                        if e.kind == SESSION and self.session is not None:
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
            # The post-mortem of the attempt the error names: the one to open first.
            named = f"{POSTMORTEM}/{name}/attempt-{tried.route}-{tried.number}"
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
                trace=f"{named}/trace.zip"
                if (self.staging / named / "trace.zip").is_file()
                else "",
            )

    async def _attempt(
        self, name: str, spec: ReportSpec, route: str, label: str, number: int
    ) -> tuple[str, ExportFacts, Path]:
        if route == "api":
            assert self.api is not None
            context, generation = None, self.api.generation
        else:
            session = await self._signed_in()
            generation = session.generation
            context = await session.new_context()
            context.set_default_timeout(self.timeout_ms)
            if self.opts.trace:
                await context.tracing.start(
                    screenshots=True, snapshots=True, title=f"{name}: {label}"
                )
        step = Steps(self.progress, name, label)
        page: Page | None = None
        download = self.staging / ".downloads" / f"{name}-{route}-{number}"
        try:
            try:
                if route == "api":
                    assert self.api is not None
                    url = await self.api.export(spec, download, step)
                elif route == "ui":
                    assert context is not None
                    page = await context.new_page()
                    url = await self.routes.via_ui(page, spec, download, step)
                else:
                    assert context is not None
                    url = await self.routes.via_url(context, spec, download, step)
                step("validate")
                prev = self.previous.report(name) if self.previous else None
                expect = self.profile.expectations(route)
                facts = await asyncio.to_thread(
                    accept_export,
                    download,
                    self.staging / f"{name}.csv",
                    name,
                    spec,
                    previous_rows=prev.rows if prev else None,
                    previous_run=self.previous.run_id if self.previous else "",
                    expect_footer=expect.footer,
                    encoding=expect.encoding,
                    row_caps=expect.row_caps,
                )
            except Rejected as e:
                kind = ROUTE if e.kind == SESSION and route == "api" else e.kind
                raise AttemptFailed(
                    kind, step.now, str(e).removeprefix(f"report {name!r}: ")
                ) from None
            except PlaywrightTimeout as e:
                raise AttemptFailed(TRANSIENT, step.now, _timed_out(e)) from None
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
            await capture(
                page, context, folder, self.secrets, self.opts.trace and context is not None
            )
            raise
        else:
            if self.opts.trace and context is not None:
                await context.tracing.stop()  # a good attempt's trace is not kept
            return url, facts, self.staging / f"{name}.csv"
        finally:
            if context is not None:
                await context.close()
            download.unlink(missing_ok=True)


def stopped_manifest(
    staging: Path,
    target: CrmTarget,
    reports: dict[str, ReportSpec],
    run_id: str,
    started: datetime,
    finished: datetime,
    previous: Manifest | None,
    error: Exception,
) -> None:
    """The manifest of a run that stopped before its reports were done (a sign-in that needs a
    person): every report failed with that cause."""
    cause = str(error).splitlines()[0] if str(error) else type(error).__name__
    Manifest(
        run_id=run_id,
        source=target.source,
        crm=target.base_url,
        started=started,
        finished=finished,
        status="failed",
        previous_run=previous.run_id if previous else "",
        reports=[],
        failures=[
            ReportFailure(
                name=name,
                required=spec.required,
                step="sign in",
                error=cause,
                postmortem=f"{POSTMORTEM}/{name}" if (staging / POSTMORTEM / name).exists() else "",
            )
            for name, spec in reports.items()
        ],
    ).write(staging)


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


def _timed_out(e: Exception) -> str:
    """A Playwright time-out, with what it was waiting for (its call log's "waiting for" line)."""
    waiting = next(
        (ln.strip(" -") for ln in str(e).splitlines() if ln.strip(" -").startswith("waiting for")),
        "",
    )
    return f"timed out: {_line(e)}" + (f" ({waiting})" if waiting else "")


def _line(e: Exception) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__
