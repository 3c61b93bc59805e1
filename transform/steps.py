"""The transform as steps: each declares the tables it needs and makes; the runner orders them.

A :class:`Step` names the tables it needs (``needs``: it cannot run without them), those it reads
when they exist (``uses``), the input reports it reads from the raw folder (``reports``) and the
tables it makes (``makes``). :func:`plan` checks the declarations against the catalogue (each
table made by exactly the step the catalogue names, every table needed made by some step, no
cycle) and orders the steps from them, so nobody keeps an order by hand. :meth:`Plan.run` runs
them, times each, and checks each output against its declaration: a wrong column or dtype is one
clear error naming the step and the table.

A step whose optional input report is absent, or that needs a table such a step did not make, is
skipped: its tables are absent (they are declared optional) and ``meta.json`` says why.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from hcportal.core.errors import TableError
from hcportal.core.tables import Catalogue, check
from hcportal.transform.load import Quality

if TYPE_CHECKING:
    from hcportal.transform.settings import TransformSettings

log = logging.getLogger(__name__)
Frames = dict[str, pd.DataFrame]


@dataclass(frozen=True)
class PreviousRun:
    """The last run kept in the history (its tables and its as-of date), for the steps that explain
    a change since then (the health score). Read by the pipeline, never by a step."""

    frames: Frames
    as_of: date
    run_id: str = ""


@dataclass
class Context:
    """What every step may read besides the tables: the raw folder, settings and the as-of date;
    and what every step may add to: the data-quality findings and the timings."""

    raw_dir: Path
    settings: TransformSettings
    as_of: date
    quality: Quality = field(default_factory=Quality)
    seconds: dict[str, float] = field(default_factory=dict)
    cpu_seconds: dict[str, float] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    previous: PreviousRun | None = None
    # Per input report, what its load step found (meta.json's "reports"): used or not, why not,
    # rows read and accepted, the fields its export lacks.
    reports: dict[str, dict] = field(default_factory=dict)

    def timed(self, what: str) -> contextlib.AbstractContextManager[None]:
        """Record how long ``what`` took (:func:`stopwatch`)."""
        return stopwatch(self.seconds, self.cpu_seconds, what)


@contextlib.contextmanager
def stopwatch(
    seconds: dict[str, float], cpu_seconds: dict[str, float], what: str
) -> Iterator[None]:
    """Record in ``seconds`` and ``cpu_seconds`` how long ``what`` took, on the clock and in CPU
    time of all threads (``timings.json``: where the time goes; CPU time is the steadier measure
    on a shared machine)."""
    started, cpu = time.perf_counter(), _cpu()
    yield
    seconds[what] = round(time.perf_counter() - started, 3)
    cpu_seconds[what] = round(_cpu() - cpu, 3)


def _cpu() -> float:
    t = os.times()
    return t.user + t.system


@dataclass(frozen=True)
class Step:
    name: str
    run: Callable[[Frames, Context], Frames]
    makes: tuple[str, ...]
    needs: tuple[str, ...] = ()
    uses: tuple[str, ...] = ()
    reports: tuple[str, ...] = ()


class Skipped(Exception):
    """Raised by a step that finds it cannot run (an optional report that cannot be used): the
    step is skipped like one whose input is absent, and its message says why (meta.json)."""


class PlanError(TableError):
    """The steps' declarations do not fit together or do not fit the catalogue."""


@dataclass(frozen=True)
class Plan:
    """Steps in an order where each runs after every step that makes a table it reads."""

    steps: tuple[Step, ...]
    catalogue: Catalogue
    optional_reports: frozenset[str] = frozenset()

    def run(self, ctx: Context) -> Frames:
        frames: Frames = {}
        for step in self.steps:
            why = self._cannot_run(step, ctx.raw_dir, frames)
            if why:
                ctx.skipped[step.name] = why
                log.info("transform: step %s skipped: %s", step.name, why)
                continue
            try:
                with ctx.timed(step.name):
                    made = step.run(frames, ctx)
            except Skipped as e:
                required = [t for t in step.makes if not self.catalogue[t].optional]
                if required:
                    raise TableError(
                        f"step {step.name} cannot run ({e}), and its table(s) "
                        f"{', '.join(required)} are required"
                    ) from None
                ctx.skipped[step.name] = str(e)
                log.warning("transform: step %s skipped: %s", step.name, e)
                continue
            if sorted(made) != sorted(step.makes):
                raise TableError(
                    f"step {step.name} returned table(s) {', '.join(sorted(made)) or 'none'}; "
                    f"it declares {', '.join(sorted(step.makes))}"
                )
            for name, df in made.items():
                check(self.catalogue[name], df, step.name)
            frames.update(made)
        return frames

    def _cannot_run(self, step: Step, raw_dir: Path, frames: Frames) -> str:
        absent = [
            f"{r}.csv" for r in step.reports
            if r in self.optional_reports and not (raw_dir / f"{r}.csv").is_file()
        ]  # fmt: skip
        if absent:
            return f"the optional report {', '.join(absent)} is not in the raw folder"
        lacking = [t for t in step.needs if t not in frames]
        if lacking:
            return f"it needs {', '.join(lacking)}, which a skipped step makes"
        return ""


def plan(
    steps: Iterable[Step],
    catalogue: Catalogue,
    *,
    optional_reports: Collection[str] = (),
    made_elsewhere: Collection[str] = (),
) -> Plan:
    """Check the steps against each other and the catalogue, and order them.

    ``made_elsewhere``: tables the caller makes itself (the data-quality findings of every step).
    Ties keep the order the steps are given in, so the order is the same on every run.
    """
    steps = list(steps)
    maker: dict[str, Step] = {}
    for s in steps:
        for t in s.makes:
            if t not in catalogue:
                raise PlanError(
                    f"step {s.name} makes table {t}, which the catalogue does not declare"
                )
            if t in maker:
                raise PlanError(f"table {t} is made by two steps: {maker[t].name} and {s.name}")
            if catalogue[t].made_by != s.name:
                raise PlanError(
                    f"step {s.name} makes table {t}, which the catalogue says "
                    f"{catalogue[t].made_by} makes"
                )
            maker[t] = s
    for t in catalogue.values():
        if t.name not in maker and t.name not in made_elsewhere:
            raise PlanError(
                f"table {t.name} is declared as made by {t.made_by}, but no step makes it"
            )
    for s in steps:
        for t in (*s.needs, *s.uses):
            if t not in maker:
                raise PlanError(f"step {s.name} needs table {t}, which no step makes")
    _check_optional(steps, catalogue, maker, set(optional_reports))
    return Plan(tuple(_ordered(steps, maker)), catalogue, frozenset(optional_reports))


def _check_optional(
    steps: list[Step], catalogue: Catalogue, maker: dict[str, Step], optional_reports: set[str]
) -> None:
    """A step that may be skipped may only make optional tables (absent when it is skipped)."""
    skippable: set[str] = set()
    changed = True
    while changed:  # a step needing a table of a skippable step is skippable too
        changed = False
        for s in steps:
            if s.name in skippable:
                continue
            if set(s.reports) & optional_reports or any(
                maker[t].name in skippable for t in s.needs
            ):
                skippable.add(s.name)
                changed = True
    for s in steps:
        required = [t for t in s.makes if s.name in skippable and not catalogue[t].optional]
        if required:
            raise PlanError(
                f"step {s.name} may be skipped (it reads an optional report, or needs what such a "
                f"step makes), so its table(s) {', '.join(required)} must be declared optional"
            )


def _ordered(steps: list[Step], maker: dict[str, Step]) -> list[Step]:
    after = {s.name: {maker[t].name for t in (*s.needs, *s.uses)} - {s.name} for s in steps}
    for s in steps:
        if any(maker[t] is s for t in (*s.needs, *s.uses)):
            raise PlanError(f"step {s.name} needs a table it makes itself")
    done: list[Step] = []
    placed: set[str] = set()
    while len(done) < len(steps):
        ready = [s for s in steps if s.name not in placed and after[s.name] <= placed]
        if not ready:
            stuck = sorted(s.name for s in steps if s.name not in placed)
            raise PlanError(f"steps {', '.join(stuck)} need each other's tables (a cycle)")
        done.append(ready[0])
        placed.add(ready[0].name)
    return done
