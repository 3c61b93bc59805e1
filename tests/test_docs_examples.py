"""The docs' examples are right: every example marked runnable is run against the demo CRM.

A fenced block right after an HTML comment ``<!-- example: KIND [ARGS] -->`` is an example:

- ``demo-crm``: a ``hcportal demo-crm ...`` command, started in the background on a free port;
  its address replaces ``http://127.0.0.1:8765`` in every later block of the page;
- ``file NAME``: written to NAME in the page's scratch folder;
- ``sh [exit=N]``: run by bash in that folder, the blocks of a page one after the other as in one
  terminal (exported variables carry over); it must exit with N (default 0);
- ``output``: each line must appear in what the ``sh`` block before it printed (``…`` stands for
  anything; runs of blanks count as one);
- ``config`` and ``profile``: must load as an hcportal config or a CRM profile.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from hcportal.config import load_config
from hcportal.harvest.profile import load_profile

# End to end: real harvests in Chromium against the demo CRM, or the CLI in processes of its own
# (`make test` runs them; `make test-fast`, the edit-test loop, skips them).
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
PAGES = [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]
PLACEHOLDER = "http://127.0.0.1:8765"
MARKER = re.compile(
    r"<!--\s*example:\s*(?P<spec>[^>]*?)\s*-->\s*\n```[\w-]*\n(?P<body>.*?)\n```", re.S
)
KINDS = {"demo-crm", "file", "sh", "output", "config", "profile"}


@dataclass(frozen=True)
class Example:
    kind: str
    args: tuple[str, ...]
    body: str
    line: int

    def where(self, page: Path) -> str:
        return f"{page.relative_to(ROOT)}:{self.line} ({self.kind})"


def examples(page: Path) -> list[Example]:
    text = page.read_text("utf-8")
    found = []
    for m in MARKER.finditer(text):
        kind, *args = m.group("spec").split()
        found.append(
            Example(kind, tuple(args), m.group("body"), text.count("\n", 0, m.start()) + 1)
        )
    return found


def pages_with_examples() -> list[Path]:
    return [p for p in PAGES if examples(p)]


def test_every_marker_is_a_known_kind_right_before_a_block():
    for page in PAGES:
        text = page.read_text("utf-8")
        markers = len(re.findall(r"^<!--\s*example:", text, re.M))
        found = examples(page)
        assert markers == len(found), f"{page}: an example marker not right before a ``` block"
        for ex in found:
            assert ex.kind in KINDS, ex.where(page)


def test_the_harvesting_guide_walks_through_a_profile_check_that_runs():
    kinds = [e.kind for e in examples(ROOT / "docs" / "harvesting.md")]
    assert kinds.count("demo-crm") == 1 and kinds.count("output") >= 3
    assert {"file", "sh", "profile"} <= set(kinds)


@pytest.mark.parametrize("page", pages_with_examples(), ids=lambda p: p.name)
def test_the_examples_of_a_page_run(page: Path, tmp_path: Path):
    runner = _Page(page, tmp_path)
    try:
        for example in examples(page):
            runner.run(example)
    finally:
        runner.close()


class _Page:
    def __init__(self, page: Path, folder: Path) -> None:
        self.page, self.folder = page, folder
        self.address = PLACEHOLDER
        self.demo: subprocess.Popen[str] | None = None
        self.last_output: str | None = None
        self.state = folder / ".example-env.sh"
        self.env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("HCPORTAL_CRM_", "DEMOCRM_"))
            and k not in ("DISPLAY", "HCPORTAL_CONFIG")
        }
        self.env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{self.env.get('PATH', '')}"
        self.env["PYTHONUNBUFFERED"] = "1"

    def run(self, ex: Example) -> None:
        body = ex.body.replace(PLACEHOLDER, self.address)
        where = ex.where(self.page)
        if ex.kind == "demo-crm":
            self._start_demo(body, where)
        elif ex.kind == "file":
            (self.folder / ex.args[0]).write_text(body + "\n", "utf-8")
        elif ex.kind == "sh":
            self._sh(body, ex, where)
        elif ex.kind == "output":
            self._output(body, where)
        elif ex.kind == "config":
            path = self.folder / "example-config.toml"
            path.write_text(body + "\n", "utf-8")
            load_config(path)
        elif ex.kind == "profile":
            path = self.folder / "example-profile.toml"
            path.write_text(body + "\n", "utf-8")
            load_profile(str(path))

    def _start_demo(self, body: str, where: str) -> None:
        argv = shlex.split(body.strip())
        assert argv[:2] == ["hcportal", "demo-crm"], where
        args = argv[2:]
        if "--port" in args:  # any port the page names: a free one here
            i = args.index("--port")
            del args[i : i + 2]
        self.demo = subprocess.Popen(
            [sys.executable, "-m", "hcportal", "demo-crm", *args, "--port", "0"],
            cwd=self.folder,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert self.demo.stdout is not None
        for line in self.demo.stdout:
            m = re.search(r"Demo CRM on (http://[\d.]+:\d+)/", line)
            if m:
                self.address = m.group(1)
                return
        raise AssertionError(f"{where}: the demo CRM did not start")

    def _sh(self, body: str, ex: Example, where: str) -> None:
        expected = int(dict(a.split("=", 1) for a in ex.args if "=" in a).get("exit", "0"))
        state = shlex.quote(str(self.state))
        script = (
            f"[ -f {state} ] && . {state}\n"
            f"trap 'export -p > {state}' EXIT\n"
            "set -eo pipefail\n" + body + "\n"
        )
        done = subprocess.run(
            ["bash", "-c", script],
            cwd=self.folder,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        self.last_output = done.stdout + done.stderr
        assert done.returncode == expected, (
            f"{where}: exit {done.returncode}, expected {expected}\n{self.last_output}"
        )
        assert "Traceback" not in self.last_output, f"{where}\n{self.last_output}"

    def _output(self, body: str, where: str) -> None:
        assert self.last_output is not None, f"{where}: no sh block before this output"
        printed = [" ".join(line.split()) for line in self.last_output.splitlines()]
        for wanted in body.splitlines():
            wanted = " ".join(wanted.split())
            if not wanted:
                continue
            pattern = ".*?".join(re.escape(part.strip()) for part in wanted.split("…"))
            assert any(re.search(pattern, line) for line in printed), (
                f"{where}: the docs show\n  {wanted}\nbut the command printed:\n"
                + "\n".join(printed)
            )

    def close(self) -> None:
        if self.demo is not None:
            self.demo.terminate()
            try:
                self.demo.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.demo.kill()
                self.demo.wait()
