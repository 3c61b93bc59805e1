"""``hcportal harvest --check``: walk every locator of a CRM profile against the live CRM, for each
configured report and route, and say what was found, without downloading anything.

Adapting a profile to a CRM the harvester has never seen used to mean reading Playwright traces.
The check signs in (as the harvest would), opens each report, waits for it the same way, opens the
Export menu and dialog, and looks up every control the profile names, stopping short of the
dialog's final Export. Each step is a row: the locator, found / not found / ambiguous (with the
controls the page does have that a person would take for it), the time taken, and a screenshot
of each failure. The export URL and the API are asked for headers only (HEAD).

Rows carry ``problem``: what would stop the harvest on that route. A readiness signal the page
does not show is reported but is no problem while another signal says the report is ready.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

from playwright.async_api import Browser, BrowserContext, Page, async_playwright
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Locator as PwLocator

from hcportal.core.errors import HcportalError
from hcportal.harvest import pagetext, wait
from hcportal.harvest.api import ApiSession
from hcportal.harvest.auth import check_display
from hcportal.harvest.browser import find_browser
from hcportal.harvest.check_table import (
    AMBIGUOUS,
    FAILED,
    FOUND,
    NOT_FOUND,
    OK,
    SIGN_IN,
    SKIPPED,
    CheckResult,
    Row,
    table,
)
from hcportal.harvest.options import BrowserOptions, CrmTarget
from hcportal.harvest.postmortem import Secrets
from hcportal.harvest.profile import EXPORT_ENABLED, NETWORK_IDLE, Locator, describe_signal
from hcportal.harvest.progress import LogProgress, Progress
from hcportal.harvest.routes import Routes, Steps, dialog_where
from hcportal.harvest.session import SignedIn
from hcportal.harvest.settings import ReportSpec

__all__ = [
    "AMBIGUOUS",
    "FAILED",
    "FOUND",
    "NOT_FOUND",
    "OK",
    "SKIPPED",
    "CheckResult",
    "Row",
    "check_crm",
    "table",
]


async def check_crm(
    target: CrmTarget,
    reports: dict[str, ReportSpec],
    routes: list[str],
    browser: BrowserOptions,
    screenshots: Path,
    progress: Progress | None = None,
) -> CheckResult:
    """Walk the profile of ``target`` for every report and route; return the rows."""
    walk = _Walk(target, reports, routes, browser, screenshots, progress or LogProgress())
    return await walk.run()


class _Walk:
    def __init__(
        self,
        target: CrmTarget,
        reports: dict[str, ReportSpec],
        routes: list[str],
        opts: BrowserOptions,
        screenshots: Path,
        progress: Progress,
    ) -> None:
        self.target, self.reports, self.route_names, self.opts = target, reports, routes, opts
        self.profile = target.profile
        self.shots, self.progress = screenshots, progress
        self.timeout_ms = opts.timeout_seconds * 1000
        self.control_ms = opts.control_timeout_seconds * 1000
        self.routes = Routes(self.profile, target.base_url, self.control_ms, self.timeout_ms)
        self.result = CheckResult(crm=target.base_url, profile=self.profile.name)
        self.secrets = Secrets()

    async def run(self) -> CheckResult:
        async with async_playwright() as p:
            api = None
            if "api" in self.route_names and self.profile.api is not None:
                api = ApiSession(
                    p,
                    self.profile,
                    self.target.base_url,
                    self.target.api,
                    self.target.credentials,
                    self.secrets,
                    self.timeout_ms,
                )
                await self._api_token(api)
            browser_routes = [r for r in self.route_names if r != "api"]
            session = None
            browser = None
            if browser_routes:
                check_display(self.opts.headless)
                browser = await p.chromium.launch(
                    executable_path=find_browser(self.opts.executable, p),  # type: ignore[arg-type]
                    headless=self.opts.headless,
                )
            try:
                if browser is not None:
                    session = await self._sign_in(browser)
                for name, spec in self.reports.items():
                    for route in self.route_names:
                        self.progress.update(name, f"checking the {route} route")
                        if route == "api" and api is not None:
                            await self._api_export(api, name, spec)
                        elif route in ("ui", "url") and session is None:
                            self._add(name, route, "everything", "-", SKIPPED, "not signed in")
                        elif route == "ui":
                            assert session is not None
                            await self._ui(session, name, spec)
                        elif route == "url":
                            assert session is not None
                            await self._url(session, name, spec)
                    self.progress.done(name, True, "checked")
            finally:
                if browser is not None:
                    await browser.close()
                if api is not None:
                    await api.close()
        return self.result

    # -- rows -------------------------------------------------------------------------------------

    def _add(
        self,
        report: str,
        route: str,
        step: str,
        locator: str,
        result: str,
        detail: str = "",
        *,
        t0: float | None = None,
        problem: bool | None = None,
    ) -> Row:
        """Record a step; ``t0`` is ``time.monotonic()`` when it began."""
        seconds = time.monotonic() - t0 if t0 is not None else 0.0
        row = Row(
            report=report,
            route=route,
            step=step,
            locator=locator,
            result=result,
            detail=detail,
            seconds=round(seconds, 2),
            problem=result in (NOT_FOUND, AMBIGUOUS, FAILED) if problem is None else problem,
        )
        self.result.rows.append(row)
        return row

    async def _shot(self, page: Page | None, row: Row) -> None:
        """A screenshot of the page as it was when a step failed."""
        if page is None or page.is_closed():
            return
        self.shots.mkdir(parents=True, exist_ok=True)
        slug = re.sub(r"[^a-z0-9]+", "-", f"{row.report}-{row.route}-{row.step}".lower()).strip("-")
        path = self.shots / f"{len(self.result.rows):02d}-{slug}.png"
        try:
            await page.screenshot(path=path, full_page=True, timeout=10_000)
        except PlaywrightError:
            return
        row.screenshot = str(path)

    async def _probe(
        self,
        page: Page,
        where: wait.Where,
        report: str,
        route: str,
        step: str,
        locator: Locator,
        *,
        problem_if_missing: bool = True,
    ) -> PwLocator | None:
        """Look a control up (the harvest's own wait); one row saying what became of it."""
        found = where.find(locator)
        t0 = time.monotonic()
        what = where.of(locator.describe())
        try:
            await wait.control(where, found, locator.describe(), self.control_ms)
        except wait.TimedOut as e:  # there, but never shown
            row = self._add(report, route, step, what, FAILED, str(e), t0=t0)
            await self._shot(page, row)
            return None
        except wait.Missing:
            seen = pagetext.nearest(locator, await pagetext.controls(where.root))
            note = f"saw: {', '.join(seen)}" if seen else "saw nothing like it"
            if where.frame is None:
                note += await _frames_hint(page)
            row = self._add(
                report, route, step, what, NOT_FOUND, note, t0=t0, problem=problem_if_missing
            )
            if problem_if_missing:
                await self._shot(page, row)
            return None
        count = await found.count()
        if count > 1:
            names = await _names(found, count)
            row = self._add(
                report,
                route,
                step,
                what,
                AMBIGUOUS,
                f"{count} matches, the first is used: {', '.join(names)}",
                t0=t0,
            )
            await self._shot(page, row)
        else:
            self._add(report, route, step, what, FOUND, t0=t0)
        return found.first

    # -- sign-in ----------------------------------------------------------------------------------

    async def _sign_in(self, browser: Browser) -> SignedIn | None:
        form = self.profile.sign_in
        context = await browser.new_context()  # never traced: the sign-in page
        try:
            page = await context.new_page()
            t0 = time.monotonic()
            url = self.profile.url(self.target.base_url, form.path)
            try:
                await page.goto(url, timeout=self.timeout_ms)
            except PlaywrightError as e:
                self._add(SIGN_IN, "-", "open the sign-in page", form.path, FAILED, _line(e), t0=t0)
                return None
            if self.profile.signed_in(page.url):
                self._add(
                    SIGN_IN,
                    "-",
                    "open the sign-in page",
                    form.path,
                    OK,
                    "signed in without it (single sign-on)",
                    t0=t0,
                )
            else:
                self._add(SIGN_IN, "-", "open the sign-in page", form.path, OK, t0=t0)
                where = wait.Where(page, page)
                for step, locator in (
                    ("username field", form.username),
                    ("password field", form.password),
                    ("sign-in button", form.submit),
                ):
                    await self._probe(page, where, SIGN_IN, "-", step, locator)
        finally:
            await context.close()
        session = SignedIn(browser, self.target, self.secrets, self.timeout_ms)
        t0 = time.monotonic()
        try:
            await session.start()
        except (HcportalError, PlaywrightError) as e:
            self._add(SIGN_IN, "-", "sign in", "(the whole sign-in)", FAILED, _line(e), t0=t0)
            return None
        how = "with the saved session" if session.reused else "with the credentials"
        user = f" as {self.target.credentials.username}" if self.target.credentials else ""
        self._add(
            SIGN_IN, "-", "sign in", "(the whole sign-in)", OK, f"signed in{user} {how}", t0=t0
        )
        return session

    # -- the ui route -----------------------------------------------------------------------------

    async def _ui(self, session: SignedIn, name: str, spec: ReportSpec) -> None:
        context = await session.new_context()
        context.set_default_timeout(self.timeout_ms)
        try:
            page = await context.new_page()
            if await self._open_report(page, name, spec):
                where = await self._frame(page, name)
                if where is not None and await self._ready(page, where, name):
                    dialog = await self._export_dialog(page, where, name)
                    if dialog is not None:
                        await self._dialog_controls(page, dialog, name)
        finally:
            await context.close()

    async def _open_report(self, page: Page, name: str, spec: ReportSpec) -> bool:
        ui = self.profile.report
        path = ui.path.format(report_id=spec.report_id)
        t0 = time.monotonic()
        try:
            response = await page.goto(self.profile.url(self.target.base_url, path))
        except PlaywrightError as e:
            self._add(name, "ui", "open the report page", path, FAILED, _line(e), t0=t0)
            return False
        if self.profile.on_sign_in(page.url):
            row = self._add(
                name, "ui", "open the report page", path, FAILED, "sent to the sign-in page", t0=t0
            )
        elif response is not None and response.status >= 400:
            row = self._add(
                name,
                "ui",
                "open the report page",
                path,
                FAILED,
                f"HTTP {response.status} (is report_id {spec.report_id!r} right?)",
                t0=t0,
            )
        else:
            status = f"HTTP {response.status}" if response is not None else ""
            self._add(name, "ui", "open the report page", path, OK, status, t0=t0)
            return True
        await self._shot(page, row)
        return False

    async def _frame(self, page: Page, name: str) -> wait.Where | None:
        frame = self.profile.report.frame
        if not frame:
            return wait.Where(page, page)
        t0 = time.monotonic()
        try:
            await self.routes.report_frame(page, Steps(LogProgress(), name, "check"))
        except wait.TimedOut as e:
            row = self._add(name, "ui", "report frame", f"iframe titled {frame!r}", FAILED, str(e))
            await self._shot(page, row)
            return None
        except wait.Missing:
            titles = await page.locator("iframe").evaluate_all("els => els.map(e => e.title)")
            seen = ", ".join(repr(pagetext.clean(t, 60)) for t in titles if t) or "no titled iframe"
            row = self._add(
                name,
                "ui",
                "report frame",
                f"iframe titled {frame!r}",
                NOT_FOUND,
                f"saw: {seen}",
                t0=t0,
            )
            await self._shot(page, row)
            return None
        self._add(name, "ui", "report frame", f"iframe titled {frame!r}", FOUND, t0=t0)
        return wait.Where.on(page, frame)

    async def _ready(self, page: Page, where: wait.Where, name: str) -> bool:
        signals = self.profile.report.ready
        wanted = "any of: " + ", ".join(describe_signal(s) for s in signals)
        t0 = time.monotonic()
        try:
            by = await self.routes.ready(where)
        except (wait.Missing, wait.TimedOut) as e:
            row = self._add(name, "ui", "report ready", wanted, FAILED, str(e), t0=t0)
            await self._shot(page, row)
            by = ""
        else:
            self._add(name, "ui", "report ready", wanted, OK, f"ready by {by}", t0=t0)
        for signal in signals:  # each signal, so a profile can drop the ones this CRM never shows
            label = describe_signal(signal)
            if signal == NETWORK_IDLE:
                shown = await wait.idle(page, 1000)
            elif signal == EXPORT_ENABLED:
                control = self.routes.export_control(where).first
                shown = await control.is_visible() and await control.is_enabled()
            else:
                assert isinstance(signal, Locator)
                shown = await where.find(signal).first.is_visible()
            what = label if isinstance(signal, str) else where.of(label)
            if shown:
                self._add(name, "ui", "readiness signal", what, FOUND, problem=False)
                continue
            seen: list[str] = []
            if isinstance(signal, Locator):
                seen = pagetext.nearest(signal, await pagetext.controls(where.root))
            note = f"not needed (ready by {by})" if by else "not shown"
            if seen:
                note += f"; saw: {', '.join(seen)}"
            self._add(name, "ui", "readiness signal", what, NOT_FOUND, note, problem=False)
        return bool(by)

    async def _export_dialog(self, page: Page, where: wait.Where, name: str) -> wait.Where | None:
        ui = self.profile.report
        button = await self._probe(
            page,
            where,
            name,
            "ui",
            "Export button",
            ui.export_button,
            problem_if_missing=ui.more_actions is None,
        )
        button_row = self.result.rows[-1]
        if button is not None:
            await button.click()
        elif ui.more_actions is not None and ui.export_menu_item is not None:
            menu = await self._probe(page, where, name, "ui", "More Actions menu", ui.more_actions)
            if menu is None:
                button_row.problem = True  # neither the button nor the menu: no way to Export
                return None
            await menu.click()
            item = await self._probe(
                page, where, name, "ui", "Export menu item", ui.export_menu_item
            )
            if item is None:
                return None
            await item.click()
        else:
            return None
        dialog = await self._probe(page, where, name, "ui", "export dialog", ui.dialog)
        return dialog_where(where, dialog) if dialog is not None else None

    async def _dialog_controls(self, page: Page, dialog: wait.Where, name: str) -> None:
        ui = self.profile.report
        await self._probe(page, dialog, name, "ui", "Details Only", ui.details_only)
        fmt = await self._probe(page, dialog, name, "ui", "format", ui.format)
        if fmt is not None:
            options = await fmt.locator("option").all_inner_texts()
            what = dialog.of(f"option {ui.format_option!r}")
            if ui.format_option in [o.strip() for o in options]:
                self._add(name, "ui", "format option", what, FOUND)
            else:
                seen = ", ".join(repr(pagetext.clean(o, 40)) for o in options[:8])
                row = self._add(
                    name, "ui", "format option", what, NOT_FOUND, f"saw: {seen or 'no options'}"
                )
                await self._shot(page, row)
        await self._probe(page, dialog, name, "ui", "dialog's Export button", ui.dialog_export)

    # -- the url and api routes: headers only -----------------------------------------------------

    async def _url(self, session: SignedIn, name: str, spec: ReportSpec) -> None:
        path = self.profile.report.export_url.format(report_id=spec.report_id)
        url = self.profile.url(self.target.base_url, path)
        context: BrowserContext = await session.new_context()
        t0 = time.monotonic()
        try:
            response = await context.request.fetch(url, method="HEAD", timeout=self.timeout_ms)
            kind = response.headers.get("content-type", "")
            said = f"HTTP {response.status} {kind}".strip()
            if self.profile.on_sign_in(response.url):
                self._add(
                    name,
                    "url",
                    "export URL (HEAD)",
                    path,
                    FAILED,
                    "sent to the sign-in page",
                    t0=t0,
                )
            elif response.status in (405, 501):
                self._add(
                    name,
                    "url",
                    "export URL (HEAD)",
                    path,
                    SKIPPED,
                    f"{said}: the CRM does not answer HEAD; not checked",
                    t0=t0,
                    problem=False,
                )
            elif response.status >= 400 or "html" in kind:
                self._add(
                    name,
                    "url",
                    "export URL (HEAD)",
                    path,
                    FAILED,
                    f"{said} (not a CSV export)",
                    t0=t0,
                )
            else:
                self._add(name, "url", "export URL (HEAD)", path, OK, said, t0=t0)
            await response.dispose()
        except PlaywrightError as e:
            self._add(name, "url", "export URL (HEAD)", path, FAILED, _line(e), t0=t0)
        finally:
            await context.close()

    async def _api_token(self, api: ApiSession) -> None:
        t0 = time.monotonic()
        await api.start()
        where = self.profile.api.token_url if self.profile.api else "-"
        if api.refused:
            self._add(SIGN_IN, "api", "API token", where, FAILED, api.refused, t0=t0)
        else:
            source = self.target.api.token_source if self.target.api.token else "the token endpoint"
            self._add(SIGN_IN, "api", "API token", where, OK, f"from {source}", t0=t0)

    async def _api_export(self, api: ApiSession, name: str, spec: ReportSpec) -> None:
        path = (
            self.profile.api.export_url.format(report_id=spec.report_id) if self.profile.api else ""
        )
        if api.refused:
            self._add(name, "api", "API export (HEAD)", path, SKIPPED, "no API token", problem=True)
            return
        t0 = time.monotonic()
        try:
            _, status, said = await api.head(spec)
        except PlaywrightError as e:
            status, said = 0, _line(e)
        result = OK if 200 <= status < 400 else FAILED
        self._add(name, "api", "API export (HEAD)", path, result, said, t0=t0)


async def _frames_hint(page: Page) -> str:
    """A control looked for on the page may be inside an iframe (a Lightning report viewer)."""
    try:
        titles = await page.locator("iframe").evaluate_all("els => els.map(e => e.title)")
    except PlaywrightError:
        return ""
    if not titles:
        return ""
    named = ", ".join(repr(pagetext.clean(t, 60)) for t in titles if t) or "untitled"
    return f"; the page has {len(titles)} iframe(s) ({named}): set report.frame to its title?"


async def _names(found: PwLocator, count: int) -> list[str]:
    """How a person would tell the matches of an ambiguous locator apart: their accessible
    names (a radio button's is its label), else their text."""
    names = []
    for i in range(min(count, 5)):
        named = [n for _, n in await pagetext.controls(found.nth(i)) if n]
        text = named[0] if named else ""
        if not text:
            try:
                text = await found.nth(i).inner_text(timeout=2000)
            except PlaywrightError:
                text = ""
        names.append(repr(pagetext.clean(text, 40)) if text.strip() else f"match {i + 1}")
    return names


def _line(e: Exception) -> str:
    text = str(e).strip()
    return pagetext.clean(text.splitlines()[0] if text else type(e).__name__)
