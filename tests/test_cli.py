"""The CLI is thin and friendly: help with an example on every command, no tracebacks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from hcportal.cli import main

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = sorted(main.commands)


def test_the_issue_s_commands_exist():
    assert {"demo-crm", "harvest", "transform", "build", "publish", "run"} <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_with_an_example(name):
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output
    assert re.search(rf"hcportal {name}\b", result.output)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_is_documented(name):
    assert f"hcportal {name}" in (ROOT / "docs" / "cli.md").read_text("utf-8")


def test_bad_config_is_one_clear_line_not_a_traceback(tmp_path):
    cfg = tmp_path / "bad.toml"
    cfg.write_text("[transform.policy]\nafter_start_dayz = 1\n")
    result = CliRunner().invoke(main, ["publish", "--config", str(cfg)])
    assert result.exit_code == 2
    assert "unknown key" in result.output
    assert "Traceback" not in result.output


def test_transform_of_a_folder_without_reports_fails_cleanly(tmp_path):
    (tmp_path / "raw").mkdir()
    result = CliRunner().invoke(
        main, ["transform", "--raw", str(tmp_path / "raw"), "--out", str(tmp_path / "d")]
    )
    assert result.exit_code == 1
    assert "holds no harvest run" in result.output
    assert not (tmp_path / "d").exists()


def test_bad_as_of_is_rejected(tmp_path):
    result = CliRunner().invoke(
        main,
        [
            "transform",
            "--raw",
            str(tmp_path),
            "--out",
            str(tmp_path / "d"),
            "--as-of",
            "23/11/2026",
        ],
    )
    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.output


# -- an --out that points at the wrong folder wipes nothing -----------------------------------------


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A working folder with raw exports, their data folder and a note of the user's own."""
    import shutil

    shutil.copytree(ROOT / "tests" / "fixtures" / "site" / "raw", tmp_path / "raw")
    (tmp_path / "notes.txt").write_text("mine")
    monkeypatch.chdir(tmp_path)
    args = ["transform", "--raw", "raw", "--out", "data", "--as-of", "2026-11-23"]
    assert CliRunner().invoke(main, args).exit_code == 0
    return tmp_path


@pytest.mark.parametrize(
    "args",
    [
        ["build", "--data", "data", "--out", "."],  # the working folder itself
        ["build", "--data", "data", "--out", "data"],  # the input
        ["transform", "--raw", "raw", "--out", "raw", "--as-of", "2026-11-23"],  # the input
        ["transform", "--raw", "raw", "--out", "notes.txt", "--as-of", "2026-11-23"],  # a file
    ],
)
def test_an_out_folder_that_is_not_ours_is_refused_and_kept(project, args):
    before = _files(project)
    result = CliRunner().invoke(main, args)
    assert result.exit_code in (1, 2), result.output  # 2: click's own check of a file path
    assert "refusing to replace" in result.output or "is a file" in result.output
    assert "Traceback" not in result.output
    assert _files(project) == before


def test_our_own_output_folders_are_replaced(project):
    assert CliRunner().invoke(main, ["build", "--data", "data", "--out", "site"]).exit_code == 0
    again = CliRunner().invoke(main, ["build", "--data", "data", "--out", "site"])
    assert again.exit_code == 0, again.output
    args = ["transform", "--raw", "raw", "--out", "data", "--as-of", "2026-11-24"]
    assert CliRunner().invoke(main, args).exit_code == 0
    assert '"as_of": "2026-11-24"' in (project / "data" / "meta.json").read_text()


def test_a_damaged_data_folder_is_one_clear_line(project):
    (project / "data" / "occasions.parquet").write_bytes(b"not parquet at all")
    result = CliRunner().invoke(main, ["build", "--data", "data", "--out", "site"])
    assert result.exit_code == 1
    assert "occasions.parquet is damaged" in result.output and "Traceback" not in result.output
    assert not (project / "site").exists()


def test_an_output_under_a_file_is_one_clear_line(project):
    result = CliRunner().invoke(main, ["build", "--data", "data", "--out", "notes.txt/site"])
    assert result.exit_code == 1, result.output
    assert "notes.txt" in result.output and "Traceback" not in result.output


def test_an_unexpected_error_is_one_line_and_its_traceback_only_with_verbose(tmp_path, monkeypatch):
    """A bug (any exception hcportal did not expect) is still one line on standard error, the
    exception's kind and words quoted as printable text, and exit 1; `-v` logs the traceback,
    masked like every log line (a secret in the exception's words is not shown)."""
    from hcportal import pipeline
    from hcportal.core.logs import register_secret

    register_secret("sekret-token-4711")

    def broken(*args, **kwargs):
        raise ValueError("exceeded 255 char limit\r\nsekret-token-4711")

    monkeypatch.setattr(pipeline, "pack_one", broken)
    quiet = CliRunner().invoke(main, ["pack", "Acme", "--data", str(tmp_path)])
    assert quiet.exit_code == 1 and "Traceback" not in quiet.output
    (line,) = quiet.output.splitlines()
    assert line.startswith("hcportal: error: unexpected ValueError: exceeded 255 char limit\\r\\n")
    assert "sekret-token-4711" not in line and "-v" in line
    loud = CliRunner().invoke(main, ["-v", "pack", "Acme", "--data", str(tmp_path)])
    assert loud.exit_code == 1 and "Traceback" in loud.output and "in broken" in loud.output
    assert "sekret-token-4711" not in loud.output


def test_a_log_line_never_shows_the_credentials_of_a_url(monkeypatch):
    """Masked even before any secret was registered (a git remote or CRM address written with
    its token was logged as it was until the first password was read)."""
    import logging

    from hcportal.core import logs

    monkeypatch.setattr(logs, "_SECRETS", set())
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "push to %s", ("https://bot:ghp_T0ken@github.com/a/b",), None)  # fmt: skip
    assert logs._RedactingFilter().filter(record)
    assert record.getMessage() == "push to https://***@github.com/a/b"
