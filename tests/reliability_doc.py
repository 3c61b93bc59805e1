"""Write docs/reliability.md: hcportal's promises, and every fault and bad input the tests try.

The list is read from the tests themselves: a test that tries a fault carries
``@pytest.mark.reliability("the fault or bad input", "what hcportal does")`` (on the test, or on
one ``pytest.param`` of it). ``make docs`` regenerates the page; ``tests/test_reliability_doc.py``
fails when the committed page differs, so the page cannot promise what no test checks.

    python -m tests.reliability_doc > docs/reliability.md
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

TESTS = Path(__file__).resolve().parent

INTRO = """\
# Reliability: what hcportal guarantees, and what the tests try

_This page is generated from the tests (`make docs`); a test fails when it is out of date. Every
row below is a test that tries the fault or bad input and checks the outcome._

## Guarantees

- **Nothing is changed silently.** Every input value the transform cannot read exactly as written
  is either read exactly or listed in `data_quality.csv` (file, line, column, value, reason) and
  counted in `meta.json`: impossible calendar dates, numbers with misplaced separators, amounts
  in another currency than the book's (`transform.parsing.currency`; converted only with a
  configured rate, never summed as one), lines in another encoding than the file's, control
  characters, duplicate headers, malformed rows. Every physical record of a report is counted as
  read, however long its fields.
- **The last good data is kept.** Every stage writes aside and moves its output into place in
  one step; a failure, a refusal or a kill leaves the previous raw run, tables and site as they
  were.
- **Publishing is atomic and gated.** Readers see the old release or the new one, never half of
  one. The gate refuses a night whose harvest failed, whose reports lost rows, whose rows were
  not all read or were too often rejected, whose site fails its checks or holds anything a site
  does not ship (judged by content, whatever the name), or (by hand) whose data is unknown.
  `--force REASON` overrides it and keeps the reason.
- **The history is append-only.** Every run and every publish by hand has its own entry; nothing
  kept in an entry is written again; a rollback steps back through real releases, each with the
  data it was judged on.
- **No secret in any artifact.** Passwords, cookies and sessions never reach a log line, a
  message, a run report, the history or a published site; CSV and Excel files meant for people
  neutralise spreadsheet formulas; messages quote input as printable text, cut to a sensible
  length; report files linked out of their folder are refused.
- **One writer at a time.** Every command that writes into the build folder holds its lock; a
  second one stops with a message. Two `make setup` at once wait for each other.

## Faults and bad input the tests try
"""


@dataclass(frozen=True)
class Case:
    module: str
    test: str
    case: str
    outcome: str


def cases(folder: Path = TESTS) -> list[Case]:
    """Every ``reliability`` mark in the test modules, in file and line order."""
    found = []
    for path in sorted(folder.glob("test_*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for deco in node.decorator_list:
                for call in ast.walk(deco):
                    if _is_mark(call):
                        case, outcome = (ast.literal_eval(a) for a in call.args[:2])
                        found.append(Case(path.stem, node.name, case, outcome))
    return found


def _is_mark(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "reliability"
        and len(node.args) >= 2
    )


def _title(module: str) -> str:
    """A module's heading: the first line of its docstring."""
    doc = ast.get_docstring(ast.parse((TESTS / f"{module}.py").read_text("utf-8"))) or module
    return doc.splitlines()[0].rstrip(".")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(found: list[Case]) -> str:
    lines = [INTRO]
    for module in dict.fromkeys(c.module for c in found):
        lines += [f"### {_title(module)}", "", f"`tests/{module}.py`", ""]
        lines += ["| fault or bad input | outcome | test |", "|---|---|---|"]
        for c in (c for c in found if c.module == module):
            lines.append(f"| {_cell(c.case)} | {_cell(c.outcome)} | `{c.test}` |")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(render(cases()))
