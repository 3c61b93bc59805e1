"""The run report: what a run did, stage by stage, as JSON for machines and one line for people.

Written after every run, success or failure, to ``<build>/run-report.json`` and into the run's
history folder. A scheduler alerts on the exit status and shows :meth:`RunReport.summary`; a
dashboard reads the JSON (stages, durations, counts, warnings, the gate's checks, what moved).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from hcportal import __version__
from hcportal.core.logs import redact
from hcportal.core.text import shown

SCHEMA = 1


@dataclass
class Stage:
    name: str
    status: str = "running"  # ok | failed | skipped
    seconds: float = 0.0
    counts: dict[str, Any] = field(default_factory=dict)
    error: str | None = None


@dataclass
class RunReport:
    kind: str  # "run" (hcportal run), "publish" (hcportal publish), "rollback"
    run_id: str
    started: datetime
    config: str | None = None  # the config file, if any
    outcome: str = "running"  # published | unchanged | refused | failed | interrupted
    exit_code: int = 0
    failed_stage: str | None = None
    error: str | None = None
    stages: list[Stage] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    gate: dict | None = None
    published: dict | None = None
    history: str | None = None
    # A publish by hand: the data its site was built from (harvest run, where the data was found,
    # the digest of its meta.json), or "unknown".
    built_from: dict | str | None = None
    _clock: float = field(default_factory=time.perf_counter, repr=False)

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[Stage]:
        """Time a stage; an exception marks it (and the run) failed and goes on up."""
        stage = Stage(name)
        self.stages.append(stage)
        began = time.perf_counter()
        try:
            yield stage
        except BaseException as e:
            stage.status = "failed"
            stage.error = one_line(str(e)) or type(e).__name__
            raise
        else:
            stage.status = "ok"
        finally:
            stage.seconds = round(time.perf_counter() - began, 3)

    def fail(self, error: BaseException, outcome: str = "failed", exit_code: int = 1) -> None:
        failed = next((s for s in self.stages if s.status == "failed"), None)
        self.failed_stage = failed.name if failed else None
        self.error = one_line(str(error)) or type(error).__name__
        self.outcome = outcome
        self.exit_code = exit_code

    @property
    def seconds(self) -> float:
        return round(time.perf_counter() - self._clock, 3)

    def summary(self, where: str = "") -> str:
        """One line, for an alert or a log: what happened, where it stopped and why."""
        what = f"hcportal {self.kind} {self.run_id}"
        report = f" [report: {where}]" if where else ""
        if self.outcome in ("published", "unchanged"):
            p = self.published or {}
            forced = (
                f", FORCED: {self.gate['forced']}" if self.gate and self.gate.get("forced") else ""
            )
            return (
                f"{what} published to {p.get('location', '?')}: {p.get('uploaded', 0)} of "
                f"{p.get('files', 0)} files changed, in {self.seconds:.1f} s{forced}{report}"
            )
        at = f" at {self.failed_stage}" if self.failed_stage else ""
        return f"{what} {self.outcome.upper()}{at}: {self.error}{report}"

    def as_dict(self) -> dict:
        return {
            "schema": SCHEMA,
            "kind": self.kind,
            "run_id": self.run_id,
            "hcportal_version": __version__,
            "started": self.started.isoformat(timespec="seconds"),
            "finished": (self.started + timedelta(seconds=self.seconds)).isoformat(
                timespec="seconds"
            ),
            "seconds": self.seconds,
            "outcome": self.outcome,
            "exit_code": self.exit_code,
            "summary": self.summary(),
            "failed_stage": self.failed_stage,
            "error": self.error,
            "config": self.config,
            "stages": [asdict(s) for s in self.stages],
            "warnings": self.warnings,
            "gate": self.gate,
            "published": self.published,
            "history": self.history,
            "manual": self.kind == "publish",
            "built_from": self.built_from,
        }


def one_line(text: str) -> str:
    """Alerts are one line: collapse whatever a message spread over several, without secrets
    (the run report is kept in the history and read by alerting), printable (a control character
    quoted from an input is shown escaped, never sent to a terminal) and of a sensible length."""
    return shown(" ".join(redact(text).split()), ALERT_LENGTH)


ALERT_LENGTH = 2000
