"""The ``hcportal`` command line: parses options, calls a library function, reports the outcome.

No logic lives here. Domain failures (:class:`~hcportal.errors.HcportalError`) become one clear
message and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import click

from hcportal import __version__
from hcportal.config import Config, load_config
from hcportal.errors import HcportalError
from hcportal.logs import setup_logging

log = logging.getLogger("hcportal")

CONFIG_OPTION = click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Configuration file (TOML). Default: $HCPORTAL_CONFIG, else ./hcportal.toml, else the demo.",
)


class Failure(click.ClickException):
    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code

    def show(self, file: Any = None) -> None:
        click.echo(f"hcportal: error: {self.format_message()}", err=True)


def reports_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn domain errors into clean exits: the message for people, the exit code for cron."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except HcportalError as e:
            raise Failure(str(e), e.exit_code) from None
        except KeyboardInterrupt:
            raise Failure("interrupted", 130) from None

    return wrapper


def _now() -> datetime:
    """The one place the command line reads the clock; everything below takes it as an argument."""
    return datetime.now(UTC)


def _as_of(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date in the form YYYY-MM-DD") from None


def _config(path: Path | None) -> Config:
    config = load_config(path)
    log.debug("configuration: %s", config.source or "defaults (the bundled demo CRM)")
    return config


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="hcportal")
@click.option("-v", "--verbose", is_flag=True, help="Log debug detail.")
def main(verbose: bool) -> None:
    """Which customer accounts are due a health check, from a CRM's report exports.

    \b
    The nightly job is `hcportal run`: harvest -> transform -> build -> publish.
    With no configuration it runs against the bundled demo CRM.

    \b
    Example:
      hcportal run                      # the whole pipeline on the demo CRM
      hcportal run --config acme.toml   # ... on your CRM
    """
    setup_logging(verbose)


@main.command("demo-crm")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8765, show_default=True, type=int, help="Port (0: any free one).")
@click.option(
    "--accounts",
    default=300,
    show_default=True,
    type=click.IntRange(min=1),
    help="Synthetic accounts.",
)
@click.option("--seed", default=7, show_default=True, type=int, help="Seed of the synthetic data.")
@click.option(
    "--password",
    envvar="DEMOCRM_PASSWORD",
    help="Password of user 'demo' (default: random). Env: DEMOCRM_PASSWORD.",
)
@reports_errors
def demo_crm(host: str, port: int, accounts: int, seed: int, password: str | None) -> None:
    """Serve the bundled demo CRM until interrupted (Ctrl-C).

    A real web app with a sign-in page, saved reports, an Export dialog and direct export URLs,
    over deterministic synthetic data placed around today's date.

    \b
    Example:
      hcportal demo-crm --port 8765 --accounts 1000 --seed 42
    """
    from democrm.server import DemoCRM

    click.echo(f"Generating {accounts} synthetic accounts (seed {seed})...", err=True)
    kwargs = {"password": password} if password else {}
    crm = DemoCRM.with_synthetic_data(accounts=accounts, seed=seed, today=_now().date(), **kwargs)
    try:
        server = crm.make_server(host, port)
    except OSError as e:
        raise Failure(f"cannot listen on {host}:{port}: {e.strerror}") from None
    bound_host, bound_port = server.server_address[:2]
    click.echo(
        f"Demo CRM on http://{bound_host}:{bound_port}/  (user: {crm.username}"
        + ("" if password else f", password: {crm.password}")
        + ")"
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("stopped", err=True)
    finally:
        server.server_close()


@main.command("harvest")
@CONFIG_OPTION
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Raw root folder (default: <build>/raw).",
)
@click.option(
    "--headed", is_flag=True, help="Show the browser window (for a person to watch or help)."
)
@reports_errors
def harvest_cmd(config_path: Path | None, out: Path | None, headed: bool) -> None:
    """Download the CRM's reports into a new run folder with a manifest.json.

    Each run lands in OUT/<run-id>/ and OUT/latest points to the last good one; a failed run
    leaves the previous one untouched.

    \b
    Example:
      hcportal harvest --out build/raw
      HCPORTAL_CRM_USERNAME=me HCPORTAL_CRM_PASSWORD=... hcportal harvest --config acme.toml
    """
    import harvest

    config = _config(config_path)
    run_dir, manifest = harvest.run(
        config.harvest, out or config.raw_dir, _now(), headless=False if headed else None
    )
    for r in manifest.reports:
        click.echo(f"{r.name:12} {r.rows:>9,} rows  {r.file}")
    click.echo(str(run_dir))


@main.command("transform")
@click.option(
    "--raw",
    "raw",
    required=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="A harvest run folder, or a raw root (its latest run is used).",
)
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the tables (replaced atomically).",
)
@click.option(
    "--as-of",
    "as_of",
    metavar="YYYY-MM-DD",
    help="Day to evaluate the policy for (default: today).",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Fail, writing nothing, if any input row cannot be used as is (config: transform.strict).",
)
@CONFIG_OPTION
@reports_errors
def transform_cmd(
    raw: Path, out: Path, as_of: str | None, strict: bool, config_path: Path | None
) -> None:
    """Apply the health-check policy to the raw reports and write the tables.

    Writes targets.csv, candidates.csv, efficacy.csv, influenced_pipeline.csv and
    data_quality.csv (plus typed Parquet tables for the site) into OUT. Rows that cannot be used
    are listed in data_quality.csv with file, line and reason, and summed up here; with --strict
    any such row is an error and OUT is left as it was.

    \b
    Example:
      hcportal transform --raw build/raw --out build/data --as-of 2026-11-23
      hcportal transform --raw exports/ --out data/ --config acme.toml --strict
    """
    import harvest
    import transform

    day = _as_of(as_of) or _now().date()
    config = _config(config_path)
    settings = config.transform
    if strict:
        settings = settings.model_copy(update={"strict": True})
    run_dir = harvest.resolve_run(raw)
    tables = transform.run(run_dir, settings, day)
    transform.write(tables, out)
    counts, quality = tables.meta["counts"], tables.meta["data_quality"]
    for r in quality["by_reason"]:
        click.echo(f"  {r['file']}: {r['rows']:,} x {r['reason']}", err=True)
    click.echo(
        f"{counts['candidates']} candidate accounts, {len(tables['targets'])} target occasions, "
        f"{quality['rows']} data-quality rows -> {out}"
    )


@main.command("build")
@click.option(
    "--data",
    required=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Folder written by `hcportal transform`.",
)
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the site (replaced atomically).",
)
@CONFIG_OPTION
@reports_errors
def build_cmd(data: Path, out: Path, config_path: Path | None) -> None:
    """Render the static site from the transform's tables.

    \b
    Example:
      hcportal build --data build/data --out build/site
    """
    import render

    config = _config(config_path)
    click.echo(str(render.build(data, out, config.site)))


@main.command("publish")
@CONFIG_OPTION
@click.option(
    "--site",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Built site to publish (default: <build>/site).",
)
@reports_errors
def publish_cmd(config_path: Path | None, site: Path | None) -> None:
    """Deploy the built site to the configured target (default: a local folder).

    \b
    Example:
      hcportal publish --site build/site
    """
    import publish

    config = _config(config_path)
    index = publish.publish(site or config.site_dir, config.publish, config.publish_dir, _now())
    click.echo(str(index))


@main.command("run")
@CONFIG_OPTION
@click.option(
    "--as-of",
    "as_of",
    metavar="YYYY-MM-DD",
    help="Day to evaluate the policy for (default: today).",
)
@click.option("--headed", is_flag=True, help="Show the browser window during the harvest.")
@reports_errors
def run_cmd(config_path: Path | None, as_of: str | None, headed: bool) -> None:
    """Run every stage: harvest, transform, build, publish. This is what `make publish` calls.

    Prints the path of the published index.html.

    \b
    Example:
      hcportal run
      hcportal run --config acme.toml --as-of 2026-12-01
    """
    from hcportal import pipeline

    day = _as_of(as_of)
    config = _config(config_path)
    result = pipeline.run(config, now=_now(), as_of=day, headless=False if headed else None)
    click.echo(str(result.published_index))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
