"""History: every run kept in ``<build>/history/<run-id>/``, so the past can be compared and restored.

Each run keeps its raw ``manifest.json``, the transform's output (``data/``), the effective
configuration without secrets (``config.json``) and its run report (``report.json``); a run that
was published also keeps the built site (``site/``), which is what ``--rollback`` republishes.
Files identical to the previous run's are hard links, so a quiet night costs little disk.

``live.json`` names the run whose site is published now; ``publish-log.jsonl`` is the append-only
record of every publish, forced publish and rollback, with its reason. A run is *good* when it was
published and has not been rolled back since.

The history is append-only: every run and every publish by hand gets an entry of its own (a second
one in the same second is ``<id>-2``), and nothing kept in an entry is ever written again. So a
rollback always restores exactly the site the gate judged, with the data it was judged on.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from datetime import datetime
from pathlib import Path

from hcportal.core.errors import PublishError
from hcportal.core.files import atomic_write_text, staged_dir
from hcportal.core.logs import strip_userinfo
from hcportal.publish.files import hash_file

LIVE = "live.json"
LOG = "publish-log.jsonl"
REPORT = "report.json"
CONFIG = "config.json"
RUN_FILES = (REPORT, CONFIG, "manifest.json", "data/meta.json", "site/index.html")
ROLLED_BACK = "rolled_back.json"
SECRET_KEY = re.compile(r"password|secret|token|credential|api_?key", re.I)


class History:
    def __init__(self, root: Path, keep: int) -> None:
        self.root = root
        self.keep = keep

    # -- writing -------------------------------------------------------------------------------

    def record(
        self,
        run_id: str,
        *,
        raw_dir: Path | None = None,
        data_dir: Path | None = None,
        config: dict | None = None,
        site_dir: Path | None = None,
    ) -> Path:
        """Keep what this run produced (each part only when given) in a new entry, beside earlier
        runs: ``<root>/<run_id>``, or ``<run_id>-2``, ... when that one exists. Returns it."""
        entry = self._new_entry(run_id)
        if raw_dir is not None and (raw_dir / "manifest.json").is_file():
            shutil.copy2(raw_dir / "manifest.json", entry / "manifest.json")
        if config is not None:
            atomic_write_text(entry / CONFIG, json.dumps(scrub(config), indent=2) + "\n")
        for name, src in (("data", data_dir), ("site", site_dir)):
            if src is not None and src.is_dir():
                reference = self._latest_with(name, before=entry.name)
                with staged_dir(entry / name) as tmp:
                    copy_tree(src, tmp, reference)
        return entry

    def _new_entry(self, run_id: str) -> Path:
        self.root.mkdir(parents=True, exist_ok=True)
        name, n = run_id, 1
        while True:
            try:
                (self.root / name).mkdir()  # atomic: two processes never share an entry
                return self.root / name
            except FileExistsError:
                n += 1
                name = f"{run_id}-{n}"

    def write_report(self, run_id: str, report: dict) -> Path:
        """The entry's run report, written once: a kept report is never replaced."""
        path = self.root / run_id / REPORT
        if path.exists():
            raise PublishError(f"{path} exists: the history is append-only")
        atomic_write_text(path, json.dumps(report, indent=2, default=str) + "\n")
        return path

    def set_live(self, run_id: str, event: dict) -> None:
        """Record that ``run_id``'s site is now the published one, and why."""
        event = {"run_id": run_id, **event}
        atomic_write_text(self.root / LIVE, json.dumps(event, indent=2, default=str) + "\n")
        self.log(event)

    def log(self, event: dict) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / LOG).open("a", encoding="utf-8") as f:
            f.write(json.dumps(event, default=str) + "\n")

    def mark_rolled_back(self, run_id: str, when: datetime, reason: str) -> None:
        """Note that ``run_id``'s release was rolled back (the first time only: never rewritten)."""
        path = self.root / run_id / ROLLED_BACK
        if not path.exists():
            note = {"at": when.isoformat(timespec="seconds"), "reason": reason}
            atomic_write_text(path, json.dumps(note) + "\n")

    def prune(self) -> list[str]:
        """Drop the oldest runs beyond ``keep``; the last two good runs stay whatever their age
        (the live site and the one a rollback would restore)."""
        runs = self.runs()
        protected = set(self.good_runs()[-2:])
        live = self.live()
        if live:
            protected.add(live.get("run_id", ""))
        removed = []
        for run_id in runs[: max(len(runs) - self.keep, 0)]:
            if run_id not in protected:
                shutil.rmtree(self.root / run_id, ignore_errors=True)
                removed.append(run_id)
        return removed

    # -- reading -------------------------------------------------------------------------------

    def runs(self) -> list[str]:
        """The runs kept here: folders holding what :meth:`record` or :meth:`write_report`
        writes. Anything else in the folder (it may be shared) is not ours, so never pruned."""
        if not self.root.is_dir():
            return []
        return sorted(
            p.name
            for p in self.root.iterdir()
            if p.is_dir() and p.name[0] != "." and any((p / f).is_file() for f in RUN_FILES)
        )

    def report(self, run_id: str) -> dict | None:
        try:
            return json.loads((self.root / run_id / REPORT).read_text("utf-8"))
        except (OSError, ValueError):
            return None

    def is_good(self, run_id: str) -> bool:
        report = self.report(run_id) or {}
        return (
            report.get("outcome") == "published" and not (self.root / run_id / ROLLED_BACK).exists()
        )

    def good_runs(self) -> list[str]:
        return [r for r in self.runs() if self.is_good(r)]

    def last_good(self, exclude: str | None = None) -> str | None:
        good = [r for r in self.good_runs() if r != exclude]
        return good[-1] if good else None

    def live(self) -> dict | None:
        try:
            return json.loads((self.root / LIVE).read_text("utf-8"))
        except (OSError, ValueError):
            return None

    def rollback_target(self) -> str:
        """The newest good run older than the live one that still has its site."""
        live = (self.live() or {}).get("run_id")
        if live is None:
            raise PublishError(f"nothing to roll back: no run was published yet ({self.root})")
        older = [r for r in self.good_runs() if r < live and (self.root / r / "site").is_dir()]
        if not older:
            raise PublishError(
                f"nothing to roll back to: no good run with a kept site before {live} in {self.root}"
            )
        return older[-1]

    def _latest_with(self, name: str, before: str) -> Path | None:
        for run_id in reversed(self.runs()):
            if run_id < before and (self.root / run_id / name).is_dir():
                return self.root / run_id / name
        return None


def copy_tree(src: Path, dst: Path, reference: Path | None) -> None:
    """Copy ``src`` into ``dst``; files identical to the same path under ``reference`` are hard
    links to it instead of copies."""
    for root, _, names in os.walk(src):
        rel_root = Path(root).relative_to(src)
        (dst / rel_root).mkdir(parents=True, exist_ok=True)
        for name in names:
            s = Path(root) / name
            d = dst / rel_root / name
            ref = reference / rel_root / name if reference else None
            if ref is not None and _identical(s, ref):
                try:
                    os.link(ref, d)
                    continue
                except OSError:
                    pass
            shutil.copy2(s, d)


def _identical(a: Path, b: Path) -> bool:
    try:
        return b.is_file() and a.stat().st_size == b.stat().st_size and hash_file(a) == hash_file(b)
    except OSError:
        return False


def scrub(value: object, key: str = "") -> object:
    """The configuration as kept on disk: no password or token, not even inside a URL.

    Keys naming an environment variable (``password_env``) hold a name, not a secret, and stay.
    """
    if isinstance(value, dict):
        return {k: scrub(v, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub(v, key) for v in value]
    if isinstance(value, str):
        if value and SECRET_KEY.search(key) and not key.endswith("_env"):
            return "********"
        return strip_userinfo(value)
    return value
