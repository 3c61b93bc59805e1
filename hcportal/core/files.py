"""Filesystem helpers that never leave a half-written file or folder behind.

Every stage writes its output aside and moves it into place in one step, so a crash or a bad input
never replaces the last good data with a partial one.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from hcportal.core.errors import OutputError


def atomic_write_bytes(path: Path, data: bytes, mode: int | None = None) -> None:
    """Write ``data`` to ``path`` through a temporary sibling and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def atomic_write_text(path: Path, text: str, mode: int | None = None) -> None:
    atomic_write_bytes(path, text.encode("utf-8"), mode)


@contextlib.contextmanager
def staged_dir(
    final: Path, ours: Callable[[Path], bool] | None = None, what: str = "output"
) -> Iterator[Path]:
    """Yield an empty folder beside ``final``; on success it replaces ``final``.

    On an exception the staged folder is removed and ``final`` is left exactly as it was. The swap
    is two renames (old aside, new in), so a reader may briefly find no folder but never a mixed one.
    ``ours`` tells whether an existing, non-empty ``final`` is a ``what`` this tool wrote: if not,
    nothing is replaced (an ``--out`` pointing at the wrong folder must not wipe it).
    """
    final = final.absolute()
    if ours is not None:
        check_replaceable(final, ours, what)
    final.parent.mkdir(parents=True, exist_ok=True)
    # mkdir (not mkdtemp, which makes it 0700) so the folder gets the umask's permissions: a web
    # server's user must be able to read a published site.
    staging = final.parent / f".{final.name}.new-{os.getpid()}-{os.urandom(4).hex()}"
    staging.mkdir()
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    replace_dir(staging, final)


def check_replaceable(final: Path, ours: Callable[[Path], bool], what: str) -> None:
    """Raise :class:`OutputError` unless ``final`` is absent, empty, or a ``what`` we wrote, and
    does not hold the working folder."""
    here = Path.cwd().resolve()
    target = final.resolve()
    if target == here or target in here.parents:
        raise OutputError(f"refusing to replace {final}: it holds the current folder")
    for path in (final, *final.parents):
        if path.is_file():
            raise OutputError(f"cannot write the {what} to {final}: {path} is a file")
    if final.is_dir() and any(final.iterdir()) and not ours(final):
        raise OutputError(
            f"refusing to replace {final}: it is not empty and is not an hcportal {what} folder "
            "(choose a new or empty folder)"
        )


def replace_dir(new: Path, final: Path) -> None:
    """Move folder ``new`` to ``final``, replacing whatever was there."""
    old = None
    if final.exists() or final.is_symlink():
        old = final.parent / f".{final.name}.old-{os.getpid()}"
        if old.exists():
            shutil.rmtree(old)
        os.replace(final, old)
    os.replace(new, final)
    if old is not None:
        if old.is_symlink() or old.is_file():
            old.unlink()
        else:
            shutil.rmtree(old, ignore_errors=True)


def point_symlink(link: Path, target: str | Path) -> None:
    """Atomically make ``link`` a symlink to ``target`` (a rename over the old link)."""
    tmp = link.parent / f".{link.name}.tmp-{os.getpid()}"
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    os.symlink(target, tmp)
    os.replace(tmp, link)


def sha256_file(path: Path) -> str:
    import hashlib

    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
