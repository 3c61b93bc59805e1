"""The history: what each run keeps, how long, without secrets, and which build a rollback restores."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hcportal.core.errors import PublishError
from hcportal.publish.history import History, scrub
from tests.conftest import NOW
from tests.publishing import make_site


def run_folder(tmp_path: Path, name: str, text: str) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "targets.csv").write_text(text)
    (folder / "meta.json").write_text("{}\n")
    return folder


def published(history: History, run_id: str, site: Path | None = None) -> None:
    history.record(run_id, site_dir=site)
    history.write_report(run_id, {"outcome": "published"})
    history.set_live(run_id, {"event": "published"})


def test_a_run_keeps_manifest_data_config_and_site(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "manifest.json").write_text('{"run_id": "r1"}')
    history = History(tmp_path / "history", keep=5)
    entry = history.record(
        "r1", raw_dir=raw, data_dir=run_folder(tmp_path, "data", "a,b\n"),
        config={"paths": {"build": "build"}}, site_dir=make_site(tmp_path / "site", "v1"),
    )  # fmt: skip
    assert json.loads((entry / "manifest.json").read_text()) == {"run_id": "r1"}
    assert (entry / "data" / "targets.csv").read_text() == "a,b\n"
    assert (entry / "site" / "index.html").is_file()
    assert json.loads((entry / "config.json").read_text()) == {"paths": {"build": "build"}}


def test_files_identical_to_the_previous_run_are_hard_links(tmp_path):
    history = History(tmp_path / "history", keep=5)
    a = history.record("r1", data_dir=run_folder(tmp_path, "d1", "same\n"))
    b = history.record("r2", data_dir=run_folder(tmp_path, "d2", "same\n"))
    c = history.record("r3", data_dir=run_folder(tmp_path, "d3", "changed\n"))
    ino = [(e / "data" / "targets.csv").stat().st_ino for e in (a, b, c)]
    assert ino[0] == ino[1] != ino[2]
    assert (c / "data" / "targets.csv").read_text() == "changed\n"


@pytest.mark.reliability(
    "passwords, tokens and URL credentials in the configuration",
    "the history keeps the configuration without them",
)
def test_the_kept_config_has_no_secret():
    config = {
        "harvest": {"password_env": "HCPORTAL_CRM_PASSWORD", "base_url": "https://u:pw@crm.example.com"},
        "publish": {"git": {"repo": "https://x-access-token:ghs_123@github.com/o/r.git"}},
        "extra": {"api_token": "abc123", "totp_secret": "JBSWY3DP"},
    }  # fmt: skip
    text = json.dumps(scrub(config))
    for secret in ("pw@", "ghs_123", "abc123", "JBSWY3DP"):
        assert secret not in text
    assert "HCPORTAL_CRM_PASSWORD" in text  # the name of a variable is not a secret
    assert "github.com/o/r.git" in text


def test_retention_keeps_the_newest_and_the_last_two_good_runs(tmp_path):
    history = History(tmp_path / "history", keep=3)
    published(history, "r1", make_site(tmp_path / "s1", "v1"))
    published(history, "r2", make_site(tmp_path / "s2", "v2"))
    for run_id in ("r3", "r4", "r5"):
        history.record(run_id)
        history.write_report(run_id, {"outcome": "refused"})
    assert history.prune() == []  # r1 and r2 are the last good runs: kept despite their age
    history.record("r6")
    history.write_report("r6", {"outcome": "failed"})
    assert history.prune() == ["r3"]
    assert history.runs() == ["r1", "r2", "r4", "r5", "r6"]


def test_pruning_never_touches_folders_that_are_not_runs(tmp_path):
    """The history folder may be shared (``publish.history.dir = "backups"``)."""
    root = tmp_path / "backups"
    for name in ("projectA", "projectB"):
        (root / name).mkdir(parents=True)
        (root / name / "notes.txt").write_text("mine")
    history = History(root, keep=1)
    for run_id in ("r1", "r2", "r3"):
        history.record(run_id)
        history.write_report(run_id, {"outcome": "failed"})
    assert history.prune() == ["r1", "r2"]
    assert (root / "projectA" / "notes.txt").read_text() == "mine"
    assert (root / "projectB" / "notes.txt").is_file()


def test_rollback_goes_back_one_good_run_at_a_time(tmp_path):
    history = History(tmp_path / "history", keep=10)
    with pytest.raises(PublishError, match="no run was published yet"):
        history.rollback_target()
    for i in (1, 2, 3):
        published(history, f"r{i}", make_site(tmp_path / f"s{i}", f"v{i}"))
    history.record("r4")
    history.write_report("r4", {"outcome": "refused"})
    assert history.rollback_target() == "r2"
    history.mark_rolled_back("r3", NOW, "bad owners")
    history.set_live("r2", {"event": "rollback"})
    assert not history.is_good("r3")
    assert history.last_good() == "r2"
    assert history.rollback_target() == "r1"
    history.set_live("r1", {"event": "rollback"})
    with pytest.raises(PublishError, match="no good run with a kept site before r1"):
        history.rollback_target()
    events = [
        json.loads(x)["event"]
        for x in (history.root / "publish-log.jsonl").read_text().splitlines()
    ]
    assert events == ["published", "published", "published", "rollback", "rollback"]
