"""Run the harvester's asyncio code in a worker thread, and stop it cleanly on Ctrl-C.

Playwright refuses to start in a thread that already runs an event loop (pytest-playwright,
Jupyter, schedulers), so the browser work gets a thread and a loop of its own. Ctrl-C arrives in
the main thread: it cancels the work in the worker, waits for the browser to close and the staged
run folder to be cleaned up, then goes on as the interrupt it is.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
log = logging.getLogger(__name__)


def run_in_worker(coro: Coroutine[Any, Any, T], name: str = "harvest") -> T:
    loop = asyncio.new_event_loop()
    # Leftovers of a loop being torn down (a Playwright future failing once Ctrl-C has killed its
    # driver) are not news: the real outcome travels through the task. Keep them for -v.
    loop.set_exception_handler(lambda _loop, ctx: log.debug("asyncio: %s", ctx.get("message")))
    task: asyncio.Task[T] | None = None

    def runner() -> T:
        nonlocal task
        asyncio.set_event_loop(loop)
        try:
            task = loop.create_task(coro)
            return loop.run_until_complete(task)
        finally:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix=name) as pool:
        future = pool.submit(runner)
        try:
            return future.result()
        except KeyboardInterrupt:
            if task is not None and not loop.is_closed():
                loop.call_soon_threadsafe(task.cancel)
            future.exception()  # wait until the browser is closed
            raise
