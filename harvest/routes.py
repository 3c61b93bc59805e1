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
from playwright.async_api import TimeoutError as PlaywrightTimeout

from hcportal.harvest.profile import Profile
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
    """The routes for one CRM profile; a control missing for ``control_ms`` is missing."""

    def __init__(self, profile: Profile, base_url: str, control_ms: float) -> None:
        self.profile, self.base_url, self.control_ms = profile, base_url, control_ms

    async def via_ui(self, page: Page, spec: ReportSpec, dest: Path, step: Steps) -> str:
        ui = self.profile.report
        url = self.profile.url(self.base_url, ui.path.format(report_id=spec.report_id))
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

    async def _open_export(self, scope, step: Steps) -> None:
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

    async def _visible(self, locator, step: Steps, missing: str) -> None:
        """Wait briefly for a control: one that is not there once the page is ready was renamed
        or moved, and this route cannot work (the next one may)."""
        try:
            await locator.first.wait_for(state="visible", timeout=self.control_ms)
        except PlaywrightTimeout:
            raise AttemptFailed(ROUTE, step.now, missing) from None

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


def _quiet(future: asyncio.Future) -> None:
    if not future.cancelled():
        future.exception()  # retrieved: no "exception was never retrieved" warning
