"""Waiting on a CRM page the way a person would: until it shows what we want, or until it is plain
that it never will.

A person does not stare at a finished page for a minute looking for a button that is not there.
Once the page is **idle** (no network traffic for half a second: Playwright's "networkidle") and
nothing on it matches a control, a short grace later the wait is over: :class:`Missing`, and the
route cannot work (the next one is tried at once, not retried like a passing fault).

**Readiness** is any one of the profile's signals (a text or a control by role or label, the
Export control becoming enabled, the network going idle): CRMs differ in what their report viewer
shows, and waiting for the one signal a viewer never shows used to cost minutes.

Every failure names the locator it waited for and the frame it looked in.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeout
from playwright.async_api import expect

from hcportal.harvest.profile import EXPORT_ENABLED, NETWORK_IDLE, Locator, Signal, describe_signal

if TYPE_CHECKING:
    from playwright.async_api import FrameLocator, Page
    from playwright.async_api import Locator as PwLocator

T = TypeVar("T")
GRACE_MS = 1000  # after the page is idle, how long a control may still take to appear


class Missing(Exception):
    """What was waited for is not on the page, and the page is done: this route cannot work."""


class TimedOut(Exception):
    """What was waited for did not come in time: perhaps a slow CRM, perhaps not."""


class _Present(Exception):
    """Not absent: the wait for the control itself decides."""


@dataclass(frozen=True)
class Where:
    """Where controls are looked up: the page, or the frame (by title) holding the report."""

    page: Page
    root: Page | FrameLocator
    frame: str | None = None

    @classmethod
    def on(cls, page: Page, frame: str | None) -> Where:
        if not frame:
            return cls(page, page)
        return cls(page, page.frame_locator(f"iframe[title={_css_string(frame)}]"), frame)

    def find(self, locator: Locator) -> PwLocator:
        return locator.find(self.root)

    def of(self, what: str) -> str:
        """``what``, and the frame it is in: every message says where it looked."""
        return f"{what} in frame {self.frame!r}" if self.frame else what


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


async def idle(page: Page, timeout_ms: float) -> bool:
    """Whether the page (its frames included) reaches network idle within ``timeout_ms``."""
    try:
        await page.wait_for_load_state("networkidle", timeout=timeout_ms)
        return True
    except PlaywrightTimeout:
        return False


async def control(
    where: Where, locator: PwLocator, what: str, timeout_ms: float, grace_ms: float = GRACE_MS
) -> PwLocator:
    """Wait until ``locator`` is visible and return its first match.

    Raises :class:`Missing` as soon as the page is idle and nothing has matched for ``grace_ms``
    (renamed or moved); :class:`TimedOut` when it is there but still hidden after ``timeout_ms``.
    """
    seconds = timeout_ms / 1000
    outcome = await _first(
        {
            "visible": locator.first.wait_for(state="visible", timeout=timeout_ms),
            "absent": _absent_once_idle(where.page, [locator], timeout_ms, grace_ms),
        }
    )
    if outcome == "visible":
        return locator.first
    if outcome == "absent":
        raise Missing(f"no {where.of(what)}: nothing matches it once the page is idle")
    if await _matches(locator):  # there, still hidden: a slow page, perhaps, not a moved control
        raise TimedOut(f"{where.of(what)} is on the page but not visible after {seconds:g} s")
    raise Missing(f"no {where.of(what)} after {seconds:g} s")


async def ready(
    where: Where,
    signals: list[Signal],
    export_control: PwLocator,
    timeout_ms: float,
    grace_ms: float,
    busy: Iterable[Locator] = (),
) -> str:
    """Wait until any of ``signals`` says the report has generated, and none of the ``busy``
    indicators (a spinner) shows; return the signal that did.

    Raises :class:`Missing` when the page goes idle and none of the signals' controls matches
    anything for ``grace_ms``, :class:`TimedOut` when none fires within ``timeout_ms``.
    """
    t0 = time.monotonic()
    by = await _signal(where, signals, export_control, timeout_ms, grace_ms)
    # The network may go quiet before a page's script starts the report (a premature "idle"):
    # while a busy indicator shows, the report is not ready, whatever said so.
    for indicator in busy:
        left = max(timeout_ms - (time.monotonic() - t0) * 1000, 1)
        what = where.of(f"{indicator.describe()} (busy) to go away")
        await step(what, where.find(indicator).first.wait_for(state="hidden", timeout=left), left)
    return by


async def _signal(
    where: Where,
    signals: list[Signal],
    export_control: PwLocator,
    timeout_ms: float,
    grace_ms: float,
) -> str:
    if not signals:
        return "no readiness signal (the profile lists none)"
    waits: dict[str, Awaitable[object]] = {}
    probes: list[PwLocator] = [export_control] if EXPORT_ENABLED in signals else []
    for signal in signals:
        label = describe_signal(signal)
        if signal == NETWORK_IDLE:
            waits[label] = where.page.wait_for_load_state("networkidle", timeout=timeout_ms)
        elif signal == EXPORT_ENABLED:
            waits[label] = _enabled(export_control, timeout_ms)
        else:
            assert isinstance(signal, Locator)
            found = where.find(signal)
            probes.append(found)
            waits[label] = found.first.wait_for(state="visible", timeout=timeout_ms)
    if NETWORK_IDLE not in signals and probes:
        waits["absent"] = _absent_once_idle(where.page, probes, timeout_ms, grace_ms)
    outcome = await _first(waits)
    wanted = " or ".join(describe_signal(s) for s in signals)
    if outcome == "absent":
        raise Missing(
            f"the report never showed it was ready: nothing matches {where.of(wanted)} once "
            "the page is idle"
        )
    if outcome is None:
        raise TimedOut(
            f"timed out after {timeout_ms / 1000:g} s waiting for the report to be ready "
            f"({where.of(wanted)})"
        )
    return outcome


async def step(what: str, action: Awaitable[T], timeout_ms: float) -> T:
    """Run one Playwright action; a time-out says what it was waiting for (and where)."""
    try:
        return await action
    except PlaywrightTimeout:
        raise TimedOut(f"timed out after {timeout_ms / 1000:g} s waiting for {what}") from None


async def _matches(locator: PwLocator) -> bool:
    try:
        return await locator.count() > 0
    except PlaywrightError:
        return False


async def _enabled(locator: PwLocator, timeout_ms: float) -> None:
    """Visible and enabled (a hidden control is "enabled" too, so visibility comes first)."""
    t0 = time.monotonic()
    await locator.first.wait_for(state="visible", timeout=timeout_ms)
    left = max(timeout_ms - (time.monotonic() - t0) * 1000, 1)
    await expect(locator.first).to_be_enabled(timeout=left)


async def _absent_once_idle(
    page: Page, locators: Iterable[PwLocator], timeout_ms: float, grace_ms: float
) -> None:
    """Return once the page is idle and none of ``locators`` has matched for ``grace_ms``; raise
    :class:`_Present` if one matches (its own wait decides then) or the page never goes idle."""
    if not await idle(page, timeout_ms):
        raise _Present("the page never went idle")
    deadline = time.monotonic() + grace_ms / 1000
    while True:
        for locator in locators:
            try:
                if await locator.count():
                    raise _Present("something matches")
            except PlaywrightError:  # a frame navigating away: not an answer yet
                pass
        if time.monotonic() >= deadline:
            return
        await asyncio.sleep(0.1)


async def _first(waits: dict[str, Awaitable[object]]) -> str | None:
    """The label of the first wait to succeed (failures are ignored); None if every one failed.
    The others are cancelled."""
    tasks = {asyncio.ensure_future(w): label for label, w in waits.items()}
    pending = set(tasks)
    try:
        while pending:
            done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                if not task.cancelled() and task.exception() is None:
                    return tasks[task]
        return None
    finally:
        for task in pending:
            task.cancel()
        for task in tasks:
            task.add_done_callback(_quiet)


def _quiet(future: asyncio.Future) -> None:
    if not future.cancelled():
        future.exception()  # retrieved: no "exception was never retrieved" warning
