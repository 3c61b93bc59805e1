"""The gate: a bad night must never replace a good site.

:func:`evaluate` looks at what the night produced and answers, check by check, whether it may be
published. The evidence is read from files (manifests, ``data_quality.csv``, the built site), so
the gate works the same inside ``hcportal run`` and for a bare ``hcportal publish``.

- ``harvest``: the harvest that produced the data completed (a manifest exists; when the harvester
  records a status in it, that status is good);
- ``row_drop``: no report lost more than ``max_row_drop`` of its rows since the last good run;
- ``data_quality``: no report has more than ``max_reject_fraction`` of its rows in
  ``data_quality.csv``;
- ``site``: the built site passes :func:`publish.sitecheck.check_site`;
- ``provenance`` (a publish by hand): the data the site was built from is known.

A refusal is :class:`GateRefused` (exit status 4). ``--force REASON`` publishes anyway; the reason
and every overridden check are logged and kept in the run report and the history.
"""

from __future__ import annotations

import csv
import json
import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path

from hcportal.core.errors import PublishError
from hcportal.publish.settings import GateSettings
from hcportal.publish.sitecheck import check_site

log = logging.getLogger(__name__)

# Statuses a harvester may write into its manifest for a run that can be published.
GOOD_HARVEST = {"ok", "complete", "completed", "success", "succeeded"}
SHOWN = 3  # problems quoted in the one-line message; all of them go to the run report


class GateRefused(PublishError):
    """The night's output failed the gate; the published site was left as it was."""

    exit_code = 4


@dataclass
class Check:
    name: str
    ok: bool
    message: str
    problems: list[str] = field(default_factory=list)
    skipped: bool = False


@dataclass
class Evidence:
    """What the gate looks at. Any of it may be missing; a missing comparison is skipped."""

    manifest: dict | None = None  # the harvest run's manifest.json, as parsed JSON
    previous: dict | None = None  # the last good (published) run's manifest
    data_dir: Path | None = None  # the transform's output (data_quality.csv)
    site_dir: Path | None = None
    harvest_error: str | None = None
    # A publish by hand: where the site's data was found (None: unknown, which is refused).
    manual: bool = False
    built_from: str | None = None


@dataclass
class Verdict:
    checks: list[Check]
    forced: str | None = None

    @property
    def failed(self) -> list[Check]:
        return [c for c in self.checks if not c.ok]

    @property
    def ok(self) -> bool:
        return not self.failed

    def summary(self) -> str:
        """The failed checks in one line: each check's message, then its first problems."""
        parts = []
        for c in self.failed:
            shown = "; ".join(c.problems[:SHOWN])
            more = f" (+{len(c.problems) - SHOWN} more)" if len(c.problems) > SHOWN else ""
            parts.append(f"{c.message}: {shown}{more}" if c.problems else c.message)
        return " / ".join(parts)

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "forced": self.forced,
            "checks": [asdict(c) for c in self.checks],
        }


def read_manifest(run_dir: Path | None) -> dict | None:
    """A run folder's manifest.json as plain JSON (the gate needs only names, files and rows)."""
    if run_dir is None:
        return None
    try:
        data = json.loads((run_dir / "manifest.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def evaluate(evidence: Evidence, settings: GateSettings) -> Verdict:
    checks = [
        _harvest(evidence),
        _row_drop(evidence, settings.max_row_drop),
        _data_quality(evidence, settings.max_reject_fraction),
    ]
    if settings.check_site and evidence.site_dir is not None:
        problems = [str(p) for p in check_site(evidence.site_dir)]
        checks.append(
            Check(
                "site",
                not problems,
                f"the built site fails {len(problems)} check(s)"
                if problems
                else "site checks pass",
                problems,
            )
        )
    if evidence.manual:
        checks.append(_provenance(evidence))
    return Verdict(checks)


def _provenance(ev: Evidence) -> Check:
    if ev.built_from:
        return Check("provenance", True, f"the site was built from {ev.built_from}")
    return Check(
        "provenance",
        False,
        "the data this site was built from is unknown: it is not the data folder's nor any kept "
        "run's (rebuild it with `hcportal build`, or publish it with --force REASON)",
    )


def enforce(verdict: Verdict, force: str | None) -> Verdict:
    """Raise :class:`GateRefused` unless every check passed or a reason to force was given."""
    if verdict.ok:
        return verdict
    if force is not None and force.strip():
        verdict.forced = force.strip()
        log.warning(
            "publishing despite %d failed check(s), forced: %r: %s",
            len(verdict.failed), verdict.forced, verdict.summary(),
        )  # fmt: skip
        return verdict
    raise GateRefused(
        f"{verdict.summary()}; the published site is unchanged "
        "(fix the cause, or publish anyway with --force REASON)"
    )


def _reports(manifest: dict | None) -> dict[str, dict]:
    if not manifest:
        return {}
    return {
        str(r.get("name")): r
        for r in manifest.get("reports", [])
        if isinstance(r, dict) and isinstance(r.get("rows"), int)
    }


def _harvest(ev: Evidence) -> Check:
    if ev.harvest_error:
        return Check("harvest", False, f"the harvest failed: {ev.harvest_error}")
    if ev.manifest is None:
        return Check("harvest", False, "no harvest manifest for this data: was the harvest run?")
    status = str(ev.manifest.get("status", "ok")).lower()
    run = ev.manifest.get("run_id", "?")
    if status not in GOOD_HARVEST:
        return Check("harvest", False, f"harvest run {run} ended with status {status!r}")
    return Check("harvest", True, f"harvest run {run} completed")


def _row_drop(ev: Evidence, limit: float) -> Check:
    if ev.previous is None:
        return Check("row_drop", True, "no earlier good run to compare with", skipped=True)
    now, before = _reports(ev.manifest), _reports(ev.previous)
    prev_run = ev.previous.get("run_id", "?")
    problems = []
    for name, old in sorted(before.items()):
        was = old["rows"]
        new = now.get(name, {}).get("rows", 0)
        if was > 0 and (was - new) / was > limit:
            problems.append(f"{name} {was:,} -> {new:,} rows ({(new - was) / was:+.0%})")
    if problems:
        message = f"rows dropped by more than {limit:.0%} since the last good run {prev_run}"
    else:
        message = f"no report dropped more than {limit:.0%} since run {prev_run}"
    return Check("row_drop", not problems, message, problems)


def _data_quality(ev: Evidence, limit: float) -> Check:
    path = ev.data_dir / "data_quality.csv" if ev.data_dir else None
    if path is None or not path.is_file():
        return Check("data_quality", True, "no data_quality.csv to check", skipped=True)
    rejected: dict[str, set[str]] = {}
    try:
        with path.open(newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                rejected.setdefault(row.get("file") or "", set()).add(row.get("line") or "")
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        message = f"{path} cannot be read: {e}"
        return Check("data_quality", False, message, [message])
    # The rows the transform read are the truth of what the data holds; the harvest's count of
    # the same file must agree (a file cut short between the two would otherwise pass).
    harvested = {r.get("file", f"{n}.csv"): r["rows"] for n, r in _reports(ev.manifest).items()}
    read = _rows_read(ev.data_dir)
    problems = [
        f"{file}: the transform read {read[file]:,} of the {rows:,} rows the harvest counted"
        for file, rows in sorted(harvested.items())
        if file in read and read[file] != rows
    ]
    rows_by_file = {**harvested, **read}
    for file, lines in sorted(rejected.items()):
        total = rows_by_file.get(file)
        if not total:
            continue
        share = len(lines) / total
        if share > limit:
            problems.append(f"{file} {len(lines):,} of {total:,} rows ({share:.1%})")
    if problems:
        message = (
            f"more than {limit:.0%} of a report's rows in data_quality.csv, or not every row read"
        )
    else:
        message = f"no report has more than {limit:.0%} of its rows in data_quality.csv"
    return Check("data_quality", not problems, message, problems)


def _rows_read(data_dir: Path | None) -> dict[str, int]:
    """Without a manifest (a plain folder of exports): the data rows the transform read per file."""
    try:
        meta = json.loads((data_dir / "meta.json").read_text("utf-8"))  # type: ignore[operator]
        return {str(f): int(n) for f, n in meta["data_quality"]["rows_read"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}
