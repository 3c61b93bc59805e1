"""The local target: releases, an atomic switch, only changed files copied, a kill changes nothing."""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from hcportal import publish
from hcportal.core.errors import PublishError
from hcportal.publish.settings import PublishSettings
from tests.conftest import NOW
from tests.publishing import make_site, read_tree

ROOT = Path(__file__).resolve().parent.parent


def test_publish_switches_current_to_a_complete_release(tmp_path):
    old = make_site(tmp_path / "old", "v1")
    dest = tmp_path / "public"
    first = publish.publish(old, PublishSettings(), dest, NOW)
    assert first.location == str(dest / "current" / "index.html")
    assert read_tree(dest / "current") == read_tree(old)
    assert (first.uploaded, first.unchanged) == (len(read_tree(old)), 0)
    assert os.readlink(dest / "current") == f"releases/{first.release}"  # relative: dest can move


def test_unchanged_files_are_shared_with_the_previous_release_not_copied(tmp_path):
    dest = tmp_path / "public"
    first = publish.publish(make_site(tmp_path / "a", "v1"), PublishSettings(), dest, NOW)
    new = make_site(tmp_path / "b", "v2")
    second = publish.publish(new, PublishSettings(), dest, NOW + timedelta(days=1))
    assert read_tree(dest / "current") == read_tree(new)
    a, b = dest / "releases" / first.release, dest / "releases" / second.release
    # static/* did not change: the same inode; pages and data did: separate files.
    assert (a / "static/app.js").stat().st_ino == (b / "static/app.js").stat().st_ino
    assert (a / "index.html").stat().st_ino != (b / "index.html").stat().st_ino
    assert (second.uploaded, second.unchanged) == (4, 3)
    assert (a / "index.html").read_text() != (b / "index.html").read_text()  # old one intact


def test_old_releases_are_pruned_but_never_the_current_one(tmp_path):
    dest, settings = tmp_path / "public", PublishSettings(keep_releases=2)
    site = make_site(tmp_path / "s", "v1")
    ids = [
        publish.publish(site, settings, dest, NOW + timedelta(hours=h)).release for h in range(4)
    ]
    assert sorted(p.name for p in (dest / "releases").iterdir()) == ids[-2:]


def test_a_second_release_in_the_same_second_gets_its_own_folder(tmp_path):
    dest, site = tmp_path / "public", make_site(tmp_path / "s", "v1")
    a = publish.publish(site, PublishSettings(), dest, NOW)
    b = publish.publish(site, PublishSettings(), dest, NOW)
    assert a.release != b.release and (dest / "releases" / a.release).is_dir()


def test_a_site_with_a_symlink_is_refused(tmp_path):
    site = make_site(tmp_path / "s", "v1")
    (site / "data" / "secrets.js").symlink_to("/etc/passwd")
    with pytest.raises(PublishError, match=r"secrets.js is not a regular file"):
        publish.publish(site, PublishSettings(), tmp_path / "public", NOW)
    assert not (tmp_path / "public" / "current").exists()


def test_a_folder_that_is_not_a_site_is_refused(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(PublishError, match=r"no index\.html"):
        publish.publish(tmp_path / "empty", PublishSettings(), tmp_path / "public", NOW)


# -- killed midway ---------------------------------------------------------------------------------

# A real publish in its own process that halts after a few copied files (a test-only hook installed
# from outside the library) and waits there, on an event nothing sets, for the test's SIGKILL: the
# kill lands halfway through every time, with no sleep to tune.
HALT_AFTER = 4
SLOW_PUBLISH = f"""
import sys, threading
from datetime import datetime
from pathlib import Path
from hcportal import publish
import hcportal.publish.local as local
from hcportal.publish.settings import PublishSettings

copy, copied = local._copy, []
def halting_copy(src, dst):
    copy(src, dst)
    copied.append(dst)
    print("copied", dst, flush=True)
    if len(copied) == {HALT_AFTER}:
        threading.Event().wait()  # until killed
local._copy = halting_copy
publish.publish(Path(sys.argv[1]), PublishSettings(), Path(sys.argv[2]),
                datetime.fromisoformat(sys.argv[3]))
print("done", flush=True)
"""


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """A real web server whose document root is ``folder`` (followed afresh on every request)."""
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *a: None  # type: ignore[method-assign]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def fetch_all(base: str, names: list[str]) -> dict[str, bytes]:
    out = {}
    for name in names:
        with urllib.request.urlopen(base + name, timeout=10) as r:
            out[name] = r.read()
    return out


def start_slow(code: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_lines(proc: subprocess.Popen, prefix: str, count: int) -> list[str]:
    seen: list[str] = []
    assert proc.stdout is not None
    while len(seen) < count:
        line = proc.stdout.readline()
        assert line, f"publisher ended early: {proc.stderr.read() if proc.stderr else ''}"
        if line.startswith(prefix):
            seen.append(line)
    return seen


@pytest.mark.reliability(
    "SIGKILL in the middle of a local publish",
    "the old release stays served and whole; the next publish cleans up and switches",
)
def test_a_publish_killed_midway_leaves_the_old_site_served_and_whole(tmp_path):
    dest = tmp_path / "public"
    old = make_site(tmp_path / "old", "v1", pages=6)
    publish.publish(old, PublishSettings(), dest, NOW)
    old_files = read_tree(old)
    new = make_site(tmp_path / "new", "v2", pages=12)
    with serve(dest / "current") as base:
        proc = start_slow(SLOW_PUBLISH, str(new), str(dest), (NOW + timedelta(days=1)).isoformat())
        try:
            wait_for_lines(proc, "copied", HALT_AFTER)  # some new files are down, many to come
            # While it runs, readers get the old site, every file of it.
            assert fetch_all(base, list(old_files)) == old_files
            os.kill(proc.pid, signal.SIGKILL)
        finally:
            proc.kill()
            proc.wait(timeout=10)
        assert proc.returncode == -signal.SIGKILL
        assert fetch_all(base, list(old_files)) == old_files
        with pytest.raises(urllib.error.HTTPError):  # nothing of the new site leaked in
            fetch_all(base, ["owner/page8.html"])
        assert list((dest / "releases").glob(".incoming-*"))  # the half-copied release, aside
        # The next publish cleans up after the killed one and switches as usual.
        publish.publish(new, PublishSettings(), dest, NOW + timedelta(days=2))
        assert fetch_all(base, list(read_tree(new))) == read_tree(new)
    assert not list((dest / "releases").glob(".incoming-*"))
