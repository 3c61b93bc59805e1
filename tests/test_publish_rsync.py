"""The rsync target: to a local folder, and through a remote shell exactly as over ssh.

There is no sshd here, so the remote shell is a two-line stand-in for ssh that runs the command it
is given on this machine, the way sshd would on the host: rsync speaks its real remote protocol
through it, and the switch script runs through it.
"""

from __future__ import annotations

import os
import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from hcportal import publish
from hcportal.core.errors import PublishError
from hcportal.publish.settings import PublishSettings
from tests.conftest import NOW
from tests.publishing import make_site, read_tree

pytestmark = pytest.mark.skipif(
    shutil.which("rsync") is None, reason="rsync is not installed (.ci/run installs it)"
)


def settings_for(dest: str, **rsync: str) -> PublishSettings:
    return PublishSettings.model_validate(
        {"target": "rsync", "keep_releases": 2, "rsync": {"dest": dest, **rsync}}
    )


@pytest.fixture
def fake_ssh(tmp_path) -> str:
    """``ssh HOST COMMAND...`` -> run COMMAND here with sh, as sshd runs it with the login shell."""
    script = tmp_path / "fake-ssh"
    log = tmp_path / "ssh.log"
    script.write_text(f'#!/bin/sh\necho "$1" >> {log}\nshift\nexec sh -c "$*"\n')
    script.chmod(0o755)
    return str(script)


def test_rsync_to_a_folder_switches_current_and_links_unchanged_files(tmp_path):
    dest = tmp_path / "www"
    settings = settings_for(str(dest))
    first = publish.publish(make_site(tmp_path / "a", "v1"), settings, tmp_path, NOW)
    assert read_tree(dest / "current") == read_tree(tmp_path / "a")
    new = make_site(tmp_path / "b", "v2")
    for f in new.rglob("*"):  # a later build: every file written anew, unchanged ones included
        os.utime(f, (f.stat().st_atime, f.stat().st_mtime + 3600))
    second = publish.publish(new, settings, tmp_path, NOW + timedelta(days=1))
    assert read_tree(dest / "current") == read_tree(new)
    assert (second.uploaded, second.unchanged) == (4, 3)
    a, b = dest / "releases" / first.release, dest / "releases" / second.release
    assert (a / "static/app.js").stat().st_ino == (b / "static/app.js").stat().st_ino
    assert os.readlink(dest / "current") == f"releases/{second.release}"


def test_rsync_over_a_remote_shell(tmp_path, fake_ssh):
    dest = tmp_path / "srv" / "hcportal"
    settings = settings_for(f"webhost:{dest}", ssh=fake_ssh)
    site = make_site(tmp_path / "a", "v1")
    result = publish.publish(site, settings, tmp_path, NOW)
    assert read_tree(dest / "current") == read_tree(site)
    assert result.location == f"webhost:{dest}/current/index.html"
    assert "webhost" in (tmp_path / "ssh.log").read_text()  # it really went through the shell
    for h in range(1, 4):
        publish.publish(
            make_site(tmp_path / f"s{h}", f"v{h}"), settings, tmp_path, NOW + timedelta(h)
        )
    assert len(list((dest / "releases").iterdir())) == 2  # keep_releases, pruned on the host


def test_a_failing_remote_is_a_clear_error(tmp_path):
    settings = settings_for("webhost:/srv/x", ssh="false")
    with pytest.raises(PublishError, match="to webhost:/srv/x failed"):
        publish.publish(make_site(tmp_path / "a", "v1"), settings, tmp_path, NOW)


def test_a_killed_earlier_transfer_is_cleaned_up(tmp_path):
    dest = tmp_path / "www"
    settings = settings_for(str(dest))
    publish.publish(make_site(tmp_path / "a", "v1"), settings, tmp_path, NOW)
    debris = dest / "releases" / ".incoming-20261124T000000Z"
    debris.mkdir()
    (debris / "index.html").write_text("half")
    publish.publish(make_site(tmp_path / "b", "v2"), settings, tmp_path, NOW + timedelta(days=1))
    assert not debris.exists()
    assert Path(dest / "current" / "index.html").read_text() != "half"
