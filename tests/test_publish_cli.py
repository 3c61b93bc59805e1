"""`hcportal publish` and `hcportal run` as a scheduler sees them: exit status, one line, a report.

The nights are made without a browser (tests/publishing.py); the real `hcportal` command runs in
a subprocess, as cron would run it.
"""

from __future__ import annotations

import json
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest

from tests.conftest import NOW, run_cli
from tests.publishing import night, read_tree

ROOT = Path(__file__).resolve().parent.parent
# End to end: each test runs the real command in a process of its own, as cron would.
pytestmark = pytest.mark.slow


def hcportal(work: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return run_cli(*args, "--config", str(work / "hcportal.toml"), cwd=work, env=env)


def report(work: Path) -> dict:
    return json.loads((work / "build" / "run-report.json").read_text())


def error_lines(proc: subprocess.CompletedProcess) -> list[str]:
    return [ln for ln in proc.stderr.splitlines() if ln.startswith("hcportal: error:")]


# The packs' PDFs (a Chromium print per deck) are most of a small run's time and not what these
# tests are about; the decks are still made and go through the gate.
CONFIG = '[paths]\nbuild = "build"\n[site]\npack_pdf = false\n'


@pytest.fixture
def work(tmp_path) -> Path:
    (tmp_path / "hcportal.toml").write_text(CONFIG)
    return tmp_path


@pytest.mark.reliability(
    "a night whose contracts export lost 70% of its rows",
    "refused by the gate (exit 4) in one line; the site untouched; --force REASON publishes and keeps the reason; rollback restores the good site",
)
def test_publish_refuses_a_bad_night_keeps_the_site_and_force_overrides(work):
    build = work / "build"
    first = night(build, NOW - timedelta(days=1))
    ok = hcportal(work, "publish")
    assert ok.returncode == 0, ok.stderr
    live = build / "public" / "current"
    assert ok.stdout.splitlines() == [str(live / "index.html"), (live / "index.html").as_uri()]
    good_site = read_tree(live)
    r = report(work)
    entry = Path(r["history"])  # a publish by hand is an entry of its own, with its data
    assert entry.parent == build / "history" and entry.name == r["run_id"] != first
    assert r["manual"] and r["built_from"]["run_id"] == first
    assert {p.name for p in entry.iterdir()} >= {
        "manifest.json",
        "data",
        "config.json",
        "report.json",
        "site",
    }

    second = night(build, NOW, keep={"contracts": 0.3})  # a truncated export
    refused = hcportal(work, "publish")
    assert refused.returncode == 4
    [line] = error_lines(refused)  # one line, fit for an alert
    r = report(work)
    assert f"hcportal publish {r['run_id']} REFUSED at gate: rows dropped by more than 50%" in line
    assert "contracts " in line and "(-70%)" in line
    assert "run-report.json" in line and "--force" in line
    assert read_tree(live) == good_site  # the published site did not move
    assert (r["outcome"], r["exit_code"], r["failed_stage"]) == ("refused", 4, "gate")
    assert [c["name"] for c in r["gate"]["checks"] if not c["ok"]] == ["row_drop"]
    assert r["built_from"]["run_id"] == second
    refused_entry = Path(r["history"])
    assert not (refused_entry / "site").exists()  # only published sites are kept
    assert (refused_entry / "data" / "targets.csv").is_file()  # but the data is

    forced = hcportal(work, "publish", "--force", "contracts were archived on purpose (ticket 42)")
    assert forced.returncode == 0, forced.stderr
    assert "forced" in forced.stderr and "ticket 42" in forced.stderr  # logged
    r = report(work)
    assert r["outcome"] == "published"
    assert r["gate"]["forced"] == "contracts were archived on purpose (ticket 42)"
    assert any("ticket 42" in w for w in r["warnings"])
    forced_entry = Path(r["history"])
    log = (build / "history" / "publish-log.jsonl").read_text().splitlines()
    assert json.loads(log[-1])["forced"] == "contracts were archived on purpose (ticket 42)"
    assert read_tree(live) == read_tree(build / "site")

    back = hcportal(work, "publish", "--rollback", "--reason", "the archive was a mistake")
    assert back.returncode == 0, back.stderr
    assert read_tree(live) == good_site
    assert (forced_entry / "rolled_back.json").is_file()
    assert json.loads((build / "history" / "live.json").read_text())["run_id"] == entry.name

    again = hcportal(work, "publish", "--rollback")
    assert again.returncode == 1
    [line] = error_lines(again)
    assert "nothing to roll back to" in line
    assert read_tree(live) == good_site


def test_publish_without_a_built_site_is_refused_cleanly(work):
    proc = hcportal(work, "publish")
    assert proc.returncode == 4
    [line] = error_lines(proc)
    assert "no harvest manifest" in line and "no home page" in line
    assert "Traceback" not in proc.stderr


@pytest.mark.reliability(
    "a harvest that cannot sign in",
    "the run fails at harvest in one line; the published site untouched; the run kept in the history",
)
def test_a_failed_harvest_fails_the_run_with_one_line_and_a_report(work):
    build = work / "build"
    night(build, NOW - timedelta(days=1))
    assert hcportal(work, "publish").returncode == 0
    good_site = read_tree(build / "public" / "current")
    (work / "hcportal.toml").write_text(
        '[paths]\nbuild = "build"\n[harvest]\nsource = "crm"\nbase_url = "http://127.0.0.1:9"\n'
        '[harvest.reports.accounts]\nreport_id = "00O000000000001"\n'
    )
    proc = hcportal(work, "run")
    assert proc.returncode == 3  # signing in needs a person (harvest: no credentials, no session)
    [line] = error_lines(proc)
    assert "REFUSED" not in line and "FAILED at harvest: CRM credentials missing" in line
    r = report(work)
    assert (r["outcome"], r["failed_stage"]) == ("failed", "harvest")
    assert [s["name"] for s in r["stages"]] == ["harvest"]
    assert read_tree(build / "public" / "current") == good_site
    kept = build / "history" / r["run_id"]
    assert json.loads((kept / "report.json").read_text())["outcome"] == "failed"
    assert (
        json.loads((kept / "config.json").read_text())["harvest"]["base_url"]
        == "http://127.0.0.1:9"
    )


def test_run_on_the_demo_crm_refuses_a_night_that_lost_most_accounts(work):
    """The whole pipeline, twice, on the real demo CRM: the second night's CRM holds a third of
    the accounts, so the gate refuses it and the first night's site stays published."""
    (work / "hcportal.toml").write_text(CONFIG + "[harvest.demo]\naccounts = 60\n")
    first = hcportal(work, "run")
    assert first.returncode == 0, first.stderr
    live = work / "build" / "public" / "current"
    good_site = read_tree(live)
    r1 = report(work)
    assert [s["name"] for s in r1["stages"]] == ["harvest", "transform", "build", "gate", "publish"]
    assert all(s["status"] == "ok" and s["seconds"] >= 0 for s in r1["stages"])
    assert r1["stages"][0]["counts"]["accounts"] == 60

    (work / "hcportal.toml").write_text(CONFIG + "[harvest.demo]\naccounts = 20\n")
    second = hcportal(work, "run")
    assert second.returncode == 4
    [line] = error_lines(second)
    assert "REFUSED at gate: rows dropped by more than 50% since the last good run" in line
    assert "accounts 60 -> 20 rows (-67%)" in line
    assert read_tree(live) == good_site
    r2 = report(work)
    assert r2["outcome"] == "refused" and r2["run_id"] != r1["run_id"]
    assert r2["stages"][-1]["name"] == "gate" and r2["stages"][-1]["status"] == "failed"


def test_a_publish_while_another_holds_the_build_folder_is_refused(work):
    import fcntl

    build = work / "build"
    night(build, NOW)
    with (build / ".hcportal.lock").open("a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # as a run in progress holds it
        proc = hcportal(work, "publish")
    assert proc.returncode == 1
    [line] = error_lines(proc)
    assert "another hcportal command is writing into" in line
    assert not (build / "public").exists()
    assert hcportal(work, "publish").returncode == 0  # released with its holder
