"""The drop-folder source: files another automation delivered get the same checks and manifest."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from hcportal.cli import main
from hcportal.core.clock import fixed
from hcportal.core.errors import HarvestError
from hcportal.harvest.folder import harvest_folder
from hcportal.harvest.manifest import read_manifest
from hcportal.harvest.runs import resolve_run
from tests.conftest import NOW
from tests.harvesting import reports

FOOTER = '\r\n"Confidential Information - Do Not Distribute"\r\n'


def drop(folder, name: str, rows: int, *, hours_old: float | None = 1, footer: bool = True) -> None:
    """Write an accounts-shaped export into the drop folder, ``hours_old`` before NOW (None: the
    file is as new as the real clock says, for the CLI, which reads the real clock)."""
    folder.mkdir(exist_ok=True)
    lines = ["Owner,Account,GEO,Region,Tier,Industry"]
    lines += [f"Ana {i},Acme {i},EMEA,DACH,Strategic,Retail" for i in range(rows)]
    path = folder / name
    path.write_bytes(("\r\n".join(lines) + "\r\n" + (FOOTER if footer else "")).encode("cp1252"))
    if hours_old is not None:
        stamp = (NOW - timedelta(hours=hours_old)).timestamp()
        os.utime(path, (stamp, stamp))


def test_newest_matching_file_is_validated_and_manifested(tmp_path):
    inbox, raw = tmp_path / "inbox", tmp_path / "raw"
    drop(inbox, "accounts_2026-11-22.csv", 10, hours_old=20)
    drop(inbox, "accounts_2026-11-23.csv", 12)
    run_dir, manifest = harvest_folder(inbox, reports("accounts"), raw, fixed(NOW))
    entry = manifest.report("accounts")
    assert (manifest.source, entry.route, entry.rows) == ("folder", "folder", 12)
    assert entry.source_url.endswith("accounts_2026-11-23.csv")
    assert (entry.encoding, entry.footer_lines) == ("utf-8", 1)
    assert read_manifest(run_dir) == manifest and resolve_run(raw) == run_dir
    assert len(list(inbox.iterdir())) == 2, "the drop folder is never emptied"


def test_stale_missing_or_capped_files_fail_and_keep_the_last_good_run(tmp_path):
    inbox, raw = tmp_path / "inbox", tmp_path / "raw"
    drop(inbox, "accounts.csv", 100)
    good, _ = harvest_folder(inbox, reports("accounts"), raw, fixed(NOW))
    later = NOW + timedelta(days=2)
    with pytest.raises(HarvestError, match=r"step 'check the file age': accounts.csv is 49 hours"):
        harvest_folder(inbox, reports("accounts"), raw, fixed(later))
    with pytest.raises(
        HarvestError, match=r"step 'find the file': no file matching 'contracts\*.csv'"
    ):
        harvest_folder(inbox, reports("contracts"), raw, fixed(later.replace(hour=7)))
    drop(inbox, "accounts.csv", 2000)
    with pytest.raises(HarvestError, match=r"exactly 2,000 rows"):
        harvest_folder(inbox, reports("accounts"), raw, fixed(NOW + timedelta(hours=1)))
    drop(inbox, "accounts.csv", 10)
    with pytest.raises(
        HarvestError, match=rf"10 rows, down from 100 in the last good run {good.name}"
    ):
        harvest_folder(inbox, reports("accounts"), raw, fixed(NOW + timedelta(hours=2)))
    assert resolve_run(raw) == good
    assert sorted(p.name for p in raw.iterdir()) == [good.name, "failed", "latest"]


def test_optional_report_missing_is_recorded_without_failing(tmp_path):
    inbox = tmp_path / "inbox"
    drop(inbox, "accounts.csv", 5)
    specs = {**reports("accounts"), **reports("contracts", required=False)}
    _, manifest = harvest_folder(inbox, specs, tmp_path / "raw", fixed(NOW))
    assert [r.name for r in manifest.reports] == ["accounts"]
    (missing,) = manifest.failures
    assert (missing.name, missing.required, missing.step) == ("contracts", False, "find the file")


def test_cli_from_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    inbox = tmp_path / "inbox"
    for name in ("accounts", "contracts", "activities"):
        drop(inbox, f"{name}.csv", 3, hours_old=None)
    # Only accounts has accounts' columns: the others fail validation, naming their step.
    result = CliRunner().invoke(main, ["harvest", "--from-folder", str(inbox), "--out", "raw"])
    assert result.exit_code == 1
    assert "report 'activities', step 'validate': activities.csv: the export lacks" in result.output
    config = tmp_path / "c.toml"
    config.write_text(
        '[harvest.reports.accounts]\nrequired_columns = ["Owner", "Account"]\n'
        "[harvest.reports.contracts]\nrequired = false\n"
    )
    result = CliRunner().invoke(
        main, ["harvest", "--config", str(config), "--from-folder", str(inbox), "--out", "raw"]
    )
    assert result.exit_code == 0, result.output
    assert "accounts" in result.output and "folder" in result.output


@pytest.mark.parametrize("text", ["[]", '"failed"', "7", "null"])
def test_a_manifest_that_is_not_an_object_is_a_clear_error(tmp_path, monkeypatch, text):
    """A folder filled by hand with a stray manifest.json holding a list: hcportal transform
    ended in AttributeError ('list' object has no attribute 'get') while finding the run."""
    import shutil

    raw = tmp_path / "raw"
    shutil.copytree(Path(__file__).parent / "fixtures" / "site" / "raw", raw)
    (raw / "manifest.json").write_text(text, "utf-8")
    assert resolve_run(raw) == raw
    monkeypatch.chdir(tmp_path)  # the build folder's lock: this test's own
    result = CliRunner().invoke(
        main, ["transform", "--raw", str(raw), "--out", str(tmp_path / "d")]
    )
    assert result.exit_code == 1 and "unexpected" not in result.output
    assert "manifest.json is not a valid manifest" in result.output
