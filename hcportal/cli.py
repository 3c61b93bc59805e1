"""The ``hcportal`` command line: parses options, calls a library function, reports the outcome.

No logic lives here. Domain failures (:class:`~hcportal.core.errors.HcportalError`) become one clear
message and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import click

from hcportal import __version__
from hcportal.config import Config, load_config
from hcportal.core import clock
from hcportal.core.errors import HcportalError
from hcportal.core.logs import redact, setup_logging
from hcportal.core.text import shown

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
        # Masked like every log line: an error quoting a browser's words must not quote a secret.
        click.echo(f"hcportal: error: {redact(self.format_message())}", err=True)


def reports_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn domain errors into clean exits: the message for people, the exit code for cron."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except HcportalError as e:
            raise Failure(str(e), e.exit_code) from None
        except OSError as e:  # the machine's doing (a path under a file, no permission, disk full)
            log.debug("details", exc_info=True)
            where = f" ({shown(e.filename)})" if e.filename else ""
            raise Failure(f"{e.strerror or e}{where}", 1) from None
        except KeyboardInterrupt:
            raise Failure("interrupted", 130) from None
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise  # click's own: a usage error, --help, a clean exit
        except Exception as e:  # a bug: still one line for cron and alerts, never a traceback
            log.debug("unexpected error", exc_info=True)
            raise Failure(
                f"unexpected {type(e).__name__}: {shown(str(e))} (a bug in hcportal; "
                "`hcportal -v ...` logs where it happened)"
            ) from None

    return wrapper


def _clock() -> clock.Clock:
    """The one clock of a command, handed to everything below it (``$HCPORTAL_NOW`` fixes it)."""
    try:
        return clock.from_env()
    except ValueError as e:
        raise Failure(str(e), 2) from None


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
    One command at a time writes into the build folder (run, harvest, transform,
    build, publish hold its lock); a second one stops with a message saying so.

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
@click.option(
    "--look",
    type=click.Choice(["classic", "lightning"]),
    default="classic",
    show_default=True,
    help="lightning: Salesforce Lightning's report viewer (iframe, Export under More Actions).",
)
@click.option(
    "--faults",
    default="",
    metavar="LIST",
    help="Comma-separated misbehaviour and quirks to inject, e.g. slow,http500-once,totp,"
    "no-record-count,api-refused (see docs/harvesting.md).",
)
@click.option(
    "--slow-seconds",
    default=3.0,
    show_default=True,
    type=click.FloatRange(min=0),
    help="Report generation time under the `slow` fault.",
)
@reports_errors
def demo_crm(
    host: str,
    port: int,
    accounts: int,
    seed: int,
    password: str | None,
    look: str,
    faults: str,
    slow_seconds: float,
) -> None:
    """Serve the bundled demo CRM until interrupted (Ctrl-C).

    A real web app with a sign-in page, saved reports, an Export dialog, direct export URLs and
    an OAuth-like API (/services/oauth2/token), over deterministic synthetic data placed around
    today's date. It can misbehave on demand (--faults) and look like Salesforce Lightning
    (--look lightning).

    \b
    Example:
      hcportal demo-crm --port 8765 --accounts 1000 --seed 42
      hcportal demo-crm --look lightning --faults slow,totp,http500-once
    """
    from hcportal.democrm.faults import Faults
    from hcportal.democrm.server import DemoCRM

    try:
        injected = Faults.parse(faults.split(","), slow_seconds)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--faults") from None
    click.echo(f"Generating {accounts} synthetic accounts (seed {seed})...", err=True)
    kwargs = {"password": password} if password else {}
    crm = DemoCRM.with_synthetic_data(
        accounts=accounts, seed=seed, clock=_clock(), look=look, faults=injected, **kwargs
    )
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
    if injected.active:
        click.echo(f"Faults: {', '.join(injected.names())}")
    if crm.mfa:
        click.echo(f"TOTP secret of user {crm.username}: {crm.totp_secret}")
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
@click.option(
    "--from-folder",
    "from_folder",
    type=click.Path(file_okay=False, path_type=Path),
    help="Take the report files another automation left in this folder instead of the CRM.",
)
@click.option(
    "--check",
    is_flag=True,
    help="Download nothing: sign in and walk every locator of the CRM profile for each report "
    "and route, then print what was found (with screenshots of failures under <build>/check/).",
)
@reports_errors
def harvest_cmd(
    config_path: Path | None,
    out: Path | None,
    headed: bool,
    from_folder: Path | None,
    check: bool,
) -> None:
    """Download the CRM's reports into a new run folder with a manifest.json.

    Each run lands in OUT/<run-id>/ and OUT/latest points to the last good one; a failed run
    leaves the previous one untouched, and its post-mortem (traces, screenshots, page HTML) in
    OUT/failed/<run-id>/. Exit status: 0 ok, 1 failed, 2 configuration error, 3 a person must
    sign in (`hcportal login`).

    With --check, nothing is downloaded: the profile's every locator is looked up on the live
    CRM (found / not found / ambiguous, with the controls the page has instead), which is how a
    profile is adapted to a new CRM. Exit status 1 if a step would stop the harvest.

    \b
    Example:
      hcportal harvest --out build/raw
      hcportal harvest --config acme.toml --headed
      hcportal harvest --from-folder /mnt/reports-dropbox
      hcportal harvest --check --config acme.toml
    """
    from hcportal import pipeline
    from hcportal.harvest.progress import for_stream

    config = _config(config_path)
    if check:
        if out is not None or from_folder is not None:
            raise click.UsageError("--check downloads nothing: no --out or --from-folder with it")
        return _check(config, headed)
    progress = for_stream(sys.stderr)
    try:
        with pipeline.locked(config):
            run_dir, manifest = pipeline.harvest_reports(
                config,
                _clock(),
                out=out,
                headless=False if headed else None,
                from_folder=from_folder,
                progress=progress,
            )
    finally:
        progress.close()
    for r in manifest.reports:
        click.echo(f"{r.name:12} {r.rows:>9,} rows  {r.route:6} {r.file}")
    click.echo(str(run_dir))


def _check(config: Config, headed: bool) -> None:
    from hcportal import pipeline
    from hcportal.harvest.check import table
    from hcportal.harvest.progress import for_stream

    progress = for_stream(sys.stderr)
    try:
        result = pipeline.check_profile(
            config, _clock(), headless=False if headed else None, progress=progress
        )
    finally:
        progress.close()
    click.echo(table(result))
    if not result.ok:
        raise Failure(
            f"the profile check found {len(result.problems)} step(s) that would stop the harvest "
            "(marked !): adapt the profile's locators to what the page has (docs/harvesting.md)"
        )


@main.command("login")
@CONFIG_OPTION
@click.option(
    "--headless",
    is_flag=True,
    help="No window: only when the credentials (and TOTP secret) alone complete the sign-in.",
)
@reports_errors
def login_cmd(config_path: Path | None, headless: bool) -> None:
    """Sign in to the CRM by hand (SSO, MFA) and save the session for nightly runs.

    Opens a browser window at the CRM's sign-in page, fills in what it knows (username, and the
    password from the environment or keyring if set), and waits for you to finish. The session is
    saved owner-only under harvest.session_dir (git-ignored); `hcportal harvest` reuses it until
    the CRM ends it, then exits with status 3 asking for another `hcportal login`.

    \b
    Example:
      hcportal login --config acme.toml
    """
    from hcportal import harvest, pipeline

    config = _config(config_path)
    path = harvest.login(
        pipeline.harvest_settings(config),
        session_dir=config.resolve(config.harvest.session_dir),
        headless=headless,
    )
    click.echo(f"session saved: {path}")


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

    Writes every table as typed Parquet (what the site is built from) and the CSV exports
    targets.csv, candidates.csv, efficacy.csv, influenced_pipeline.csv and data_quality.csv
    into OUT (docs/data.md lists them all). Rows that cannot be used
    are listed in data_quality.csv with file, line and reason, and summed up here; with --strict
    any such row is an error and OUT is left as it was.

    \b
    Example:
      hcportal transform --raw build/raw --out build/data --as-of 2026-11-23
      hcportal transform --raw exports/ --out data/ --config acme.toml --strict
    """
    from hcportal import harvest, pipeline, transform
    from hcportal.previous import previous_run

    now = _clock()
    day = _as_of(as_of) or now().date()
    config = _config(config_path)
    settings = config.transform
    if strict:
        settings = settings.model_copy(update={"strict": True})
    with pipeline.locked(config):
        run_dir = harvest.resolve_run(raw)
        # The health score's change is measured against the last run kept in the history.
        previous = previous_run(pipeline.history_of(config))
        tables = transform.run(run_dir, settings, day, clock=now, previous=previous)
        transform.write(tables, out)
    counts, quality = tables.meta["counts"], tables.meta["data_quality"]
    for r in quality["by_reason"]:
        click.echo(f"  {r['file']}: {r['rows']:,} x {r['reason']}", err=True)
    click.echo(
        f"{counts['candidates']} candidate accounts, {len(tables['targets'])} target occasions, "
        f"{quality['rows']} data-quality rows -> {out}"
    )


@main.command("backtest")
@click.option(
    "--history",
    "history_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="The history whose kept runs to hold against later outcomes (default, when neither "
    "--data nor --demo is given: the configured history, build/history).",
)
@click.option(
    "--data",
    type=click.Path(file_okay=False, path_type=Path),
    help="Instead: re-score the past of one transform output folder under today's "
    "configuration (build/data, or a kept run's build/history/<run>/data).",
)
@click.option("--demo", is_flag=True, help="Replay the demo CRM's generated history instead.")
@click.option("--accounts", default=300, show_default=True, help="--demo: how many accounts.")
@click.option("--seed", default=7, show_default=True, help="--demo: the generator's seed.")
@click.option(
    "--months", default=24, show_default=True, help="--data, --demo: how many dates to replay."
)
@click.option(
    "--every", default=30, show_default=True, help="--data, --demo: days between replayed dates."
)
@click.option(
    "--horizon", default=365, show_default=True, help="Churn counts within this many days."
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write the report's CSV files here (backtest_bands.csv, backtest_rules.csv, "
    "backtest_measures.csv, backtest_flags.csv).",
)
@CONFIG_OPTION
@reports_errors
def backtest_cmd(
    history_dir: Path | None, data: Path | None, demo: bool, accounts: int, seed: int,
    months: int, every: int, horizon: int, out: Path | None, config_path: Path | None,
) -> None:  # fmt: skip
    """Hold past health scores and alerts against the churn seen later.

    By default, the runs kept in the history: each run's scores and alerts as it published them
    on its as-of date, against the outcomes the newest run sees (contracts not renewed). --data
    re-scores one data folder's past under today's configuration instead; --demo the demo CRM's
    generated history. The report says, per band and per alert rule, how many accounts that
    later churned were flagged beforehand, how long before, and how many flags were false
    alarms; and, per measure, how well it separated churned from renewed accounts (AUC), so
    weights can be set from evidence.

    \b
    Example:
      hcportal backtest --horizon 180 --out build/backtest
      hcportal backtest --history /srv/hcportal/history
      hcportal backtest --demo --accounts 300 --months 24
      hcportal backtest --data build/data --out build/backtest --horizon 180
    """
    from hcportal import backtest as bt
    from hcportal import pipeline

    config = _config(config_path)
    if sum(map(bool, (history_dir, data, demo))) > 1:
        raise Failure("give one of --history, --data and --demo", 2)
    if demo:
        result, _ = bt.from_demo(
            config.transform, accounts, seed, _clock()().date(), months, every, horizon
        )
    elif data is not None:
        result = bt.from_data(data, config.transform, months, every, horizon)
    else:
        root = history_dir or pipeline.history_of(config).root
        result = bt.from_history(root, config.transform, horizon)
    click.echo(bt.summary(result))
    if out is not None:
        for path in bt.write(result, out):
            click.echo(f"wrote {path}", err=True)


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
    from hcportal import pipeline, render

    config = _config(config_path)
    with pipeline.locked(config):
        click.echo(str(render.build(data, out, config.site, pipeline.previous_data(config))))


FORCE_OPTION = click.option(
    "--force",
    "force",
    metavar="REASON",
    help="Publish even if the gate refuses; the reason is logged and kept in the run report.",
)


@main.command("publish")
@CONFIG_OPTION
@click.option(
    "--site",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Built site to publish (default: <build>/site).",
)
@FORCE_OPTION
@click.option(
    "--rollback",
    is_flag=True,
    help="Republish the previous good build from the history instead (marks the live one bad).",
)
@click.option("--reason", default="", help="Why you roll back (kept in the history's log).")
@reports_errors
def publish_cmd(
    config_path: Path | None, site: Path | None, force: str | None, rollback: bool, reason: str
) -> None:
    """Check the built site and its data (the gate), then deploy it to the configured target.

    The gate refuses (exit 4, the published site untouched) when the harvest behind the data
    failed, a report lost too many rows since the last good run, too many rows were rejected,
    the site fails its own checks (a session, trace or key in it, whatever its name), or the
    data the site was built from is unknown. Each publish is kept in the history as an entry of
    its own, marked manual. Prints where readers open the published site.

    \b
    Example:
      hcportal publish --site build/site
      hcportal publish --force "CRM purge of closed accounts, agreed with sales ops"
      hcportal publish --rollback --reason "wrong owner mapping in last night's data"
    """
    from hcportal import pipeline

    config = _config(config_path)
    if rollback:
        if force or site:
            raise click.UsageError("--rollback republishes a kept build: no --site or --force")
        result = pipeline.rollback(config, clock=_clock(), reason=reason)
    else:
        result = pipeline.publish_built(config, clock=_clock(), site_dir=site, force=force)
    _echo_published(result.published_index)


@main.command("run")
@CONFIG_OPTION
@click.option(
    "--as-of",
    "as_of",
    metavar="YYYY-MM-DD",
    help="Day to evaluate the policy for (default: today).",
)
@click.option("--headed", is_flag=True, help="Show the browser window during the harvest.")
@FORCE_OPTION
@reports_errors
def run_cmd(config_path: Path | None, as_of: str | None, headed: bool, force: str | None) -> None:
    """Run every stage: harvest, transform, build, gate, publish. This is what `make publish` calls.

    Prints where readers open the published site (the path of the published index.html for a
    local folder). On failure, prints one line fit for an alert and exits non-zero (4: refused
    by the gate). Either way the run report is written to <build>/run-report.json.

    \b
    Example:
      hcportal run
      hcportal run --config acme.toml --as-of 2026-12-01
    """
    from hcportal import pipeline

    day = _as_of(as_of)
    config = _config(config_path)
    result = pipeline.run(
        config, clock=_clock(), as_of=day, headless=False if headed else None, force=force
    )
    _echo_published(result.published_index)


def _echo_published(index: str | None) -> None:
    """Where readers open the site; for a local folder, its path and then, last, a ``file://``
    link a terminal makes clickable (through the folder's ``current`` link, not resolved, so the
    link keeps showing the latest publish)."""
    click.echo(index)
    if index and "://" not in index and Path(index).is_file():
        click.echo(Path(index).absolute().as_uri())


@main.group("inventory")
def inventory_group() -> None:
    """The inventory of systems that hold customer data (seed 003): score it, plan integration.

    \b
    Example:
      hcportal inventory score docs/inventory-example.csv
    """


@inventory_group.command("score")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for inventory.csv and inventory.html (replaced whole). Default: <build>/inventory.",
)
@click.option(
    "--strategy",
    type=click.Choice(["impact-first", "complexity-first"]),
    help="Integration order: highest impact and least complexity first, or the reverse. "
    "Default: [transform.inventory] strategy (impact-first).",
)
@CONFIG_OPTION
@reports_errors
def inventory_score_cmd(
    file: Path, out: Path | None, strategy: str | None, config_path: Path | None
) -> None:
    """Score an inventory CSV: Impact and Complexity Scores, a disposition and the integration
    order. FILE has the seed's columns (System/Service Name, Business Leader, Technical Leader,
    Business Function, Business Impact, Customer Impact, Approx. Number of Customers Impacted
    Annually, Implementation Profile, Integration Profile, Product Dependency). A value that is not
    allowed is reported by line and column, and nothing is written.

    \b
    Example:
      hcportal inventory score docs/inventory-example.csv --out build/inventory
      hcportal inventory score systems.csv --strategy complexity-first
    """
    from hcportal.inventory import score_inventory

    config = _config(config_path)
    done = score_inventory(
        file, out or config.build_dir / "inventory", config, _clock(), strategy=strategy
    )
    click.echo(
        f"{done.systems} systems scored ({done.retire} to retire) -> {done.csv}, {done.page}"
    )


@main.command("pack")
@click.argument("account")
@click.option(
    "--data",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Folder written by `hcportal transform`. Default: <build>/data.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the pack. Default: <build>/packs.",
)
@click.option("--pdf", is_flag=True, help="Also print the deck as PDF beside it (needs Chromium).")
@CONFIG_OPTION
@reports_errors
def pack_cmd(
    account: str, data: Path | None, out: Path | None, pdf: bool, config_path: Path | None
) -> None:
    """Make the health-check pack (a PowerPoint deck) of one ACCOUNT, from the last tables.

    ACCOUNT is matched as the reports are joined: capitals, accents, punctuation and legal
    suffixes (Inc, GmbH, ...) ignored. Prints the path of the deck written.

    \b
    Example:
      hcportal pack "ACME ORG"
      hcportal pack "acme org inc" --data build/data --out ~/decks --pdf
    """
    from hcportal import pipeline

    config = _config(config_path)
    path = pipeline.pack_one(config, account, data, out, pdf=pdf)
    if pdf:
        click.echo(str(path.with_suffix(".pdf")))
    click.echo(str(path))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
