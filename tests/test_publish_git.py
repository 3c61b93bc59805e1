"""The git target against a real bare repository, through the git command line."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from hcportal import publish
from hcportal.core.errors import PublishError
from hcportal.publish.git import redact_url
from hcportal.publish.settings import PublishSettings
from tests.conftest import NOW
from tests.publishing import make_site, read_tree


def git(*args: str, cwd: Path | None = None) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout.strip()


@pytest.fixture
def remote(tmp_path) -> Path:
    repo = tmp_path / "pages.git"
    git("init", "--quiet", "--bare", str(repo))
    return repo


def settings_for(repo: Path | str) -> PublishSettings:
    return PublishSettings.model_validate({"target": "git", "git": {"repo": str(repo)}})


def checkout(repo: Path, dest: Path, ref: str = "gh-pages") -> dict[str, bytes]:
    git("clone", "--quiet", "--branch", ref, str(repo), str(dest))
    tree = read_tree(dest)
    return {k: v for k, v in tree.items() if not k.startswith(".git/")}


def test_one_commit_whose_tree_is_the_site(tmp_path, remote):
    site = make_site(tmp_path / "s", "v1")
    result = publish.publish(
        site, settings_for(remote), tmp_path / "p", NOW, cache_dir=tmp_path / "c"
    )
    assert result.uploaded == len(read_tree(site)) + 1  # the site and .nojekyll
    assert checkout(remote, tmp_path / "clone") == {**read_tree(site), ".nojekyll": b""}
    log = git("--git-dir", str(remote), "log", "--format=%an|%aI|%s", "gh-pages").splitlines()
    assert log == [f"hcportal|{NOW.isoformat()}|hcportal: publish {result.release}"]
    assert result.location.startswith(f"{remote}#gh-pages@")


def test_an_unchanged_site_makes_no_commit_and_a_change_makes_one(tmp_path, remote):
    settings, cache = settings_for(remote), tmp_path / "c"
    site = make_site(tmp_path / "s", "v1")
    publish.publish(site, settings, tmp_path, NOW, cache_dir=cache)
    again = publish.publish(site, settings, tmp_path, NOW + timedelta(hours=1), cache_dir=cache)
    assert again.uploaded == 0
    assert git("--git-dir", str(remote), "rev-list", "--count", "gh-pages") == "1"
    new = make_site(tmp_path / "s2", "v2")
    (new / "static" / "logo.svg").unlink()
    third = publish.publish(new, settings, tmp_path, NOW + timedelta(days=1), cache_dir=cache)
    assert (third.uploaded, third.deleted) == (4, 1)  # 2 pages + 2 data files; the logo removed
    assert git("--git-dir", str(remote), "rev-list", "--count", "gh-pages") == "2"
    assert checkout(remote, tmp_path / "clone") == {**read_tree(new), ".nojekyll": b""}


def test_a_fresh_cache_continues_the_branch_instead_of_replacing_it(tmp_path, remote):
    site = make_site(tmp_path / "s", "v1")
    publish.publish(site, settings_for(remote), tmp_path, NOW, cache_dir=tmp_path / "c1")
    new = make_site(tmp_path / "s2", "v2")
    publish.publish(
        new, settings_for(remote), tmp_path, NOW + timedelta(1), cache_dir=tmp_path / "c2"
    )
    assert git("--git-dir", str(remote), "rev-list", "--count", "gh-pages") == "2"


def test_other_branches_are_left_alone(tmp_path, remote):
    work = tmp_path / "work"
    git("init", "--quiet", "-b", "main", str(work))
    (work / "README").write_text("source\n")
    git("add", "README", cwd=work)
    git("-c", "user.name=x", "-c", "user.email=x@x", "commit", "--quiet", "-m", "src", cwd=work)
    git("push", "--quiet", str(remote), "main", cwd=work)
    main_before = git("--git-dir", str(remote), "rev-parse", "main")
    publish.publish(make_site(tmp_path / "s", "v1"), settings_for(remote), tmp_path, NOW,
                    cache_dir=tmp_path / "c")  # fmt: skip
    assert git("--git-dir", str(remote), "rev-parse", "main") == main_before


def test_a_global_gitignore_cannot_drop_site_files(tmp_path, remote, monkeypatch):
    ignore = tmp_path / "global-ignore"
    ignore.write_text("*.js\ndata/\n")
    home = tmp_path / "home"
    home.mkdir()
    (home / ".gitconfig").write_text(f"[core]\n\texcludesFile = {ignore}\n")
    monkeypatch.setenv("HOME", str(home))
    site = make_site(tmp_path / "s", "v1")
    publish.publish(site, settings_for(remote), tmp_path, NOW, cache_dir=tmp_path / "c")
    assert "data/candidates.js" in checkout(remote, tmp_path / "clone")


def test_an_unreachable_remote_is_a_clear_error_without_the_token(tmp_path):
    url = "http://deploy:s3cr3t-token@127.0.0.1:9/site.git"
    with pytest.raises(PublishError) as e:
        publish.publish(make_site(tmp_path / "s", "v1"), settings_for(url), tmp_path, NOW,
                        cache_dir=tmp_path / "c")  # fmt: skip
    assert "git ls-remote failed for http://***@127.0.0.1:9/site.git" in str(e.value)
    assert "s3cr3t" not in str(e.value)


def test_redact_url():
    assert redact_url("https://x-access-token:ghs_abc@github.com/o/r.git") == (
        "https://***@github.com/o/r.git"
    )
    assert redact_url("git@github.com:o/r.git") == "git@github.com:o/r.git"  # no secret in it
    assert redact_url("https://u:p@ss@host/x") == "https://***@host/x"  # an "@" in the password


def test_the_run_report_masks_secrets_and_url_credentials():
    from hcportal.core.logs import register_secret
    from hcportal.runreport import RunReport

    register_secret("Run-Report-Secret-9")
    report = RunReport(kind="run", run_id="r1", started=datetime(2026, 11, 23, tzinfo=UTC))
    report.fail(RuntimeError("signing in to http://demo:pw@crm failed with Run-Report-Secret-9"))
    assert report.error == "signing in to http://***@crm failed with ********"
