"""The two export routes, one attempt each: the Export dialog (**ui**) and the export URL (**url**).

Every control is found by role, label or text from the CRM profile, and every wait is for a real
event (a page, a control, a download), never a sleep. A failure raises :class:`AttemptFailed`
whose ``kind`` tells the harvester what a retry can achieve (see :mod:`harvest.validate`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

from playwright.async_api import BrowserContext, Download, Page
from playwright.async_api import Locator as PwLocator

from hcportal.harvest import wait
from hcportal.harvest.profile import Locator, Profile
from hcportal.harvest.progress import Progress
from hcportal.harvest.settings import ReportSpec
from hcportal.harvest.validate import ROUTE, SESSION, TRANSIENT


class AttemptFailed(Exception):
    """One attempt at one report failed; ``kind`` says what a retry can achieve."""

    def __init__(self, kind: str, step: str, cause: str) -> None:
        super().__init__(cause)
        self.kind, self.step, self.cause = kind, step, cause
        self.generation = -1


class Steps:
    """The step an attempt is at (for the error message), echoed to the progress display."""

    def __init__(self, progress: Progress, report: str, label: str) -> None:
        self.progress, self.report, self.label, self.now = progress, report, label, "start"

    def __call__(self, step: str) -> None:
        self.now = step
        self.progress.update(self.report, f"{self.label}: {step}")


class Routes:
    """The routes for one CRM profile; a control missing for ``control_ms`` is missing, and one
    that matches nothing once the page is idle is missing at once."""

    def __init__(
        self, profile: Profile, base_url: str, control_ms: float, timeout_ms: float = 60_000
    ) -> None:
        self.profile, self.base_url = profile, base_url
        self.control_ms, self.timeout_ms = control_ms, timeout_ms

    async def via_ui(self, page: Page, spec: ReportSpec, dest: Path, step: Steps) -> str:
        ui = self.profile.report
        url = self.profile.url(self.base_url, ui.path.format(report_id=spec.report_id))
        step("open the report page")
        try:
            response = await wait.step(f"the report page {url}", page.goto(url), self.timeout_ms)
        except wait.TimedOut as e:
            raise AttemptFailed(TRANSIENT, step.now, str(e)) from None
        if self.profile.on_sign_in(page.url):
            raise AttemptFailed(SESSION, step.now, "the CRM sent the browser to its sign-in page")
        if response is not None and response.status >= 400:
            raise AttemptFailed(TRANSIENT, step.now, f"the CRM answered HTTP {response.status}")
        try:
            where = await self.report_frame(page, step)
            step("wait for the report to generate")
            await self.ready(where)
            step("find the Export control")
            await self._open_export(where, step)
            step("fill in the export dialog")
            dialog = await self._control(where, ui.dialog, "export dialog")
            details = await self._control(dialog_where(where, dialog), ui.details_only)
            await wait.step(where.of(ui.details_only.describe()), details.check(), self.timeout_ms)
            fmt = await self._control(dialog_where(where, dialog), ui.format)
            await wait.step(
                where.of(f"the option {ui.format_option!r} of {ui.format.describe()}"),
                fmt.select_option(label=ui.format_option),
                self.timeout_ms,
            )
            step("download")
            button = await self._control(dialog_where(where, dialog), ui.dialog_export)
            download = await self._download(page, button.click, step)
        except wait.Missing as e:
            raise AttemptFailed(ROUTE, step.now, f"{e} (renamed or moved?)") from None
        except wait.TimedOut as e:
            raise AttemptFailed(TRANSIENT, step.now, str(e)) from None
        failure = await download.failure()
        if failure:
            raise AttemptFailed(TRANSIENT, step.now, f"the download broke off: {failure}")
        await download.save_as(dest)  # before the context closes, which deletes the download
        return url

    async def report_frame(self, page: Page, step: Steps) -> wait.Where:
        """Where the report is: the page, or the profile's iframe (which must be there)."""
        frame = self.profile.report.frame
        if frame:
            step("find the report frame")
            holder = page.locator(f"iframe[title={wait._css_string(frame)}]")
            await wait.control(
                wait.Where(page, page), holder, f"an iframe titled {frame!r}", self.control_ms
            )
        return wait.Where.on(page, frame)

    async def ready(self, where: wait.Where) -> str:
        """Wait for any readiness signal of the profile; return the one that came."""
        return await wait.ready(
            where,
            self.profile.report.ready,
            self.export_control(where),
            self.timeout_ms,
            self.control_ms,
            self.profile.report.busy,
        )

    def export_control(self, where: wait.Where) -> PwLocator:
        """The Export button, or the menu that holds Export."""
        ui = self.profile.report
        button = where.find(ui.export_button)
        return button.or_(where.find(ui.more_actions)) if ui.more_actions else button

    async def _control(self, where: wait.Where, locator: Locator, what: str = "") -> PwLocator:
        return await wait.control(
            where, where.find(locator), what or locator.describe(), self.control_ms
        )

    async def _open_export(self, where: wait.Where, step: Steps) -> None:
        """Click Export: a button of its own, or an item of the "More Actions" menu."""
        ui = self.profile.report
        button = where.find(ui.export_button)
        wanted = ui.export_button.describe() + (
            f" (nor a menu {ui.more_actions.describe()})" if ui.more_actions else ""
        )
        await wait.control(where, self.export_control(where), wanted, self.control_ms)
        if await button.first.is_visible():
            await wait.step(where.of(wanted), button.first.click(), self.timeout_ms)
            return
        assert ui.more_actions is not None and ui.export_menu_item is not None
        step("open the More Actions menu")
        menu = where.find(ui.more_actions)
        await wait.step(where.of(ui.more_actions.describe()), menu.first.click(), self.timeout_ms)
        item = await self._control(
            where, ui.export_menu_item, f"{ui.export_menu_item.describe()} in the menu"
        )
        await wait.step(where.of(ui.export_menu_item.describe()), item.click(), self.timeout_ms)

    async def _download(
        self, page: Page, click: Callable[[], Awaitable[None]], step: Steps
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

    async def via_url(
        self, context: BrowserContext, spec: ReportSpec, dest: Path, step: Steps
    ) -> str:
        ui = self.profile.report
        url = self.profile.url(self.base_url, ui.export_url.format(report_id=spec.report_id))
        step("request the export URL")
        try:
            response = await wait.step(
                f"the export URL {url}",
                context.request.get(url, timeout=self.timeout_ms),
                self.timeout_ms,
            )
        except wait.TimedOut as e:
            raise AttemptFailed(TRANSIENT, step.now, str(e)) from None
        try:
            dest.write_bytes(await response.body())  # an error page too: for the post-mortem
            if self.profile.on_sign_in(response.url):
                raise AttemptFailed(SESSION, step.now, "the CRM answered with its sign-in page")
            if response.status >= 400:
                raise AttemptFailed(TRANSIENT, step.now, f"the CRM answered HTTP {response.status}")
        finally:
            await response.dispose()
        return url


def dialog_where(where: wait.Where, dialog: PwLocator) -> wait.Where:
    """Controls inside the export dialog (two buttons are named Export otherwise)."""
    return wait.Where(where.page, dialog, where.frame)


def _quiet(future: asyncio.Future) -> None:
    if not future.cancelled():
        future.exception()  # retrieved: no "exception was never retrieved" warning
