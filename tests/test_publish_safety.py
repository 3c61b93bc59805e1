"""The gate reads contents, and the history cannot be rewritten, through `hcportal publish`.

Nights are made without a browser (tests/publishing.py); the real `hcportal` command runs in a
subprocess with the clock fixed by ``HCPORTAL_NOW``, as a scheduler or an operator runs it.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest

from tests.conftest import NOW, run_cli
from tests.publishing import night, read_tree

# End to end: real harvests in Chromium against the demo CRM, or the CLI in processes of its own
# (`make test` runs them; `make test-fast`, the edit-test loop, skips them).
pytestmark = pytest.mark.slow

STORAGE_STATE = json.dumps(
    {"cookies": [{"name": "sid", "value": "s3cr3t", "domain": "crm.example.com", "path": "/",
                  "expires": -1, "httpOnly": True, "secure": True, "sameSite": "Lax"}],
     "origins": []}
)  # fmt: skip


def hcportal(work: Path, *args: str, now=NOW) -> subprocess.CompletedProcess:
    return run_cli(*args, "--config", str(work / "hcportal.toml"), cwd=work, now=now)


def error_line(proc: subprocess.CompletedProcess) -> str:
    [line] = [ln for ln in proc.stderr.splitlines() if ln.startswith("hcportal: error:")]
    return line


def report(work: Path) -> dict:
    return json.loads((work / "build" / "run-report.json").read_text())


def digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


# The packs' PDFs (a Chromium print per deck) are most of a small run's time and not what these
# tests are about; the decks are still made and go through the gate.
CONFIG = '[paths]\nbuild = "build"\n[site]\npack_pdf = false\n'


@pytest.fixture
def work(tmp_path) -> Path:
    (tmp_path / "hcportal.toml").write_text(CONFIG)
    return tmp_path


def trace_zip() -> bytes:
    """A Playwright trace's shape: a zip of trace events and network records."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("trace.trace", '{"type":"context-options","browserName":"chromium"}\n')
        z.writestr("trace.network", '{"type":"resource-snapshot"}\n')
    return out.getvalue()


PLANTED = {
    ".hcportal/sessions/demo.json": (STORAGE_STATE, "saved browser session"),
    "static/state.json": (STORAGE_STATE, "saved browser session"),
    "data/report.zip": (trace_zip(), "zip archive"),
    "data/candidates.1a2b3c4d.js": (trace_zip(), "zip archive"),
    "static/cookies.txt": (
        "# Netscape HTTP Cookie File\n.crm.example.com\tTRUE\t/\tTRUE\t0\tsid\ts3cr3t\n",
        "cookie jar",
    ),
    "static/notes.txt": ("CRM_PASSWORD=hunter2\nexport API_TOKEN=abc\n", ".env file"),
    "static/vendor/readme.md": (
        "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk=\n-----END OPENSSH PRIVATE KEY-----\n",
        "private key",
    ),
    "data/export.json": (
        json.dumps([{"domain": ".crm.example.com", "name": "sid", "value": "s3cr3t"}]),
        "browser cookies",
    ),
    "static/logo.png": ("not a picture", "not the PNG file its name says"),
    "static/backup.sqlite": (b"SQLite format 3\x00" + b"\x00" * 100, "SQLite database"),
    "static/run.sh": ("#!/bin/sh\necho hi\n", "kind of file the site does not ship (.sh)"),
    "static/trace-events.js": ('{"type":"frame-snapshot","snapshot":{}}\n', "Playwright trace"),
}


@pytest.mark.reliability(
    "a built site holding a saved session (under .hcportal/, or renamed static/state.json), a trace renamed .zip or .js, a cookie jar, a .env, a private key, cookies in JSON, a fake image, a database, a script of another kind",
    "refused by the gate (exit 4), each file named with why; the published site untouched",
)
def test_the_gate_refuses_secrets_and_strange_files_by_content(work):
    build = work / "build"
    night(build, NOW - timedelta(days=1))
    assert hcportal(work, "publish").returncode == 0  # the real site passes: no false alarm
    live = read_tree(build / "public" / "current")
    for rel, (content, _) in PLANTED.items():
        path = build / "site" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    proc = hcportal(work, "publish", now=NOW + timedelta(minutes=5))
    assert proc.returncode == 4
    assert "REFUSED at gate: the built site fails" in error_line(proc)
    assert "s3cr3t" not in proc.stderr and "hunter2" not in proc.stderr
    [site_check] = [c for c in report(work)["gate"]["checks"] if c["name"] == "site"]
    problems = "\n".join(site_check["problems"])
    for rel, (_, why) in PLANTED.items():
        assert any(p.startswith(f"{rel}: ") and why in p for p in site_check["problems"]), (
            rel,
            problems,
        )
    assert read_tree(build / "public" / "current") == live
    assert "s3cr3t" not in json.dumps(report(work))


@pytest.mark.reliability(
    "hand publishes one after another (and two in the same second), then rollbacks",
    "each publish is its own history entry marked manual with its data; no kept site or data rewritten; each rollback steps back one real release",
)
def test_hand_publishes_are_entries_of_their_own_and_rollback_steps_through_them(work):
    build = work / "build"
    nights = []
    entries = []
    for i in range(3):
        when = NOW + timedelta(hours=i)
        nights.append(night(build, when, seed=3 + i, accounts=40 + i))
        proc = hcportal(work, "publish", now=when + timedelta(minutes=1))
        assert proc.returncode == 0, proc.stderr
        r = report(work)
        entries.append(Path(r["history"]))
        assert r["manual"] and r["built_from"]["run_id"] == nights[-1]
        assert r["built_from"]["found_in"].startswith("the data folder")
        if i == 0:
            first_kept = digest(entries[0])
    assert len(set(entries)) == 3 and all(e.parent == build / "history" for e in entries)
    for entry, run_id in zip(entries, nights, strict=True):
        kept = json.loads((entry / "report.json").read_text())
        assert kept["kind"] == "publish" and kept["manual"] and kept["outcome"] == "published"
        assert json.loads((entry / "manifest.json").read_text())["run_id"] == run_id
        assert (entry / "data" / "meta.json").is_file() and (
            entry / "site" / "index.html"
        ).is_file()
    # The same second twice: a second entry, the first one untouched.
    again = hcportal(work, "publish", now=NOW + timedelta(hours=2, minutes=1))
    assert again.returncode == 0, again.stderr
    assert Path(report(work)["history"]).name == entries[-1].name + "-2"
    entries.append(Path(report(work)["history"]))

    live = build / "public" / "current"
    for back in reversed(entries[:-1]):
        proc = hcportal(
            work, "publish", "--rollback", "--reason", "step back", now=NOW + timedelta(hours=9)
        )
        assert proc.returncode == 0, proc.stderr
        assert json.loads((build / "history" / "live.json").read_text())["run_id"] == back.name
        assert read_tree(live) == read_tree(back / "site")
    proc = hcportal(work, "publish", "--rollback", now=NOW + timedelta(hours=9))
    assert proc.returncode == 1 and "nothing to roll back to" in error_line(proc)
    assert digest(entries[0]) == first_kept  # never rewritten, through all of it


@pytest.mark.reliability(
    "a hand publish of a site whose data is unknown (its data folder was replaced since the build, or --site names a folder built elsewhere)",
    "refused by the gate unless forced with a reason; the entry says built_from unknown",
)
def test_a_site_whose_data_is_unknown_is_refused_unless_forced(work, tmp_path_factory):
    build = work / "build"
    night(build, NOW - timedelta(days=1))
    other = tmp_path_factory.mktemp("elsewhere") / "build"
    night(other, NOW, seed=9)  # a site built from other data, in another folder
    proc = hcportal(work, "publish", "--site", str(other / "site"))
    assert proc.returncode == 4
    assert "the data this site was built from is unknown" in error_line(proc)
    r = report(work)
    assert r["built_from"] == "unknown" and r["manual"]
    assert not (build / "public").exists()

    forced = hcportal(work, "publish", "--site", str(other / "site"), "--force", "demo for sales")
    assert forced.returncode == 0, forced.stderr
    r = report(work)
    assert r["built_from"] == "unknown" and r["gate"]["forced"] == "demo for sales"
    kept = json.loads((Path(r["history"]) / "report.json").read_text())
    assert kept["built_from"] == "unknown" and kept["gate"]["forced"] == "demo for sales"


@pytest.mark.reliability(
    "a hand publish of a site built from an earlier run's data (the data folder has moved on)",
    "the data is found in that run's history entry and the gate judges it",
)
def test_a_site_of_an_earlier_run_is_found_in_the_history(work, tmp_path):
    build = work / "build"
    first = night(build, NOW - timedelta(days=1))
    assert hcportal(work, "publish", now=NOW - timedelta(hours=20)).returncode == 0
    old_site = tmp_path / "old-site"
    os.rename(build / "site", old_site)
    night(build, NOW, seed=5)  # the data folder moves on
    proc = hcportal(work, "publish", "--site", str(old_site))
    assert proc.returncode == 0, proc.stderr
    r = report(work)
    assert r["built_from"]["run_id"] == first
    assert r["built_from"]["found_in"].startswith("history entry ")
    assert any(c["name"] == "provenance" and c["ok"] for c in r["gate"]["checks"])


@pytest.mark.reliability(
    "the transform read fewer rows than the harvest counted in the same file",
    "refused by the gate, naming the file and both counts",
)
def test_the_gate_compares_rows_read_with_rows_harvested(work):
    build = work / "build"
    run_id = night(build, NOW)
    meta_path = build / "data" / "meta.json"
    meta = json.loads(meta_path.read_text())
    harvested = meta["data_quality"]["rows_read"]["activities.csv"]
    meta["data_quality"]["rows_read"]["activities.csv"] = 99  # what a lost tail looks like
    meta_path.write_text(json.dumps(meta))
    # The site is stamped with the data it was built from: rebuild it from this data.
    assert hcportal(work, "build", "--data", "build/data", "--out", "build/site").returncode == 0
    proc = hcportal(work, "publish")
    assert proc.returncode == 4, proc.stderr
    assert f"activities.csv: the transform read 99 of the {harvested:,} rows" in error_line(proc)
    assert run_id in json.dumps(report(work)["built_from"])


@pytest.mark.reliability(
    'account names written like secrets ({"cookies": [...]}, "httpOnly": true, NAME=value, a key\'s first line)',
    "the site holds them as data (escaped): the gate's content checks do not mistake them for secrets",
)
def test_names_that_look_like_secrets_do_not_trip_the_gate(work):
    import pandas as pd

    names = ['{"cookies": [{"name": "sid"}], "origins": []}', '"httpOnly": true, "sameSite": "Lax"',
             "CRM_PASSWORD=hunter2", "-----BEGIN OPENSSH PRIVATE KEY-----",
             '{"type":"context-options"}', "x.example\tTRUE\t/\tTRUE\t0\tsid\tv"]  # fmt: skip
    raw = work / "raw"
    raw.mkdir()
    pd.DataFrame({"Owner": "Ann", "Account": names, "GEO": "AMS", "Region": "East"}).to_csv(
        raw / "accounts.csv", index=False
    )
    pd.DataFrame({"Account": names, "Product": "Core", "Start Date": "2026-10-01",
                  "End Date": "2027-10-01", "Amount": "1000"}).to_csv(raw / "contracts.csv", index=False)  # fmt: skip
    pd.DataFrame({"Name": "Ann", "Account": names, "Opportunity": "", "Subject": "Call",
                  "Revenue": "", "Timestamp": "2026-10-02 10:00", "Attachment": "N"}).to_csv(
        raw / "activities.csv", index=False
    )  # fmt: skip
    for args in (("transform", "--raw", "raw", "--out", "build/data", "--as-of", "2026-11-23"),
                 ("build", "--data", "build/data", "--out", "build/site")):  # fmt: skip
        proc = hcportal(work, *args)
        assert proc.returncode == 0, proc.stderr
    proc = hcportal(work, "publish")
    assert proc.returncode == 4  # no harvest manifest behind hand-made data
    checks = {c["name"]: c for c in report(work)["gate"]["checks"]}
    assert checks["site"]["ok"], checks["site"]["problems"]
    assert checks["provenance"]["ok"]
