"""The nightly pipeline: harvest, transform, build, gate, publish, each stage a library call.

Whatever happens, a run ends the same way: the run is kept in the history (manifest, tables,
config, and the site when it was published), and the run report is written to
``<build>/run-report.json``. A failure or a refusal raises :class:`RunFailed`, whose message is the
report's one-line summary and whose exit status is the cause's (4 for a refusal by the gate).

The clock is passed in (``clock``; ``as_of`` defaults to its date) so that a run, and a test, can
be made for any instant, and made again to the byte.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from hcportal import demo, harvest, publish, render, transform
from hcportal.config import Config
from hcportal.core import provenance
from hcportal.core.clock import Clock
from hcportal.core.errors import HcportalError
from hcportal.core.files import atomic_write_text
from hcportal.harvest import Manifest
from hcportal.harvest.progress import Progress
from hcportal.harvest.runs import run_id_for
from hcportal.previous import previous_run
from hcportal.publish import notify
from hcportal.publish.gate import Evidence, GateRefused, enforce, evaluate, read_manifest
from hcportal.publish.history import History
from hcportal.runreport import RunReport, one_line
from hcportal.transform.reports import REPORTS

log = logging.getLogger(__name__)

REPORT_FILE = "run-report.json"
LOCK_FILE = ".hcportal.lock"
F = TypeVar("F", bound=Callable[..., Any])


class RunFailed(HcportalError):
    """A run, publish or rollback that did not publish; the message is the one-line summary."""

    def __init__(self, summary: str, exit_code: int = 1) -> None:
        super().__init__(summary)
        self.exit_code = exit_code


@dataclass
class RunResult:
    report: RunReport
    raw_dir: Path | None = None
    data_dir: Path | None = None
    site_index: Path | None = None
    published: publish.Published | None = None
    report_path: Path | None = None
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def published_index(self) -> str | None:
        """Where readers open the published site (a path for a local folder, else an address)."""
        return self.published.location if self.published else None


def exclusive(fn: F) -> F:
    """One run or publish at a time per build folder: a manual run started while the nightly one
    is still going must not interleave with it."""

    @functools.wraps(fn)
    def wrapper(config: Config, *args: Any, **kwargs: Any) -> Any:
        with locked(config):
            return fn(config, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def locked(config: Config) -> contextlib.AbstractContextManager[None]:
    """The build folder's lock, which every command that writes into it holds (run, harvest,
    transform, build, publish): a second one stops with a message naming the folder."""
    return _lock(config.build_dir)


_held: dict[Path, int] = {}  # locks this process holds, and how deep: `run` calls the steps


@contextlib.contextmanager
def _lock(build_dir: Path) -> Iterator[None]:
    build_dir.mkdir(parents=True, exist_ok=True)
    path = (build_dir / LOCK_FILE).resolve()
    if _held.get(path):  # re-entered by this process (a step inside `run`): already ours
        _held[path] += 1
        try:
            yield
        finally:
            _held[path] -= 1
        return
    with path.open("a+") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise HcportalError(
                f"another hcportal command is writing into {build_dir} (it holds {path}); "
                "try again when it has finished"
            ) from None
        _held[path] = 1
        try:
            yield  # the lock goes with the file's closing, even if the process is killed
        finally:
            del _held[path]


def history_of(config: Config) -> History:
    settings = config.publish.history
    root = config.resolve(settings.dir) if settings.dir else config.build_dir / "history"
    return History(root, settings.keep)


def harvest_reports(
    config: Config,
    clock: Clock,
    *,
    out: Path | None = None,
    headless: bool | None = None,
    from_folder: Path | None = None,
    progress: Progress | None = None,
) -> tuple[Path, Manifest]:
    """The harvest as configured, with the demo CRM started around it when the config asks.

    With no reports named in the config, the demo CRM lists its own; a drop folder is expected to
    hold the reports the transform reads, with the columns the config maps.
    """
    from_folder = from_folder or config.drop_folder
    settings = harvest_settings(config)
    if not settings.reports and (from_folder is not None or settings.source == "folder"):
        settings = settings.model_copy(update={"reports": _expected_reports(config)})
    with demo.serving(settings, clock, needed=from_folder is None) as (settings, served):
        return harvest.run(
            settings,
            out or config.raw_dir,
            clock,
            headless=headless,
            from_folder=from_folder,
            session_dir=config.resolve(config.harvest.session_dir),
            progress=progress,
            served=served,
        )


def harvest_settings(config: Config) -> harvest.HarvestSettings:
    """The harvest settings with a profile given as a path resolved like every path of the
    config: against the config file's folder."""
    settings = config.harvest
    if settings.profile and Path(settings.profile).suffix:
        return settings.model_copy(update={"profile": str(config.resolve(settings.profile))})
    return settings


def check_profile(
    config: Config,
    clock: Clock,
    *,
    headless: bool | None = None,
    progress: Progress | None = None,
) -> harvest.CheckResult:
    """``hcportal harvest --check``: the CRM profile walked against the live CRM (the demo CRM
    started around it when the config asks), downloading nothing; failure screenshots go to
    ``<build>/check/<run-id>/``."""
    shots = config.build_dir / "check" / run_id_for(clock())
    with demo.serving(harvest_settings(config), clock) as (settings, served):
        return harvest.check(
            settings,
            shots,
            headless=headless,
            session_dir=config.resolve(config.harvest.session_dir),
            progress=progress,
            served=served,
        )


def _expected_reports(config: Config) -> dict[str, harvest.ReportSpec]:
    """What the transform reads (its input-report registry): each report, whether a run needs it,
    and the headers of its required fields as the config maps them."""
    return {
        name: harvest.ReportSpec(
            required=report.required,
            required_columns=getattr(config.transform.columns, name).required_headers(),
        )
        for name, report in REPORTS.items()
    }


@exclusive
def run(
    config: Config,
    *,
    clock: Clock,
    as_of: date | None = None,
    headless: bool | None = None,
    force: str | None = None,
) -> RunResult:
    """Run every stage in order; the first failing stage stops the run and nothing is published."""
    now = clock()
    report = RunReport("run", run_id_for(now), now, _source(config))
    result = RunResult(report)
    as_of = as_of or now.date()
    try:
        with _failures_recorded(config, report):
            with report.stage("harvest") as st:
                result.raw_dir, manifest = harvest_reports(config, clock, headless=headless)
                report.run_id = result.raw_dir.name
                st.counts = {r.name: r.rows for r in manifest.reports}
            with report.stage("transform") as st:
                previous = previous_run(history_of(config), exclude=report.run_id)
                tables = transform.run(
                    result.raw_dir, config.transform, as_of, clock=clock, previous=previous
                )
                result.data_dir = transform.write(tables, config.data_dir)
                st.counts = dict(tables.meta.get("counts", {}))
            with report.stage("build") as st:
                result.site_index = _build(config)
                st.counts = _site_counts(config.site_dir)
            evidence = Evidence(
                manifest=read_manifest(result.raw_dir),
                previous=_previous_manifest(config, report.run_id),
                data_dir=result.data_dir,
                site_dir=config.site_dir,
            )
            result.published = _gate_and_publish(config, report, evidence, now, force)
            if result.published:
                _notify(config, report, tables, now)
    finally:
        result.report_path = _finish(
            config, report, raw_dir=result.raw_dir, data_dir=result.data_dir,
            site_dir=config.site_dir if result.published else None,
        )  # fmt: skip
        result.seconds = {s.name: s.seconds for s in report.stages}
    return result


def _notify(config: Config, report: RunReport, tables: transform.Tables, now: datetime) -> None:
    """Send the owners' alert digests, when opted in; a failed send is a warning, never a failed
    run (the site is out), and its alerts are retried on the next run."""
    settings = config.notify
    if not (settings.email or settings.webhook) or "alerts" not in tables.frames:
        return
    with report.stage("notify") as st:
        try:
            sent = notify.send_digests(
                tables["alerts"], settings, history_of(config).root / notify.SENT_LOG, now
            )
            st.counts = {"emailed": sent.email, "posted": sent.webhook}
            report.warnings.extend(sent.skipped)
        except notify.NotifyError as e:
            report.warnings.append(str(e))


@exclusive
def publish_built(
    config: Config, *, clock: Clock, site_dir: Path | None = None, force: str | None = None
) -> RunResult:
    """``hcportal publish``: the gate, then the deploy, of a site built earlier.

    A publish by hand is an entry of its own in the history, marked manual, never the entry of
    the run whose data it shows. The data is found by the stamp the build left in the site: the
    data folder, or a run kept in the history. The gate reads that data and the harvest run it
    came from, exactly as in a full run; a site whose data cannot be found is refused (unknown).
    """
    now = clock()
    site = site_dir or config.site_dir
    found = _data_of_site(config, site)
    report = RunReport("publish", run_id_for(now), now, _source(config))
    report.built_from = found.described if found else "unknown"
    raw_dir = found.raw_dir if found else None
    data_dir = found.data_dir if found else None
    result = RunResult(report, raw_dir=raw_dir, data_dir=data_dir)
    try:
        with _failures_recorded(config, report):
            evidence = Evidence(
                manifest=found.manifest if found else None,
                previous=_previous_manifest(config, report.run_id),
                data_dir=data_dir,
                site_dir=site,
                manual=True,
                built_from=found.summary if found else None,
            )
            result.published = _gate_and_publish(config, report, evidence, now, force)
    finally:
        result.report_path = _finish(
            config, report, raw_dir=raw_dir, data_dir=data_dir,
            site_dir=site if result.published else None,
        )  # fmt: skip
    return result


@dataclass
class _SiteData:
    """Where the data a built site shows was found."""

    data_dir: Path
    raw_dir: Path | None  # the harvest run folder, or the history entry holding its manifest
    where: str  # "the data folder build/data", "history entry 20261123T060000Z"
    stamp: dict

    @property
    def manifest(self) -> dict | None:
        return read_manifest(self.raw_dir)

    @property
    def summary(self) -> str:
        return f"harvest run {self.stamp.get('run_id') or '?'} ({self.where})"

    @property
    def described(self) -> dict:
        return {**self.stamp, "found_in": self.where}


def _data_of_site(config: Config, site: Path) -> _SiteData | None:
    """The data ``site`` was built from, by the digest of its meta.json the build stamped in it:
    the data folder's, else the newest run kept in the history with the same data."""
    stamp = provenance.read_stamp(site)
    if stamp is None:
        return None
    want = stamp["meta_sha256"]
    if provenance.data_digest(config.data_dir) == want:
        return _SiteData(
            config.data_dir, _raw_run_of(config), f"the data folder {config.data_dir}", stamp
        )
    history = history_of(config)
    for run_id in reversed(history.runs()):
        entry = history.root / run_id
        if provenance.data_digest(entry / "data") == want:
            return _SiteData(entry / "data", entry, f"history entry {run_id}", stamp)
    return None


@exclusive
def rollback(config: Config, *, clock: Clock, reason: str = "") -> RunResult:
    """Republish the previous good build kept in the history; the live one is marked rolled back."""
    now = clock()
    history = history_of(config)
    report = RunReport("rollback", "?", now, _source(config))
    result = RunResult(report)
    try:
        with _failures_recorded(config, report):
            with report.stage("publish") as st:
                target = history.rollback_target()
                live = (history.live() or {}).get("run_id")
                report.run_id = target
                result.published = publish.publish(
                    history.root / target / "site", config.publish, config.publish_dir, now,
                    cache_dir=config.build_dir / "cache",
                )  # fmt: skip
                st.counts = _published_counts(result.published)
            report.published = result.published.as_dict()
            report.outcome = "published"
            why = reason or "rollback requested"
            if live:
                history.mark_rolled_back(live, now, why)
            history.set_live(target, _event("rollback", report, now, rolled_back=live, reason=why))
    finally:
        result.report_path = _write_report(config, report)
    return result


# -- the steps every entry point shares ------------------------------------------------------------


@contextlib.contextmanager
def _failures_recorded(config: Config, report: RunReport) -> Iterator[None]:
    """A failure is recorded in the report; a user's error becomes :class:`RunFailed` (the
    one-line summary for alerts), a bug or Ctrl-C is raised as it is."""
    try:
        yield
    except HcportalError as e:
        _failed(report, e)
        raise RunFailed(report.summary(_report_path(config)), report.exit_code) from e
    except BaseException as e:
        _failed(report, e)
        raise


def _gate_and_publish(
    config: Config, report: RunReport, evidence: Evidence, now: datetime, force: str | None
) -> publish.Published:
    with report.stage("gate") as st:
        verdict = evaluate(evidence, config.publish.gate)
        report.gate = verdict.as_dict()
        st.counts = {"checks": len(verdict.checks), "failed": len(verdict.failed)}
        report.warnings += [c.message for c in verdict.checks if c.skipped]
        enforce(verdict, force)
        report.gate = verdict.as_dict()
        if verdict.forced:
            report.warnings.append(
                f"gate overridden (--force): {verdict.forced}: {verdict.summary()}"
            )
    with report.stage("publish") as st:
        published = publish.publish(
            evidence.site_dir or config.site_dir, config.publish, config.publish_dir, now,
            cache_dir=config.build_dir / "cache",
        )  # fmt: skip
        st.counts = _published_counts(published)
    report.published = published.as_dict()
    report.outcome = "published"
    return published


def _finish(
    config: Config,
    report: RunReport,
    *,
    raw_dir: Path | None,
    data_dir: Path | None,
    site_dir: Path | None,
) -> Path:
    """Keep the run in the history and write its report; never hides the run's own error."""
    history = history_of(config)
    try:
        entry = history.record(
            report.run_id,
            raw_dir=raw_dir,
            data_dir=data_dir,
            config={"source": report.config, **config.model_dump(mode="json")},
            site_dir=site_dir,
        )
        report.history = str(entry)
        history.write_report(entry.name, report.as_dict())
        if report.outcome == "published":
            history.set_live(entry.name, _event("published", report, report.started))
        else:
            history.log({"run_id": entry.name, **_event(report.outcome, report, report.started)})
        history.prune()
    except (OSError, HcportalError) as e:
        report.warnings.append(f"history not kept: {one_line(str(e))}")
        log.warning("history not kept: %s", e)
    return _write_report(config, report)


def _write_report(config: Config, report: RunReport) -> Path:
    path = Path(_report_path(config))
    try:
        atomic_write_text(path, json.dumps(report.as_dict(), indent=2, default=str) + "\n")
    except OSError as e:
        log.error("run report not written to %s: %s", path, e)
    if report.outcome == "published":  # a failure's summary is the error raised, printed once
        log.info("%s", report.summary(str(path)))
    return path


def _failed(report: RunReport, e: BaseException) -> None:
    if isinstance(e, GateRefused):
        report.fail(e, "refused", e.exit_code)
    elif isinstance(e, HcportalError):
        report.fail(e, "failed", e.exit_code)
    elif isinstance(e, KeyboardInterrupt):
        report.fail(e, "interrupted", 130)
    else:  # a bug: recorded, and its traceback still shown
        report.fail(e, "failed", 1)


def _report_path(config: Config) -> str:
    return str(config.build_dir / REPORT_FILE)


def _event(kind: str, report: RunReport, when: datetime, **extra: object) -> dict:
    event = {
        "event": kind,
        "manual": report.kind == "publish",
        "at": when.isoformat(timespec="seconds"),
        "release": (report.published or {}).get("release"),
        "location": (report.published or {}).get("location"),
        "forced": (report.gate or {}).get("forced"),
        "summary": report.summary(),
    }
    return {**event, **extra}


def _build(config: Config) -> Path:
    split_by = config.publish.access.split_by
    if split_by:
        from hcportal.render.split import build_split

        index = build_split(config.data_dir, config.site_dir, config.site, split_by)
    else:
        index = render.build(config.data_dir, config.site_dir, config.site, previous_data(config))
    make_packs(config)
    return index


def make_packs(config: Config) -> Any:
    """The nightly health-check packs, into the built site (and its split folders). Strictly an
    extra: a failure costs the packs (logged), never the build or the publish."""
    import os

    from hcportal.render import packs

    try:
        return packs.publish_packs(
            render.read_tables(config.data_dir), config.site_dir, config.build_dir / "pack-cache",
            config.site.pack_days, _pack_template(config), _pack_wording(config),
            workers=min(4, os.cpu_count() or 1), pdf=config.site.pack_pdf,
        )  # fmt: skip
    except Exception as e:  # any failure: the site goes out without packs
        log.warning("packs: not made (%s: %s)", type(e).__name__, e)
        return None


def previous_data(config: Config) -> Path | None:
    """The tables of the last published run kept in the history (what a seller's page says
    changed since), or None: render is handed the folder, it never reads the history."""
    good = history_of(config).last_good()
    folder = history_of(config).root / good / "data" if good else None
    return folder if folder is not None and (folder / "meta.json").is_file() else None


def _previous_manifest(config: Config, run_id: str) -> dict | None:
    """The last good run's manifest: the newest published run in the history, else (no history
    yet) the newest earlier harvest run in the raw folder."""
    history = history_of(config)
    good = history.last_good(exclude=run_id)
    if good:
        return read_manifest(history.root / good)
    if config.raw_dir.is_dir():
        earlier = sorted(
            p for p in config.raw_dir.iterdir()
            if p.name < run_id and not p.name.startswith(".") and not p.is_symlink()
            and (p / "manifest.json").is_file()
        )  # fmt: skip
        if earlier:
            return read_manifest(earlier[-1])
    return None


def _raw_run_of(config: Config) -> Path | None:
    """The harvest run the data folder was made from (named in its meta.json)."""
    try:
        meta = json.loads((config.data_dir / "meta.json").read_text("utf-8"))
        run_id = meta["raw"]["run_id"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    run_dir = config.raw_dir / str(run_id)
    return run_dir if (run_dir / "manifest.json").is_file() else None


def _site_counts(site_dir: Path) -> dict:
    files = [p for p in site_dir.rglob("*") if p.is_file()]
    return {
        "files": len(files),
        "pages": sum(p.suffix == ".html" for p in files),
        "bytes": sum(p.stat().st_size for p in files),
    }


def _published_counts(p: publish.Published) -> dict:
    return {
        "files": p.files, "uploaded": p.uploaded, "unchanged": p.unchanged,
        "deleted": p.deleted, "bytes_uploaded": p.bytes_uploaded,
    }  # fmt: skip


def _source(config: Config) -> str | None:
    return str(config.source) if config.source else None


def pack_one(
    config: Config,
    account: str,
    data: Path | None = None,
    out: Path | None = None,
    pdf: bool = False,
) -> Path:
    """``hcportal pack ACCOUNT``: the health-check pack of one account, from the last tables."""
    from hcportal.render import pack, packs

    tables = render.read_tables(data or config.data_dir)
    key = pack.find_account(tables, account, config.transform.parsing.legal_suffixes)
    return packs.make_pack(tables, key, out or config.build_dir / "packs", _pack_template(config),
                           _pack_wording(config), pdf=pdf)  # fmt: skip


def _pack_template(config: Config) -> Path | None:
    return config.resolve(config.site.pack_template) if config.site.pack_template else None


def _pack_wording(config: Config) -> Any:
    from hcportal.render.packs import Wording

    return Wording(config.transform.policy.evidence_label, config.transform.policy.evidence_subject)
