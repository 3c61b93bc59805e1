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
