"""Publish to a git branch (GitHub Pages' ``gh-pages``, GitLab Pages, any static host fed by git).

One release is one commit whose tree is exactly the site, pushed in one ref update: the host sees
the old commit or the new one, never a mix. Git stores content by hash, so a commit adds only the
files that changed, and the push sends only what the remote lacks. The commit is built with
plumbing (``add`` into a private index, ``write-tree``, ``commit-tree``) in a bare cache repository
under the build folder: no working copy to get dirty, no checkout of the branch. A release whose
tree equals the branch's is not committed at all.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import subprocess
from datetime import datetime
from pathlib import Path

from hcportal.core.errors import PublishError
from hcportal.core.logs import register_secret, strip_userinfo
from hcportal.publish.release import Published
from hcportal.publish.settings import GitSettings

log = logging.getLogger(__name__)

# Settings that would make the tree differ from the site's bytes: a user's global ignore file
# (e.g. ignoring *.csv), line-ending conversion.
_NEUTRAL = ["-c", "core.excludesFile=/dev/null", "-c", "core.autocrlf=false"]


def publish_git(
    site_dir: Path, settings: GitSettings, cache_root: Path, release_id: str, now: datetime
) -> Published:
    repo = _repo_arg(settings.repo)
    shown = redact_url(settings.repo)
    cache = cache_root / (hashlib.sha256(settings.repo.encode()).hexdigest()[:16] + ".git")
    git = _Git(cache, shown)
    if not (cache / "HEAD").is_file():
        cache.mkdir(parents=True, exist_ok=True)
        git("init", "--quiet", "--bare")
    branch = settings.branch
    remote_ref = f"refs/heads/{branch}"
    heads = git("ls-remote", "--heads", repo, remote_ref).split()
    parent = heads[0] if heads else None
    if parent:
        git("fetch", "--quiet", "--no-tags", repo, f"+{remote_ref}:refs/hcportal/{branch}")
    index = cache / f"hcportal-index-{os.getpid()}"
    env = {"GIT_INDEX_FILE": str(index)}
    try:
        index.unlink(missing_ok=True)
        git("--work-tree", str(site_dir.absolute()), "add", "--all", "--force", ".", env=env)
        if settings.nojekyll:
            empty = git("hash-object", "-w", "--stdin", stdin="").strip()
            git("update-index", "--add", "--cacheinfo", f"100644,{empty},.nojekyll", env=env)
        tree = git("write-tree", env=env).strip()
        files = len(git("ls-files", env=env).splitlines())
    finally:
        index.unlink(missing_ok=True)
    result = Published("git", release_id, f"{shown}#{branch}", files=files)
    if parent and git("rev-parse", f"{parent}^{{tree}}").strip() == tree:
        result.unchanged = files
        result.location = f"{shown}#{branch}@{parent[:12]}"
        log.info("git: %s is already the site; nothing to commit", result.location)
        return result
    stamp = now.isoformat(timespec="seconds")
    identity = {
        "GIT_AUTHOR_NAME": settings.author_name,
        "GIT_AUTHOR_EMAIL": settings.author_email,
        "GIT_AUTHOR_DATE": stamp,
        "GIT_COMMITTER_NAME": settings.author_name,
        "GIT_COMMITTER_EMAIL": settings.author_email,
        "GIT_COMMITTER_DATE": stamp,
    }
    message = settings.message.replace("{release}", release_id)
    parents = ["-p", parent] if parent else []
    commit = git("commit-tree", tree, *parents, "-m", message, env=identity).strip()
    changes = _changes(git, parent, commit)
    result.uploaded = changes["A"] + changes["M"]
    result.deleted = changes["D"]
    result.unchanged = files - result.uploaded
    # A plain push: if someone else moved the branch since the fetch, it is refused, not lost.
    git("push", "--quiet", repo, f"{commit}:{remote_ref}")
    result.location = f"{shown}#{branch}@{commit[:12]}"
    log.info(
        "git: pushed %s (%d changed, %d removed)", result.location, result.uploaded, result.deleted
    )
    return result


def _changes(git: _Git, parent: str | None, commit: str) -> dict[str, int]:
    counts = {"A": 0, "M": 0, "D": 0}
    if parent is None:
        counts["A"] = len(git("ls-tree", "-r", "--name-only", commit).splitlines())
        return counts
    out = git("diff-tree", "-r", "--no-renames", "--name-status", parent, commit)
    for line in out.splitlines():
        status = line[:1]
        counts[status if status in counts else "M"] += 1
    return counts


def _repo_arg(repo: str) -> str:
    """A plain path is made absolute: git runs with the cache as its folder."""
    if re.match(r"^[a-z][a-z0-9+.-]*://", repo) or re.match(r"^[^/]+@[^/]+:", repo):
        _register_url_secret(repo)
        return repo
    return str(Path(repo).expanduser().absolute())


def _register_url_secret(url: str) -> None:
    m = re.match(r"^[a-z][a-z0-9+.-]*://([^/@]*)@", url)
    if m:
        user, _, password = m.group(1).partition(":")
        register_secret(password or user)


def redact_url(url: str) -> str:
    """``https://user:token@host/x`` -> ``https://***@host/x``: a token never reaches a log."""
    return strip_userinfo(url)


class _Git:
    def __init__(self, git_dir: Path, shown_repo: str) -> None:
        self.git_dir = git_dir
        self.shown_repo = shown_repo

    def __call__(self, *args: str, env: dict | None = None, stdin: str | None = None) -> str:
        cmd = ["git", *_NEUTRAL, "--git-dir", str(self.git_dir), *args]
        full_env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", **(env or {})}
        try:
            proc = subprocess.run(
                cmd, env=full_env, input=stdin, capture_output=True, text=True, check=False
            )
        except FileNotFoundError:
            raise PublishError("the git target needs git installed (not found on PATH)") from None
        if proc.returncode != 0:
            detail = redact_url(proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "")
            name = next((a for a in args if not a.startswith(("-", "/"))), args[0])
            raise PublishError(
                f"git {name} failed for {self.shown_repo}: {detail or f'exit {proc.returncode}'}"
            )
        return proc.stdout
