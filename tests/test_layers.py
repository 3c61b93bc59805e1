"""The architecture, checked: one import namespace, and imports that only go down the layers.

import-linter cannot see the stages (it walks the `hcportal/` folder, and the stages live in
top-level folders mapped into the namespace), so this test reads every module's imports with
`ast`, under the name it is installed as, and checks the same contracts.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_DIRS = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
    "package-dir"
]
STAGES = ("hcportal.harvest", "hcportal.transform", "hcportal.render", "hcportal.publish")

# Top to bottom: a module may import its own layer and the layers below, never one above.
LAYERS = (
    ("hcportal.cli", "hcportal.__main__", "hcportal.config_docs", "hcportal.data_docs"),
    ("hcportal.pipeline", "hcportal.runreport", "hcportal.previous", "hcportal.backtest"),
    ("hcportal.config",),
    ("hcportal.demo",),
    (*STAGES, "hcportal.democrm", "hcportal.site_templates"),
    ("hcportal.core", "hcportal"),
)
# (importer, imported): never, not even through other modules.
FORBIDDEN = [(stage, "hcportal.democrm") for stage in STAGES] + [
    ("hcportal.render", "hcportal.publish"),
    ("hcportal.publish", "hcportal.render"),
]


def modules() -> dict[str, Path]:
    """Every module of the distribution, by the name it is imported as."""
    found = {}
    for package, folder in PACKAGE_DIRS.items():
        for path in sorted((ROOT / folder).rglob("*.py")):
            rel = path.relative_to(ROOT / folder).with_suffix("")
            parts = [p for p in rel.parts if p != "__init__"]
            if any(p.startswith(".") or p == "static" for p in parts):
                continue
            found[".".join([package, *parts])] = path
    return found


def imports(name: str, path: Path) -> set[str]:
    """The hcportal modules ``name`` imports, at the top or inside a function."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{name}: use absolute imports (hcportal.<stage>...)"
            out.add(node.module or "")
            out |= {f"{node.module}.{a.name}" for a in node.names}
    return {m for m in out if m == "hcportal" or m.startswith("hcportal.")}


def owner(module: str, candidates) -> str | None:
    """The longest of ``candidates`` that is ``module`` or a package holding it."""
    hits = [c for c in candidates if module == c or module.startswith(c + ".")]
    return max(hits, key=len) if hits else None


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    mods = modules()
    return {name: {m for m in imports(name, path) if m in mods} for name, path in mods.items()}


def layer_of(module: str) -> int:
    everything = [m for layer in LAYERS for m in layer]
    top = owner(module, everything)
    assert top is not None, f"{module} is in no layer: add it to LAYERS"
    return next(i for i, layer in enumerate(LAYERS) if top in layer)


def test_every_import_goes_down_the_layers(graph):
    upward = [
        f"{a} imports {b}"
        for a, targets in graph.items()
        for b in targets
        if layer_of(b) < layer_of(a)
    ]
    assert not upward, "imports that go up a layer:\n" + "\n".join(sorted(upward))


def test_forbidden_imports_are_absent_even_indirectly(graph):
    def reach(start: str) -> set[str]:
        seen, todo = set(), [m for m in graph if owner(m, [start])]
        while todo:
            for nxt in graph[todo.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    broken = [f"{a} reaches {b}" for a, b in FORBIDDEN if any(owner(m, [b]) for m in reach(a))]
    assert not broken, "\n".join(broken)


def test_the_layer_check_catches_an_upward_import(graph):
    """The check itself: a core module importing the pipeline would be flagged."""
    assert layer_of("hcportal.pipeline") < layer_of("hcportal.core.errors")
    assert layer_of("hcportal.render.split") == layer_of("hcportal.publish.gate")


def test_one_import_name_and_no_module_under_two_names():
    """Installed, hcportal adds `hcportal` alone; a stage folder never imports as itself."""
    assert all(p == "hcportal" or p.startswith("hcportal.") for p in PACKAGE_DIRS)
    for folder in {v for k, v in PACKAGE_DIRS.items() if k != "hcportal"}:
        done = subprocess.run(
            [sys.executable, "-c", f"import {folder}"], cwd=ROOT, capture_output=True, text=True
        )
        assert done.returncode != 0 and f"import hcportal.{folder}, not {folder}" in done.stderr
