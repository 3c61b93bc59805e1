"""One typed config: defaults run the demo, a TOML file overrides, mistakes get clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from hcportal import config_docs
from hcportal.config import load_config
from hcportal.core.errors import ConfigError
from hcportal.demo import demo_reports

ROOT = Path(__file__).resolve().parent.parent


def test_defaults_run_the_demo(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HCPORTAL_CONFIG", raising=False)
    config = load_config()
    assert config.harvest.source == "demo"
    # No reports named: the demo CRM, started for the run, lists its own.
    assert config.harvest.reports == {}
    # the three the transform needs, required; the four others optional
    specs = demo_reports()
    assert {n for n, s in specs.items() if s.required} == {"activities", "accounts", "contracts"}
    assert {n for n, s in specs.items() if not s.required} == {
        "surveys",
        "tickets",
        "invoices",
        "usage",
    }
    assert config.transform.policy.after_start_days == 90
    assert config.publish_dir == tmp_path / "build" / "public"


def test_file_overrides_and_relative_paths_follow_the_file(tmp_path):
    cfg = tmp_path / "conf" / "acme.toml"
    cfg.parent.mkdir()
    cfg.write_text(
        '[paths]\nbuild = "out"\n[transform.policy]\nwindow_before_days = 30\n'
        '[transform.columns.activities]\nowner = "Assigned To"\n'
    )
    config = load_config(cfg)
    assert config.transform.policy.window_before_days == 30
    assert config.transform.policy.window_after_days == 60
    assert config.transform.columns.activities.owner == "Assigned To"
    assert config.build_dir == tmp_path / "conf" / "out"
    assert config.drop_folder is None


def test_the_drop_folder_follows_the_config_file(tmp_path):
    cfg = tmp_path / "conf" / "acme.toml"
    cfg.parent.mkdir()
    cfg.write_text('[harvest]\nsource = "folder"\nfolder = "drop"\n')
    assert load_config(cfg).drop_folder == tmp_path / "conf" / "drop"


def test_env_var_names_the_file(tmp_path):
    cfg = tmp_path / "x.toml"
    cfg.write_text('[site]\ntitle = "Acme HC"\n')
    assert load_config(env={"HCPORTAL_CONFIG": str(cfg)}).site.title == "Acme HC"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "[transform.policy]\nafter_start_dayz = 30\n",
            "transform.policy.after_start_dayz: unknown key",
        ),
        ("[transform.policy]\nhorizon_days = 'soon'\n", "transform.policy.horizon_days"),
        ("[transform.policy]\nevidence_subject = '(unclosed'\n", "not a valid regular expression"),
        ("[transform.policy]\nfiscal_year_start_month = 13\n", "fiscal_year_start_month"),
        ("[harvest\n", "not valid TOML"),
        ("[harvest]\nbase_url = 'https://me:pw@crm.example.com'\n", "must not hold a user name"),
    ],
)
def test_mistakes_name_the_key(tmp_path, text, expected):
    cfg = tmp_path / "bad.toml"
    cfg.write_text(text)
    with pytest.raises(ConfigError, match=expected.replace("(", r"\(")):
        load_config(cfg)


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "nope.toml")


def test_configuration_reference_is_current():
    """docs/configuration.md is generated from the fields' descriptions: regenerate with `make docs`."""
    committed = (ROOT / "docs" / "configuration.md").read_text("utf-8")
    assert committed == config_docs.render(), "docs/configuration.md is stale: run `make docs`"
