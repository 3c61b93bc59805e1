"""The nightly pipeline: harvest, transform, build, publish, each stage a library call.

The clock is passed in (``now``; ``as_of`` defaults to its date) so that a run, and a test, can be
made for any day.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import harvest
import publish
import render
import transform
from hcportal.config import Config

log = logging.getLogger(__name__)


@dataclass
class RunResult:
    raw_dir: Path | None = None
    data_dir: Path | None = None
    site_index: Path | None = None
    published_index: Path | None = None
    seconds: dict[str, float] = field(default_factory=dict)


def run(
    config: Config,
    *,
    now: datetime,
    as_of: date | None = None,
    headless: bool | None = None,
) -> RunResult:
    """Run every stage in order; the first failing stage raises and nothing later runs."""
    result = RunResult()
    as_of = as_of or now.date()
    with _stage("harvest", result):
        result.raw_dir, _ = harvest.run(
            config.harvest,
            config.raw_dir,
            now,
            headless=headless,
            session_dir=config.resolve(config.harvest.session_dir),
        )
    with _stage("transform", result):
        tables = transform.run(result.raw_dir, config.transform, as_of)
        result.data_dir = transform.write(tables, config.data_dir)
    with _stage("build", result):
        result.site_index = render.build(config.data_dir, config.site_dir, config.site)
    with _stage("publish", result):
        result.published_index = publish.publish(
            config.site_dir, config.publish, config.publish_dir, now
        )
    return result


@contextlib.contextmanager
def _stage(name: str, result: RunResult) -> Iterator[None]:
    log.info("stage %s: starting", name)
    started = time.perf_counter()
    yield
    result.seconds[name] = round(time.perf_counter() - started, 3)
    log.info("stage %s: done in %.1f s", name, result.seconds[name])
