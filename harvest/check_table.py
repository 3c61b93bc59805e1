"""What ``hcportal harvest --check`` found: one :class:`Row` per step, and the table a person reads.

The table is plain aligned text: it reads in a terminal and in a log alike, and every cell (CRM
text, or derived from it) is flattened and stripped of control characters first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from hcportal.harvest import pagetext

FOUND, NOT_FOUND, AMBIGUOUS = "found", "not found", "ambiguous"
OK, FAILED, SKIPPED = "ok", "failed", "skipped"
SIGN_IN = "(sign-in)"


@dataclass
class Row:
    """One step of the walk."""

    report: str
    route: str
    step: str
    locator: str
    result: str
    detail: str = ""  # the candidates seen, an HTTP status, which signal said "ready"
    seconds: float = 0.0
    screenshot: str = ""
    problem: bool = False  # it would stop the harvest on this route


@dataclass
class CheckResult:
    crm: str
    profile: str
    rows: list[Row] = field(default_factory=list)
    screenshots: Path | None = None

    @property
    def problems(self) -> list[Row]:
        return [r for r in self.rows if r.problem]

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        counts = {
            k: sum(r.result == k for r in self.rows) for k in (FOUND, NOT_FOUND, AMBIGUOUS, FAILED)
        }
        line = (
            f"{len(self.rows)} steps: {counts[FOUND]} found, {counts[NOT_FOUND]} not found, "
            f"{counts[AMBIGUOUS]} ambiguous, {counts[FAILED]} failed; "
            f"{len(self.problems)} would stop the harvest"
        )
        shots = sorted({Path(r.screenshot).parent for r in self.rows if r.screenshot})
        if shots:
            line += f"; screenshots in {shots[0]}/"
        return line


def table(result: CheckResult) -> str:
    """The rows as a plain, aligned table that reads in a terminal and in a log (no colour, no
    control characters: every cell is CRM text or derived from it)."""
    heads = ("report", "route", "step", "locator", "result", "time")
    cells = [
        (
            pagetext.clean(r.report, 14),
            r.route,
            pagetext.clean(r.step, 28),
            pagetext.clean(r.locator, 52),
            r.result + (" !" if r.problem else ""),
            f"{r.seconds:.1f} s" if r.seconds else "-",
        )
        for r in result.rows
    ]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(heads)]
    out = [
        f"Profile check: {pagetext.clean(result.profile, 60)} at {result.crm}",
        "  ".join(h.ljust(w) for h, w in zip(heads, widths, strict=True)).rstrip(),
        "  ".join("-" * w for w in widths),
    ]
    indent = " " * (widths[0] + 2)
    for row, cell in zip(result.rows, cells, strict=True):
        out.append("  ".join(c.ljust(w) for c, w in zip(cell, widths, strict=True)).rstrip())
        if row.detail:
            out.append(f"{indent}↳ {pagetext.clean(row.detail, 400)}")
        if row.screenshot:
            out.append(f"{indent}↳ screenshot: {row.screenshot}")
    out.append(result.summary())
    out.append("(! = would stop the harvest on that route)")
    return "\n".join(out)
