"""Publish with rsync to a folder on another machine (over ssh) or on this one.

The layout and the switch are the local target's: each release is copied into a hidden folder
under ``releases/``, renamed, and ``current`` is re-pointed with one rename (``mv -T``), so the web
server on the far side never serves half a site. ``--checksum --link-dest`` makes rsync compare
content hashes with the current release: unchanged files become hard links there, and only changed
bytes cross the network. The few commands run on the host are POSIX sh plus GNU ``mv -T`` (any
Linux). A local folder runs the very same commands without ssh.
"""

from __future__ import annotations

import logging
import re
import shlex
import subprocess
from pathlib import Path

from hcportal.core.errors import PublishError
from hcportal.publish.release import Published
from hcportal.publish.settings import RsyncSettings

log = logging.getLogger(__name__)

# rsync's own rule: a colon before any slash means a remote host.
_REMOTE = re.compile(r"^(?P<host>[^/:]+):(?P<path>.*)$")

PREPARE = """set -e
d="$1"
mkdir -p "$d/releases"
rm -rf "$d"/releases/.incoming-*
if [ -L "$d/current" ]; then echo "C $(readlink "$d/current")"; fi
for r in $(ls -1 "$d/releases"); do echo "R $r"; done
"""

SWITCH = """set -e
d="$1"; id="$2"; keep="$3"
cd "$d"
mv "releases/.incoming-$id" "releases/$id"
ln -sfn "releases/$id" .current.tmp
mv -T .current.tmp current
excess=$(( $(ls -1 releases | wc -l) - keep ))
removed=0
for r in $(ls -1 releases | sort); do
  [ "$excess" -gt 0 ] || break
  if [ "$r" != "$id" ]; then rm -rf "releases/$r"; removed=$((removed + 1)); fi
  excess=$((excess - 1))
done
echo "$removed"
"""


def publish_rsync(
    site_dir: Path, files: int, settings: RsyncSettings, release_id: str, keep: int
) -> Published:
    m = _REMOTE.match(settings.dest)
    host, path = (m["host"], m["path"] or ".") if m else (None, settings.dest)
    shell = _Shell(host, settings.ssh, settings.dest)
    current, existing = None, set()
    for line in shell(PREPARE, path).splitlines():
        kind, _, value = line.partition(" ")
        if kind == "C":
            current = value.rsplit("/", 1)[-1]
        elif kind == "R":
            existing.add(value)
    release, n = release_id, 1
    while release in existing:
        n += 1
        release = f"{release_id}-{n}"
    incoming = f"{path.rstrip('/') or '.'}/releases/.incoming-{release}/"
    # No --times (unlike --archive): with --link-dest, rsync links only files whose preserved
    # attributes match, and every build writes its files anew. Content decides, by checksum.
    cmd = [*shlex.split(settings.rsync), "--recursive", "--links", "--perms", "--checksum"]
    cmd += ["--delete", "--stats"]
    if host:
        cmd += ["--rsh", settings.ssh]
    if current and current in existing:
        cmd.append(f"--link-dest=../{current}")  # relative to the destination folder
    cmd += [f"{site_dir.absolute()}/", f"{host}:{incoming}" if host else incoming]
    stats = _run(cmd, settings.dest)
    removed = shell(SWITCH, path, release, str(keep)).strip().splitlines()
    sent = _stat(stats, r"Number of regular files transferred: ([\d,.]+)")
    result = Published(
        "rsync",
        release,
        f"{settings.dest.rstrip('/')}/current/index.html",
        files=files,
        uploaded=sent,
        unchanged=max(files - sent, 0),
        deleted=int(removed[-1]) if removed and removed[-1].isdigit() else 0,
        bytes_uploaded=_stat(stats, r"Total transferred file size: ([\d,.]+)"),
    )
    log.info("rsync: %d sent, %d unchanged to %s", result.uploaded, result.unchanged, settings.dest)
    return result


def _stat(text: str, pattern: str) -> int:
    m = re.search(pattern, text)
    return int(re.sub(r"[,.]", "", m.group(1))) if m else 0


class _Shell:
    """Run a small sh script on the host: through ssh, or here when the folder is local."""

    def __init__(self, host: str | None, ssh: str, shown: str) -> None:
        self.host, self.ssh, self.shown = host, ssh, shown

    def __call__(self, script: str, *args: str) -> str:
        if self.host is None:
            cmd = ["sh", "-c", script, "sh", *args]
        else:
            # ssh joins its arguments into one command line for the remote shell: quote once.
            remote = " ".join(shlex.quote(a) for a in ["sh", "-c", script, "sh", *args])
            cmd = [*shlex.split(self.ssh), self.host, remote]
        return _run(cmd, self.shown)


def _run(cmd: list[str], shown: str) -> str:
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise PublishError(f"the rsync target needs {cmd[0]!r} installed (not found)") from None
    if proc.returncode != 0:
        lines = proc.stderr.strip().splitlines()
        detail = lines[-1] if lines else f"exit {proc.returncode}"
        raise PublishError(f"{Path(cmd[0]).name} to {shown} failed: {detail}")
    return proc.stdout
