"""Golden files: the site rendered from the fixed dataset, file by file, as committed.

A change to a template, a page or a dataset shows up here as a readable diff. When the change is
intended, regenerate the goldens and commit them with it:

    make goldens        # HCPORTAL_UPDATE_GOLDENS=1 pytest tests/test_site_golden.py

Data files are compared as indented JSON so that a diff points at the value that changed; the
static folder (CSS, scripts, vendored libraries) is copied verbatim and not part of the goldens,
nor is built-from.json (the digest of the data's meta.json, timings included: the publish tests
check it).
"""

from __future__ import annotations

import difflib
import json
import os
import re
import shutil
from pathlib import Path

import pytest

from hcportal import __version__
from hcportal.core.provenance import STAMP
from tests.sitedata import fixture_site

GOLDEN = Path(__file__).parent / "golden" / "site"
UPDATE = os.environ.get("HCPORTAL_UPDATE_GOLDENS") == "1"
_DATA = re.compile(
    r'^window\.HCP=window\.HCP\|\|\{data:\{\}\};HCP\.data\[("[^"]*")\]=(.*);\n$', re.S
)


# Data files are named by their content's hash; the goldens compare the content instead.
_HASHED = re.compile(r"\.[0-9a-f]{8}\.js\b")


def normalise(path: Path, text: str) -> str:
    """The version and data files' content hashes are not part of the golden; a data file's JSON
    is indented, one value a line."""
    text = text.replace(f"hcportal {__version__}", "hcportal VERSION")
    text = _HASHED.sub(".js", text)
    m = _DATA.match(text) if path.suffix == ".js" else None
    if m:
        text = f"HCP.data[{m.group(1)}] =\n{_lines(json.loads(m.group(2)))}\n"
    return text


def _lines(value: object, indent: str = "") -> str:
    """Objects one key a line, arrays on one line: a column's change is one line of the diff."""
    if isinstance(value, dict) and value and any(isinstance(v, dict) for v in value.values()):
        inner = indent + "  "
        items = [f"{inner}{json.dumps(k)}: {_lines(v, inner)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + indent + "}"
    return json.dumps(value, ensure_ascii=False)


def rendered(site: Path) -> dict[str, str]:
    return {
        _HASHED.sub(".js", p.relative_to(site).as_posix()): normalise(p, p.read_text("utf-8"))
        for p in sorted(site.rglob("*"))
        if p.is_file() and p.relative_to(site).parts[0] != "static" and p.name != STAMP
    }


def test_the_site_matches_its_golden_files(tmp_path):
    fixture_site(tmp_path / "site")
    got = rendered(tmp_path / "site")
    if UPDATE:
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for name, text in got.items():
            (GOLDEN / name).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / name).write_text(text, "utf-8")
    want = {name: (GOLDEN / name).read_text("utf-8") for name in _golden_names()}
    assert sorted(got) == sorted(want), "pages or data files were added or removed (make goldens)"
    for name in sorted(got):
        if got[name] != want[name]:
            diff = "".join(
                difflib.unified_diff(
                    want[name].splitlines(keepends=True),
                    got[name].splitlines(keepends=True),
                    f"golden/{name}",
                    f"built/{name}",
                )
            )
            pytest.fail(f"{name} differs from its golden file (make goldens if intended):\n{diff}")


def _golden_names() -> list[str]:
    return [p.relative_to(GOLDEN).as_posix() for p in sorted(GOLDEN.rglob("*")) if p.is_file()]


def test_the_goldens_cover_every_kind_of_page():
    names = _golden_names()
    for expected in ("index.html", "targets.html", "owners.html", "efficacy.html", "quality.html",
                     "xray.html", "data/targets.js", "data/xray/0.js"):  # fmt: skip
        assert expected in names
    assert any(n.startswith("owners/") for n in names)
    assert any(n.startswith("regions/") for n in names)
    assert any(n.startswith("data/owners/") for n in names)
