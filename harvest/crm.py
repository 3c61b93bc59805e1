"""Download reports from a CRM's web UI with Playwright, as a person would, several at a time.

Per report, two routes (in the configured order, the next tried when one fails): **ui** opens the
report, waits for it to generate, clicks Export (a button, or an item of a "More Actions" menu),
chooses "Details Only" and CSV in the dialog and catches the download; **url** asks the direct
export URL through the context's own authenticated request (``context.request``). Every control is
found by role, label or text from the CRM profile; every wait is for a real event, never a sleep.

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
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from playwright.async_api import Browser, BrowserContext, Download, Page, async_playwright
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeout

from harvest.auth import Credentials, Signer, load_session, save_session
from harvest.browser import find_browser
from harvest.manifest import Attempt, Manifest, ReportEntry, ReportFailure
from harvest.outcome import Outcome, conclude
from harvest.postmortem import Secrets, capture
from harvest.profile import Profile
from harvest.progress import LogProgress, Progress
from harvest.runs import POSTMORTEM, failed_dir, last_good, run_id_for, staged_run
from harvest.settings import ReportSpec
from harvest.validate import FATAL, ROUTE, SESSION, TRANSIENT, Rejected, accept_export
from hcportal.errors import HarvestError, HcportalError
from hcportal.fsutil import sha256_file

__all__ = ["BrowserOptions", "Credentials", "CrmTarget", "RetryPolicy", "harvest_crm"]

log = logging.getLogger(__name__)

HEAD_BYTES = 4096  # of a rejected download, kept in its post-mortem


@dataclass(frozen=True)
class CrmTarget:
    """Where and how to harvest: the CRM's address, its profile and who signs in."""

    base_url: str
    profile: Profile
    credentials: Credentials | None = None
    source: str = "crm"
    session_file: Path | None = None  # a saved session to reuse, refreshed after a sign-in
    why_no_credentials: str = ""


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


class AttemptFailed(Exception):
    """One attempt at one report failed; ``kind`` says what a retry can achieve."""

    def __init__(self, kind: str, step: str, cause: str) -> None:
        super().__init__(cause)
        self.kind, self.step, self.cause = kind, step, cause
        self.generation = -1


def harvest_crm(
    target: CrmTarget,
    reports: dict[str, ReportSpec],
    out_root: Path,
    now: datetime,
    browser: BrowserOptions = BrowserOptions(),
    retry: RetryPolicy = RetryPolicy(),
    progress: Progress | None = None,
) -> tuple[Path, Manifest]:
    """Download every report into a new run folder under ``out_root``; return it and its manifest.

    A failure leaves ``out_root/latest`` as it was and raises :class:`HarvestError` naming each
    failed report, the step and the cause, and where its post-mortem is.
    """
    run_id = run_id_for(now)
    previous = last_good(out_root)
    started = datetime.now(UTC)
    progress = progress or LogProgress()
    with staged_run(out_root, run_id) as staging:
        job = _Harvest(target, reports, staging, browser, retry, previous, progress)
        # Playwright runs in a thread of its own: it refuses to start in a thread that already
        # runs an asyncio loop (Jupyter, schedulers, pytest-playwright).
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="harvest") as pool:
            try:
                outcomes = pool.submit(asyncio.run, job.run()).result()
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
            outcomes=outcomes,
            previous=previous,
        )
    return out_root / run_id, manifest


class _Session:
    """The signed-in storage state every report context starts from, renewed when it expires."""

    def __init__(self, browser: Browser, target: CrmTarget, secrets: Secrets, timeout_ms: float):
        self.browser = browser
        self.target = target
        self.timeout_ms = timeout_ms
        self.signer = Signer(
            browser,
            target.profile,
            target.base_url,
            target.credentials,
            secrets,
            timeout_ms,
            target.why_no_credentials,
        )
        self.secrets = secrets
        self.state: dict | None = None
        self.generation = 0
        self._lock = asyncio.Lock()

    async def start(self) -> None:
        saved_at = self.target.session_file
        saved = load_session(saved_at, self.secrets) if saved_at else None
        if saved is not None:
            if await self._accepted(saved):
                log.info("reusing the saved session %s", saved_at)
                self.state = saved
                return
            log.info("the saved session %s has expired", saved_at)
            self.state = await self.signer.sign_in(f"the CRM no longer accepts {saved_at}")
        else:
            self.state = await self.signer.sign_in()
        self._save()

    async def renew(self, seen_generation: int, report: str, step: str) -> None:
        """Sign in again, once for all the reports that found the session over at the same time."""
        async with self._lock:
            if self.generation != seen_generation:
                return  # another report already signed in again
            log.warning("report %s: the session ended at step %r; signing in again", report, step)
            self.state = await self.signer.sign_in(
                f"it ended during report {report!r} at step {step!r}"
            )
            self.generation += 1
            self._save()

    def _save(self) -> None:
        if self.target.session_file and self.state is not None:
            save_session(self.target.session_file, self.state)

    async def _accepted(self, state: dict) -> bool:
        context = await self.browser.new_context(storage_state=state)
        try:
            page = await context.new_page()
            await page.goto(self.target.profile.url(self.target.base_url, self.target.profile.home))
            return not self.target.profile.on_sign_in(page.url)
        finally:
            await context.close()


class _Steps:
    """The step an attempt is at (for the error message), echoed to the progress display."""

    def __init__(self, progress: Progress, report: str, label: str) -> None:
        self.progress, self.report, self.label, self.now = progress, report, label, "start"

    def __call__(self, step: str) -> None:
        self.now = step
        self.progress.update(self.report, f"{self.label}: {step}")


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
    ) -> None:
        self.target, self.reports, self.staging = target, reports, staging
        self.opts, self.retry, self.previous, self.progress = opts, retry, previous, progress
        self.profile = target.profile
        self.secrets = Secrets()
        self.timeout_ms = opts.timeout_seconds * 1000
        self.control_ms = opts.control_timeout_seconds * 1000

    async def run(self) -> list[Outcome]:
        (self.staging / ".downloads").mkdir(exist_ok=True)
        async with async_playwright() as p:
            executable = find_browser(self.opts.executable, p)  # type: ignore[arg-type]
            log.info("harvest %s: browser %s", self.target.base_url, executable)
            self.browser = await p.chromium.launch(
                executable_path=executable, headless=self.opts.headless
            )
            try:
                self.session = _Session(self.browser, self.target, self.secrets, self.timeout_ms)
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
            started, t0 = datetime.now(UTC), time.monotonic()
            attempts: list[Attempt] = []
            last: AttemptFailed | None = None
            for route in self.retry.routes:
                for number in range(1, self.retry.attempts + 1):
                    begun, a0 = datetime.now(UTC), time.monotonic()
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
                    return ReportEntry(
                        name=name,
                        file=path.name,
                        rows=facts.rows,
                        columns=facts.columns,
                        sha256=sha256_file(path),
                        bytes=path.stat().st_size,
                        source_url=url,
                        route=route,
                        started=started,
                        finished=datetime.now(UTC),
                        seconds=round(time.monotonic() - t0, 3),
                        encoding=facts.encoding,
                        footer_lines=facts.footer_lines,
                        attempts=attempts,
                    )
                if last is not None and last.kind == FATAL:
                    break
            assert last is not None
            tried = attempts[-1]
            error = f"{last.cause} (route {tried.route}, attempt {tried.number}; {len(attempts)} attempt(s) in all)"
            self.progress.done(name, False, f"failed at {last.step!r}: {last.cause}")
            pm = self.staging / POSTMORTEM / name
            return ReportFailure(
                name=name,
                required=spec.required,
                step=last.step,
                error=error,
                attempts=attempts,
                postmortem=f"{POSTMORTEM}/{name}" if pm.exists() else "",
            )

    async def _attempt(
        self, name: str, spec: ReportSpec, route: str, label: str, number: int
    ) -> tuple[str, object, Path]:
        generation = self.session.generation
        context = await self.browser.new_context(
            storage_state=self.session.state, accept_downloads=True
        )
        context.set_default_timeout(self.timeout_ms)
        if self.opts.trace:
            await context.tracing.start(screenshots=True, snapshots=True, title=f"{name}: {label}")
        step = _Steps(self.progress, name, label)
        page: Page | None = None
        download = self.staging / ".downloads" / f"{name}-{route}-{number}"
        try:
            try:
                if route == "ui":
                    page = await context.new_page()
                    url = await self._via_ui(page, spec, download, step)
                else:
                    url = await self._via_url(context, spec, download, step)
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

    # -- the two routes ----------------------------------------------------------------------

    async def _via_ui(self, page: Page, spec: ReportSpec, dest: Path, step: _Steps) -> str:
        ui = self.profile.report
        url = self.profile.url(self.target.base_url, ui.path.format(report_id=spec.report_id))
        step("open the report page")
        response = await page.goto(url)
        if self.profile.on_sign_in(page.url):
            raise AttemptFailed(SESSION, step.now, "the CRM sent the browser to its sign-in page")
        if response is not None and response.status >= 400:
            raise AttemptFailed(TRANSIENT, step.now, f"the CRM answered HTTP {response.status}")
        scope = page.frame_locator(f'iframe[title="{ui.frame}"]') if ui.frame else page
        if ui.ready is not None:
            step("wait for the report to generate")
            await ui.ready.find(scope).first.wait_for(state="visible")
        step("find the Export control")
        await self._open_export(scope, step)
        step("fill in the export dialog")
        dialog = ui.dialog.find(scope)
        await self._visible(dialog, step, f"no export dialog ({ui.dialog.describe()}) opened")
        await ui.details_only.find(dialog).check()
        await ui.format.find(dialog).select_option(label=ui.format_option)
        step("download")
        download = await self._download(page, ui.dialog_export.find(dialog).click, step)
        failure = await download.failure()
        if failure:
            raise AttemptFailed(TRANSIENT, step.now, f"the download broke off: {failure}")
        await download.save_as(dest)  # before the context closes, which deletes the download
        return url

    async def _open_export(self, scope, step: _Steps) -> None:
        """Click Export: a button of its own, or an item of the "More Actions" menu."""
        ui = self.profile.report
        button = ui.export_button.find(scope)
        menu = ui.more_actions.find(scope) if ui.more_actions else None
        wanted = ui.export_button.describe() + (
            f" (nor a menu {ui.more_actions.describe()})" if ui.more_actions else ""
        )
        await self._visible(
            button.or_(menu) if menu is not None else button,
            step,
            f"no {wanted} on the report page (renamed or moved?)",
        )
        if await button.first.is_visible():
            await button.first.click()
            return
        assert menu is not None and ui.export_menu_item is not None
        step("open the More Actions menu")
        await menu.first.click()
        item = ui.export_menu_item.find(scope)
        await self._visible(item, step, f"the menu has no {ui.export_menu_item.describe()}")
        await item.first.click()

    async def _visible(self, locator, step: _Steps, missing: str) -> None:
        """Wait briefly for a control: one that is not there once the page is ready was renamed
        or moved, and this route cannot work (the next one may)."""
        try:
            await locator.first.wait_for(state="visible", timeout=self.control_ms)
        except PlaywrightTimeout:
            raise AttemptFailed(ROUTE, step.now, missing) from None

    async def _download(
        self, page: Page, click: Callable[[], Awaitable[None]], step: _Steps
    ) -> Download:
        """Click, then wait for the download, or for what shows it will not come: an HTTP error
        page, or the sign-in page (the session ended), in any frame."""
        loop = asyncio.get_running_loop()
        trouble: asyncio.Future[AttemptFailed] = loop.create_future()

        def settle(problem: AttemptFailed) -> None:
            if not trouble.done():
                trouble.set_result(problem)

        def on_response(response) -> None:
            if response.status >= 400 and response.request.is_navigation_request():
                settle(
                    AttemptFailed(TRANSIENT, step.now, f"the CRM answered HTTP {response.status}")
                )

        def on_navigated(frame) -> None:
            if self.profile.on_sign_in(frame.url):
                settle(
                    AttemptFailed(SESSION, step.now, "the CRM sent the browser to its sign-in page")
                )

        page.on("response", on_response)
        page.on("framenavigated", on_navigated)
        waiter = asyncio.ensure_future(page.wait_for_event("download"))
        try:
            await click()
            done, _ = await asyncio.wait({waiter, trouble}, return_when=asyncio.FIRST_COMPLETED)
            if waiter in done:
                return waiter.result()
            raise trouble.result()
        finally:
            page.remove_listener("response", on_response)
            page.remove_listener("framenavigated", on_navigated)
            if not waiter.done():
                waiter.cancel()
            waiter.add_done_callback(_quiet)

    async def _via_url(
        self, context: BrowserContext, spec: ReportSpec, dest: Path, step: _Steps
    ) -> str:
        ui = self.profile.report
        url = self.profile.url(self.target.base_url, ui.export_url.format(report_id=spec.report_id))
        step("request the export URL")
        response = await context.request.get(url)
        try:
            dest.write_bytes(await response.body())  # an error page too: for the post-mortem
            if self.profile.on_sign_in(response.url):
                raise AttemptFailed(SESSION, step.now, "the CRM answered with its sign-in page")
            if response.status >= 400:
                raise AttemptFailed(TRANSIENT, step.now, f"the CRM answered HTTP {response.status}")
        finally:
            await response.dispose()
        return url


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


def _quiet(future: asyncio.Future) -> None:
    if not future.cancelled():
        future.exception()  # retrieved: no "exception was never retrieved" warning


def _line(e: Exception) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__
