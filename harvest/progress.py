"""How a harvest reports its progress: a live display on a terminal, plain log lines otherwise.

A nightly job's log must stay readable (one line per event, no control characters); a person
watching a terminal wants to see every report at once. The harvester only calls the three methods
of :class:`Progress`; the command line picks the implementation with :func:`for_stream`.
"""

from __future__ import annotations

import logging
import sys
from typing import IO, Protocol

log = logging.getLogger("hcportal.harvest")


class Progress(Protocol):
    def update(self, report: str, status: str) -> None: ...

    def done(self, report: str, ok: bool, status: str) -> None: ...

    def close(self) -> None: ...


class LogProgress:
    """One log line per event: what cron mails and CI logs should hold."""

    def update(self, report: str, status: str) -> None:
        log.debug("report %s: %s", report, status)  # every step: -v shows them

    def done(self, report: str, ok: bool, status: str) -> None:
        (log.info if ok else log.error)("report %s: %s", report, status)

    def close(self) -> None:
        pass


def escape(text: str) -> str:
    from rich.markup import escape as rich_escape

    return rich_escape(text)


class RichProgress:
    """A line per report, each with a spinner, its current step and its elapsed time."""

    def __init__(self, stream: IO[str]) -> None:
        from rich.console import Console
        from rich.progress import Progress as Bar
        from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn

        self._bar = Bar(
            SpinnerColumn(finished_text=" "),
            TextColumn("[bold]{task.fields[report]:<12}"),
            TextColumn("{task.fields[status]}"),
            TimeElapsedColumn(),
            console=Console(file=stream),
            transient=False,
        )
        self._tasks: dict[str, int] = {}
        self._bar.start()
        # Log lines must print above the live display, not through it: point the handlers that
        # write to the terminal at rich's stand-in for stderr while the display is up.
        # The display says what INFO lines would; warnings still show (everything with -v).
        verbose = logging.getLogger().level <= logging.DEBUG
        self._handlers = [
            (h, h.stream, h.level)
            for h in logging.getLogger().handlers
            if isinstance(h, logging.StreamHandler) and h.stream in (sys.stderr, stream)
        ]
        for handler, _, level in self._handlers:
            handler.setStream(sys.stderr)
            handler.setLevel(level if verbose else max(level, logging.WARNING))

    def _task(self, report: str) -> int:
        if report not in self._tasks:
            self._tasks[report] = self._bar.add_task("", total=1, report=report, status="")
        return self._tasks[report]

    def update(self, report: str, status: str) -> None:
        self._bar.update(self._task(report), status=escape(status))

    def done(self, report: str, ok: bool, status: str) -> None:
        mark = f"[green]✓ {escape(status)}" if ok else f"[red]✗ {escape(status)}"
        self._bar.update(self._task(report), status=mark, completed=1)

    def close(self) -> None:
        self._bar.stop()
        for handler, original, level in self._handlers:
            handler.setStream(original)
            handler.setLevel(level)


def for_stream(stream: IO[str]) -> Progress:
    """A live display when ``stream`` is a terminal, log lines otherwise."""
    return RichProgress(stream) if stream.isatty() else LogProgress()
